//! Cases found by the differential sweep against MariaDB 10.11: each
//! statement answers here as it does there.

mod common;

use common::Db;

/// INSERT IGNORE turns the errors of converting a value for its column into
/// warnings and stores the adjusted value, as MariaDB does even in strict
/// mode.
#[tokio::test]
async fn insert_ignore_downgrades_conversion_errors() {
    let mut db = Db::new().await;
    db.ok("CREATE TABLE t (id INT PRIMARY KEY, a INT NOT NULL, b DECIMAL(5,2), c VARCHAR(3))")
        .await;
    let cases = [
        ("INSERT IGNORE INTO t VALUES (1, 'x', 'abc', 'ok')", 2),
        ("INSERT IGNORE INTO t (id, a) VALUES (2, DEFAULT)", 1),
        ("INSERT IGNORE INTO t VALUES (3, 1e10, 1e10, 'toolong')", 3),
        ("INSERT IGNORE INTO t VALUES (4, NULL, 1, NULL)", 1),
        (
            "INSERT IGNORE INTO t VALUES (5, NULL, 1, NULL), (6, 1, 1, NULL)",
            1,
        ),
        ("INSERT IGNORE INTO t VALUES ('x', 1, 1, NULL)", 1),
    ];
    for (sql, warnings) in cases {
        db.ctx.warnings.clear();
        db.ok(sql).await;
        assert_eq!(
            db.ctx.warnings.len(),
            warnings,
            "{sql}: {:?}",
            db.ctx.warnings
        );
    }
    assert_eq!(
        db.rows("SELECT * FROM t ORDER BY id").await,
        vec![
            "0|1|1.00|NULL",
            "1|0|0.00|ok",
            "2|0|NULL|NULL",
            "3|2147483647|999.99|too",
            "4|0|1.00|NULL",
            "5|0|1.00|NULL",
            "6|1|1.00|NULL",
        ]
    );
    // Without IGNORE the same statements fail in strict mode.
    assert_eq!(
        db.err("INSERT INTO t VALUES (7, 'x', 1, NULL)").await.code,
        1366
    );
    assert_eq!(
        db.err("INSERT INTO t VALUES (7, NULL, 1, NULL)").await.code,
        1048
    );
}

/// GROUP BY positions: only an integer names a select item; one naming an
/// aggregate is 1056 (it was an internal error, 1105); HAVING 1 is a
/// condition.
#[tokio::test]
async fn group_by_positions_and_constants() {
    let mut db = Db::new().await;
    db.ok("CREATE TABLE t (id INT PRIMARY KEY, c VARCHAR(5))")
        .await;
    db.ok("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'a')")
        .await;
    for sql in [
        "SELECT id, COUNT(*) FROM t GROUP BY 2",
        "SELECT c, GROUP_CONCAT(id) FROM t GROUP BY 2",
        "SELECT c, COUNT(*) + 1 FROM t GROUP BY 1, 2",
        "SELECT c, COUNT(*) AS n FROM t GROUP BY n",
    ] {
        let e = db.err(sql).await;
        assert_eq!((e.code, e.state), (1056, "42000"), "{sql}: {e}");
    }
    assert_eq!(
        db.rows("SELECT 0.5, COUNT(*) FROM t GROUP BY 0.5").await,
        vec!["0.5|3"]
    );
    assert_eq!(
        db.rows("SELECT COUNT(*) FROM t GROUP BY 99999999999999999999999")
            .await,
        vec!["3"]
    );
    assert_eq!(db.err("SELECT c FROM t GROUP BY 3").await.code, 1054);
    assert_eq!(
        db.rows("SELECT c, COUNT(*) FROM t GROUP BY 1 HAVING 1 ORDER BY 1")
            .await,
        vec!["a|2", "b|1"]
    );
    assert!(db
        .rows("SELECT c FROM t GROUP BY 1 HAVING 0")
        .await
        .is_empty());
}

/// UPDATE ... SET not_null_column = NULL is 1048 in strict mode; outside it
/// a warning and the implicit default (it stored NULL in the NOT NULL
/// column).
#[tokio::test]
async fn update_to_null_in_a_not_null_column() {
    let mut db = Db::new().await;
    db.ok("CREATE TABLE t (id INT PRIMARY KEY, a INT NOT NULL, b VARCHAR(5) NOT NULL, c DATETIME NOT NULL, n INT)")
        .await;
    db.ok("INSERT INTO t VALUES (1, 1, 'x', '2024-01-01', 1), (2, 2, 'y', '2024-01-02', 2)")
        .await;
    for sql in [
        "UPDATE t SET a = NULL",
        "UPDATE t SET b = NULL WHERE id = 1",
        "UPDATE t SET c = IF(id = 2, NULL, c)",
        "UPDATE t SET a = NULLIF(a, 1) ORDER BY id LIMIT 1",
        "INSERT INTO t VALUES (1, 1, 'x', '2024-01-01', 1) ON DUPLICATE KEY UPDATE a = NULL",
    ] {
        let e = db.err(sql).await;
        assert_eq!(e.code, 1048, "{sql}: {e}");
    }
    db.ok("UPDATE t SET n = NULL WHERE id = 1").await;
    assert_eq!(
        db.rows("SELECT * FROM t ORDER BY id").await,
        vec![
            "1|1|x|2024-01-01 00:00:00|NULL",
            "2|2|y|2024-01-02 00:00:00|2"
        ]
    );
    db.ctx.strict = false;
    db.ctx.warnings.clear();
    db.ok("UPDATE t SET a = NULL, b = NULL, c = NULL WHERE id = 2")
        .await;
    assert_eq!(
        db.ctx.warnings.iter().map(|w| w.code).collect::<Vec<_>>(),
        vec![1048, 1048, 1048]
    );
    assert_eq!(
        db.rows("SELECT * FROM t WHERE id = 2").await,
        vec!["2|0||0000-00-00 00:00:00|2"]
    );
}
