//! Odd and unsupported statements end in errors, never in panics.

mod common;

use common::Db;

#[tokio::test]
async fn odd_statements_do_not_panic() {
    let mut db = Db::new().await;
    db.ok("CREATE TABLE t (id INT PRIMARY KEY, k INT, c VARCHAR(10), d DECIMAL(5,2), KEY kk (k))")
        .await;
    db.ok("INSERT INTO t VALUES (1, 1, 'a', 1.5), (2, NULL, NULL, NULL)")
        .await;
    let cases: &[(&str, Option<u16>)] = &[
        ("SELECT x'é1'", None),
        ("SELECT * FROM t LIMIT 18446744073709551615", None),
        ("SELECT * FROM t ORDER BY 99", Some(1054)),
        ("SELECT * FROM t GROUP BY 0", Some(1054)),
        ("INSERT INTO t VALUES (1,2,3,4,5)", Some(1136)),
        ("SELECT * FROM t WHERE id IN (SELECT 1)", Some(1235)),
        ("SELECT * FROM t t1, t t2", Some(1235)),
        ("SELECT * FROM t JOIN t u ON t.id = u.id", Some(1235)),
        ("SELECT * FROM (SELECT 1) x", Some(1235)),
        ("SELECT 1 UNION SELECT 2", Some(1235)),
        ("WITH a AS (SELECT 1) SELECT * FROM a", Some(1235)),
        ("SELECT ROW_NUMBER() OVER () FROM t", Some(1235)),
        ("DELETE FROM t ORDER BY k + 1", Some(1235)),
        ("SELECT 99999999999999999999999999999999999999999", None),
        (
            "SELECT -9223372036854775808, 18446744073709551615 + 0",
            None,
        ),
        ("CREATE TABLE z (a CHAR(300))", Some(1074)),
        ("CREATE TABLE z (a DECIMAL(5,6))", Some(1427)),
        ("CREATE TABLE z (a INT NOT NULL DEFAULT NULL)", Some(1067)),
        ("CREATE TABLE z (a INT DEFAULT 'abc')", Some(1067)),
        ("SELECT @@nope", Some(1193)),
        ("SELECT nosuchfunc(1)", Some(1305)),
        ("SELECT SUM(c), AVG(c), MIN(d), MAX(c) FROM t", None),
        ("SELECT AVG(d) FROM t GROUP BY c HAVING AVG(d) > 'x'", None),
        ("UPDATE t SET id = id WHERE id BETWEEN 'a' AND 'z'", None),
        ("SELECT * FROM t WHERE k = 1 OR id = 2", None),
        ("SELECT * FROM t WHERE id > 5 AND id < 1", None),
        ("SELECT * FROM t WHERE c > 5", None),
        ("SELECT * FROM t WHERE id = 1 AND id = 2", None),
        ("SELECT * FROM t WHERE id IN (1, 1, 1)", None),
        ("SELECT COUNT(*) FROM t WHERE k IN (NULL)", None),
        ("SELECT * FROM t WHERE id = @nothing", None),
        ("SELECT * FROM t WHERE id = NOW()", None),
        ("UPDATE t SET c = DATABASE() WHERE id = @x", None),
        ("SELECT t.* FROM t AS x", Some(1051)),
        ("SELECT x.id FROM t", Some(1054)),
        ("INSERT INTO t (id, id) VALUES (1, 1)", Some(1110)),
        ("INSERT INTO t SELECT * FROM t", Some(1235)),
        ("DROP INDEX PRIMARY ON t", Some(1235)),
        ("ALTER TABLE t ADD COLUMN k INT", Some(1060)),
        ("ALTER TABLE t DROP COLUMN nope", Some(1091)),
        ("TRUNCATE TABLE nope", Some(1146)),
        ("SET @x = 1", Some(1235)),
        ("EXPLAIN CREATE TABLE q (a INT)", Some(1235)),
    ];
    for (sql, code) in cases {
        let r = db.run(sql).await;
        if let Some(code) = code {
            match r {
                Err(e) => assert_eq!(e.code, *code, "{sql}: {e}"),
                Ok(r) => panic!("{sql}: expected {code}, got {r:?}"),
            }
        }
    }
    // Deep expressions are typed in linear time; deeper than the binder's
    // limit they are refused (1436) before anything recurses through them.
    let mut deep = "k".to_string();
    for _ in 0..30 {
        deep = format!("IFNULL({deep}, k + 1)");
    }
    let started = std::time::Instant::now();
    db.ok(&format!(
        "SELECT {deep}, {} FROM t",
        vec!["k"; 150].join(" + ")
    ))
    .await;
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let too_deep = format!("SELECT {} FROM t", vec!["k"; 1000].join(" OR "));
    assert_eq!(db.err(&too_deep).await.code, 1436);

    // A prepared statement executed without its parameters.
    let stmt = &planner::parse::parse("SELECT * FROM t WHERE id = ? LIMIT ?").unwrap()[0];
    let p = db.planner.prepare(stmt, &db.ctx).unwrap();
    assert!(db.planner.execute(&p, &[], &mut db.ctx).await.is_err());
    assert_eq!(db.rows("SELECT COUNT(*) FROM t").await, vec!["2"]);
}
