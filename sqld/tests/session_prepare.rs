//! SQL-level prepared statements (PREPARE / EXECUTE / DEALLOCATE PREPARE
//! sent as text): binding user variables, names, errors, privileges, and
//! what a reset drops. Expected results and messages are MariaDB 10.11's.

mod session_common;

use planner::QueryResult;
use session_common::*;
use sqld::protocol::Handler;

async fn setup(tag: &str) -> (TempDir, std::sync::Arc<sqld::session::Shared>) {
    let dir = TempDir::new(tag);
    let shared = open_shared(&dir, 10).await;
    let mut root = login(&shared, "root", None).await.unwrap();
    ok(&mut root, "CREATE DATABASE d").await;
    ok(
        &mut root,
        "CREATE TABLE d.t (a INT PRIMARY KEY, b VARCHAR(10))",
    )
    .await;
    ok(&mut root, "INSERT INTO d.t VALUES (1, 'x'), (2, 'y')").await;
    (dir, shared)
}

fn message(r: &planner::QueryResult) -> &str {
    match r {
        QueryResult::Done { info, .. } => info,
        QueryResult::Rows { .. } => "",
    }
}

#[tokio::test]
async fn prepare_execute_deallocate() {
    let (_dir, shared) = setup("ps-basic").await;
    let mut s = login(&shared, "root", Some("d")).await.unwrap();
    let r = q(&mut s, "PREPARE S1 FROM 'SELECT b FROM t WHERE a = ?'")
        .await
        .unwrap();
    assert_eq!(message(&r), "Statement prepared");
    ok(&mut s, "SET @a = 2").await;
    // Names are case-insensitive.
    assert_eq!(rows(&mut s, "EXECUTE s1 USING @a").await, vec![vec!["y"]]);
    ok(&mut s, "SET @a = 1").await;
    assert_eq!(rows(&mut s, "execute S1 using @a").await, vec![vec!["x"]]);
    // An unset variable binds NULL.
    assert!(rows(&mut s, "EXECUTE s1 USING @never_set").await.is_empty());

    let e = q(&mut s, "EXECUTE s1").await.unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (1210, "Incorrect arguments to EXECUTE")
    );
    assert_eq!(code(&mut s, "EXECUTE s1 USING @a, @a").await, 1210);

    ok(&mut s, "DEALLOCATE PREPARE s1").await;
    let e = q(&mut s, "EXECUTE s1 USING @a").await.unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            1243,
            "Unknown prepared statement handler (s1) given to EXECUTE"
        )
    );
    let e = q(&mut s, "DROP PREPARE Nope").await.unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            1243,
            "Unknown prepared statement handler (Nope) given to DEALLOCATE PREPARE"
        )
    );
}

#[tokio::test]
async fn writes_sets_shows_and_sources() {
    let (_dir, shared) = setup("ps-writes").await;
    let mut s = login(&shared, "root", Some("d")).await.unwrap();
    ok(&mut s, "PREPARE ins FROM 'INSERT INTO t VALUES (?, ?)'").await;
    ok(&mut s, "SET @x = 3, @y = 'z'").await;
    match q(&mut s, "EXECUTE ins USING @x, @y").await.unwrap() {
        QueryResult::Done { affected, .. } => assert_eq!(affected, 1),
        other => panic!("{other:?}"),
    }
    assert_eq!(code(&mut s, "EXECUTE ins USING @x, @y").await, 1062);
    assert_eq!(
        rows(&mut s, "SELECT b FROM t ORDER BY a").await,
        vec![vec!["x"], vec!["y"], vec!["z"]]
    );

    // A session statement with a placeholder, and one without.
    ok(&mut s, "PREPARE setter FROM 'SET @zz = ?'").await;
    ok(&mut s, "EXECUTE setter USING @x").await;
    assert_eq!(rows(&mut s, "SELECT @zz").await, vec![vec!["3"]]);
    // EXECUTE of SHOW WARNINGS shows the previous statement's, as the
    // statement itself would.
    ok(&mut s, "PREPARE w FROM 'SHOW WARNINGS'").await;
    ok(&mut s, "SELECT 1/0").await;
    assert_eq!(
        rows(&mut s, "EXECUTE w").await,
        vec![vec!["Warning", "1365", "Division by 0"]]
    );
    ok(&mut s, "PREPARE tables FROM 'SHOW TABLES'").await;
    assert_eq!(rows(&mut s, "EXECUTE tables").await, vec![vec!["t"]]);

    // The text from a user variable; a trailing `;` is fine.
    ok(&mut s, "SET @q = 'SELECT COUNT(*) FROM t;'").await;
    ok(&mut s, "PREPARE `from var` FROM @q").await;
    // The statement was planned at PREPARE: changing @q changes nothing.
    ok(&mut s, "SET @q = 'SELECT 1'").await;
    assert_eq!(rows(&mut s, "EXECUTE `FROM VAR`").await, vec![vec!["3"]]);

    // Re-PREPARE replaces; a failed re-PREPARE leaves no statement.
    ok(&mut s, "PREPARE p FROM 'SELECT 1'").await;
    ok(&mut s, "PREPARE p FROM 'SELECT 2'").await;
    assert_eq!(rows(&mut s, "EXECUTE p").await, vec![vec!["2"]]);
    assert_eq!(code(&mut s, "PREPARE p FROM 'SELEC 2'").await, 1064);
    assert_eq!(code(&mut s, "EXECUTE p").await, 1243);
}

#[tokio::test]
async fn prepare_errors() {
    let (_dir, shared) = setup("ps-errors").await;
    let mut s = login(&shared, "root", Some("d")).await.unwrap();
    let e = q(&mut s, "PREPARE m FROM 'SELECT 1; SELECT 2'")
        .await
        .unwrap_err();
    assert_eq!(e.code, 1064);
    assert!(e.message.contains("near 'SELECT 2'"), "{}", e.message);
    for text in [
        "PREPARE m FROM 'PREPARE x FROM ''SELECT 1'''",
        "PREPARE m FROM 'EXECUTE x'",
        "PREPARE m FROM 'DEALLOCATE PREPARE x'",
        "PREPARE m FROM 'DROP PREPARE x'",
    ] {
        let e = q(&mut s, text).await.unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (
                1295,
                "This command is not supported in the prepared statement protocol yet"
            ),
            "{text}"
        );
    }
    assert_eq!(code(&mut s, "PREPARE m FROM ''").await, 1065);
    // NULL and numbers are parsed as their text.
    ok(&mut s, "SET @n = NULL, @i = 5").await;
    let e = q(&mut s, "PREPARE m FROM @n").await.unwrap_err();
    assert!(e.message.contains("near 'NULL'"), "{}", e.message);
    assert_eq!(code(&mut s, "PREPARE m FROM @i").await, 1064);
    assert_eq!(code(&mut s, "PREPARE m FROM @unset").await, 1064);
    assert_eq!(
        code(&mut s, "PREPARE m FROM 'SELECT * FROM nope'").await,
        1146
    );
    assert_eq!(code(&mut s, "EXECUTE m").await, 1243);

    // The binary protocol refuses them too.
    for text in [
        "PREPARE x FROM 'SELECT 1'",
        "EXECUTE x",
        "DEALLOCATE PREPARE x",
    ] {
        assert_eq!(s.prepare(text).await.unwrap_err().code, 1295, "{text}");
    }
}

#[tokio::test]
async fn privileges_are_checked_at_prepare_and_execute() {
    let (_dir, shared) = setup("ps-priv").await;
    let mut root = login(&shared, "root", None).await.unwrap();
    ok(&mut root, "CREATE DATABASE other").await;
    ok(&mut root, "CREATE TABLE other.o (id INT PRIMARY KEY)").await;
    ok(&mut root, "CREATE USER app").await;
    ok(&mut root, "GRANT ALL ON d.* TO app").await;
    let mut app = login(&shared, "app", Some("d")).await.unwrap();
    assert_eq!(
        code(&mut app, "PREPARE p FROM 'SELECT * FROM other.o'").await,
        1142
    );
    ok(&mut app, "PREPARE p FROM 'SELECT COUNT(*) FROM t'").await;
    assert_eq!(rows(&mut app, "EXECUTE p").await, vec![vec!["2"]]);
    // And again at every EXECUTE, as for COM_STMT_EXECUTE.
    ok(&mut root, "REVOKE ALL ON d.* FROM app").await;
    assert_eq!(code(&mut app, "EXECUTE p").await, 1142);
    // A table dropped under a prepared statement is an error, not a crash.
    ok(
        &mut root,
        "PREPARE gone FROM 'SELECT b FROM d.t WHERE a = 1'",
    )
    .await;
    ok(&mut root, "DROP TABLE d.t").await;
    assert_eq!(code(&mut root, "EXECUTE gone").await, 1146);
}

#[tokio::test]
async fn names_are_per_session_and_dropped_by_reset() {
    let (_dir, shared) = setup("ps-reset").await;
    let mut a = login(&shared, "root", Some("d")).await.unwrap();
    let mut b = login(&shared, "root", Some("d")).await.unwrap();
    let count = |rows: Vec<Vec<String>>| rows[0][1].clone();
    ok(&mut a, "PREPARE p FROM 'SELECT 1'").await;
    assert_eq!(code(&mut b, "EXECUTE p").await, 1243);
    ok(&mut b, "PREPARE p FROM 'SELECT 2'").await;
    let stmt = b.prepare("SELECT 3").await.unwrap();
    assert_eq!(
        count(rows(&mut a, "SHOW STATUS LIKE 'Prepared_stmt_count'").await),
        "3"
    );
    assert_eq!(rows(&mut a, "EXECUTE p").await, vec![vec!["1"]]);
    b.close_statement(stmt.id);

    a.reset_connection().await;
    assert_eq!(code(&mut a, "EXECUTE p").await, 1243);
    assert_eq!(
        count(rows(&mut a, "SHOW STATUS LIKE 'Prepared_stmt_count'").await),
        "1"
    );
    // COM_CHANGE_USER logs in again: the statements go too.
    b.login("root", "127.0.0.1", Some("d"), 45).await.unwrap();
    assert_eq!(code(&mut b, "EXECUTE p").await, 1243);
    assert_eq!(
        count(rows(&mut a, "SHOW STATUS LIKE 'Prepared_stmt_count'").await),
        "0"
    );
    ok(&mut b, "PREPARE p FROM 'SELECT 2'").await;
    drop(b);
    assert_eq!(
        count(rows(&mut a, "SHOW STATUS LIKE 'Prepared_stmt_count'").await),
        "0"
    );
    let status = rows(&mut a, "SHOW STATUS LIKE 'Com_%_sql'").await;
    assert_eq!(
        status,
        vec![
            vec!["Com_dealloc_sql", "0"],
            vec!["Com_execute_sql", "4"],
            vec!["Com_prepare_sql", "3"],
        ]
    );
}
