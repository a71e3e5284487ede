//! Commit, rollback, autocommit, savepoints, isolation, disconnects.

use crate::common::*;
use mysql_async::prelude::*;
use sqld_tests::{block_on_with_timeout, ServerOptions, TestServer};
use std::time::Duration;

#[test]
fn commit_rollback_and_autocommit() {
    let server = TestServer::start();
    block_on_with_timeout(120, async {
        let mut a = server.conn().await;
        setup(
            &mut a,
            &[
                "CREATE DATABASE tx",
                "USE tx",
                "CREATE TABLE t (id INT PRIMARY KEY, v INT)",
            ],
        )
        .await;
        let mut b = server.conn_db("tx").await;

        setup(&mut a, &["BEGIN", "INSERT INTO t VALUES (1, 10)"]).await;
        assert_eq!(
            count(&mut a, "SELECT COUNT(*) FROM t").await,
            1,
            "own write visible"
        );
        assert_eq!(
            count(&mut b, "SELECT COUNT(*) FROM t").await,
            0,
            "uncommitted write invisible"
        );
        setup(&mut a, &["ROLLBACK"]).await;
        assert_eq!(
            count(&mut a, "SELECT COUNT(*) FROM t").await,
            0,
            "rolled back"
        );

        setup(
            &mut a,
            &[
                "START TRANSACTION",
                "INSERT INTO t VALUES (2, 20)",
                "COMMIT",
            ],
        )
        .await;
        assert_eq!(
            count(&mut b, "SELECT COUNT(*) FROM t").await,
            1,
            "committed write visible"
        );

        // autocommit=0: every statement is in a transaction until COMMIT.
        setup(
            &mut a,
            &["SET autocommit = 0", "INSERT INTO t VALUES (3, 30)"],
        )
        .await;
        assert_eq!(
            count(&mut b, "SELECT COUNT(*) FROM t WHERE id = 3").await,
            0
        );
        setup(
            &mut a,
            &[
                "ROLLBACK",
                "INSERT INTO t VALUES (4, 40)",
                "COMMIT",
                "SET autocommit = 1",
            ],
        )
        .await;
        assert_eq!(
            count(&mut b, "SELECT COUNT(*) FROM t WHERE id IN (3, 4)").await,
            1
        );
        assert_eq!(
            count(&mut b, "SELECT id FROM t WHERE id IN (3, 4)").await,
            4
        );

        // BEGIN inside a transaction commits the first one.
        setup(
            &mut a,
            &[
                "BEGIN",
                "UPDATE t SET v = 21 WHERE id = 2",
                "BEGIN",
                "ROLLBACK",
            ],
        )
        .await;
        assert_eq!(count(&mut b, "SELECT v FROM t WHERE id = 2").await, 21);

        // Read committed: b sees a's commit in the middle of b's transaction.
        setup(&mut b, &["BEGIN"]).await;
        assert_eq!(count(&mut b, "SELECT v FROM t WHERE id = 4").await, 40);
        setup(&mut a, &["UPDATE t SET v = 41 WHERE id = 4"]).await;
        let isolation = text(&mut b, "SELECT @@tx_isolation")
            .await
            .unwrap_or_default();
        if server.is_sqld() {
            // sqld is READ COMMITTED, as NDB; MariaDB defaults to REPEATABLE-READ.
            assert_eq!(isolation, "READ-COMMITTED");
            assert_eq!(count(&mut b, "SELECT v FROM t WHERE id = 4").await, 41);
        } else {
            assert_eq!(isolation, "REPEATABLE-READ");
            assert_eq!(count(&mut b, "SELECT v FROM t WHERE id = 4").await, 40);
        }
        setup(&mut b, &["COMMIT"]).await;

        // SAVEPOINT
        setup(
            &mut a,
            &[
                "BEGIN",
                "INSERT INTO t VALUES (5, 50)",
                "SAVEPOINT s1",
                "INSERT INTO t VALUES (6, 60)",
                "ROLLBACK TO SAVEPOINT s1",
                "COMMIT",
            ],
        )
        .await;
        assert_eq!(
            count(&mut b, "SELECT COUNT(*) FROM t WHERE id IN (5, 6)").await,
            1
        );
        assert_eq!(
            count(&mut b, "SELECT id FROM t WHERE id IN (5, 6)").await,
            5
        );
    });
}

#[test]
fn dropped_connection_rolls_back_and_releases_locks() {
    let server = TestServer::start_with(ServerOptions {
        lock_wait_timeout: Some(10),
        ..ServerOptions::default()
    });
    block_on_with_timeout(120, async {
        let mut setup_conn = server.conn().await;
        setup(
            &mut setup_conn,
            &[
                "CREATE DATABASE dc",
                "CREATE TABLE dc.t (id INT PRIMARY KEY, v INT)",
                "INSERT INTO dc.t VALUES (1, 1)",
            ],
        )
        .await;
        let mut a = server.conn_db("dc").await;
        setup(
            &mut a,
            &[
                "BEGIN",
                "INSERT INTO t VALUES (2, 2)",
                "UPDATE t SET v = 100 WHERE id = 1",
            ],
        )
        .await;
        // Gone without COMMIT or COM_QUIT: the TCP connection just closes.
        drop(a);

        let mut b = server.conn_db("dc").await;
        // b needs the row locks a held: it gets them once a is rolled back,
        // well before the 10 s lock wait timeout.
        let started = std::time::Instant::now();
        b.query_drop("UPDATE t SET v = 5 WHERE id = 1")
            .await
            .expect("row 1 lock released");
        b.query_drop("INSERT INTO t VALUES (2, 3)")
            .await
            .expect("key 2 free: the insert was rolled back");
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "waited {:?} for a dead session's locks",
            started.elapsed()
        );
        let rows: Vec<(i64, i64)> = b
            .query("SELECT id, v FROM t ORDER BY id")
            .await
            .expect("select");
        assert_eq!(rows, vec![(1, 5), (2, 3)]);
    });
}
