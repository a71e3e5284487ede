//! Statements that reach the planner, seen from the session: privileges on
//! the plan's tables, transactions holding rows, SET through expressions,
//! the plan cache, lock wait timeout.

mod session_common;

use planner::QueryResult;
use session_common::*;
use sqld::protocol::Handler;

#[tokio::test]
async fn planner_statements_with_privileges() {
    let dir = TempDir::new("sql");
    let shared = open_shared(&dir, 10).await;
    let mut root = login(&shared, "root", None).await.unwrap();
    ok(&mut root, "CREATE DATABASE shop").await;
    ok(&mut root, "CREATE DATABASE secret").await;
    ok(&mut root, "USE shop").await;
    ok(
        &mut root,
        "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))",
    )
    .await;
    ok(&mut root, "CREATE TABLE secret.s (id INT PRIMARY KEY)").await;
    ok(&mut root, "INSERT INTO t VALUES (1, 'a'), (2, 'b')").await;
    assert_eq!(
        rows(&mut root, "SELECT v FROM t WHERE id = 2").await,
        vec![vec!["b"]]
    );
    // The same text again runs from the plan cache.
    assert_eq!(
        rows(&mut root, "SELECT v FROM t WHERE id = 2").await,
        vec![vec!["b"]]
    );
    assert_eq!(
        rows(&mut root, "SELECT @@version").await,
        vec![vec!["8.0.36-sqld"]]
    );
    assert_eq!(
        rows(&mut root, "SELECT @@autocommit, @@tx_isolation").await,
        vec![vec!["1", "READ-COMMITTED"]]
    );
    assert_eq!(code(&mut root, "SELECT @@nope").await, 1193);

    ok(&mut root, "CREATE USER app IDENTIFIED BY 'x'").await;
    ok(&mut root, "GRANT ALL ON shop.* TO app").await;
    let mut app = login(&shared, "app", Some("shop")).await.unwrap();
    assert_eq!(
        rows(&mut app, "SELECT COUNT(*) FROM t").await,
        vec![vec!["2"]]
    );
    let e = q(&mut app, "SELECT * FROM secret.s").await.unwrap_err();
    assert_eq!(e.code, 1142);
    assert_eq!(
        e.message,
        "SELECT command denied to user 'app'@'127.0.0.1' for table 's'"
    );
    let e = q(&mut app, "INSERT INTO secret.s VALUES (1)")
        .await
        .unwrap_err();
    assert!(
        e.message.starts_with("INSERT command denied"),
        "{}",
        e.message
    );
    assert_eq!(code(&mut app, "DELETE FROM secret.s").await, 1142);
    assert_eq!(code(&mut app, "CREATE DATABASE other").await, 1044);
    assert_eq!(code(&mut app, "DROP DATABASE secret").await, 1044);

    // EXECUTE checks again: a revoked grant stops a prepared statement.
    let p = app.prepare("SELECT v FROM t WHERE id = ?").await.unwrap();
    assert_eq!(p.param_count, 1);
    let r = app
        .execute(p.id, vec![pushdown::Value::Int(1)])
        .await
        .unwrap();
    assert!(matches!(r, QueryResult::Rows { ref rows, .. } if rows.len() == 1));
    ok(&mut root, "REVOKE ALL ON shop.* FROM app").await;
    assert_eq!(
        app.execute(p.id, vec![pushdown::Value::Int(1)])
            .await
            .unwrap_err()
            .code,
        1142
    );
    assert_eq!(
        app.prepare("SELECT * FROM secret.s")
            .await
            .unwrap_err()
            .code,
        1142
    );

    // SET through expressions evaluated by the planner.
    ok(
        &mut root,
        "SET @a = 1 + 2, @b = CONCAT('x', @@version_comment = '')",
    )
    .await;
    assert_eq!(
        rows(&mut root, "SELECT @a, @b").await,
        vec![vec!["3", "x0"]]
    );
    ok(&mut root, "SET @c = @a").await;
    assert_eq!(rows(&mut root, "SELECT @c").await, vec![vec!["3"]]);
    let set = root.prepare("SET @p = ?").await.unwrap();
    assert_eq!(set.param_count, 1);
    root.execute(set.id, vec![pushdown::Value::from("hello")])
        .await
        .unwrap();
    assert_eq!(rows(&mut root, "SELECT @p").await, vec![vec!["hello"]]);
    ok(
        &mut root,
        "SET sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')",
    )
    .await;
    assert!(rows(&mut root, "SELECT @@sql_mode").await[0][0].contains("ANSI_QUOTES"));

    // DROP DATABASE of the current database leaves none selected.
    ok(&mut root, "DROP DATABASE shop").await;
    assert_eq!(
        rows(&mut root, "SELECT DATABASE()").await,
        vec![vec!["NULL"]]
    );
}

#[tokio::test]
async fn transactions_hold_rows() {
    let dir = TempDir::new("sqltxn");
    let shared = open_shared(&dir, 10).await;
    let mut s = login(&shared, "root", None).await.unwrap();
    ok(&mut s, "CREATE DATABASE d").await;
    ok(&mut s, "USE d").await;
    ok(&mut s, "CREATE TABLE t (id INT PRIMARY KEY, v INT)").await;
    ok(&mut s, "BEGIN").await;
    ok(&mut s, "INSERT INTO t VALUES (1, 1)").await;
    ok(&mut s, "SAVEPOINT a").await;
    ok(&mut s, "INSERT INTO t VALUES (2, 2)").await;
    ok(&mut s, "ROLLBACK TO SAVEPOINT a").await;
    ok(&mut s, "COMMIT").await;
    assert_eq!(rows(&mut s, "SELECT id FROM t").await, vec![vec!["1"]]);
    ok(&mut s, "START TRANSACTION").await;
    ok(&mut s, "DELETE FROM t").await;
    ok(&mut s, "ROLLBACK").await;
    assert_eq!(
        rows(&mut s, "SELECT COUNT(*) FROM t").await,
        vec![vec!["1"]]
    );

    // autocommit = 0 keeps the transaction open until COMMIT.
    ok(&mut s, "SET autocommit = 0").await;
    ok(&mut s, "INSERT INTO t VALUES (3, 3)").await;
    assert_eq!(s.status_flags() & 1, 1);
    let mut other = login(&shared, "root", Some("d")).await.unwrap();
    assert_eq!(
        rows(&mut other, "SELECT COUNT(*) FROM t").await,
        vec![vec!["1"]]
    );
    ok(&mut s, "COMMIT").await;
    assert_eq!(
        rows(&mut other, "SELECT COUNT(*) FROM t").await,
        vec![vec!["2"]]
    );

    // DDL commits the open transaction.
    ok(&mut s, "INSERT INTO t VALUES (4, 4)").await;
    ok(&mut s, "CREATE TABLE u (id INT PRIMARY KEY)").await;
    assert_eq!(
        rows(&mut other, "SELECT COUNT(*) FROM t").await,
        vec![vec!["3"]]
    );

    // A read-only transaction refuses writes.
    ok(&mut s, "SET autocommit = 1").await;
    ok(&mut s, "START TRANSACTION READ ONLY").await;
    assert_eq!(code(&mut s, "INSERT INTO t VALUES (9, 9)").await, 1792);
    ok(&mut s, "COMMIT").await;
    ok(&mut s, "SET SESSION TRANSACTION READ ONLY").await;
    assert_eq!(code(&mut s, "INSERT INTO t VALUES (9, 9)").await, 1792);
    ok(&mut s, "SET SESSION TRANSACTION READ WRITE").await;

    // The session's innodb_lock_wait_timeout reaches the engine.
    ok(&mut s, "BEGIN").await;
    ok(&mut s, "UPDATE t SET v = 10 WHERE id = 1").await;
    ok(&mut other, "SET innodb_lock_wait_timeout = 1").await;
    let started = std::time::Instant::now();
    assert_eq!(
        code(&mut other, "UPDATE t SET v = 11 WHERE id = 1").await,
        1205
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    ok(&mut s, "ROLLBACK").await;

    // Disconnect rolls back.
    ok(&mut s, "BEGIN").await;
    ok(&mut s, "DELETE FROM t").await;
    s.disconnect().await;
    assert_eq!(
        rows(&mut other, "SELECT COUNT(*) FROM t").await,
        vec![vec!["3"]]
    );
}

/// KILL QUERY interrupts a statement waiting for a row lock; KILL ends the
/// connection the same way and `killed()` resolves.
#[tokio::test]
async fn kill_interrupts_a_lock_wait() {
    let dir = TempDir::new("killq");
    let shared = open_shared(&dir, 10).await;
    let mut a = login(&shared, "root", None).await.unwrap();
    ok(&mut a, "CREATE DATABASE d").await;
    ok(&mut a, "USE d").await;
    ok(&mut a, "CREATE TABLE t (id INT PRIMARY KEY, v INT)").await;
    ok(&mut a, "INSERT INTO t VALUES (1, 1)").await;
    ok(&mut a, "BEGIN").await;
    ok(&mut a, "UPDATE t SET v = 2 WHERE id = 1").await;

    for query_only in [true, false] {
        let mut b = login(&shared, "root", Some("d")).await.unwrap();
        let b_id = b.connection_id();
        let waiter = tokio::spawn(async move {
            let r = q(&mut b, "UPDATE t SET v = 3 WHERE id = 1").await;
            (r, b)
        });
        // Let b reach the lock wait.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let kill = if query_only {
            format!("KILL QUERY {b_id}")
        } else {
            format!("KILL {b_id}")
        };
        ok(&mut a, &kill).await;
        let (r, b) = tokio::time::timeout(std::time::Duration::from_secs(5), waiter)
            .await
            .expect("interrupted well before the 50 s lock wait")
            .unwrap();
        assert_eq!(r.unwrap_err().code, 1317);
        if !query_only {
            tokio::time::timeout(std::time::Duration::from_secs(1), b.killed())
                .await
                .expect("killed() resolves");
        }
    }
    ok(&mut a, "COMMIT").await;
    assert_eq!(rows(&mut a, "SELECT v FROM t").await, vec![vec!["2"]]);
}
