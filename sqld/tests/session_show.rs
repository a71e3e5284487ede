//! SHOW output built from the catalog, the registry and the server.

mod session_common;

use session_common::*;
use sqld::protocol::Handler;

#[tokio::test]
async fn show_catalog_objects() {
    let dir = TempDir::new("show");
    let shared = open_shared(&dir, 10).await;
    create_db_and_table(&shared, "shop").await;
    let mut s = login(&shared, "root", Some("shop")).await.unwrap();
    assert_eq!(rows(&mut s, "SHOW DATABASES").await, vec![vec!["shop"]]);
    assert_eq!(rows(&mut s, "SHOW TABLES").await, vec![vec!["t"]]);
    assert_eq!(
        rows(&mut s, "SHOW FULL TABLES FROM shop LIKE 't%'").await,
        vec![vec!["t", "BASE TABLE"]]
    );
    assert_eq!(
        rows(&mut s, "SHOW COLUMNS FROM t").await,
        vec![
            vec!["id", "int(11)", "NO", "PRI", "NULL", "auto_increment"],
            vec!["c", "char(20)", "NO", "", "NULL", ""],
        ]
    );
    assert_eq!(rows(&mut s, "DESC shop.t").await.len(), 2);
    let idx = rows(&mut s, "SHOW INDEX FROM t").await;
    assert_eq!(idx[0][2], "PRIMARY");
    assert_eq!(idx[0][4], "id");
    let create = rows(&mut s, "SHOW CREATE TABLE t").await;
    assert_eq!(
        create[0][1],
        "CREATE TABLE `t` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `c` char(20) NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=EMBEDDED DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"
    );
    assert_eq!(
        rows(&mut s, "SHOW CREATE DATABASE shop").await[0][1],
        "CREATE DATABASE `shop` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci */"
    );
    assert_eq!(rows(&mut s, "SHOW TABLE STATUS").await[0][0], "t");
    assert_eq!(code(&mut s, "SHOW COLUMNS FROM nope").await, 1146);
    let fields = s.field_list("t", "").await.unwrap();
    assert_eq!(fields.len(), 2);
    assert_eq!(fields[0].schema, "shop");
    assert_eq!(s.field_list("t", "c%").await.unwrap().len(), 1);
    s.init_db("shop").await.unwrap();
    assert_eq!(s.init_db("nope").await.unwrap_err().code, 1049);
}

#[tokio::test]
async fn show_server_objects() {
    let dir = TempDir::new("show2");
    let shared = open_shared(&dir, 10).await;
    let mut s = login(&shared, "root", None).await.unwrap();
    assert_eq!(rows(&mut s, "SHOW ENGINES").await[0][1], "DEFAULT");
    assert_eq!(
        rows(&mut s, "SHOW COLLATION LIKE 'utf8mb4_bin'").await,
        vec![vec![
            "utf8mb4_bin",
            "utf8mb4",
            "46",
            "",
            "Yes",
            "1",
            "PAD SPACE"
        ]]
    );
    assert_eq!(
        rows(&mut s, "SHOW CHARACTER SET LIKE 'latin%'").await,
        vec![vec![
            "latin1",
            "cp1252 West European",
            "latin1_swedish_ci",
            "1"
        ]]
    );
    assert_eq!(code(&mut s, "SHOW PLUGINS").await, 1235);
}

#[tokio::test]
async fn processlist_kill_and_max_connections() {
    let dir = TempDir::new("proc");
    let shared = open_shared(&dir, 3).await;
    let mut a = login(&shared, "root", None).await.unwrap();
    let b = login(&shared, "root", None).await.unwrap();
    let pl = rows(&mut a, "SHOW FULL PROCESSLIST").await;
    assert_eq!(pl.len(), 2);
    let me = pl
        .iter()
        .find(|r| r[0] == a.connection_id().to_string())
        .unwrap();
    assert_eq!(me[1], "root");
    assert_eq!(me[4], "Query");
    assert_eq!(me[7], "SHOW FULL PROCESSLIST");

    // max_connections = 3: the fourth is refused.
    let c = shared.admit(peer()).unwrap();
    assert_eq!(shared.admit(peer()).err().map(|e| e.code), Some(1040));
    drop(c);
    let c = shared.admit(peer()).unwrap();

    assert_eq!(code(&mut a, "KILL 99999").await, 1094);
    let killed = {
        let b_id = b.connection_id();
        let wait = tokio::spawn(async move {
            b.killed().await;
            b
        });
        ok(&mut a, &format!("KILL {b_id}")).await;
        tokio::time::timeout(std::time::Duration::from_secs(5), wait)
            .await
            .expect("killed() resolves")
            .unwrap()
    };
    drop(killed);
    drop(c);
    assert_eq!(rows(&mut a, "SHOW PROCESSLIST").await.len(), 1);
}
