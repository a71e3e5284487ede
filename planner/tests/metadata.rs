//! Result column metadata, as MySQL sends it.

mod common;

use common::Db;
use planner::result::flags;
use planner::QueryResult;
use pushdown::schema::{Collation, ColumnType};
use pushdown::value::Value;

#[tokio::test]
async fn table_and_computed_columns() {
    let mut db = Db::new().await;
    db.ok("CREATE TABLE sbtest1(id INTEGER NOT NULL AUTO_INCREMENT, k INTEGER DEFAULT '0' NOT NULL, c CHAR(120) DEFAULT '' NOT NULL, u INT UNSIGNED, b BIGINT, PRIMARY KEY (id))").await;
    db.ok("CREATE INDEX k_1 ON sbtest1(k)").await;
    let stmt = &planner::parse::parse(
        "SELECT t.id, k AS kk, c, u, b, COUNT(*), SUM(k), AVG(k) FROM test.sbtest1 t WHERE id = ?",
    )
    .unwrap()[0];
    let p = db.planner.prepare(stmt, &db.ctx).unwrap();
    assert_eq!(p.param_count, 1);
    assert_eq!(p.tables, vec![("test".to_string(), "sbtest1".to_string())]);
    let c = &p.columns;
    assert_eq!(c.len(), 8);
    assert_eq!(
        (
            c[0].schema.as_str(),
            c[0].table.as_str(),
            c[0].org_table.as_str()
        ),
        ("test", "t", "sbtest1")
    );
    assert_eq!((c[0].name.as_str(), c[0].org_name.as_str()), ("id", "id"));
    assert_eq!(c[0].length, 11);
    assert_eq!(
        c[0].flags,
        flags::NOT_NULL | flags::PRI_KEY | flags::AUTO_INCREMENT | flags::NUM
    );
    assert_eq!((c[1].name.as_str(), c[1].org_name.as_str()), ("kk", "k"));
    assert_eq!(
        c[1].flags,
        flags::NOT_NULL | flags::MULTIPLE_KEY | flags::NUM
    );
    assert_eq!(c[2].ty, ColumnType::Char(120));
    assert_eq!(c[2].length, 480);
    assert_eq!(c[2].collation, Collation::Utf8mb4GeneralCi);
    assert_eq!(c[3].length, 10);
    assert!(c[3].unsigned && c[3].flags & flags::UNSIGNED != 0);
    assert_eq!(c[4].length, 20);
    assert_eq!(c[5].name, "COUNT(*)");
    assert_eq!(c[5].ty, ColumnType::BigInt);
    assert_eq!(c[5].org_table, "");
    assert_eq!(c[6].name, "SUM(k)");
    assert!(matches!(c[6].ty, ColumnType::Decimal { scale: 0, .. }));
    assert!(matches!(c[7].ty, ColumnType::Decimal { scale: 4, .. }));
    assert_eq!(c[7].decimals, 4);
}

#[tokio::test]
async fn prepared_plan_survives_schema_change() {
    let mut db = Db::new().await;
    db.ok("CREATE TABLE t (id INT PRIMARY KEY, a INT)").await;
    db.ok("INSERT INTO t VALUES (1, 10)").await;
    let stmt = &planner::parse::parse("SELECT * FROM t WHERE id = ?").unwrap()[0];
    let p = db.planner.prepare(stmt, &db.ctx).unwrap();
    db.ok("ALTER TABLE t ADD COLUMN b INT DEFAULT 3").await;
    // Planned again once, then the new plan is reused.
    for _ in 0..2 {
        match db
            .planner
            .execute(&p, &[Value::Int(1)], &mut db.ctx)
            .await
            .unwrap()
        {
            QueryResult::Rows { columns, rows } => {
                assert_eq!(columns.len(), 3);
                assert_eq!(
                    rows,
                    vec![vec![Value::Int(1), Value::Int(10), Value::Int(3)]]
                );
            }
            other => panic!("{other:?}"),
        }
    }
    db.ok("DROP TABLE t").await;
    assert_eq!(
        db.planner
            .execute(&p, &[Value::Int(1)], &mut db.ctx)
            .await
            .unwrap_err()
            .code,
        1146
    );
}

/// A schema change on another table leaves a plan as it is, even a bulk
/// INSERT's, which keeps no statement to plan again from (sysbench's
/// parallel `prepare` creates an index on one table while another thread
/// inserts into the next).
#[tokio::test]
async fn schema_change_elsewhere_keeps_plans() {
    let mut db = Db::new().await;
    db.ok("CREATE TABLE a (id INT PRIMARY KEY, v INT)").await;
    db.ok("CREATE TABLE b (id INT PRIMARY KEY, v INT)").await;
    let rows: Vec<String> = (1..=100).map(|i| format!("({i}, {i})")).collect();
    let bulk = format!("INSERT INTO a VALUES {}", rows.join(", "));
    let stmt = &planner::parse::parse(&bulk).unwrap()[0];
    let p = db.planner.prepare(stmt, &db.ctx).unwrap();
    db.ok("CREATE INDEX v_1 ON b (v)").await;
    match db.planner.execute(&p, &[], &mut db.ctx).await.unwrap() {
        QueryResult::Done { affected, .. } => assert_eq!(affected, 100),
        other => panic!("{other:?}"),
    }
    // A change to the plan's own table still needs a new plan: a bulk
    // INSERT has none to make, so it asks to be prepared again.
    let p = db.planner.prepare(stmt, &db.ctx).unwrap();
    db.ok("ALTER TABLE a ADD COLUMN w INT").await;
    assert_eq!(
        db.planner
            .execute(&p, &[], &mut db.ctx)
            .await
            .unwrap_err()
            .code,
        1615
    );
}

#[tokio::test]
async fn non_strict_inserts_store_implicit_defaults() {
    let mut db = Db::new().await;
    db.ctx.strict = false;
    db.ok("CREATE TABLE t (id INT PRIMARY KEY, a INT NOT NULL, s CHAR(3) NOT NULL)")
        .await;
    // One row: NULL into NOT NULL is an error even when not strict.
    assert_eq!(
        db.err("INSERT INTO t VALUES (1, NULL, 'x')").await.code,
        1048
    );
    // Several rows: the implicit default, with a warning.
    match db
        .ok("INSERT INTO t VALUES (1, NULL, 'x'), (2, 5, 'toolong')")
        .await
    {
        QueryResult::Done { info, .. } => {
            assert_eq!(info, "Records: 2  Duplicates: 0  Warnings: 2")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(db.ctx.warnings.len(), 2);
    assert_eq!(db.ctx.warnings[0].code, 1048);
    assert_eq!(
        db.rows("SELECT a, s FROM t ORDER BY id").await,
        vec!["0|x", "5|too"]
    );
    db.ctx.strict = true;
    assert_eq!(
        db.err("INSERT INTO t VALUES (3, 1, 'toolong')").await.code,
        1406
    );
    assert_eq!(
        db.err("INSERT INTO t (id, s) VALUES (3, 'a')").await.code,
        1364
    );
}

#[tokio::test]
async fn key_values_are_converted_to_the_column_type() {
    let mut db = Db::new().await;
    db.ok("CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(5), KEY ks (s))")
        .await;
    db.ok("INSERT INTO t VALUES (1, 'a'), (2, 'B'), (3, '05')")
        .await;
    assert_eq!(db.rows("SELECT id FROM t WHERE id = '2'").await, vec!["2"]);
    assert_eq!(
        db.rows("SELECT id FROM t WHERE id = 1.5").await,
        Vec::<String>::new()
    );
    assert_eq!(
        db.rows("SELECT id FROM t WHERE id < 2.5").await,
        vec!["1", "2"]
    );
    assert_eq!(
        db.rows("SELECT id FROM t WHERE id IN (3, NULL, 1)").await,
        vec!["1", "3"]
    );
    assert_eq!(db.rows("SELECT id FROM t WHERE s = 'b'").await, vec!["2"]);
    assert_eq!(
        db.rows("SELECT id FROM t WHERE id = 3 OR id = 1 OR id = 3")
            .await,
        vec!["1", "3"]
    );
    // A number compared with a string column compares as numbers.
    assert_eq!(db.rows("SELECT id FROM t WHERE s = 5").await, vec!["3"]);
    assert_eq!(
        db.rows("SELECT id FROM t WHERE id = NULL").await,
        Vec::<String>::new()
    );
}

/// MariaDB types an integer literal, and +, - and * over literals, as INT
/// (MYSQL_TYPE_LONG) up to a display length of 9, BIGINT beyond.
#[tokio::test]
async fn small_integer_literals_are_int() {
    let db = Db::new().await;
    let stmt = &planner::parse::parse(
        "SELECT 1, -1, 123456789, 1234567890, -123456789, 2147483648, 1+1, 99999999999+1, 100000000+1, 1*1, 1-1, -(1), COUNT(*)",
    )
    .unwrap()[0];
    let p = db.planner.prepare(stmt, &db.ctx).unwrap();
    let got: Vec<(ColumnType, u32)> = p.columns.iter().map(|c| (c.ty, c.length)).collect();
    use ColumnType::{BigInt, Int};
    assert_eq!(
        got,
        [
            (Int, 1),
            (Int, 2),
            (Int, 9),
            (BigInt, 10),
            (BigInt, 10),
            (BigInt, 10),
            (Int, 3),
            (BigInt, 13),
            (BigInt, 11),
            (Int, 3),
            (Int, 3),
            (Int, 2),
            (BigInt, 21),
        ]
    );
}
