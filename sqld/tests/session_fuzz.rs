//! Arbitrary session statements through a live session: every one ends in
//! a result or an error, never a panic.

mod session_common;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use session_common::*;
use sqld::protocol::Handler;

#[test]
fn session_statements_never_panic() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = TempDir::new("fuzz");
    let (shared, session) = rt.block_on(async {
        let shared = open_shared(&dir, 10).await;
        create_db_and_table(&shared, "d").await;
        let s = login(&shared, "root", Some("d")).await.unwrap();
        (shared, s)
    });
    let session = std::sync::Mutex::new(session);
    let head = prop::sample::select(vec![
        "SET ",
        "SET GLOBAL ",
        "SET @",
        "SET @@",
        "SET NAMES ",
        "SET TRANSACTION ",
        "SHOW ",
        "SHOW VARIABLES LIKE ",
        "SHOW VARIABLES WHERE ",
        "SHOW COLUMNS FROM ",
        "SHOW INDEX FROM ",
        "SHOW CREATE TABLE ",
        "SHOW WARNINGS LIMIT ",
        "KILL ",
        "KILL QUERY ",
        "USE ",
        "BEGIN ",
        "SAVEPOINT ",
        "ROLLBACK TO ",
        "RELEASE SAVEPOINT ",
        "CREATE USER ",
        "DROP USER ",
        "ALTER USER ",
        "GRANT ALL ON ",
        "REVOKE ALL ON ",
        "SET PASSWORD FOR ",
        "SHOW GRANTS FOR ",
        "DESC ",
        "COMMIT ",
        "START TRANSACTION ",
    ]);
    let word = prop::sample::select(vec![
        "t",
        "d.t",
        "'x'",
        "`y`",
        "@a",
        "@@sql_mode",
        "=",
        ",",
        "(",
        ")",
        "*",
        ".",
        "?",
        "1",
        "-1",
        "99999999999999999999",
        "1.5e3",
        "NULL",
        "DEFAULT",
        "ON",
        "GLOBAL",
        "SESSION",
        "autocommit",
        "wait_timeout",
        "sql_mode",
        "'%'",
        "@",
        "READ",
        "ONLY",
        "ISOLATION",
        "LEVEL",
        "SERIALIZABLE",
        "IDENTIFIED",
        "BY",
        "WITH",
        "TO",
        "FROM",
        "LIKE",
        "WHERE",
        "Variable_name",
        "IN",
        "AND",
        "OR",
        "é",
        "'",
        "\"",
        "`",
        ";",
        "--",
        "/*",
        "*/",
        "/*!",
    ]);
    let stmt = (head, prop::collection::vec(word, 0..8))
        .prop_map(|(h, ws)| format!("{h}{}", ws.join(" ")));
    let mut runner = TestRunner::new(Config {
        cases: 400,
        ..Config::default()
    });
    runner
        .run(&stmt, |sql| {
            let mut s = session.lock().unwrap();
            let results = rt.block_on(s.query(&sql));
            prop_assert!(!results.is_empty());
            Ok(())
        })
        .unwrap();
    drop(shared);
}
