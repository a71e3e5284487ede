//! Session state and connection management: variables, SHOW, wait_timeout,
//! max_connections, KILL, SIGTERM.

use crate::common::*;
use mysql_async::prelude::*;
use mysql_async::{Conn, Row, Value};
use sqld_tests::{block_on_with_timeout, ServerOptions, TestServer};
use std::time::Duration;

#[test]
fn sigterm_shuts_down_cleanly() {
    let mut server = TestServer::start();
    block_on_with_timeout(30, async {
        let mut conn = server.conn().await;
        assert_eq!(count(&mut conn, "SELECT 1").await, 1);
    });
    let status = server
        .stop()
        .expect("exits within the grace period after SIGTERM");
    assert!(status.success(), "exit status after SIGTERM: {status}");
}

#[test]
fn session_variables_and_show_statements() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE sv",
                "USE sv",
                "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, name VARCHAR(10) DEFAULT 'x', KEY name_idx (name))",
            ],
        )
        .await;
        assert_eq!(count(&mut conn, "SELECT @@autocommit").await, 1);
        assert_eq!(
            count(&mut conn, "SELECT CONNECTION_ID()").await,
            i64::from(conn.id())
        );
        assert_eq!(
            text(&mut conn, "SELECT DATABASE()").await.as_deref(),
            Some("sv")
        );
        let version = text(&mut conn, "SELECT VERSION()")
            .await
            .unwrap_or_default();
        assert_eq!(
            text(&mut conn, "SELECT @@version").await.as_deref(),
            Some(version.as_str())
        );
        if server.is_sqld() {
            assert!(version.ends_with("-sqld"), "{version}");
        }
        assert_eq!(
            count(&mut conn, "SELECT @@max_allowed_packet").await,
            64 << 20
        );
        assert_eq!(
            text(&mut conn, "SELECT @@character_set_client")
                .await
                .as_deref(),
            Some("utf8mb4")
        );
        setup(&mut conn, &["SET NAMES latin1"]).await;
        assert_eq!(
            text(&mut conn, "SELECT @@character_set_client")
                .await
                .as_deref(),
            Some("latin1")
        );
        setup(&mut conn, &["SET NAMES utf8mb4", "SET @a = 5, @b = 'five'"]).await;
        assert_eq!(count(&mut conn, "SELECT @a + 1").await, 6);
        assert_eq!(text(&mut conn, "SELECT @b").await.as_deref(), Some("five"));
        setup(
            &mut conn,
            &["SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE"],
        )
        .await;
        assert_eq!(
            text(&mut conn, "SELECT @@tx_isolation").await.as_deref(),
            Some("SERIALIZABLE")
        );
        setup(&mut conn, &["SET autocommit = 0"]).await;
        assert_eq!(count(&mut conn, "SELECT @@session.autocommit").await, 0);
        assert_error(
            conn.query_drop("SELECT @@no_such_variable").await,
            1193,
            "HY000",
            "unknown variable",
        );

        let vars: Vec<(String, String)> = conn
            .query("SHOW VARIABLES LIKE 'max_allowed_packet'")
            .await
            .unwrap();
        assert_eq!(
            vars,
            [("max_allowed_packet".to_string(), (64u64 << 20).to_string())]
        );
        let dbs: Vec<String> = conn.query("SHOW DATABASES").await.unwrap();
        assert!(
            dbs.contains(&"sv".to_string()) && dbs.contains(&"information_schema".to_string()),
            "{dbs:?}"
        );
        let tables: Vec<String> = conn.query("SHOW TABLES").await.unwrap();
        assert_eq!(tables, ["t"]);
        let columns: Vec<Row> = conn.query("SHOW COLUMNS FROM t").await.unwrap();
        let fields: Vec<(String, String, String, String)> = columns
            .into_iter()
            .map(|r| {
                let get = |i: usize| -> String {
                    match r.as_ref(i) {
                        Some(Value::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
                        _ => "NULL".to_string(),
                    }
                };
                (get(0), get(1), get(2), get(3))
            })
            .collect();
        assert_eq!(
            fields,
            [
                ("id".into(), "int(11)".into(), "NO".into(), "PRI".into()),
                (
                    "name".into(),
                    "varchar(10)".into(),
                    "YES".into(),
                    "MUL".into()
                ),
            ]
            .map(|(a, b, c, d): (String, String, String, String)| {
                // MySQL 8 drops the display width of INT; MariaDB keeps it.
                if server.is_sqld() {
                    (a, b.replace("int(11)", "int"), c, d)
                } else {
                    (a, b, c, d)
                }
            })
        );
        let warnings: Vec<Row> = conn.query("SHOW WARNINGS").await.unwrap();
        assert!(warnings.is_empty());
    });
}

#[test]
fn idle_session_closed_after_wait_timeout() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(&mut conn, &["SET SESSION wait_timeout = 1"]).await;
        tokio::time::sleep(Duration::from_millis(3500)).await;
        let result = conn.query_drop("SELECT 1").await;
        assert!(
            !matches!(result, Ok(())),
            "the server should have closed a session idle past wait_timeout"
        );
    });
}

#[test]
fn max_connections_refuses_with_1040() {
    // MariaDB's minimum max_connections is 10.
    const MAX: u32 = 10;
    let server = TestServer::start_with(ServerOptions {
        max_connections: Some(MAX),
        ..ServerOptions::default()
    });
    block_on_with_timeout(60, async {
        {
            let mut root = server.conn().await;
            setup(&mut root, &["CREATE USER 'u'@'%' IDENTIFIED BY 'p'"]).await;
            root.disconnect().await.expect("disconnect");
        }
        // MariaDB keeps one extra slot for administrators: use a plain user
        // so that both servers allow exactly max_connections.
        let opts = server.opts("u", "p", None);
        let mut open = Vec::new();
        // The root session may still be closing on the server: allow a moment.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while open.len() < MAX as usize {
            match Conn::new(opts.clone()).await {
                Ok(c) => open.push(c),
                Err(_) if std::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("connection {} of {MAX} refused: {e}", open.len() + 1),
            }
        }
        assert_error(
            Conn::new(opts.clone()).await,
            1040,
            "08004",
            "one connection too many",
        );
        let first = open.remove(0);
        first.disconnect().await.expect("disconnect");
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            match Conn::new(opts.clone()).await {
                Ok(c) => {
                    open.push(c);
                    break;
                }
                Err(e) => {
                    assert!(
                        std::time::Instant::now() < deadline,
                        "a freed slot is not reusable: {e}"
                    );
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    });
}

#[test]
fn kill_query_and_kill_connection() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut victim = server.conn().await;
        let mut killer = server.conn().await;
        let victim_id = victim.id();
        let started = std::time::Instant::now();
        let (sleep, kill) = tokio::join!(victim.query_drop("SELECT SLEEP(20)"), async {
            tokio::time::sleep(Duration::from_millis(500)).await;
            killer.query_drop(format!("KILL QUERY {victim_id}")).await
        });
        kill.expect("KILL QUERY");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "SLEEP was not interrupted"
        );
        let (code, state, m) = server_error(sleep);
        assert_eq!(
            (code, state.as_str()),
            (1317, "70100"),
            "interrupted statement: {m}"
        );
        assert_eq!(
            count(&mut victim, "SELECT 1").await,
            1,
            "KILL QUERY keeps the connection"
        );

        killer
            .query_drop(format!("KILL {victim_id}"))
            .await
            .expect("KILL");
        assert!(
            victim.query_drop("SELECT 1").await.is_err(),
            "a killed connection is closed"
        );
        assert_error(
            killer.query_drop("KILL 999999").await,
            1094,
            "HY000",
            "unknown thread id",
        );
    });
}
