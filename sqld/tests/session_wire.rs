//! Sessions behind the real wire protocol, driven by mysql_async: what a
//! driver sees of SHOW metadata, prepared SHOW / SET, accounts and KILL.

mod session_common;

use mysql_async::prelude::*;
use mysql_async::{ChangeUserOpts, Conn, OptsBuilder, Row, Value};
use session_common::*;
use sqld::protocol::{serve_connection, ProtocolConfig, RsaKeys};
use sqld::session::Shared;
use std::sync::Arc;

/// Serves `shared` on an ephemeral port; returns the port.
async fn listen(shared: Arc<Shared>) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let rsa = Arc::new(RsaKeys::generate(1024).expect("rsa keys"));
    let config = Arc::new(ProtocolConfig::new("8.0.36-sqld", rsa));
    tokio::spawn(async move {
        while let Ok((stream, peer)) = listener.accept().await {
            let Ok(session) = shared.admit(peer) else {
                continue;
            };
            tokio::spawn(serve_connection(stream, peer, session, config.clone()));
        }
    });
    port
}

async fn connect(
    port: u16,
    user: &str,
    pass: Option<&str>,
    db: Option<&str>,
) -> mysql_async::Result<Conn> {
    let opts = OptsBuilder::default()
        .ip_or_hostname("127.0.0.1")
        .tcp_port(port)
        .user(Some(user))
        .pass(pass)
        .db_name(db);
    Conn::new(opts).await
}

#[tokio::test]
async fn driver_sees_session_statements() {
    let dir = TempDir::new("wire");
    let shared = open_shared(&dir, 10).await;
    let port = listen(shared.clone()).await;
    let mut c = connect(port, "root", None, None)
        .await
        .expect("root connects");

    let v: Vec<(String, String)> = c
        .query("SHOW VARIABLES LIKE 'max_allowed_packet'")
        .await
        .unwrap();
    assert_eq!(
        v,
        vec![("max_allowed_packet".to_string(), "67108864".to_string())]
    );
    let n: Option<u64> = c.query_first("SELECT @@max_allowed_packet").await.unwrap();
    assert_eq!(n, Some(64 << 20));

    // Prepared (binary protocol) SHOW and SET.
    let v: Vec<(String, String)> = c
        .exec("SHOW VARIABLES LIKE 'autocommit'", ())
        .await
        .unwrap();
    assert_eq!(v[0].1, "ON");
    c.exec_drop("SET @x = ?", ("hello",)).await.unwrap();
    let x: Option<String> = c.query_first("SELECT @x").await.unwrap();
    assert_eq!(x.as_deref(), Some("hello"));

    // SHOW PROCESSLIST: Id is a number a driver reads as one.
    let rows: Vec<Row> = c.query("SHOW PROCESSLIST").await.unwrap();
    assert_eq!(rows.len(), 1);
    let id: u64 = rows[0].get(0).unwrap();
    assert_eq!(id, u64::from(c.id()));

    // An account with caching_sha2_password, first login over RSA.
    c.query_drop("CREATE DATABASE app").await.unwrap();
    c.query_drop("CREATE USER 'app'@'%' IDENTIFIED BY 's3cret'")
        .await
        .unwrap();
    c.query_drop("GRANT ALL ON app.* TO 'app'@'%'")
        .await
        .unwrap();
    let mut app = connect(port, "app", Some("s3cret"), Some("app"))
        .await
        .expect("app connects");
    let db: Option<String> = app.query_first("SELECT DATABASE()").await.unwrap();
    assert_eq!(db.as_deref(), Some("app"));
    let err = app.query_drop("USE mysql").await.unwrap_err();
    assert!(err.to_string().contains("1044"), "{err}");
    assert!(connect(port, "app", Some("wrong"), None).await.is_err());
    let err = connect(port, "app", Some("s3cret"), Some("nope"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("1044"), "{err}");

    // KILL from another connection ends the session.
    let app_id = app.id();
    c.query_drop(format!("KILL {app_id}")).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(app.query_drop("SELECT 1").await.is_err());
    let rows: Vec<Row> = c.query("SHOW PROCESSLIST").await.unwrap();
    assert_eq!(rows.len(), 1);

    c.disconnect().await.unwrap();
}

/// COM_CHANGE_USER and COM_RESET_CONNECTION reset the session for real.
#[tokio::test]
async fn change_user_and_reset_connection() {
    let dir = TempDir::new("wire2");
    let shared = open_shared(&dir, 10).await;
    let port = listen(shared.clone()).await;
    let mut c = connect(port, "root", None, None)
        .await
        .expect("root connects");
    for sql in [
        "CREATE DATABASE cu",
        "CREATE TABLE cu.t (id INT PRIMARY KEY)",
        "CREATE USER 'bob'@'%' IDENTIFIED BY 'bobpw'",
        "GRANT ALL ON cu.* TO 'bob'@'%'",
        "SET @x = 42",
    ] {
        c.query_drop(sql).await.unwrap();
    }
    c.change_user(
        ChangeUserOpts::default()
            .with_user(Some("bob".into()))
            .with_pass(Some("bobpw".into()))
            .with_db_name(Some("cu".into())),
    )
    .await
    .expect("change user to bob");
    let who: Option<(String, String)> = c
        .query_first("SELECT CURRENT_USER(), DATABASE()")
        .await
        .unwrap();
    assert_eq!(who, Some(("bob@%".to_string(), "cu".to_string())));
    let x: Option<Value> = c.query_first("SELECT @x").await.unwrap();
    assert_eq!(x, Some(Value::NULL));

    c.query_drop("SET autocommit = 0").await.unwrap();
    c.query_drop("INSERT INTO t VALUES (1)").await.unwrap();
    assert!(c.reset().await.unwrap(), "COM_RESET_CONNECTION supported");
    let ac: Option<i64> = c.query_first("SELECT @@autocommit").await.unwrap();
    assert_eq!(ac, Some(1));
    let n: Option<i64> = c.query_first("SELECT COUNT(*) FROM t").await.unwrap();
    assert_eq!(n, Some(0), "the open transaction was rolled back");
    let dbs: Vec<String> = c.query("SHOW DATABASES").await.unwrap();
    assert_eq!(dbs, vec!["information_schema", "cu"]);
}
