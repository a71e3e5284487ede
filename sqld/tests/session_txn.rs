//! Transactions and savepoints at the session level.

mod session_common;

use session_common::*;
use sqld::protocol::Handler;

#[tokio::test]
async fn begin_commit_rollback_savepoints() {
    let dir = TempDir::new("txn");
    let shared = open_shared(&dir, 10).await;
    let mut s = login(&shared, "root", None).await.unwrap();
    assert_eq!(s.status_flags() & 1, 0);
    ok(&mut s, "START TRANSACTION").await;
    assert_eq!(s.status_flags() & 1, 1);
    assert!(s.ctx().explicit_txn);
    ok(&mut s, "SAVEPOINT a").await;
    ok(&mut s, "SAVEPOINT b").await;
    ok(&mut s, "ROLLBACK TO SAVEPOINT a").await;
    assert_eq!(code(&mut s, "RELEASE SAVEPOINT b").await, 1305);
    let e = q(&mut s, "ROLLBACK TO nope").await.unwrap_err();
    assert_eq!(e.message, "SAVEPOINT nope does not exist");
    ok(&mut s, "RELEASE SAVEPOINT a").await;
    ok(&mut s, "COMMIT WORK").await;
    assert_eq!(s.status_flags() & 1, 0);
    assert!(s.ctx().txn.is_none());

    // BEGIN inside a transaction commits the first and opens another.
    ok(&mut s, "BEGIN").await;
    ok(&mut s, "BEGIN WORK").await;
    assert!(s.ctx().explicit_txn);
    ok(&mut s, "ROLLBACK WORK").await;
    assert!(!s.ctx().explicit_txn);

    // READ ONLY transactions flag themselves.
    ok(&mut s, "START TRANSACTION READ ONLY").await;
    assert_eq!(s.status_flags() & 0x2000, 0x2000);
    ok(&mut s, "COMMIT").await;

    // SET TRANSACTION READ ONLY applies to the next transaction only.
    ok(&mut s, "SET TRANSACTION READ ONLY").await;
    ok(&mut s, "BEGIN").await;
    assert!(s.ctx().txn.as_ref().unwrap().read_only());
    ok(&mut s, "COMMIT").await;
    ok(&mut s, "BEGIN").await;
    assert!(!s.ctx().txn.as_ref().unwrap().read_only());

    // SET autocommit = 1 from 0 commits; reset_connection rolls back.
    ok(&mut s, "SET autocommit = 0").await;
    ok(&mut s, "SET autocommit = 1").await;
    assert!(s.ctx().txn.is_none());
    ok(&mut s, "BEGIN").await;
    s.reset_connection().await;
    assert!(s.ctx().txn.is_none());
    assert!(!s.ctx().explicit_txn);

    // Multi-statement text: one result per statement, stopping at an error.
    let r = s.query("BEGIN; SAVEPOINT x; ROLLBACK TO y; COMMIT").await;
    assert_eq!(r.len(), 3);
    assert_eq!(r[2].as_ref().unwrap_err().code, 1305);
    s.disconnect().await;
}
