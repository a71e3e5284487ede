//! information_schema through the planner: views resolve in any case, the
//! whole single-table SELECT runs on them, rows follow the live catalog.

mod common;

use common::Db;
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
        vec!["COLUMNS", "COLLATIONS"]
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
