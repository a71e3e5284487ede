//! End-to-end: SQL through the planner into the embedded engine.

mod common;

use common::Db;
use planner::QueryResult;
use pushdown::value::Value;

const SBTEST: &str = "CREATE TABLE sbtest1(id INTEGER NOT NULL AUTO_INCREMENT, k INTEGER DEFAULT '0' NOT NULL, c CHAR(120) DEFAULT '' NOT NULL, pad CHAR(60) DEFAULT '' NOT NULL, PRIMARY KEY (id)) /*! ENGINE = innodb */";

async fn sbtest(db: &mut Db, n: i64) {
    db.ok(SBTEST).await;
    db.ok("CREATE INDEX k_1 ON sbtest1(k)").await;
    let values: Vec<String> = (1..=n)
        .map(|i| format!("({i}, {}, 'c{i:03}', 'pad{i}')", i % 7))
        .collect();
    db.ok(&format!(
        "INSERT INTO sbtest1 (id, k, c, pad) VALUES {}",
        values.join(",")
    ))
    .await;
}

#[tokio::test]
async fn select_without_from() {
    let mut db = Db::new().await;
    assert_eq!(db.rows("SELECT 1").await, vec!["1"]);
    assert_eq!(
        db.rows("SELECT @@version_comment LIMIT 1").await,
        vec!["sqld test"]
    );
    assert_eq!(
        db.rows("SELECT DATABASE(), 1+1, 'a'").await,
        vec!["test|2|a"]
    );
    assert_eq!(db.rows("SELECT NOW()").await, vec!["2024-05-06 07:08:09"]);
    assert_eq!(
        db.rows("SELECT 1 FROM DUAL WHERE 1 = 0").await,
        Vec::<String>::new()
    );
    match db.ok("SELECT @@version_comment LIMIT 1").await {
        QueryResult::Rows { columns, .. } => assert_eq!(columns[0].name, "@@version_comment"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn sysbench_statements() {
    let mut db = Db::new().await;
    sbtest(&mut db, 100).await;
    assert_eq!(
        db.exec("SELECT c FROM sbtest1 WHERE id=?", &[Value::Int(5)])
            .await
            .map(common::text_rows)
            .unwrap(),
        vec!["c005"]
    );
    assert_eq!(
        db.rows("SELECT c FROM sbtest1 WHERE id BETWEEN 10 AND 13")
            .await,
        vec!["c010", "c011", "c012", "c013"]
    );
    assert_eq!(
        db.rows("SELECT SUM(k) FROM sbtest1 WHERE id BETWEEN 1 AND 10")
            .await,
        vec!["27"]
    );
    assert_eq!(
        db.rows("SELECT c FROM sbtest1 WHERE id BETWEEN 1 AND 3 ORDER BY c DESC")
            .await,
        vec!["c003", "c002", "c001"]
    );
    assert_eq!(
        db.rows("SELECT DISTINCT k FROM sbtest1 WHERE id BETWEEN 1 AND 20 ORDER BY k")
            .await,
        vec!["0", "1", "2", "3", "4", "5", "6"]
    );
    assert_eq!(
        db.rows("SELECT id, k FROM sbtest1 WHERE k IN (3, 1) AND id < 12")
            .await,
        vec!["1|1", "3|3", "8|1", "10|3"]
    );
    assert_eq!(
        db.rows("SELECT id, k FROM sbtest1 WHERE k IN (3, 1) LIMIT 3")
            .await,
        vec!["1|1", "8|1", "15|1"]
    );
    assert_eq!(
        db.rows("SELECT count(k) FROM sbtest1 WHERE k BETWEEN 1 AND 2 OR k BETWEEN 2 AND 3")
            .await,
        vec!["44"]
    );
    match db.ok("UPDATE sbtest1 SET k=k+1 WHERE id=5").await {
        QueryResult::Done { affected, info, .. } => {
            assert_eq!(affected, 1);
            assert_eq!(info, "Rows matched: 1  Changed: 1  Warnings: 0");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(db.rows("SELECT k FROM sbtest1 WHERE id=5").await, vec!["6"]);
    db.exec(
        "UPDATE sbtest1 SET c=? WHERE id=?",
        &[Value::from("new"), Value::Int(6)],
    )
    .await
    .unwrap();
    assert_eq!(
        db.rows("SELECT c FROM sbtest1 WHERE id=6").await,
        vec!["new"]
    );
    db.exec("DELETE FROM sbtest1 WHERE id=?", &[Value::Int(7)])
        .await
        .unwrap();
    assert_eq!(db.rows("SELECT COUNT(*) FROM sbtest1").await, vec!["99"]);
    db.exec(
        "INSERT INTO sbtest1 (id, k, c, pad) VALUES (?, ?, ?, ?)",
        &[
            Value::Int(7),
            Value::Int(1),
            Value::from("x"),
            Value::from("y"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(db.rows("SELECT COUNT(*) FROM sbtest1").await, vec!["100"]);
    db.ok("DROP TABLE IF EXISTS sbtest1").await;
    assert_eq!(db.err("SELECT * FROM sbtest1").await.code, 1146);
}

#[tokio::test]
async fn insert_defaults_auto_increment_and_errors() {
    let mut db = Db::new().await;
    db.ok("CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, a VARCHAR(10) NOT NULL, b INT DEFAULT 7, ts DATETIME DEFAULT CURRENT_TIMESTAMP)").await;
    match db.ok("INSERT INTO t (a) VALUES ('x'), ('y'), ('z')").await {
        QueryResult::Done {
            affected,
            last_insert_id,
            info,
        } => {
            assert_eq!(affected, 3);
            assert_eq!(last_insert_id, 1);
            assert_eq!(info, "Records: 3  Duplicates: 0  Warnings: 0");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(db.ctx.last_insert_id, 1);
    db.ok("INSERT INTO t SET a = 'w', b = DEFAULT").await;
    assert_eq!(db.ctx.last_insert_id, 4);
    db.ok("INSERT INTO t (a, b) VALUES ('v', LENGTH(a) + b)")
        .await;
    assert_eq!(db.rows("SELECT b FROM t WHERE a = 'v'").await, vec!["8"]);
    db.ok("DELETE FROM t WHERE a = 'v'").await;
    assert_eq!(
        db.rows("SELECT * FROM t WHERE id = 4").await,
        vec!["4|w|7|2024-05-06 07:08:09"]
    );
    assert_eq!(db.rows("SELECT LAST_INSERT_ID()").await, vec!["5"]);
    assert_eq!(db.err("INSERT INTO t (a) VALUES (NULL)").await.code, 1048);
    assert_eq!(db.err("INSERT INTO t (a, b) VALUES ('x')").await.code, 1136);
    assert_eq!(
        db.err("INSERT INTO t (id, a) VALUES (1, 'dup')").await.code,
        1062
    );
    assert_eq!(db.err("INSERT INTO t (nope) VALUES (1)").await.code, 1054);
    db.ok("INSERT IGNORE INTO t (id, a) VALUES (1, 'dup')")
        .await;
    match db
        .ok("REPLACE INTO t (id, a) VALUES (1, 'replaced'), (100, 'new')")
        .await
    {
        QueryResult::Done { affected, info, .. } => {
            assert_eq!(affected, 3);
            assert_eq!(info, "Records: 2  Duplicates: 1  Warnings: 0");
        }
        other => panic!("{other:?}"),
    }
    db.ok("INSERT INTO t (id, a) VALUES (2, 'q') ON DUPLICATE KEY UPDATE a = CONCAT(a, VALUES(a))")
        .await;
    assert_eq!(
        db.rows("SELECT a FROM t WHERE id IN (1, 2) ORDER BY id")
            .await,
        vec!["replaced", "yq"]
    );
}

#[tokio::test]
async fn ddl_errors_and_hidden_key() {
    let mut db = Db::new().await;
    assert_eq!(db.err("CREATE DATABASE test").await.code, 1007);
    db.ok("CREATE DATABASE IF NOT EXISTS test").await;
    assert_eq!(db.err("DROP DATABASE nope").await.code, 1008);
    db.ok("CREATE TABLE nokey (a INT, b CHAR(3))").await;
    db.ok("INSERT INTO nokey VALUES (1, 'x'), (1, 'x'), (NULL, 'y')")
        .await;
    assert_eq!(
        db.rows("SELECT * FROM nokey ORDER BY b").await,
        vec!["1|x", "1|x", "NULL|y"]
    );
    assert_eq!(db.err("CREATE TABLE nokey (a INT)").await.code, 1050);
    assert_eq!(db.err("DROP TABLE nokey, missing").await.code, 1051);
    assert_eq!(db.err("SELECT * FROM nokey").await.code, 1146);
    assert_eq!(db.err("CREATE TABLE x (a INT, a INT)").await.code, 1060);
    assert_eq!(
        db.err("CREATE TABLE x (a INT AUTO_INCREMENT)").await.code,
        1075
    );
    assert_eq!(
        db.err("CREATE TABLE x (a INT PRIMARY KEY, b INT, PRIMARY KEY (b))")
            .await
            .code,
        1068
    );
    assert_eq!(db.err("CREATE TABLE x (a DECIMAL(40,2))").await.code, 1426);
    db.ok("CREATE TABLE x (a INT PRIMARY KEY, b INT, KEY kb (b))")
        .await;
    assert_eq!(db.err("CREATE INDEX kb ON x (a)").await.code, 1061);
    assert_eq!(db.err("DROP INDEX nope ON x").await.code, 1091);
    db.ok("ALTER TABLE x ADD COLUMN c INT NOT NULL DEFAULT 5, ADD UNIQUE KEY uc (c)")
        .await;
    db.ok("DROP INDEX uc ON x").await;
    db.ok("INSERT INTO x (a, b) VALUES (1, 2)").await;
    assert_eq!(db.rows("SELECT * FROM x").await, vec!["1|2|5"]);
    db.ok("TRUNCATE TABLE x").await;
    assert_eq!(db.rows("SELECT COUNT(*) FROM x").await, vec!["0"]);
    db.ctx.current_db = None;
    assert_eq!(db.err("SELECT * FROM x").await.code, 1046);
}

#[tokio::test]
async fn group_by_having_order_limit() {
    let mut db = Db::new().await;
    sbtest(&mut db, 30).await;
    assert_eq!(
        db.rows("SELECT k, COUNT(*) AS n, MIN(id), MAX(c), AVG(id) FROM sbtest1 GROUP BY k HAVING n > 4 ORDER BY k DESC LIMIT 2").await,
        vec!["2|5|2|c030|16.0000", "1|5|1|c029|15.0000"]
    );
    assert_eq!(
        db.rows("SELECT id FROM sbtest1 ORDER BY id DESC LIMIT 2 OFFSET 1")
            .await,
        vec!["29", "28"]
    );
    assert_eq!(
        db.rows("SELECT id FROM sbtest1 WHERE c LIKE 'c02%' AND id <> 21 ORDER BY 1 LIMIT 3")
            .await,
        vec!["20", "22", "23"]
    );
    assert_eq!(
        db.rows("SELECT COUNT(DISTINCT k), SUM(id) FROM sbtest1 WHERE id > 100")
            .await,
        vec!["0|NULL"]
    );
    assert_eq!(db.err("SELECT nope FROM sbtest1").await.code, 1054);
    assert_eq!(
        db.err("SELECT * FROM sbtest1 a JOIN sbtest1 b").await.code,
        1235
    );
    assert_eq!(
        db.err("SELECT id FROM sbtest1 WHERE COUNT(*) > 1")
            .await
            .code,
        1111
    );
}

#[tokio::test]
async fn update_delete_with_order_and_limit() {
    let mut db = Db::new().await;
    sbtest(&mut db, 20).await;
    db.ok("UPDATE sbtest1 SET pad = 'top' ORDER BY c DESC LIMIT 2")
        .await;
    assert_eq!(
        db.rows("SELECT id FROM sbtest1 WHERE pad = 'top' ORDER BY id")
            .await,
        vec!["19", "20"]
    );
    match db
        .ok("DELETE FROM sbtest1 WHERE k = 3 ORDER BY id LIMIT 2")
        .await
    {
        QueryResult::Done { affected, .. } => assert_eq!(affected, 2),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        db.rows("SELECT id FROM sbtest1 WHERE k = 3").await,
        vec!["17"]
    );
    match db.ok("UPDATE sbtest1 SET k = 3 WHERE id = 17").await {
        QueryResult::Done { affected, info, .. } => {
            assert_eq!(affected, 0);
            assert_eq!(info, "Rows matched: 1  Changed: 0  Warnings: 0");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn explicit_transaction_statement_rollback() {
    let mut db = Db::new().await;
    db.ok("CREATE TABLE t (id INT PRIMARY KEY)").await;
    db.ctx.explicit_txn = true;
    db.ok("INSERT INTO t VALUES (1)").await;
    assert_eq!(db.err("INSERT INTO t VALUES (2), (1)").await.code, 1062);
    assert!(db.ctx.txn.is_some());
    db.ok("INSERT INTO t VALUES (3)").await;
    let txn = db.ctx.txn.take().unwrap();
    db.ctx.explicit_txn = false;
    txn.commit().await.unwrap();
    assert_eq!(db.rows("SELECT id FROM t").await, vec!["1", "3"]);
}

#[tokio::test]
async fn having_names_an_alias_before_a_column_without_group_by() {
    let mut db = Db::new().await;
    db.ok("CREATE TABLE h (a INT PRIMARY KEY, b INT)").await;
    db.ok("INSERT INTO h VALUES (1, 1), (2, 5)").await;
    // As MariaDB: the alias `b` (b * 10), also inside an expression.
    assert_eq!(
        db.rows("SELECT a, b * 10 AS b FROM h HAVING b > 20").await,
        vec!["2|50"]
    );
    assert_eq!(
        db.rows("SELECT a, b * 10 AS b FROM h HAVING b + 0 IN (50, 60)")
            .await,
        vec!["2|50"]
    );
    // With GROUP BY the grouped column wins.
    assert_eq!(
        db.rows("SELECT b * 10 AS b, COUNT(*) FROM h GROUP BY b HAVING b > 20")
            .await,
        Vec::<String>::new()
    );
    // Other columns still bind.
    assert_eq!(
        db.rows("SELECT a AS x, b * 10 AS b FROM h HAVING a = 1 AND b = 10")
            .await,
        vec!["1|10"]
    );
}
