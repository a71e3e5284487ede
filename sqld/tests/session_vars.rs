//! System and user variables, SET, SHOW VARIABLES / STATUS, through the
//! `Handler` trait over a real embedded data node.

mod session_common;

use session_common::*;
use sqld::protocol::Handler;

#[tokio::test]
async fn variables_read_and_set() {
    let dir = TempDir::new("vars");
    let shared = open_shared(&dir, 10).await;
    let mut s = login(&shared, "root", None).await.unwrap();

    assert_eq!(
        rows(&mut s, "SHOW VARIABLES LIKE 'autocommit'").await,
        vec![vec!["autocommit", "ON"]]
    );
    assert_eq!(
        rows(
            &mut s,
            "SHOW SESSION VARIABLES LIKE 'transaction_isolation'"
        )
        .await,
        vec![vec!["transaction_isolation", "READ-COMMITTED"]]
    );
    assert_eq!(
        rows(&mut s, "show variables like 'max_allowed_packet'").await,
        vec![vec!["max_allowed_packet", "67108864"]]
    );
    assert_eq!(
        rows(
            &mut s,
            "SHOW VARIABLES WHERE Variable_name = 'license' OR Variable_name IN ('wait_timeout', 'version')"
        )
        .await,
        vec![
            vec!["license", "Apache-2.0"],
            vec!["version", "8.0.36-sqld"],
            vec!["wait_timeout", "28800"],
        ]
    );

    // autocommit and the status flags follow SET.
    assert_eq!(s.status_flags() & 2, 2);
    ok(&mut s, "SET autocommit = 0").await;
    assert_eq!(s.status_flags() & 2, 0);
    assert!(!s.ctx().autocommit);
    ok(&mut s, "SET @@session.autocommit = ON").await;
    assert!(s.ctx().autocommit);

    // sql_mode drives ctx.strict.
    assert!(s.ctx().strict);
    ok(&mut s, "SET sql_mode = ''").await;
    assert!(!s.ctx().strict);
    ok(&mut s, "SET SESSION sql_mode = 'traditional'").await;
    assert!(s.ctx().strict);
    assert_eq!(code(&mut s, "SET sql_mode = 'NOPE'").await, 1231);

    // Scope rules.
    assert_eq!(code(&mut s, "SET max_connections = 5").await, 1229);
    assert_eq!(code(&mut s, "SET GLOBAL last_insert_id = 5").await, 1228);
    assert_eq!(code(&mut s, "SET version = 'x'").await, 1238);
    assert_eq!(code(&mut s, "SET no_such_var = 1").await, 1193);
    assert_eq!(code(&mut s, "SET max_allowed_packet = 1024").await, 1621);
    ok(&mut s, "SET GLOBAL max_allowed_packet = 1048576").await;
    // A session keeps the value it started with; a new one sees the global.
    assert_eq!(s.max_allowed_packet(), 64 << 20);
    let s2 = login(&shared, "root", None).await.unwrap();
    assert_eq!(s2.max_allowed_packet(), 1 << 20);

    // wait_timeout: clipped with a warning.
    ok(&mut s, "SET wait_timeout = 0").await;
    assert_eq!(s.wait_timeout(), 1);
    assert_eq!(s.warning_count(), 1);
    let w = rows(&mut s, "SHOW WARNINGS").await;
    assert_eq!(w[0][1], "1292");
    ok(&mut s, "SET wait_timeout = DEFAULT").await;
    assert_eq!(s.wait_timeout(), 28800);

    // Isolation levels other than READ COMMITTED are recorded with a warning.
    ok(
        &mut s,
        "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
    )
    .await;
    assert_eq!(s.warning_count(), 1);
    assert_eq!(
        rows(&mut s, "SHOW VARIABLES LIKE 'tx_isolation'").await,
        vec![vec!["tx_isolation", "REPEATABLE-READ"]]
    );

    // SET NAMES.
    ok(&mut s, "SET NAMES latin1").await;
    assert_eq!(
        rows(&mut s, "SHOW VARIABLES LIKE 'character_set_c%'").await,
        vec![
            vec!["character_set_client", "latin1"],
            vec!["character_set_connection", "latin1"],
        ]
    );
    ok(&mut s, "SET NAMES utf8mb4 COLLATE utf8mb4_bin").await;
    assert_eq!(
        rows(&mut s, "SHOW VARIABLES LIKE 'collation_connection'").await,
        vec![vec!["collation_connection", "utf8mb4_bin"]]
    );
    assert_eq!(
        code(&mut s, "SET NAMES utf8mb4 COLLATE latin1_swedish_ci").await,
        1253
    );
    assert_eq!(code(&mut s, "SET NAMES klingon").await, 1115);

    // An interactive client idles up to interactive_timeout.
    ok(&mut s, "SET GLOBAL interactive_timeout = 600").await;
    let mut cli = login(&shared, "root", None).await.unwrap();
    cli.set_client_options(sqld::protocol::ClientOptions {
        multi_statements: true,
        found_rows: false,
        interactive: true,
    });
    assert_eq!(cli.wait_timeout(), 600);
    assert_eq!(
        rows(&mut cli, "SHOW VARIABLES LIKE 'wait_timeout'").await,
        vec![vec!["wait_timeout", "600"]]
    );

    // A dump's header: executable comments are SQL, plain comments are not.
    let r = s
        .query("/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n/*!40101 SET NAMES utf8 */;\n-- comment\n/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;")
        .await;
    assert_eq!(r.len(), 3);
    assert!(r.iter().all(|r| r.is_ok()), "{r:?}");
    assert_eq!(
        rows(&mut s, "SHOW VARIABLES LIKE 'unique_checks'").await,
        vec![vec!["unique_checks", "OFF"]]
    );
    assert_eq!(
        rows(&mut s, "SHOW VARIABLES LIKE 'character_set_client'").await,
        vec![vec!["character_set_client", "utf8mb3"]]
    );
    assert_eq!(
        s.query("-- nothing").await[0].as_ref().unwrap_err().code,
        1065
    );

    // COM_RESET_CONNECTION restores the global values.
    s.reset_connection().await;
    assert_eq!(
        rows(&mut s, "SHOW VARIABLES LIKE 'collation_connection'").await,
        vec![vec!["collation_connection", "utf8mb4_general_ci"]]
    );
}

#[tokio::test]
async fn status_counters_and_statistics() {
    let dir = TempDir::new("status");
    let shared = open_shared(&dir, 10).await;
    let mut s = login(&shared, "root", None).await.unwrap();
    let _other = login(&shared, "root", None).await.unwrap();
    let r = rows(&mut s, "SHOW GLOBAL STATUS LIKE 'Threads_%'").await;
    assert_eq!(
        r,
        vec![
            vec!["Threads_connected", "2"],
            vec!["Threads_created", "2"],
            vec!["Threads_running", "1"],
        ]
    );
    assert_eq!(
        rows(&mut s, "SHOW STATUS LIKE 'Max_used_connections'").await,
        vec![vec!["Max_used_connections", "2"]]
    );
    ok(&mut s, "BEGIN").await;
    ok(&mut s, "COMMIT").await;
    let r = rows(&mut s, "SHOW STATUS WHERE Variable_name = 'Com_commit'").await;
    assert_eq!(r, vec![vec!["Com_commit", "1"]]);
    let stats = s.statistics();
    assert!(stats.starts_with("Uptime: "), "{stats}");
    assert!(stats.contains("  Threads: 2  Questions: "), "{stats}");
    assert!(stats.contains("Queries per second avg: "), "{stats}");
}

#[tokio::test]
async fn warnings_survive_show_warnings() {
    let dir = TempDir::new("warn");
    let shared = open_shared(&dir, 10).await;
    let mut s = login(&shared, "root", None).await.unwrap();
    assert_eq!(code(&mut s, "SET @@bogus = 1").await, 1193);
    let w = rows(&mut s, "SHOW WARNINGS").await;
    assert_eq!(
        w,
        vec![vec!["Error", "1193", "Unknown system variable 'bogus'"]]
    );
    // SHOW WARNINGS does not clear them; SHOW ERRORS sees the error too.
    assert_eq!(rows(&mut s, "SHOW ERRORS").await.len(), 1);
    assert_eq!(
        rows(&mut s, "SHOW COUNT(*) WARNINGS").await,
        vec![vec!["1"]]
    );
    // Any other statement does.
    ok(&mut s, "SET @x = 1").await;
    assert!(rows(&mut s, "SHOW WARNINGS").await.is_empty());
}

#[tokio::test]
async fn prepared_session_statements() {
    let dir = TempDir::new("prep");
    let shared = open_shared(&dir, 10).await;
    let mut s = login(&shared, "root", None).await.unwrap();
    let p = s
        .prepare("SHOW VARIABLES LIKE 'wait_timeout'")
        .await
        .unwrap();
    assert_eq!(p.param_count, 0);
    assert_eq!(p.columns.len(), 2);
    assert_eq!(p.columns[0].name, "Variable_name");
    ok(&mut s, "SET wait_timeout = 77").await;
    match s.execute(p.id, vec![]).await.unwrap() {
        planner::QueryResult::Rows { rows, .. } => {
            assert_eq!(text(&rows[0][1]), "77");
        }
        other => panic!("{other:?}"),
    }
    let set = s.prepare("SET autocommit = 0").await.unwrap();
    s.execute(set.id, vec![]).await.unwrap();
    assert!(!s.ctx().autocommit);
    assert_eq!(s.param_count(set.id), Some(0));
    s.close_statement(set.id);
    assert_eq!(s.param_count(set.id), None);
    assert_eq!(s.execute(set.id, vec![]).await.unwrap_err().code, 1243);
    assert_eq!(
        s.prepare("SHOW TABLES LIKE ?").await.unwrap_err().code,
        1064
    );
}
