//! Prepared statements, insert ids, INSERT IGNORE / REPLACE / upsert counts.

use crate::common::*;
use mysql_async::prelude::*;
use sqld_tests::{block_on_with_timeout, TestServer};

#[test]
fn prepared_statements_reexecuted_many_times() {
    let server = TestServer::start();
    block_on_with_timeout(180, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE ps",
                "USE ps",
                "CREATE TABLE t (id INT PRIMARY KEY, k INT NOT NULL, c VARCHAR(20), KEY k_idx (k))",
            ],
        )
        .await;
        let insert = conn
            .prep("INSERT INTO t (id, k, c) VALUES (?, ?, ?)")
            .await
            .expect("prepare insert");
        assert_eq!(insert.num_params(), 3);
        for i in 1..=500i64 {
            let c = if i % 10 == 0 {
                None
            } else {
                Some(format!("row-{i}"))
            };
            conn.exec_drop(&insert, (i, i % 7, c))
                .await
                .expect("execute insert");
        }
        let point = conn
            .prep("SELECT c FROM t WHERE id = ?")
            .await
            .expect("prepare point");
        assert_eq!(point.num_params(), 1);
        assert_eq!(point.columns().len(), 1);
        for i in 1..=500i64 {
            let c: Option<Option<String>> =
                conn.exec_first(&point, (i,)).await.expect("execute point");
            let want = if i % 10 == 0 {
                None
            } else {
                Some(format!("row-{i}"))
            };
            assert_eq!(c, Some(want), "id {i}");
        }
        assert_eq!(
            conn.exec_first::<Option<String>, _, _>(&point, (501,))
                .await
                .expect("missing"),
            None
        );
        let range = conn
            .prep("SELECT id FROM t WHERE id BETWEEN ? AND ? ORDER BY id")
            .await
            .expect("prepare range");
        for start in [1i64, 100, 495] {
            let ids: Vec<i64> = conn.exec(&range, (start, start + 9)).await.expect("range");
            let want: Vec<i64> = (start..=(start + 9).min(500)).collect();
            assert_eq!(ids, want);
        }
        let sum = conn
            .prep("SELECT SUM(k), COUNT(*) FROM t WHERE k = ?")
            .await
            .expect("prepare sum");
        for k in 0..7i64 {
            let row: Option<(Option<String>, i64)> =
                conn.exec_first(&sum, (k,)).await.expect("sum");
            let ids: Vec<i64> = (1..=500).filter(|i| i % 7 == k).collect();
            let (s, n) = row.expect("a row");
            assert_eq!(n, ids.len() as i64);
            assert_eq!(
                s.and_then(|s| s.parse::<i64>().ok()),
                Some(k * ids.len() as i64)
            );
        }
        let update = conn
            .prep("UPDATE t SET k = k + ? WHERE id = ?")
            .await
            .expect("prepare update");
        for i in 1..=100i64 {
            conn.exec_drop(&update, (1000, i)).await.expect("update");
            assert_eq!(conn.affected_rows(), 1);
        }
        assert_eq!(
            count(&mut conn, "SELECT COUNT(*) FROM t WHERE k >= 1000").await,
            100
        );
        conn.close(update).await.expect("COM_STMT_CLOSE");
        // NULL parameters and a parameter in the select list.
        let row: Option<(Option<i64>, i64)> = conn
            .exec_first("SELECT ?, ? + 1", (None::<i64>, 41))
            .await
            .expect("params");
        assert_eq!(row, Some((None, 42)));
    });
}

#[test]
fn last_insert_id_and_auto_increment() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE ai",
                "USE ai",
                "CREATE TABLE t (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, v INT)",
            ],
        )
        .await;
        conn.query_drop("INSERT INTO t (v) VALUES (10)")
            .await
            .unwrap();
        assert_eq!(conn.last_insert_id(), Some(1));
        assert_eq!(count(&mut conn, "SELECT LAST_INSERT_ID()").await, 1);
        // A multi-row insert reports its first generated id.
        conn.query_drop("INSERT INTO t (v) VALUES (20), (30), (40)")
            .await
            .unwrap();
        assert_eq!(conn.last_insert_id(), Some(2));
        assert_eq!(conn.affected_rows(), 3);
        assert_eq!(count(&mut conn, "SELECT LAST_INSERT_ID()").await, 2);
        // An explicit id moves the counter past it; it is not "generated".
        conn.query_drop("INSERT INTO t (id, v) VALUES (100, 50)")
            .await
            .unwrap();
        assert_eq!(count(&mut conn, "SELECT LAST_INSERT_ID()").await, 2);
        conn.query_drop("INSERT INTO t (id, v) VALUES (NULL, 60)")
            .await
            .unwrap();
        assert_eq!(conn.last_insert_id(), Some(101));
        conn.query_drop("INSERT INTO t (id, v) VALUES (0, 70)")
            .await
            .unwrap();
        assert_eq!(conn.last_insert_id(), Some(102));
        // Through the binary protocol too.
        conn.exec_drop("INSERT INTO t (v) VALUES (?)", (80,))
            .await
            .unwrap();
        assert_eq!(conn.last_insert_id(), Some(103));
        let ids: Vec<u64> = conn.query("SELECT id FROM t ORDER BY id").await.unwrap();
        assert_eq!(ids, vec![1, 2, 3, 4, 100, 101, 102, 103]);
        // Per session.
        let mut other = server.conn_db("ai").await;
        assert_eq!(count(&mut other, "SELECT LAST_INSERT_ID()").await, 0);
        // LAST_INSERT_ID(expr) sets it.
        assert_eq!(count(&mut conn, "SELECT LAST_INSERT_ID(7)").await, 7);
        assert_eq!(count(&mut conn, "SELECT LAST_INSERT_ID()").await, 7);
    });
}

#[test]
fn insert_ignore_replace_and_upsert_affected_rows() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE up",
                "USE up",
                "CREATE TABLE t (id INT PRIMARY KEY, u INT, v INT, UNIQUE KEY u_idx (u))",
                "INSERT INTO t VALUES (1, 1, 1), (2, 2, 2)",
            ],
        )
        .await;

        conn.query_drop("INSERT IGNORE INTO t VALUES (1, 9, 9), (3, 3, 3)")
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 1, "INSERT IGNORE skips the duplicate");
        assert_eq!(conn.get_warnings(), 1, "with a 1062 warning");
        let warnings: Vec<(String, u32, String)> = conn.query("SHOW WARNINGS").await.unwrap();
        assert_eq!(warnings.len(), 1);
        assert_eq!((warnings[0].0.as_str(), warnings[0].1), ("Warning", 1062));

        conn.query_drop("REPLACE INTO t VALUES (4, 4, 4)")
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 1, "REPLACE of a new row");
        conn.query_drop("REPLACE INTO t VALUES (1, 1, 100)")
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 2, "REPLACE = delete + insert");
        // Conflicts on two rows (id 2 and u 3): both are deleted.
        conn.query_drop("REPLACE INTO t VALUES (2, 3, 200)")
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 3);

        conn.query_drop("INSERT INTO t VALUES (5, 5, 5) ON DUPLICATE KEY UPDATE v = v + 1")
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 1, "upsert inserting");
        conn.query_drop("INSERT INTO t VALUES (5, 5, 5) ON DUPLICATE KEY UPDATE v = v + 1")
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 2, "upsert updating");
        conn.query_drop("INSERT INTO t VALUES (5, 5, 0) ON DUPLICATE KEY UPDATE v = 6")
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 0, "upsert to the same value");
        conn.query_drop(
            "INSERT INTO t VALUES (6, 6, 60), (5, 5, 70) ON DUPLICATE KEY UPDATE v = VALUES(v)",
        )
        .await
        .unwrap();
        assert_eq!(conn.affected_rows(), 3, "one insert (1) + one update (2)");

        conn.query_drop("UPDATE t SET v = v WHERE id = 6")
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 0);
        assert!(
            conn.info()
                .contains("Rows matched: 1  Changed: 0  Warnings: 0"),
            "info: {}",
            conn.info()
        );
        conn.query_drop("DELETE FROM t WHERE id >= 5")
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 2);

        let rows: Vec<(i64, i64, i64)> = conn
            .query("SELECT id, u, v FROM t ORDER BY id")
            .await
            .unwrap();
        assert_eq!(rows, vec![(1, 1, 100), (2, 3, 200), (4, 4, 4)]);
    });
}

/// UPDATE's affected rows count changed rows, or matched rows when the
/// client sets CLIENT_FOUND_ROWS (Connector/J does by default, and ORMs'
/// optimistic locking relies on it).
#[test]
fn update_affected_rows_follow_client_found_rows() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE fr",
                "USE fr",
                "CREATE TABLE t (id INT PRIMARY KEY, v INT)",
                "INSERT INTO t VALUES (1, 10), (2, 20)",
            ],
        )
        .await;
        // Row 1 already holds 10: matched 2, changed 1.
        conn.query_drop("UPDATE t SET v = 10 WHERE id IN (1, 2)")
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 1);
        let opts = mysql_async::OptsBuilder::from_opts(server.root_opts(Some("fr")))
            .client_found_rows(true);
        let mut found = server.connect(opts.into()).await;
        found
            .query_drop("UPDATE t SET v = 10 WHERE id IN (1, 2)")
            .await
            .unwrap();
        assert_eq!(found.affected_rows(), 2);
        found
            .exec_drop("UPDATE t SET v = ? WHERE id = ?", (10, 1))
            .await
            .unwrap();
        assert_eq!(found.affected_rows(), 1);
    });
}

/// Names with a backtick inside (written doubled in SQL) are stored,
/// used and dropped as the single backtick they mean.
#[test]
fn quoted_names_with_backticks() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE `a``b`",
                "USE `a``b`",
                "CREATE TABLE `t``1` (id INT PRIMARY KEY, `c``x` INT)",
                "CREATE INDEX `i``x` ON `t``1` (`c``x`)",
                "INSERT INTO `t``1` VALUES (1, 2)",
            ],
        )
        .await;
        let got: Vec<(i64, i64)> = conn
            .query("SELECT * FROM `a``b`.`t``1`")
            .await
            .expect("select");
        assert_eq!(got, vec![(1, 2)]);
        let dbs: Vec<String> = conn.query("SHOW DATABASES").await.expect("show");
        assert!(dbs.iter().any(|d| d == "a`b"), "{dbs:?}");
        conn.query_drop("DROP INDEX `i``x` ON `t``1`")
            .await
            .expect("drop index");
        conn.query_drop("DROP DATABASE `a``b`")
            .await
            .expect("drop database");
        let dbs: Vec<String> = conn.query("SHOW DATABASES").await.expect("show");
        assert!(!dbs.iter().any(|d| d.contains('`')), "{dbs:?}");
    });
}

/// `UPDATE [LOW_PRIORITY] [IGNORE]` and `DELETE [LOW_PRIORITY] [QUICK]
/// [IGNORE]`, as MariaDB 10.11: UPDATE IGNORE leaves a row whose new key
/// is taken as it was, silently (matched, not changed, no warning), and
/// turns conversion errors into warnings; the other modifiers change
/// nothing.
#[test]
fn update_and_delete_modifiers() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE modi",
                "USE modi",
                "CREATE TABLE t (id INT PRIMARY KEY, u INT, n INT NOT NULL, ti TINYINT, UNIQUE KEY uu (u))",
                "INSERT INTO t VALUES (1, 10, 1, 1), (2, 20, 2, 2), (3, 30, 3, 3)",
            ],
        )
        .await;
        type Row4 = (i64, Option<i64>, i64, Option<i64>);
        async fn rows(conn: &mut mysql_async::Conn) -> Vec<Row4> {
            conn.query("SELECT id, u, n, ti FROM t ORDER BY id")
                .await
                .expect("select")
        }
        // Without IGNORE the duplicate fails the statement.
        assert_error(
            conn.query_drop("UPDATE t SET u = 20 WHERE id = 1").await,
            1062,
            "23000",
            "UPDATE to a taken unique key",
        );
        // Every row would take u = 5: the first does, the others stay.
        conn.query_drop("UPDATE IGNORE t SET u = 5").await.unwrap();
        assert_eq!(conn.affected_rows(), 1);
        assert_eq!(
            conn.info().to_string(),
            "Rows matched: 3  Changed: 1  Warnings: 0"
        );
        assert_eq!(conn.get_warnings(), 0);
        // Primary key: 1 → 2 and 2 → 3 are taken when their turn comes.
        conn.query_drop("UPDATE LOW_PRIORITY IGNORE t SET id = id + 1")
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 1);
        assert_eq!(
            rows(&mut conn).await,
            [
                (1, Some(5), 1, Some(1)),
                (2, Some(20), 2, Some(2)),
                (4, Some(30), 3, Some(3))
            ]
        );
        // Conversion errors become warnings, as outside strict mode.
        conn.query_drop("UPDATE IGNORE t SET ti = ti * 100, n = NULL WHERE id < 4")
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 2);
        let warnings: Vec<(String, u32, String)> = conn.query("SHOW WARNINGS").await.unwrap();
        let codes: Vec<u32> = warnings.iter().map(|w| w.1).collect();
        assert_eq!(codes, [1048, 1264, 1048]);
        assert_eq!(warnings[1].2, "Out of range value for column 'ti' at row 2");
        assert_eq!(
            rows(&mut conn).await,
            [
                (1, Some(5), 0, Some(100)),
                (2, Some(20), 0, Some(127)),
                (4, Some(30), 3, Some(3))
            ]
        );
        conn.query_drop("UPDATE IGNORE t SET ti = 1 / 0 WHERE id = 4")
            .await
            .unwrap();
        let warnings: Vec<(String, u32, String)> = conn.query("SHOW WARNINGS").await.unwrap();
        assert_eq!(warnings[0].1, 1365);
        assert_error(
            conn.query_drop("UPDATE t SET ti = 1000 WHERE id = 4").await,
            1264,
            "22003",
            "strict UPDATE",
        );
        // UPDATE's modifiers come in this order, once each.
        for sql in [
            "UPDATE IGNORE LOW_PRIORITY t SET n = 1",
            "UPDATE IGNORE IGNORE t SET n = 1",
        ] {
            let (code, ..) = server_error(conn.query_drop(sql).await);
            assert!(code == 1064 || code == 1146, "{sql}: {code}");
        }
        // DELETE's, in any order.
        conn.query_drop("DELETE LOW_PRIORITY QUICK IGNORE FROM t WHERE id = 1")
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 1);
        conn.query_drop("DELETE QUICK LOW_PRIORITY FROM t WHERE id = 2 LIMIT 1")
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 1);
        conn.query_drop("DELETE IGNORE FROM t WHERE id = 9")
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 0);
        assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM t").await, 1);
        // Prepared, with a parameter.
        conn.query_drop("INSERT INTO t VALUES (5, 50, 5, 5)")
            .await
            .unwrap();
        conn.exec_drop("UPDATE IGNORE t SET u = ? WHERE id = 5", (30,))
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 0);
        assert_eq!(count(&mut conn, "SELECT u FROM t WHERE id = 5").await, 50);
    });
}
