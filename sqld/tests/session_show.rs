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
    assert_eq!(
        rows(&mut s, "SHOW DATABASES").await,
        vec![vec!["information_schema"], vec!["shop"]]
    );
    assert_eq!(rows(&mut s, "SHOW TABLES").await, vec![vec!["t"]]);
    assert_eq!(
        rows(&mut s, "SHOW FULL TABLES FROM shop LIKE 't%'").await,
        vec![vec!["t", "BASE TABLE"]]
    );
    assert_eq!(
        rows(&mut s, "SHOW COLUMNS FROM t").await,
        vec![
            vec!["id", "int", "NO", "PRI", "NULL", "auto_increment"],
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
        "CREATE TABLE `t` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  `c` char(20) NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=EMBEDDED DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"
    );
    assert_eq!(
        rows(&mut s, "SHOW CREATE DATABASE shop").await[0][1],
        "CREATE DATABASE `shop` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci */"
    );
    let status = rows(&mut s, "SHOW TABLE STATUS").await;
    let mut want = vec!["t", "EMBEDDED", "10", "Dynamic"];
    want.extend(["NULL"; 10]);
    want.extend(["utf8mb4_general_ci", "NULL", "", ""]);
    assert_eq!(status, vec![want]);
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
    // What mysqldump asks about objects sqld does not have: none.
    assert!(rows(&mut s, "SHOW TRIGGERS LIKE 't'").await.is_empty());
    assert!(rows(&mut s, "SHOW PROCEDURE STATUS WHERE Db = 'x'")
        .await
        .is_empty());
    assert!(rows(&mut s, "SHOW EVENTS").await.is_empty());
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

    // max_connections = 3: as in mysqld a fourth connection gets through the
    // handshake (kept for an account with global privileges; others get
    // 1040 at login), a fifth is refused outright.
    let c = shared.admit(peer()).unwrap();
    let d = shared.admit(peer()).unwrap();
    assert_eq!(shared.admit(peer()).err().map(|e| e.code), Some(1040));
    drop(d);
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

/// SHOW CREATE TABLE is valid SQL that recreates the table; it and SHOW
/// COLUMNS print what MySQL 8.0 prints for the same definition.
#[tokio::test]
async fn show_create_table_round_trips() {
    let dir = TempDir::new("roundtrip");
    let shared = open_shared(&dir, 10).await;
    let mut s = login(&shared, "root", None).await.unwrap();
    ok(&mut s, "CREATE DATABASE a").await;
    ok(&mut s, "CREATE DATABASE b").await;
    ok(&mut s, "USE a").await;
    ok(
        &mut s,
        "create table t (id int unsigned not null auto_increment, k int not null default 0, \
         c char(120) not null default '', pad varchar(60) default null, d decimal(10,2) default 1.50, \
         ts timestamp not null default current_timestamp on update current_timestamp, \
         dt datetime(3) default null, b blob, tx mediumtext collate utf8mb4_bin, f float, \
         primary key (id), unique key u (c, k), key k_1 (k)) default charset=utf8mb4",
    )
    .await;
    let create = rows(&mut s, "SHOW CREATE TABLE t").await[0][1].clone();
    let expected = "CREATE TABLE `t` (\n  `id` int unsigned NOT NULL AUTO_INCREMENT,\n  `k` int NOT NULL DEFAULT '0',\n  `c` char(120) NOT NULL DEFAULT '',\n  `pad` varchar(60) DEFAULT NULL,\n  `d` decimal(10,2) DEFAULT '1.50',\n  `ts` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n  `dt` datetime(3) DEFAULT NULL,\n  `b` blob,\n  `tx` mediumtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,\n  `f` float DEFAULT NULL,\n  PRIMARY KEY (`id`),\n  UNIQUE KEY `u` (`c`,`k`),\n  KEY `k_1` (`k`)\n)";
    assert!(create.starts_with(expected), "{create}");
    let columns = rows(&mut s, "SHOW COLUMNS FROM t").await;
    let mysql8: Vec<Vec<&str>> = vec![
        vec!["id", "int unsigned", "NO", "PRI", "NULL", "auto_increment"],
        vec!["k", "int", "NO", "MUL", "0", ""],
        vec!["c", "char(120)", "NO", "MUL", "", ""],
        vec!["pad", "varchar(60)", "YES", "", "NULL", ""],
        vec!["d", "decimal(10,2)", "YES", "", "1.50", ""],
        vec![
            "ts",
            "timestamp",
            "NO",
            "",
            "CURRENT_TIMESTAMP",
            "DEFAULT_GENERATED on update CURRENT_TIMESTAMP",
        ],
        vec!["dt", "datetime(3)", "YES", "", "NULL", ""],
        vec!["b", "blob", "YES", "", "NULL", ""],
        vec!["tx", "mediumtext", "YES", "", "NULL", ""],
        vec!["f", "float", "YES", "", "NULL", ""],
    ];
    assert_eq!(columns, mysql8);
    ok(&mut s, "USE b").await;
    ok(&mut s, &create).await;
    assert_eq!(rows(&mut s, "SHOW CREATE TABLE t").await[0][1], create);
}

/// The connect-time queries of Connector/J 5.1 and 8.0.
#[tokio::test]
async fn jdbc_connect_queries() {
    let dir = TempDir::new("jdbc");
    let shared = open_shared(&dir, 10).await;
    let mut s = login(&shared, "root", None).await.unwrap();
    let r = rows(
        &mut s,
        "/* mysql-connector-java-8.0.33 */SELECT  @@session.auto_increment_increment AS auto_increment_increment, \
         @@character_set_client AS character_set_client, @@character_set_connection AS character_set_connection, \
         @@character_set_results AS character_set_results, @@character_set_server AS character_set_server, \
         @@collation_server AS collation_server, @@collation_connection AS collation_connection, \
         @@init_connect AS init_connect, @@interactive_timeout AS interactive_timeout, @@license AS license, \
         @@lower_case_table_names AS lower_case_table_names, @@max_allowed_packet AS max_allowed_packet, \
         @@net_write_timeout AS net_write_timeout, @@performance_schema AS performance_schema, \
         @@query_cache_size AS query_cache_size, @@query_cache_type AS query_cache_type, @@sql_mode AS sql_mode, \
         @@system_time_zone AS system_time_zone, @@time_zone AS time_zone, \
         @@transaction_isolation AS transaction_isolation, @@wait_timeout AS wait_timeout",
    )
    .await;
    assert_eq!(r[0][0], "1");
    assert_eq!(r[0][9], "Apache-2.0");
    assert_eq!(r[0][11], "67108864");
    assert_eq!(r[0][17], "UTC");
    assert_eq!(r[0][19], "READ-COMMITTED");
    let r = rows(
        &mut s,
        "SHOW VARIABLES WHERE Variable_name ='language' OR Variable_name = 'net_write_timeout' OR \
         Variable_name = 'interactive_timeout' OR Variable_name = 'wait_timeout' OR \
         Variable_name = 'character_set_client' OR Variable_name = 'tx_isolation'",
    )
    .await;
    assert_eq!(r.len(), 5);
    ok(&mut s, "SET character_set_results = NULL").await;
    ok(&mut s, "SET NAMES utf8mb4").await;
    ok(&mut s, "SET autocommit=1").await;
    assert_eq!(
        rows(&mut s, "SELECT @@session.tx_read_only").await,
        vec![vec!["0"]]
    );
    assert!(!rows(&mut s, "SHOW COLLATION").await.is_empty());
}
