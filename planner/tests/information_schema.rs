//! information_schema through the planner: views resolve in any case, the
//! whole single-table SELECT runs on them, rows follow the live catalog.

mod common;

use common::Db;
use pushdown::schema::{DdlOp, Grant, UserDef};
use pushdown::value::Value;

async fn shop() -> Db {
    let mut db = Db::new().await;
    db.ok(
        "CREATE TABLE item (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, \
         name VARCHAR(20) NOT NULL DEFAULT 'bob', price DECIMAL(10,2) DEFAULT 1.50, \
         u BIGINT UNSIGNED, d DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3), \
         t TEXT, b VARBINARY(16), UNIQUE KEY uk (name, u), KEY k_price (price)) \
         COMMENT 'hello'",
    )
    .await;
    db.ok("CREATE TABLE nopk (a INT, e DATE DEFAULT '2020-01-01')")
        .await;
    db
}

#[tokio::test]
async fn tables_and_columns_follow_the_catalog() {
    let mut db = shop().await;
    assert_eq!(
        db.rows(
            "SELECT table_name, table_type, engine, table_collation, table_comment \
             FROM information_schema.tables WHERE table_schema = 'test' ORDER BY table_name"
        )
        .await,
        vec![
            "item|BASE TABLE|InnoDB|utf8mb4_general_ci|hello",
            "nopk|BASE TABLE|InnoDB|utf8mb4_general_ci|"
        ]
    );
    // The hidden primary key of nopk never shows.
    assert_eq!(
        db.rows(
            "SELECT COLUMN_NAME, ORDINAL_POSITION, COLUMN_DEFAULT, IS_NULLABLE, DATA_TYPE, \
             CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, CHARACTER_SET_NAME, \
             COLUMN_TYPE, COLUMN_KEY, EXTRA FROM INFORMATION_SCHEMA.COLUMNS \
             WHERE TABLE_SCHEMA = 'test' ORDER BY TABLE_NAME, ORDINAL_POSITION"
        )
        .await,
        vec![
            "id|1|NULL|NO|int|NULL|10|0|NULL|int|PRI|auto_increment",
            "name|2|'bob'|NO|varchar|20|NULL|NULL|utf8mb4|varchar(20)|MUL|",
            "price|3|1.50|YES|decimal|NULL|10|2|NULL|decimal(10,2)|MUL|",
            "u|4|NULL|YES|bigint|NULL|20|0|NULL|bigint unsigned||",
            "d|5|current_timestamp(3)|YES|datetime|NULL|NULL|NULL|NULL|datetime(3)||",
            "t|6|NULL|YES|text|65535|NULL|NULL|utf8mb4|text||",
            "b|7|NULL|YES|varbinary|16|NULL|NULL|NULL|varbinary(16)||",
            "a|1|NULL|YES|int|NULL|10|0|NULL|int||",
            "e|2|'2020-01-01'|YES|date|NULL|NULL|NULL|NULL|date||",
        ]
    );
    // DDL shows at once.
    db.ok("ALTER TABLE nopk ADD COLUMN z CHAR(3)").await;
    assert_eq!(
        db.rows(
            "SELECT column_name FROM information_schema.columns \
             WHERE table_name = 'nopk' AND ordinal_position > 2"
        )
        .await,
        vec!["z"]
    );
    db.ok("DROP TABLE nopk").await;
    assert_eq!(
        db.rows("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'test'")
            .await,
        vec!["1"]
    );
}

#[tokio::test]
async fn keys_and_constraints() {
    let mut db = shop().await;
    assert_eq!(
        db.rows(
            "SELECT index_name, non_unique, seq_in_index, column_name, nullable \
             FROM information_schema.statistics WHERE table_schema = 'test' AND table_name = 'item'"
        )
        .await,
        vec![
            "PRIMARY|0|1|id|",
            "uk|0|1|name|",
            "uk|0|2|u|YES",
            "k_price|1|1|price|YES"
        ]
    );
    assert_eq!(
        db.rows(
            "SELECT constraint_name, column_name, ordinal_position \
             FROM information_schema.key_column_usage WHERE table_schema = 'test'"
        )
        .await,
        vec!["PRIMARY|id|1", "uk|name|1", "uk|u|2"]
    );
    assert_eq!(
        db.rows(
            "SELECT constraint_name, constraint_type FROM information_schema.table_constraints \
             WHERE table_schema = 'test' ORDER BY constraint_type, constraint_name"
        )
        .await,
        vec!["PRIMARY|PRIMARY KEY", "uk|UNIQUE"]
    );
}

#[tokio::test]
async fn select_machinery_on_views() {
    let mut db = shop().await;
    // Case-insensitive schema and name, utf8mb3_general_ci comparisons.
    assert_eq!(
        db.rows(
            "SELECT DISTINCT TABLE_SCHEMA FROM information_schema.TABLES \
             WHERE table_schema IN ('TEST', 'information_SCHEMA') ORDER BY 1"
        )
        .await,
        vec!["information_schema", "test"]
    );
    assert_eq!(
        db.rows(
            "SELECT table_name, COUNT(*) FROM information_schema.columns \
             WHERE table_schema = 'test' GROUP BY table_name"
        )
        .await,
        vec!["item|7", "nopk|2"]
    );
    assert_eq!(
        db.rows(
            "SELECT table_name FROM information_schema.tables \
             WHERE table_schema = 'information_schema' AND table_name LIKE 'c%' \
             ORDER BY table_name DESC LIMIT 2"
        )
        .await,
        vec!["COLUMN_PRIVILEGES", "COLUMNS"]
    );
    // A parameter for the schema, as Connector/J sends it.
    let r = db
        .exec(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?",
            &[Value::from("test")],
        )
        .await
        .unwrap();
    assert_eq!(common::text_rows(r), vec!["2"]);
    // USE information_schema; unqualified names.
    db.ctx.current_db = Some("information_schema".into());
    assert_eq!(
        db.rows("SELECT schema_name FROM schemata WHERE schema_name = 'test'")
            .await,
        vec!["test"]
    );
    assert_eq!(db.err("SELECT * FROM nosuch").await.code, 1109);
    assert_eq!(db.err("DELETE FROM tables").await.code, 1044);
    assert_eq!(
        db.err("INSERT INTO information_schema.engines (engine) VALUES ('x')")
            .await
            .code,
        1044
    );
    let plan = db.explain("SELECT * FROM information_schema.tables").await;
    assert!(plan.contains("none (information_schema)"), "{plan}");
}

#[tokio::test]
async fn server_views() {
    let mut db = Db::new().await;
    assert_eq!(
        db.rows(
            "SELECT collation_name, character_set_name, id, is_default \
             FROM information_schema.collations WHERE collation_name LIKE 'utf8mb4%' ORDER BY id"
        )
        .await,
        vec![
            "utf8mb4_general_ci|utf8mb4|45|Yes",
            "utf8mb4_bin|utf8mb4|46|",
            "utf8mb4_0900_ai_ci|utf8mb4|255|"
        ]
    );
    assert_eq!(
        db.rows(
            "SELECT default_collate_name, maxlen FROM information_schema.character_sets \
             WHERE character_set_name = 'utf8mb4'"
        )
        .await,
        vec!["utf8mb4_general_ci|4"]
    );
    assert_eq!(
        db.rows("SELECT engine, support FROM information_schema.engines")
            .await,
        vec!["EMBEDDED|DEFAULT"]
    );
}

/// Two sessions of two users, and a few counters: what sqld's sessions
/// give information_schema.
struct FakeServer;

impl planner::ServerState for FakeServer {
    fn processes(&self) -> Vec<planner::Process> {
        let p = |id, user: &str, info: Option<&str>| planner::Process {
            id,
            user: user.into(),
            host: "127.0.0.1:4000".into(),
            db: None,
            command: if info.is_some() { "Query" } else { "Sleep" },
            time: std::time::Duration::from_millis(2506),
            state: "",
            info: info.map(str::to_string),
        };
        vec![
            p(1, "root", Some("SELECT 1")),
            p(2, "app", None),
            p(3, "app", Some("SELECT 2")),
        ]
    }
    fn status(&self) -> Vec<(String, String)> {
        vec![
            ("Com_select".into(), "7".into()),
            ("Uptime".into(), "12".into()),
        ]
    }
}

#[tokio::test]
async fn live_views_follow_the_server_and_the_grants() {
    let mut db = Db::new().await;
    db.ctx.server = std::sync::Arc::new(FakeServer);
    assert_eq!(
        db.rows(
            "SELECT ID, USER, COMMAND, TIME, INFO, TIME_MS, PROGRESS, INFO_BINARY \
             FROM information_schema.PROCESSLIST ORDER BY ID"
        )
        .await,
        vec![
            "1|root|Query|2|SELECT 1|2506.000|0.000|SELECT 1",
            "2|app|Sleep|2|NULL|2506.000|0.000|NULL",
            "3|app|Query|2|SELECT 2|2506.000|0.000|SELECT 2",
        ]
    );
    assert_eq!(
        db.rows(
            "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS \
             WHERE VARIABLE_NAME = 'com_select'"
        )
        .await,
        vec!["7"]
    );
    assert_eq!(
        db.rows("SELECT * FROM information_schema.SESSION_STATUS ORDER BY 1 DESC")
            .await,
        vec!["UPTIME|12", "COM_SELECT|7"]
    );
    // The planner's test session has no variable list: none, not an error.
    assert!(db
        .rows("SELECT * FROM information_schema.GLOBAL_VARIABLES")
        .await
        .is_empty());

    // An account with a database grant: its own sessions and privileges;
    // one with ALL on *.*: everyone's.
    db.ok("CREATE DATABASE app").await;
    let account = |user: &str, db: Option<&str>, wgo: bool| {
        DdlOp::PutUser(UserDef {
            user: user.into(),
            host: "%".into(),
            plugin: "mysql_native_password".into(),
            auth: Vec::new(),
            grants: vec![Grant::all_on(db.map(str::to_string), wgo)],
        })
    };
    db.planner
        .ddl(&account("app", Some("app"), false))
        .await
        .unwrap();
    db.planner.ddl(&account("boss", None, true)).await.unwrap();
    db.ctx.grantee = planner::Grantee::Account {
        user: "app".into(),
        host: "%".into(),
    };
    db.ctx.user = "app".into();
    assert_eq!(
        db.rows("SELECT ID FROM information_schema.PROCESSLIST ORDER BY ID")
            .await,
        vec!["2", "3"]
    );
    assert_eq!(
        db.rows("SELECT * FROM information_schema.USER_PRIVILEGES")
            .await,
        vec!["'app'@'%'|def|USAGE|NO"]
    );
    assert_eq!(
        db.rows(
            "SELECT GRANTEE, TABLE_SCHEMA, PRIVILEGE_TYPE, IS_GRANTABLE              FROM information_schema.SCHEMA_PRIVILEGES LIMIT 2"
        )
        .await,
        vec!["'app'@'%'|app|SELECT|NO", "'app'@'%'|app|INSERT|NO"]
    );
    assert_eq!(
        db.rows("SELECT COUNT(*) FROM information_schema.SCHEMA_PRIVILEGES")
            .await,
        vec!["19"]
    );

    db.ctx.grantee = planner::Grantee::Account {
        user: "boss".into(),
        host: "%".into(),
    };
    db.ctx.user = "boss".into();
    assert_eq!(
        db.rows("SELECT ID FROM information_schema.PROCESSLIST ORDER BY ID")
            .await,
        vec!["1", "2", "3"]
    );
    assert_eq!(
        db.rows(
            "SELECT GRANTEE, COUNT(*), MIN(IS_GRANTABLE) FROM information_schema.USER_PRIVILEGES \
             GROUP BY GRANTEE ORDER BY GRANTEE"
        )
        .await,
        vec!["'app'@'%'|1|NO", "'boss'@'%'|38|YES"]
    );
    assert_eq!(
        db.rows(
            "SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES \
             WHERE GRANTEE = \"'boss'@'%'\" AND PRIVILEGE_TYPE LIKE 'PROC%'"
        )
        .await,
        vec!["PROCESS"]
    );
}

#[tokio::test]
async fn views_sqld_has_no_objects_for_are_empty_with_their_columns() {
    let mut db = shop().await;
    // Flyway's clean, Liquibase's and Hibernate's snapshots.
    for sql in [
        "SELECT routine_name FROM information_schema.routines \
         WHERE routine_schema = 'test' AND routine_type = 'PROCEDURE'",
        "SELECT event_name FROM information_schema.events WHERE event_schema = 'test'",
        "SELECT trigger_name FROM information_schema.triggers \
         WHERE event_object_schema = 'test' ORDER BY action_order",
        "SELECT table_name FROM information_schema.views WHERE table_schema = 'test'",
        "SELECT * FROM information_schema.REFERENTIAL_CONSTRAINTS \
         WHERE CONSTRAINT_SCHEMA = 'test' ORDER BY TABLE_NAME",
        "SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS \
         WHERE CONSTRAINT_SCHEMA = 'test'",
        "SELECT specific_name, parameter_name FROM information_schema.parameters \
         WHERE specific_schema = 'test' ORDER BY ordinal_position",
        "SELECT * FROM information_schema.TABLE_PRIVILEGES",
        "SELECT COLUMN_NAME FROM information_schema.COLUMN_PRIVILEGES WHERE TABLE_NAME = 'item'",
    ] {
        assert!(db.rows(sql).await.is_empty(), "{sql}");
    }
    // One unpartitioned row per table, views included, as MariaDB.
    assert_eq!(
        db.rows(
            "SELECT TABLE_NAME, PARTITION_NAME, PARTITION_METHOD, TABLE_ROWS, NODEGROUP \
             FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = 'test' ORDER BY 1"
        )
        .await,
        vec!["item|NULL|NULL|0|", "nopk|NULL|NULL|0|"]
    );
    assert_eq!(
        db.rows("SELECT COUNT(*) FROM information_schema.PARTITIONS")
            .await,
        db.rows("SELECT COUNT(*) FROM information_schema.TABLES")
            .await
    );
}

#[tokio::test]
async fn create_table_like_a_view() {
    let mut db = Db::new().await;
    db.ok("CREATE TABLE pl LIKE information_schema.PROCESSLIST")
        .await;
    assert_eq!(
        db.rows(
            "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLLATION_NAME, COLUMN_KEY \
             FROM information_schema.COLUMNS WHERE TABLE_NAME = 'pl' AND ORDINAL_POSITION IN (1, 2, 8, 9, 17)"
        )
        .await,
        vec![
            "ID|bigint|NO|NULL|",
            "USER|varchar(128)|NO|utf8mb3_general_ci|",
            "INFO|longtext|YES|utf8mb3_general_ci|",
            "TIME_MS|decimal(22,3)|NO|NULL|",
            "INFO_BINARY|blob|YES|NULL|",
        ]
    );
    db.ok(
        "INSERT INTO pl (ID, USER, HOST, COMMAND, TIME, TIME_MS, STAGE, MAX_STAGE, PROGRESS, \
           MEMORY_USED, MAX_MEMORY_USED, EXAMINED_ROWS, QUERY_ID, TID) \
           VALUES (1, 'u', 'h', 'Sleep', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)",
    )
    .await;
    assert_eq!(db.rows("SELECT ID, USER FROM pl").await, vec!["1|u"]);
    assert_eq!(
        db.err("CREATE TABLE x LIKE information_schema.nosuch")
            .await
            .code,
        1109
    );
}
