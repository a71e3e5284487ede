//! information_schema as clients query it: Connector/J's getTables /
//! getColumns shapes, Django's introspection, prepared statements with the
//! schema as a parameter, privileges, and MariaDB's errors for writes.
//!
//! COLUMN_TYPE is the one difference by design: sqld prints MySQL 8.0's
//! `int`, MariaDB `int(11)`.

use crate::common::*;
use mysql_async::prelude::*;
use mysql_async::{Conn, Row};
use sqld_tests::{block_on_with_timeout, TestServer};

async fn shop(conn: &mut Conn) {
    setup(
        conn,
        &[
            "CREATE DATABASE isshop CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci",
            "CREATE TABLE isshop.item (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, \
             name VARCHAR(20) NOT NULL DEFAULT 'bob', price DECIMAL(10,2) DEFAULT 1.50, \
             u BIGINT UNSIGNED, note TEXT, UNIQUE KEY uk (name, u), KEY k_price (price)) \
             COMMENT 'things we sell'",
            "CREATE TABLE isshop.log (at DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3), \
             msg VARCHAR(100) CHARACTER SET latin1)",
        ],
    )
    .await;
}

#[test]
fn tables_and_columns_as_drivers_read_them() {
    let server = TestServer::start();
    block_on_with_timeout(120, async {
        let mut conn = server.conn().await;
        shop(&mut conn).await;

        // Connector/J 8 DatabaseMetaData.getTables, as it sends it.
        let tables: Vec<Row> = conn
            .exec(
                "SELECT TABLE_SCHEMA AS TABLE_CAT, NULL AS TABLE_SCHEM, TABLE_NAME, \
                 CASE WHEN TABLE_TYPE='BASE TABLE' THEN CASE WHEN TABLE_SCHEMA = 'mysql' \
                 OR TABLE_SCHEMA = 'performance_schema' THEN 'SYSTEM TABLE' ELSE 'TABLE' END \
                 WHEN TABLE_TYPE='TEMPORARY' THEN 'LOCAL_TEMPORARY' ELSE TABLE_TYPE END AS TABLE_TYPE, \
                 TABLE_COMMENT AS REMARKS, NULL AS TYPE_CAT, NULL AS TYPE_SCHEM, NULL AS TYPE_NAME, \
                 NULL AS SELF_REFERENCING_COL_NAME, NULL AS REF_GENERATION \
                 FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE ? \
                 HAVING TABLE_TYPE IN (?,?,?,?,?) ORDER BY TABLE_TYPE, TABLE_SCHEMA, TABLE_NAME",
                (
                    "isshop",
                    "%",
                    "LOCAL TEMPORARY",
                    "SYSTEM TABLE",
                    "SYSTEM VIEW",
                    "TABLE",
                    "VIEW",
                ),
            )
            .await
            .unwrap();
        let tables: Vec<_> = tables.into_iter().map(cells).collect();
        assert_eq!(
            tables,
            vec![
                row(&[
                    "isshop",
                    "NULL",
                    "item",
                    "TABLE",
                    "things we sell",
                    "NULL",
                    "NULL",
                    "NULL",
                    "NULL",
                    "NULL"
                ]),
                row(&[
                    "isshop", "NULL", "log", "TABLE", "", "NULL", "NULL", "NULL", "NULL", "NULL"
                ]),
            ]
        );

        // Connector/J getColumns (the columns it reads), as text.
        let int = if server.is_sqld() { "int" } else { "int(11)" };
        let bigint = if server.is_sqld() {
            "bigint unsigned"
        } else {
            "bigint(20) unsigned"
        };
        assert_eq!(
            rows(
                &mut conn,
                "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_MAXIMUM_LENGTH, \
                 NUMERIC_PRECISION, NUMERIC_SCALE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, \
                 COLUMN_KEY, CHARACTER_SET_NAME, COLLATION_NAME, DATETIME_PRECISION \
                 FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = 'isshop' \
                 ORDER BY TABLE_NAME, ORDINAL_POSITION"
            )
            .await,
            vec![
                row(&[
                    "id",
                    "int",
                    int,
                    "NULL",
                    "10",
                    "0",
                    "NO",
                    "NULL",
                    "auto_increment",
                    "PRI",
                    "NULL",
                    "NULL",
                    "NULL"
                ]),
                row(&[
                    "name",
                    "varchar",
                    "varchar(20)",
                    "20",
                    "NULL",
                    "NULL",
                    "NO",
                    "'bob'",
                    "",
                    "MUL",
                    "utf8mb4",
                    "utf8mb4_general_ci",
                    "NULL"
                ]),
                row(&[
                    "price",
                    "decimal",
                    "decimal(10,2)",
                    "NULL",
                    "10",
                    "2",
                    "YES",
                    "1.50",
                    "",
                    "MUL",
                    "NULL",
                    "NULL",
                    "NULL"
                ]),
                row(&[
                    "u", "bigint", bigint, "NULL", "20", "0", "YES", "'NULL'", "", "", "NULL",
                    "NULL", "NULL"
                ]),
                row(&[
                    "note",
                    "text",
                    "text",
                    "65535",
                    "NULL",
                    "NULL",
                    "YES",
                    "'NULL'",
                    "",
                    "",
                    "utf8mb4",
                    "utf8mb4_general_ci",
                    "NULL"
                ]),
                row(&[
                    "at",
                    "datetime",
                    "datetime(3)",
                    "NULL",
                    "NULL",
                    "NULL",
                    "YES",
                    "current_timestamp(3)",
                    "",
                    "",
                    "NULL",
                    "NULL",
                    "3"
                ]),
                row(&[
                    "msg",
                    "varchar",
                    "varchar(100)",
                    "100",
                    "NULL",
                    "NULL",
                    "YES",
                    "'NULL'",
                    "",
                    "",
                    "latin1",
                    "latin1_swedish_ci",
                    "NULL"
                ]),
            ]
        );

        // Django: tables of the current database.
        conn.query_drop("USE isshop").await.unwrap();
        assert_eq!(
            rows(
                &mut conn,
                "SELECT table_name, table_type FROM information_schema.tables \
                 WHERE table_schema = DATABASE() ORDER BY table_name"
            )
            .await,
            vec![row(&["item", "BASE TABLE"]), row(&["log", "BASE TABLE"])]
        );

        // The schema as a parameter, prepared once, executed twice.
        let stmt = conn
            .prep("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?")
            .await
            .unwrap();
        let n: Option<i64> = conn.exec_first(&stmt, ("isshop",)).await.unwrap();
        assert_eq!(n, Some(2));
        conn.query_drop("CREATE TABLE isshop.extra (k INT PRIMARY KEY)")
            .await
            .unwrap();
        let n: Option<i64> = conn.exec_first(&stmt, ("isshop",)).await.unwrap();
        assert_eq!(n, Some(3));
        // `=` on a name looks the database up by name, exactly (as MariaDB
        // with lower_case_table_names=0); other comparisons are
        // utf8mb3_general_ci; information_schema's own names match in any case.
        let n: Option<i64> = conn.exec_first(&stmt, ("ISSHOP",)).await.unwrap();
        assert_eq!(n, Some(0));
        assert_eq!(
            count(
                &mut conn,
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema LIKE 'ISSHOP'"
            )
            .await,
            3
        );
        assert_eq!(
            count(
                &mut conn,
                "SELECT COUNT(*) FROM information_schema.tables \
                 WHERE table_schema = 'INFORMATION_SCHEMA' AND table_name = 'tables'"
            )
            .await,
            1
        );

        // Indexes and constraints.
        assert_eq!(
            rows(
                &mut conn,
                "SELECT INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, NULLABLE, INDEX_TYPE \
                 FROM information_schema.STATISTICS \
                 WHERE TABLE_SCHEMA = 'isshop' AND TABLE_NAME = 'item' \
                 ORDER BY NON_UNIQUE, INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX"
            )
            .await,
            vec![
                row(&["PRIMARY", "0", "1", "id", "", "BTREE"]),
                row(&["uk", "0", "1", "name", "", "BTREE"]),
                row(&["uk", "0", "2", "u", "YES", "BTREE"]),
                row(&["k_price", "1", "1", "price", "YES", "BTREE"]),
            ]
        );
        assert_eq!(
            rows(
                &mut conn,
                "SELECT tc.CONSTRAINT_NAME, CONSTRAINT_TYPE FROM information_schema.TABLE_CONSTRAINTS tc \
                 WHERE TABLE_SCHEMA = 'isshop' ORDER BY TABLE_NAME, CONSTRAINT_NAME"
            )
            .await,
            vec![
                row(&["PRIMARY", "PRIMARY KEY"]),
                row(&["PRIMARY", "PRIMARY KEY"]),
                row(&["uk", "UNIQUE"]),
            ]
        );
        assert_eq!(
            rows(
                &mut conn,
                "SELECT CONSTRAINT_NAME, COLUMN_NAME, ORDINAL_POSITION, REFERENCED_TABLE_NAME \
                 FROM information_schema.KEY_COLUMN_USAGE \
                 WHERE TABLE_SCHEMA = 'isshop' AND TABLE_NAME = 'item' ORDER BY 1, 3"
            )
            .await,
            vec![
                row(&["PRIMARY", "id", "1", "NULL"]),
                row(&["uk", "name", "1", "NULL"]),
                row(&["uk", "u", "2", "NULL"]),
            ]
        );

        // USE information_schema: its own views, any case.
        conn.query_drop("USE information_schema").await.unwrap();
        assert_eq!(
            rows(
                &mut conn,
                "SELECT TABLE_NAME, TABLE_TYPE FROM tables WHERE table_schema = 'INFORMATION_SCHEMA' \
                 AND table_name IN ('tables', 'columns', 'schemata') ORDER BY 1"
            )
            .await,
            vec![
                row(&["COLUMNS", "SYSTEM VIEW"]),
                row(&["SCHEMATA", "SYSTEM VIEW"]),
                row(&["TABLES", "SYSTEM VIEW"]),
            ]
        );
        assert_eq!(
            rows(
                &mut conn,
                "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM SCHEMATA \
                 WHERE SCHEMA_NAME = 'isshop'"
            )
            .await,
            vec![row(&["utf8mb4", "utf8mb4_general_ci"])]
        );
        assert_eq!(
            rows(
                &mut conn,
                "SELECT COLLATION_NAME, CHARACTER_SET_NAME, ID, IS_DEFAULT FROM COLLATIONS \
                 WHERE COLLATION_NAME IN ('utf8mb4_general_ci', 'utf8mb4_bin') ORDER BY ID"
            )
            .await,
            vec![
                row(&["utf8mb4_general_ci", "utf8mb4", "45", "Yes"]),
                row(&["utf8mb4_bin", "utf8mb4", "46", ""]),
            ]
        );
        assert_eq!(
            rows(
                &mut conn,
                "SELECT DEFAULT_COLLATE_NAME, MAXLEN FROM information_schema.CHARACTER_SETS \
                 WHERE CHARACTER_SET_NAME = 'latin1'"
            )
            .await,
            vec![row(&["latin1_swedish_ci", "1"])]
        );
        assert_error(
            conn.query_drop("SELECT * FROM information_schema.nosuch")
                .await,
            1109,
            "42S02",
            "unknown view",
        );
    });
}

#[test]
fn privileges_decide_what_shows_and_nobody_writes() {
    let server = TestServer::start();
    block_on_with_timeout(120, async {
        let mut root = server.conn().await;
        shop(&mut root).await;
        setup(
            &mut root,
            &[
                "CREATE DATABASE isapp",
                "CREATE TABLE isapp.t (id INT PRIMARY KEY)",
                "CREATE USER 'isuser'@'%' IDENTIFIED BY 'pw'",
                "GRANT ALL ON isapp.* TO 'isuser'@'%'",
            ],
        )
        .await;
        let mut app = server.connect(server.opts("isuser", "pw", None)).await;
        assert_eq!(
            rows(
                &mut app,
                "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY 1"
            )
            .await,
            vec![row(&["information_schema"]), row(&["isapp"])]
        );
        assert_eq!(
            rows(
                &mut app,
                "SELECT DISTINCT table_schema FROM information_schema.columns \
                 WHERE table_schema <> 'information_schema'"
            )
            .await,
            vec![row(&["isapp"])]
        );
        assert_eq!(
            count(
                &mut app,
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'isshop'"
            )
            .await,
            0
        );

        // Writes and DDL: 1044 for everyone, root included.
        for (conn, who) in [(&mut app, "isuser"), (&mut root, "root")] {
            for sql in [
                "DELETE FROM information_schema.tables",
                "INSERT INTO information_schema.engines (engine) VALUES ('x')",
                "UPDATE information_schema.schemata SET sql_path = 'x'",
                "CREATE TABLE information_schema.x (a INT)",
                "DROP TABLE information_schema.tables",
                "DROP DATABASE information_schema",
            ] {
                let m = assert_error(conn.query_drop(sql).await, 1044, "42000", sql);
                assert!(
                    m.starts_with(&format!("Access denied for user '{who}'@"))
                        && m.ends_with("to database 'information_schema'"),
                    "{sql}: {m}"
                );
            }
        }
    });
}
