//! ALTER TABLE (DROP / MODIFY / CHANGE / RENAME COLUMN, FIRST / AFTER,
//! SET / DROP DEFAULT, RENAME TO), RENAME TABLE and CREATE TABLE LIKE: the
//! statements schema migrations send. Values, errors and AUTO_INCREMENT as
//! MariaDB gives them, also after a restart.

use crate::common::*;
use mysql_async::prelude::*;
use mysql_async::Conn;
use sqld_tests::{block_on_with_timeout, TestServer};

async fn column_names(conn: &mut Conn, table: &str) -> Vec<String> {
    let result = conn
        .query_iter(format!("SELECT * FROM {table} LIMIT 0"))
        .await
        .unwrap_or_else(|e| panic!("{table}: {e}"));
    let names = result
        .columns_ref()
        .iter()
        .map(|c| c.name_str().into_owned())
        .collect();
    result.drop_result().await.unwrap();
    names
}

#[test]
fn alter_table_changes_columns_and_keeps_values() {
    let mut server = TestServer::start();
    block_on_with_timeout(180, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE mig",
                "USE mig",
                "CREATE TABLE r1 (id INT PRIMARY KEY AUTO_INCREMENT, \
                 name VARCHAR(20) NOT NULL DEFAULT 'x', qty INT, d INT, KEY q (qty), KEY dq (d, qty))",
                "INSERT INTO r1 (name, qty, d) VALUES ('a', 1, 10), ('b', 2, 20), ('c', 3, 300)",
                // A rename keeps the values; a move keeps the keys.
                "ALTER TABLE r1 CHANGE name label VARCHAR(30) NOT NULL",
                "ALTER TABLE r1 MODIFY qty BIGINT AFTER id",
                "ALTER TABLE r1 MODIFY label VARCHAR(30) FIRST, ALTER COLUMN qty SET DEFAULT 7",
                // AUTO_INCREMENT continues after its column moved.
                "INSERT INTO r1 (label) VALUES ('dx')",
            ],
        )
        .await;
        assert_eq!(
            column_names(&mut conn, "r1").await,
            ["label", "id", "qty", "d"]
        );
        assert_eq!(
            rows(&mut conn, "SELECT label, id, qty, d FROM r1 ORDER BY id").await,
            vec![
                row(&["a", "1", "1", "10"]),
                row(&["b", "2", "2", "20"]),
                row(&["c", "3", "3", "300"]),
                row(&["dx", "4", "7", "NULL"]),
            ]
        );
        // The index on qty followed its column.
        assert_eq!(
            rows(&mut conn, "SELECT label FROM r1 WHERE qty = 7").await,
            vec![row(&["dx"])]
        );

        // Values that do not fit fail the ALTER and change nothing.
        let e = assert_error(
            conn.query_drop("ALTER TABLE r1 MODIFY d TINYINT").await,
            1264,
            "22003",
            "out of range",
        );
        assert!(e.contains("column 'd' at row 3"), "{e}");
        assert_error(
            conn.query_drop("ALTER TABLE r1 MODIFY label VARCHAR(1)")
                .await,
            1265,
            "01000",
            "truncated",
        );
        assert_error(
            conn.query_drop("ALTER TABLE r1 MODIFY d INT NOT NULL")
                .await,
            1265,
            "01000",
            "NULL into NOT NULL",
        );
        assert_eq!(count(&mut conn, "SELECT d FROM r1 WHERE id = 3").await, 300);

        // DROP COLUMN: its indexes shrink or go.
        conn.query_drop("ALTER TABLE r1 DROP COLUMN qty")
            .await
            .unwrap();
        let keys: Vec<(String, String)> = conn
            .query("SHOW INDEX FROM r1")
            .await
            .unwrap()
            .into_iter()
            .map(|r: mysql_async::Row| {
                (
                    r.get::<String, _>(2).unwrap(),
                    r.get::<String, _>(4).unwrap(),
                )
            })
            .collect();
        assert_eq!(
            keys,
            [
                ("PRIMARY".to_string(), "id".to_string()),
                ("dq".to_string(), "d".to_string())
            ]
        );

        // Errors, as MariaDB.
        for (sql, code, state) in [
            ("ALTER TABLE r1 DROP COLUMN zz", 1091, "42000"),
            ("ALTER TABLE r1 MODIFY zz INT", 1054, "42S22"),
            ("ALTER TABLE r1 CHANGE zz yy INT", 1054, "42S22"),
            ("ALTER TABLE r1 CHANGE d label INT", 1060, "42S21"),
            ("ALTER TABLE r1 RENAME COLUMN d TO label", 1060, "42S21"),
            (
                "ALTER TABLE r1 ALTER COLUMN zz SET DEFAULT 3",
                1054,
                "42S22",
            ),
            ("ALTER TABLE r1 ADD COLUMN e INT AFTER zz", 1054, "42S22"),
            ("RENAME TABLE zz TO z2", 1146, "42S02"),
            ("CREATE TABLE r2 LIKE zz", 1146, "42S02"),
        ] {
            assert_error(conn.query_drop(sql).await, code, state, sql);
        }
        // IF EXISTS makes a missing column a note.
        conn.query_drop("ALTER TABLE r1 DROP COLUMN IF EXISTS zz")
            .await
            .unwrap();
        let w: Vec<(String, u32, String)> = conn.query("SHOW WARNINGS").await.unwrap();
        assert_eq!(
            w,
            [(
                "Note".to_string(),
                1091,
                "Can't DROP COLUMN `zz`; check that it exists".to_string()
            )]
        );

        // DROP DEFAULT, then SET DEFAULT, then RENAME COLUMN.
        setup(
            &mut conn,
            &[
                "ALTER TABLE r1 ALTER COLUMN d SET DEFAULT 5",
                "INSERT INTO r1 (label) VALUES ('e')",
                "ALTER TABLE r1 ALTER COLUMN d DROP DEFAULT",
                "INSERT INTO r1 (label) VALUES ('f')",
                "ALTER TABLE r1 RENAME COLUMN d TO dd",
            ],
        )
        .await;
        assert_eq!(
            rows(
                &mut conn,
                "SELECT label, dd FROM r1 WHERE id > 4 ORDER BY id"
            )
            .await,
            vec![row(&["e", "5"]), row(&["f", "NULL"])]
        );
    });
    if server.is_sqld() {
        // The moved AUTO_INCREMENT counter was stored with its new column.
        server.restart();
        block_on_with_timeout(60, async {
            let mut conn = server.conn_db("mig").await;
            conn.query_drop("INSERT INTO r1 (label) VALUES ('g')")
                .await
                .unwrap();
            assert_eq!(
                count(&mut conn, "SELECT id FROM r1 WHERE label = 'g'").await,
                7
            );
        });
    }
}

#[test]
fn rename_table_and_create_table_like() {
    let server = TestServer::start();
    block_on_with_timeout(180, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE ren",
                "CREATE DATABASE other",
                "USE ren",
                "CREATE TABLE a (id INT PRIMARY KEY AUTO_INCREMENT, v VARCHAR(5) NOT NULL, UNIQUE KEY uv (v))",
                "INSERT INTO a (v) VALUES ('a1'), ('a2')",
                "CREATE TABLE b LIKE a",
                "INSERT INTO b (v) VALUES ('b1')",
            ],
        )
        .await;
        // LIKE copies the keys, not the rows or the counter.
        assert_eq!(count(&mut conn, "SELECT id FROM b").await, 1);
        assert_error(
            conn.query_drop("INSERT INTO b (v) VALUES ('b1')").await,
            1062,
            "23000",
            "unique key copied",
        );
        assert_error(
            conn.query_drop("CREATE TABLE b LIKE a").await,
            1050,
            "42S01",
            "exists",
        );
        // A swap through a temporary name, in one statement.
        conn.query_drop("RENAME TABLE a TO tmp, b TO a, tmp TO b")
            .await
            .unwrap();
        assert_eq!(
            rows(&mut conn, "SELECT v FROM a ORDER BY id").await,
            vec![row(&["b1"])]
        );
        assert_eq!(
            rows(&mut conn, "SELECT v FROM b ORDER BY id").await,
            vec![row(&["a1"]), row(&["a2"])]
        );
        // A failing pair renames nothing.
        assert_error(
            conn.query_drop("RENAME TABLE a TO c, b TO c").await,
            1050,
            "42S01",
            "second target exists",
        );
        assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM a").await, 1);
        // A prepared statement on the old name fails after the rename.
        let stmt = conn.prep("SELECT v FROM b WHERE id = ?").await.unwrap();
        conn.query_drop("ALTER TABLE b RENAME TO other.moved")
            .await
            .unwrap();
        assert_error(conn.exec_drop(&stmt, (1,)).await, 1146, "42S02", "old name");
        conn.query_drop("INSERT INTO other.moved (v) VALUES ('a3')")
            .await
            .unwrap();
        assert_eq!(
            count(&mut conn, "SELECT id FROM other.moved WHERE v = 'a3'").await,
            3
        );
    });
}

/// A table without a primary key numbers its rows with a hidden key, the
/// last column: adding a column moves it, and its counter must follow (the
/// next INSERT failed with a duplicate hidden key).
#[test]
fn adding_a_column_to_a_table_without_a_primary_key() {
    let mut server = TestServer::start();
    block_on_with_timeout(120, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE nopk",
                "USE nopk",
                "CREATE TABLE h (a INT)",
                "INSERT INTO h VALUES (1), (2)",
                "ALTER TABLE h ADD COLUMN b INT FIRST, ADD COLUMN c INT",
                "INSERT INTO h (a, b, c) VALUES (3, 3, 3)",
                "ALTER TABLE h DROP COLUMN b",
                "INSERT INTO h (a, c) VALUES (4, 4)",
            ],
        )
        .await;
        assert_eq!(
            rows(&mut conn, "SELECT a, c FROM h ORDER BY a").await,
            vec![
                row(&["1", "NULL"]),
                row(&["2", "NULL"]),
                row(&["3", "3"]),
                row(&["4", "4"]),
            ]
        );
    });
    if server.is_sqld() {
        server.restart();
        block_on_with_timeout(60, async {
            let mut conn = server.conn_db("nopk").await;
            conn.query_drop("INSERT INTO h (a) VALUES (5)")
                .await
                .unwrap();
            assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM h").await, 5);
        });
    }
}
