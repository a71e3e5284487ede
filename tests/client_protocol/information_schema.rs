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

/// The views added for tools (Flyway, Liquibase, Hibernate, DBeaver,
/// Workbench): each column's name, DATA_TYPE and IS_NULLABLE, in order, as
/// MariaDB 10.11 lists them in information_schema.COLUMNS.
const TOOL_VIEWS: &[(&str, &str)] = &[
    (
        "CHECK_CONSTRAINTS",
        "CONSTRAINT_CATALOG:varchar:NO CONSTRAINT_SCHEMA:varchar:NO TABLE_NAME:varchar:NO CONSTRAINT_NAME:varchar:NO LEVEL:varchar:NO CHECK_CLAUSE:longtext:NO",
    ),
    (
        "COLUMN_PRIVILEGES",
        "GRANTEE:varchar:NO TABLE_CATALOG:varchar:NO TABLE_SCHEMA:varchar:NO TABLE_NAME:varchar:NO COLUMN_NAME:varchar:NO PRIVILEGE_TYPE:varchar:NO IS_GRANTABLE:varchar:NO",
    ),
    (
        "EVENTS",
        "EVENT_CATALOG:varchar:NO EVENT_SCHEMA:varchar:NO EVENT_NAME:varchar:NO DEFINER:varchar:NO TIME_ZONE:varchar:NO EVENT_BODY:varchar:NO EVENT_DEFINITION:longtext:NO EVENT_TYPE:varchar:NO EXECUTE_AT:datetime:YES INTERVAL_VALUE:varchar:YES INTERVAL_FIELD:varchar:YES SQL_MODE:varchar:NO STARTS:datetime:YES ENDS:datetime:YES STATUS:varchar:NO ON_COMPLETION:varchar:NO CREATED:datetime:NO LAST_ALTERED:datetime:NO LAST_EXECUTED:datetime:YES EVENT_COMMENT:varchar:NO ORIGINATOR:bigint:NO CHARACTER_SET_CLIENT:varchar:NO COLLATION_CONNECTION:varchar:NO DATABASE_COLLATION:varchar:NO",
    ),
    (
        "GLOBAL_STATUS",
        "VARIABLE_NAME:varchar:NO VARIABLE_VALUE:varchar:NO",
    ),
    (
        "GLOBAL_VARIABLES",
        "VARIABLE_NAME:varchar:NO VARIABLE_VALUE:varchar:NO",
    ),
    (
        "PARAMETERS",
        "SPECIFIC_CATALOG:varchar:NO SPECIFIC_SCHEMA:varchar:NO SPECIFIC_NAME:varchar:NO ORDINAL_POSITION:int:NO PARAMETER_MODE:varchar:YES PARAMETER_NAME:varchar:YES DATA_TYPE:varchar:NO CHARACTER_MAXIMUM_LENGTH:int:YES CHARACTER_OCTET_LENGTH:int:YES NUMERIC_PRECISION:int:YES NUMERIC_SCALE:int:YES DATETIME_PRECISION:bigint:YES CHARACTER_SET_NAME:varchar:YES COLLATION_NAME:varchar:YES DTD_IDENTIFIER:longtext:NO ROUTINE_TYPE:varchar:NO",
    ),
    (
        "PARTITIONS",
        "TABLE_CATALOG:varchar:NO TABLE_SCHEMA:varchar:NO TABLE_NAME:varchar:NO PARTITION_NAME:varchar:YES SUBPARTITION_NAME:varchar:YES PARTITION_ORDINAL_POSITION:bigint:YES SUBPARTITION_ORDINAL_POSITION:bigint:YES PARTITION_METHOD:varchar:YES SUBPARTITION_METHOD:varchar:YES PARTITION_EXPRESSION:longtext:YES SUBPARTITION_EXPRESSION:longtext:YES PARTITION_DESCRIPTION:longtext:YES TABLE_ROWS:bigint:NO AVG_ROW_LENGTH:bigint:NO DATA_LENGTH:bigint:NO MAX_DATA_LENGTH:bigint:YES INDEX_LENGTH:bigint:NO DATA_FREE:bigint:NO CREATE_TIME:datetime:YES UPDATE_TIME:datetime:YES CHECK_TIME:datetime:YES CHECKSUM:bigint:YES PARTITION_COMMENT:varchar:NO NODEGROUP:varchar:NO TABLESPACE_NAME:varchar:YES",
    ),
    (
        "PROCESSLIST",
        "ID:bigint:NO USER:varchar:NO HOST:varchar:NO DB:varchar:YES COMMAND:varchar:NO TIME:int:NO STATE:varchar:YES INFO:longtext:YES TIME_MS:decimal:NO STAGE:tinyint:NO MAX_STAGE:tinyint:NO PROGRESS:decimal:NO MEMORY_USED:bigint:NO MAX_MEMORY_USED:bigint:NO EXAMINED_ROWS:int:NO QUERY_ID:bigint:NO INFO_BINARY:blob:YES TID:bigint:NO",
    ),
    (
        "REFERENTIAL_CONSTRAINTS",
        "CONSTRAINT_CATALOG:varchar:NO CONSTRAINT_SCHEMA:varchar:NO CONSTRAINT_NAME:varchar:NO UNIQUE_CONSTRAINT_CATALOG:varchar:NO UNIQUE_CONSTRAINT_SCHEMA:varchar:NO UNIQUE_CONSTRAINT_NAME:varchar:YES MATCH_OPTION:varchar:NO UPDATE_RULE:varchar:NO DELETE_RULE:varchar:NO TABLE_NAME:varchar:NO REFERENCED_TABLE_NAME:varchar:YES",
    ),
    (
        "ROUTINES",
        "SPECIFIC_NAME:varchar:NO ROUTINE_CATALOG:varchar:NO ROUTINE_SCHEMA:varchar:NO ROUTINE_NAME:varchar:NO ROUTINE_TYPE:varchar:NO DATA_TYPE:varchar:NO CHARACTER_MAXIMUM_LENGTH:int:YES CHARACTER_OCTET_LENGTH:int:YES NUMERIC_PRECISION:int:YES NUMERIC_SCALE:int:YES DATETIME_PRECISION:bigint:YES CHARACTER_SET_NAME:varchar:YES COLLATION_NAME:varchar:YES DTD_IDENTIFIER:longtext:YES ROUTINE_BODY:varchar:NO ROUTINE_DEFINITION:longtext:YES EXTERNAL_NAME:varchar:YES EXTERNAL_LANGUAGE:varchar:YES PARAMETER_STYLE:varchar:NO IS_DETERMINISTIC:varchar:NO SQL_DATA_ACCESS:varchar:NO SQL_PATH:varchar:YES SECURITY_TYPE:varchar:NO CREATED:datetime:NO LAST_ALTERED:datetime:NO SQL_MODE:varchar:NO ROUTINE_COMMENT:longtext:NO DEFINER:varchar:NO CHARACTER_SET_CLIENT:varchar:NO COLLATION_CONNECTION:varchar:NO DATABASE_COLLATION:varchar:NO",
    ),
    (
        "SCHEMA_PRIVILEGES",
        "GRANTEE:varchar:NO TABLE_CATALOG:varchar:NO TABLE_SCHEMA:varchar:NO PRIVILEGE_TYPE:varchar:NO IS_GRANTABLE:varchar:NO",
    ),
    (
        "SESSION_STATUS",
        "VARIABLE_NAME:varchar:NO VARIABLE_VALUE:varchar:NO",
    ),
    (
        "SESSION_VARIABLES",
        "VARIABLE_NAME:varchar:NO VARIABLE_VALUE:varchar:NO",
    ),
    (
        "TABLE_PRIVILEGES",
        "GRANTEE:varchar:NO TABLE_CATALOG:varchar:NO TABLE_SCHEMA:varchar:NO TABLE_NAME:varchar:NO PRIVILEGE_TYPE:varchar:NO IS_GRANTABLE:varchar:NO",
    ),
    (
        "TRIGGERS",
        "TRIGGER_CATALOG:varchar:NO TRIGGER_SCHEMA:varchar:NO TRIGGER_NAME:varchar:NO EVENT_MANIPULATION:varchar:NO EVENT_OBJECT_CATALOG:varchar:NO EVENT_OBJECT_SCHEMA:varchar:NO EVENT_OBJECT_TABLE:varchar:NO ACTION_ORDER:bigint:NO ACTION_CONDITION:longtext:YES ACTION_STATEMENT:longtext:YES ACTION_ORIENTATION:varchar:NO ACTION_TIMING:varchar:NO ACTION_REFERENCE_OLD_TABLE:varchar:YES ACTION_REFERENCE_NEW_TABLE:varchar:YES ACTION_REFERENCE_OLD_ROW:varchar:NO ACTION_REFERENCE_NEW_ROW:varchar:NO CREATED:datetime:YES SQL_MODE:varchar:NO DEFINER:varchar:YES CHARACTER_SET_CLIENT:varchar:NO COLLATION_CONNECTION:varchar:NO DATABASE_COLLATION:varchar:NO",
    ),
    (
        "USER_PRIVILEGES",
        "GRANTEE:varchar:NO TABLE_CATALOG:varchar:NO PRIVILEGE_TYPE:varchar:NO IS_GRANTABLE:varchar:NO",
    ),
    (
        "VIEWS",
        "TABLE_CATALOG:varchar:NO TABLE_SCHEMA:varchar:NO TABLE_NAME:varchar:NO VIEW_DEFINITION:longtext:NO CHECK_OPTION:varchar:NO IS_UPDATABLE:varchar:NO DEFINER:varchar:NO SECURITY_TYPE:varchar:NO CHARACTER_SET_CLIENT:varchar:NO COLLATION_CONNECTION:varchar:NO ALGORITHM:varchar:NO",
    ),
];

#[test]
fn tool_views_have_mariadbs_columns() {
    let server = TestServer::start();
    block_on_with_timeout(120, async {
        let mut conn = server.conn().await;
        let names: Vec<String> = TOOL_VIEWS.iter().map(|(t, _)| format!("'{t}'")).collect();
        let got = rows(
            &mut conn,
            &format!(
                "SELECT TABLE_NAME, GROUP_CONCAT(CONCAT(COLUMN_NAME, ':', DATA_TYPE, ':', \
                 IS_NULLABLE) ORDER BY ORDINAL_POSITION SEPARATOR ' ') \
                 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'information_schema' \
                 AND TABLE_NAME IN ({}) GROUP BY TABLE_NAME ORDER BY TABLE_NAME",
                names.join(", ")
            ),
        )
        .await;
        let want: Vec<_> = TOOL_VIEWS.iter().map(|(t, c)| row(&[t, c])).collect();
        assert_eq!(got, want);
        // SELECT * gives the same columns.
        for (view, columns) in TOOL_VIEWS {
            let result = conn
                .query_iter(format!("SELECT * FROM information_schema.{view} LIMIT 0"))
                .await
                .unwrap();
            let names: Vec<String> = result
                .columns_ref()
                .iter()
                .map(|c| c.name_str().into_owned())
                .collect();
            result.drop_result().await.unwrap();
            let want: Vec<&str> = columns
                .split(' ')
                .map(|c| c.split(':').next().unwrap_or_default())
                .collect();
            assert_eq!(names, want, "{view}");
        }
    });
}

#[test]
fn objects_sqld_lacks_are_empty_and_tables_unpartitioned() {
    let server = TestServer::start();
    block_on_with_timeout(120, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE isobj",
                "CREATE TABLE isobj.a (id INT PRIMARY KEY, v INT)",
                "CREATE TABLE isobj.b (x VARCHAR(10))",
            ],
        )
        .await;
        // Flyway's clean, Liquibase's and Hibernate's snapshots, with the
        // schema as a parameter as they send it.
        for sql in [
            "SELECT routine_name FROM information_schema.routines \
             WHERE routine_schema = ? AND routine_type = 'PROCEDURE'",
            "SELECT event_name FROM information_schema.events WHERE event_schema = ?",
            "SELECT trigger_name FROM information_schema.triggers \
             WHERE event_object_schema = ? ORDER BY action_order",
            "SELECT table_name FROM information_schema.views WHERE table_schema = ?",
            "SELECT * FROM information_schema.REFERENTIAL_CONSTRAINTS \
             WHERE CONSTRAINT_SCHEMA = ? ORDER BY TABLE_NAME, CONSTRAINT_NAME",
            "SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS \
             WHERE CONSTRAINT_SCHEMA = ?",
            "SELECT specific_name, parameter_name FROM information_schema.parameters \
             WHERE specific_schema = ? ORDER BY ordinal_position",
            "SELECT * FROM information_schema.TABLE_PRIVILEGES WHERE TABLE_SCHEMA = ?",
            "SELECT COLUMN_NAME FROM information_schema.COLUMN_PRIVILEGES \
             WHERE TABLE_SCHEMA = ?",
        ] {
            let got: Vec<Row> = conn.exec(sql, ("isobj",)).await.unwrap();
            assert!(got.is_empty(), "{sql}");
        }
        // One row per table with NULL partition columns: an unpartitioned
        // table, as MariaDB shows it.
        assert_eq!(
            rows(
                &mut conn,
                "SELECT TABLE_NAME, PARTITION_NAME, PARTITION_ORDINAL_POSITION, \
                 PARTITION_METHOD, PARTITION_EXPRESSION, TABLE_ROWS, PARTITION_COMMENT, NODEGROUP \
                 FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = 'isobj' ORDER BY 1"
            )
            .await,
            vec![
                row(&["a", "NULL", "NULL", "NULL", "NULL", "0", "", ""]),
                row(&["b", "NULL", "NULL", "NULL", "NULL", "0", "", ""]),
            ]
        );

        // CREATE TABLE ... LIKE a view: a base table with its columns.
        setup(
            &mut conn,
            &[
                "CREATE TABLE isobj.pl LIKE information_schema.PROCESSLIST",
                // Every column: MariaDB gives the copy's nullable columns
                // no default (sqld: DEFAULT NULL).
                "INSERT INTO isobj.pl VALUES (7, 'u', 'h', NULL, 'Sleep', 1, NULL, NULL, 1.5, \
                 0, 0, 0, 0, 0, 0, 0, NULL, 0)",
            ],
        )
        .await;
        assert_eq!(
            rows(&mut conn, "SELECT ID, USER, DB, TIME_MS FROM isobj.pl").await,
            vec![row(&["7", "u", "NULL", "1.500"])]
        );
        assert_eq!(
            rows(
                &mut conn,
                "SELECT TABLE_TYPE, TABLE_COLLATION FROM information_schema.TABLES \
                 WHERE TABLE_SCHEMA = 'isobj' AND TABLE_NAME = 'pl'"
            )
            .await,
            vec![row(&["BASE TABLE", "utf8mb3_general_ci"])]
        );
        assert_error(
            conn.query_drop("CREATE TABLE isobj.x LIKE information_schema.nosuch")
                .await,
            1109,
            "42S02",
            "LIKE an unknown view",
        );
        for sql in [
            "RENAME TABLE isobj.a TO information_schema.a",
            "ALTER TABLE isobj.a RENAME TO information_schema.a",
        ] {
            assert_error(conn.query_drop(sql).await, 1044, "42000", sql);
        }
    });
}

#[test]
fn sessions_variables_status_and_grants_by_account() {
    let server = TestServer::start();
    block_on_with_timeout(120, async {
        let mut root = server.conn().await;
        setup(
            &mut root,
            &[
                "CREATE DATABASE isproc",
                "CREATE USER 'isapp'@'%' IDENTIFIED BY 'pw'",
                "GRANT ALL ON isproc.* TO 'isapp'@'%'",
                "CREATE USER 'isboss'@'%' IDENTIFIED BY 'pw'",
                "GRANT ALL ON *.* TO 'isboss'@'%' WITH GRANT OPTION",
            ],
        )
        .await;
        let mut app = server
            .connect(server.opts("isapp", "pw", Some("isproc")))
            .await;
        let app_id = count(&mut app, "SELECT CONNECTION_ID()").await;
        let root_id = count(&mut root, "SELECT CONNECTION_ID()").await;

        // DBeaver's session manager: SELECT * works; without PROCESS an
        // account sees its own sessions only.
        let sql = "SELECT ID, USER, DB, COMMAND, INFO FROM information_schema.PROCESSLIST";
        assert_eq!(
            rows(&mut app, sql).await,
            vec![row(&[&app_id.to_string(), "isapp", "isproc", "Query", sql])]
        );
        let all: Vec<Row> = app
            .query("SELECT * FROM information_schema.PROCESSLIST")
            .await
            .unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].len(), 18);
        assert_eq!(
            rows(
                &mut root,
                &format!(
                    "SELECT USER, ID = {root_id} AND COMMAND = 'Query' \
                     FROM information_schema.PROCESSLIST \
                     WHERE ID IN ({app_id}, {root_id}) ORDER BY ID = {root_id}"
                )
            )
            .await,
            vec![row(&["isapp", "0"]), row(&["root", "1"])]
        );

        // Variables: the session's values and the global ones, names in
        // upper case and compared case-insensitively.
        app.query_drop("SET SESSION wait_timeout = 1234")
            .await
            .unwrap();
        let version = text(&mut app, "SELECT @@version").await;
        assert_eq!(
            text(
                &mut app,
                "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_VARIABLES \
                 WHERE VARIABLE_NAME = 'version'"
            )
            .await,
            version
        );
        assert_eq!(
            rows(
                &mut app,
                "SELECT * FROM information_schema.SESSION_VARIABLES \
                 WHERE VARIABLE_NAME IN ('wait_timeout', 'autocommit') ORDER BY 1"
            )
            .await,
            vec![row(&["AUTOCOMMIT", "ON"]), row(&["WAIT_TIMEOUT", "1234"])]
        );
        assert_eq!(
            text(
                &mut app,
                "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_VARIABLES \
                 WHERE VARIABLE_NAME = 'WAIT_TIMEOUT'"
            )
            .await
            .as_deref(),
            Some("28800")
        );

        // Status: SHOW STATUS's counters.
        let connected: i64 = text(
            &mut root,
            "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS \
             WHERE VARIABLE_NAME = 'threads_connected'",
        )
        .await
        .and_then(|v| v.parse().ok())
        .unwrap_or_default();
        assert!(connected >= 2, "{connected}");
        assert_eq!(
            count(
                &mut app,
                "SELECT COUNT(*) FROM information_schema.SESSION_STATUS \
                 WHERE VARIABLE_NAME IN ('UPTIME', 'QUESTIONS', 'COM_SELECT')"
            )
            .await,
            3
        );

        // Privileges: an account sees its own rows; one with ALL on *.*
        // sees every account's.
        assert_eq!(
            rows(&mut app, "SELECT * FROM information_schema.USER_PRIVILEGES").await,
            vec![row(&["'isapp'@'%'", "def", "USAGE", "NO"])]
        );
        assert_eq!(
            rows(
                &mut app,
                "SELECT GRANTEE, TABLE_SCHEMA, COUNT(*), MIN(IS_GRANTABLE) \
                 FROM information_schema.SCHEMA_PRIVILEGES GROUP BY GRANTEE, TABLE_SCHEMA"
            )
            .await,
            vec![row(&["'isapp'@'%'", "isproc", "19", "NO"])]
        );
        let mut boss = server.connect(server.opts("isboss", "pw", None)).await;
        assert_eq!(
            rows(
                &mut boss,
                "SELECT GRANTEE, COUNT(*), MIN(IS_GRANTABLE), MAX(IS_GRANTABLE) \
                 FROM information_schema.USER_PRIVILEGES \
                 WHERE GRANTEE IN ('''isapp''@''%''', '''isboss''@''%''') \
                 GROUP BY GRANTEE ORDER BY GRANTEE"
            )
            .await,
            vec![
                row(&["'isapp'@'%'", "1", "NO", "NO"]),
                row(&["'isboss'@'%'", "38", "YES", "YES"]),
            ]
        );
        assert_eq!(
            rows(
                &mut boss,
                "SELECT PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES \
                 WHERE GRANTEE = '''isapp''@''%''' AND PRIVILEGE_TYPE LIKE '%VIEW' ORDER BY 1"
            )
            .await,
            vec![row(&["CREATE VIEW"]), row(&["SHOW VIEW"])]
        );
        let boss_id = count(&mut boss, "SELECT CONNECTION_ID()").await;
        assert_eq!(
            count(
                &mut boss,
                &format!(
                    "SELECT COUNT(*) FROM information_schema.PROCESSLIST \
                     WHERE ID IN ({app_id}, {root_id}, {boss_id})"
                )
            )
            .await,
            3
        );
    });
}
