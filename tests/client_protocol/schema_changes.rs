//! ALTER TABLE (DROP / MODIFY / CHANGE / RENAME COLUMN, FIRST / AFTER,
//! SET / DROP DEFAULT, RENAME TO, table options, CONVERT TO CHARACTER SET,
//! ADD / DROP PRIMARY KEY), RENAME TABLE and CREATE TABLE LIKE: the
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

/// The table options migrations and mysqldump send in ALTER TABLE:
/// ENGINE, COMMENT, AUTO_INCREMENT, [DEFAULT] CHARSET / COLLATE,
/// CONVERT TO CHARACTER SET and ROW_FORMAT.
#[test]
fn alter_table_options() {
    let server = TestServer::start();
    block_on_with_timeout(180, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE opts",
                "USE opts",
                "CREATE TABLE o (id INT PRIMARY KEY AUTO_INCREMENT, s VARCHAR(10)) \
                 ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
                "INSERT INTO o (s) VALUES ('a'), ('b'), ('c')",
                "ALTER TABLE o ENGINE=InnoDB",
                "ALTER TABLE o COMMENT 'first', ROW_FORMAT=DYNAMIC",
                "ALTER TABLE o ENGINE = innodb COMMENT = 'orders' AUTO_INCREMENT = 100",
                "INSERT INTO o (s) VALUES ('d')",
            ],
        )
        .await;
        assert_eq!(
            rows(
                &mut conn,
                "SELECT ENGINE, TABLE_COMMENT FROM information_schema.TABLES \
                 WHERE TABLE_SCHEMA = 'opts' AND TABLE_NAME = 'o'"
            )
            .await,
            vec![row(&["InnoDB", "orders"])]
        );
        let create: (String, String) = conn
            .query_first("SHOW CREATE TABLE o")
            .await
            .unwrap()
            .unwrap();
        assert!(create.1.contains("COMMENT='orders'"), "{}", create.1);
        // AUTO_INCREMENT=N raised the counter; below the rows' largest
        // value it goes to just above it, as InnoDB.
        assert_eq!(count(&mut conn, "SELECT MAX(id) FROM o").await, 100);
        setup(
            &mut conn,
            &[
                "DELETE FROM o WHERE id > 3",
                "ALTER TABLE o AUTO_INCREMENT = 1",
                "INSERT INTO o (s) VALUES ('e')",
            ],
        )
        .await;
        assert_eq!(count(&mut conn, "SELECT id FROM o WHERE s = 'e'").await, 4);

        // Unknown engines: 1286, or a warning without NO_ENGINE_SUBSTITUTION.
        assert_error(
            conn.query_drop("ALTER TABLE o ENGINE=NoSuchEngine").await,
            1286,
            "42000",
            "unknown engine",
        );
        setup(
            &mut conn,
            &["SET sql_mode = ''", "ALTER TABLE o ENGINE=NoSuchEngine"],
        )
        .await;
        let w: Vec<(String, u32, String)> = conn.query("SHOW WARNINGS").await.unwrap();
        assert_eq!(
            w,
            [(
                "Warning".to_string(),
                1286,
                "Unknown storage engine 'NoSuchEngine'".to_string()
            )]
        );
        conn.query_drop("SET sql_mode = DEFAULT").await.unwrap();
        assert_eq!(
            text(
                &mut conn,
                "SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_NAME = 'o'"
            )
            .await
            .as_deref(),
            Some("InnoDB")
        );

        // DEFAULT CHARSET: the default of columns added later.
        setup(
            &mut conn,
            &[
                "ALTER TABLE o DEFAULT CHARSET=latin1",
                "ALTER TABLE o ADD COLUMN l VARCHAR(5)",
                "ALTER TABLE o DEFAULT CHARACTER SET = utf8mb4 COLLATE = utf8mb4_bin, ADD COLUMN m VARCHAR(5)",
            ],
        )
        .await;
        assert_eq!(
            rows(
                &mut conn,
                "SELECT COLUMN_NAME, COLLATION_NAME FROM information_schema.COLUMNS \
                 WHERE TABLE_SCHEMA = 'opts' AND TABLE_NAME = 'o' ORDER BY ORDINAL_POSITION"
            )
            .await,
            vec![
                row(&["id", "NULL"]),
                row(&["s", "utf8mb4_general_ci"]),
                row(&["l", "latin1_swedish_ci"]),
                row(&["m", "utf8mb4_bin"]),
            ]
        );
        assert_error(
            conn.query_drop("ALTER TABLE o CHARACTER SET latin1 COLLATE utf8mb4_bin")
                .await,
            1253,
            "42000",
            "collation of another character set",
        );
    });
}

/// CONVERT TO CHARACTER SET rewrites every text column's collation: rows
/// compare, sort and collide under the new one, keys included.
#[test]
fn convert_to_character_set_recollates_rows_and_keys() {
    let server = TestServer::start();
    block_on_with_timeout(180, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE conv",
                "USE conv",
                "CREATE TABLE k (s VARCHAR(5) PRIMARY KEY, v VARCHAR(5), t TEXT, KEY kv (v)) \
                 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
                "INSERT INTO k VALUES ('a', 'x', 'p'), ('B', 'Y', 'q'), ('b', 'y', 'r')",
            ],
        )
        .await;
        assert_eq!(
            rows(&mut conn, "SELECT s FROM k ORDER BY s").await,
            vec![row(&["B"]), row(&["a"]), row(&["b"])]
        );
        // 'B' and 'b' are one key under a case-insensitive collation: the
        // ALTER fails and changes nothing.
        assert_error(
            conn.query_drop(
                "ALTER TABLE k CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci",
            )
            .await,
            1062,
            "23000",
            "keys equal under the new collation",
        );
        assert_eq!(
            count(&mut conn, "SELECT COUNT(*) FROM k WHERE s = 'b'").await,
            1
        );
        setup(
            &mut conn,
            &[
                "DELETE FROM k WHERE s = 'b'",
                "ALTER TABLE k CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci",
            ],
        )
        .await;
        assert_eq!(
            rows(&mut conn, "SELECT s FROM k ORDER BY s").await,
            vec![row(&["a"]), row(&["B"])]
        );
        // The primary key and the index answer case-insensitively.
        assert_eq!(
            rows(&mut conn, "SELECT s FROM k WHERE s = 'b'").await,
            vec![row(&["B"])]
        );
        assert_eq!(
            rows(&mut conn, "SELECT s FROM k WHERE v = 'y'").await,
            vec![row(&["B"])]
        );
        assert_error(
            conn.query_drop("INSERT INTO k VALUES ('A', 'z', 's')")
                .await,
            1062,
            "23000",
            "duplicate under the new collation",
        );
        assert_eq!(
            rows(
                &mut conn,
                "SELECT COLUMN_NAME, COLLATION_NAME FROM information_schema.COLUMNS \
                 WHERE TABLE_SCHEMA = 'conv' AND TABLE_NAME = 'k' ORDER BY ORDINAL_POSITION"
            )
            .await,
            vec![
                row(&["s", "utf8mb4_general_ci"]),
                row(&["v", "utf8mb4_general_ci"]),
                row(&["t", "utf8mb4_general_ci"]),
            ]
        );
        // A latin1 TEXT grows to MEDIUMTEXT in utf8mb4, as in MariaDB.
        setup(
            &mut conn,
            &[
                "CREATE TABLE l (id INT PRIMARY KEY, t TEXT) DEFAULT CHARSET=latin1",
                "INSERT INTO l VALUES (1, 'caf')",
                "ALTER TABLE l CONVERT TO CHARACTER SET utf8mb4",
            ],
        )
        .await;
        assert_eq!(
            rows(
                &mut conn,
                "SELECT DATA_TYPE, COLLATION_NAME FROM information_schema.COLUMNS \
                 WHERE TABLE_SCHEMA = 'conv' AND TABLE_NAME = 'l' AND COLUMN_NAME = 't'"
            )
            .await,
            vec![row(&["mediumtext", "utf8mb4_general_ci"])]
        );
        assert_eq!(
            text(&mut conn, "SELECT t FROM l").await.as_deref(),
            Some("caf")
        );
    });
}

/// ADD / DROP PRIMARY KEY and MODIFY ... AUTO_INCREMENT: the rows are
/// rebuilt under the new key, atomically.
#[test]
fn primary_key_changes() {
    let mut server = TestServer::start();
    block_on_with_timeout(180, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE pk",
                "USE pk",
                "CREATE TABLE h (a INT, b VARCHAR(5))",
                "INSERT INTO h VALUES (2, 'x'), (1, 'y'), (2, 'z')",
            ],
        )
        .await;
        // A duplicate fails the ALTER and changes nothing.
        assert_error(
            conn.query_drop("ALTER TABLE h ADD PRIMARY KEY (a)").await,
            1062,
            "23000",
            "duplicate new key",
        );
        assert_error(
            conn.query_drop("ALTER TABLE h DROP PRIMARY KEY").await,
            1091,
            "42000",
            "no primary key",
        );
        conn.query_drop("ALTER TABLE h ADD PRIMARY KEY (b)")
            .await
            .unwrap();
        assert_eq!(
            rows(&mut conn, "SELECT a, b FROM h").await,
            vec![row(&["2", "x"]), row(&["1", "y"]), row(&["2", "z"])]
        );
        assert_error(
            conn.query_drop("INSERT INTO h VALUES (5, 'y')").await,
            1062,
            "23000",
            "new key enforced",
        );
        assert_error(
            conn.query_drop("ALTER TABLE h ADD PRIMARY KEY (a)").await,
            1068,
            "42000",
            "second primary key",
        );
        let keys: Vec<(String, String)> = conn
            .query("SHOW INDEX FROM h")
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
        assert_eq!(keys, [("PRIMARY".to_string(), "b".to_string())]);
        // DROP PRIMARY KEY, ADD PRIMARY KEY in one statement.
        setup(
            &mut conn,
            &[
                "ALTER TABLE h DROP PRIMARY KEY, ADD PRIMARY KEY (a, b)",
                "INSERT INTO h VALUES (1, 'x')",
            ],
        )
        .await;
        assert_eq!(
            count(&mut conn, "SELECT COUNT(*) FROM h WHERE a = 1").await,
            2
        );
        // Dropped: the rows stay, duplicates are allowed.
        setup(
            &mut conn,
            &[
                "ALTER TABLE h DROP PRIMARY KEY",
                "INSERT INTO h VALUES (1, 'x')",
            ],
        )
        .await;
        assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM h").await, 5);
        // A NULL cannot be in a primary key (1265, as a strict ALTER).
        setup(
            &mut conn,
            &[
                "CREATE TABLE n (a INT, b INT)",
                "INSERT INTO n VALUES (NULL, 1)",
            ],
        )
        .await;
        assert_error(
            conn.query_drop("ALTER TABLE n ADD PRIMARY KEY (a)").await,
            1265,
            "01000",
            "NULL key",
        );
        // The AUTO_INCREMENT column must stay a key.
        setup(
            &mut conn,
            &[
                "CREATE TABLE p (id INT PRIMARY KEY AUTO_INCREMENT, x INT)",
                "INSERT INTO p (x) VALUES (1)",
            ],
        )
        .await;
        assert_error(
            conn.query_drop("ALTER TABLE p DROP PRIMARY KEY").await,
            1075,
            "42000",
            "auto column without a key",
        );

        // MODIFY ... AUTO_INCREMENT: the counter starts above the rows.
        setup(
            &mut conn,
            &[
                "CREATE TABLE q (id INT NOT NULL, x INT, PRIMARY KEY (id))",
                "INSERT INTO q VALUES (5, 1), (9, 2)",
                "ALTER TABLE q MODIFY id INT NOT NULL AUTO_INCREMENT",
                "INSERT INTO q (x) VALUES (3)",
            ],
        )
        .await;
        assert_eq!(count(&mut conn, "SELECT id FROM q WHERE x = 3").await, 10);

        // A surrogate key added to a table without one numbers its rows.
        setup(
            &mut conn,
            &[
                "CREATE TABLE r (x VARCHAR(3))",
                "INSERT INTO r VALUES ('c'), ('a'), ('b')",
                "ALTER TABLE r ADD COLUMN id INT AUTO_INCREMENT PRIMARY KEY FIRST",
                "INSERT INTO r (x) VALUES ('d')",
            ],
        )
        .await;
        assert_eq!(
            rows(&mut conn, "SELECT id, x FROM r ORDER BY id").await,
            vec![
                row(&["1", "c"]),
                row(&["2", "a"]),
                row(&["3", "b"]),
                row(&["4", "d"]),
            ]
        );
    });
    if server.is_sqld() {
        // The counters the ALTERs set were stored.
        server.restart();
        block_on_with_timeout(60, async {
            let mut conn = server.conn_db("pk").await;
            setup(
                &mut conn,
                &[
                    "INSERT INTO q (x) VALUES (4)",
                    "INSERT INTO r (x) VALUES ('e')",
                    "INSERT INTO h VALUES (1, 'x')",
                ],
            )
            .await;
            assert_eq!(count(&mut conn, "SELECT id FROM q WHERE x = 4").await, 11);
            assert_eq!(count(&mut conn, "SELECT id FROM r WHERE x = 'e'").await, 5);
            assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM h").await, 6);
        });
    }
}
