//! Transactions across node groups: atomic commit (XA underneath), and
//! lock wait timeouts / deadlocks from a data node ending the transaction
//! on every group.

use crate::common::*;
use mysql_async::prelude::*;
use mysql_async::Conn;
use sqld_tests::{block_on_with_timeout, ClusterOptions, TestCluster};
use std::time::{Duration, Instant};

/// Creates x.t with ids 1..=40 (v = 0) and returns, per group, ids it owns.
async fn setup(c: &TestCluster) -> [Vec<i64>; 2] {
    let mut s = c.conn(0, None).await;
    exec_all(
        &mut s,
        &[
            "CREATE DATABASE x",
            "CREATE TABLE x.t (id INT PRIMARY KEY, v INT NOT NULL)",
        ],
    )
    .await;
    let values: Vec<String> = (1..=40).map(|i| format!("({i}, 0)")).collect();
    exec(
        &mut s,
        &format!("INSERT INTO x.t VALUES {}", values.join(",")),
    )
    .await;
    let mut owned = [Vec::new(), Vec::new()];
    for (g, ids) in owned.iter_mut().enumerate() {
        let mut n = c.node_conn(g, None).await;
        *ids = n.query("SELECT id FROM x.t ORDER BY id").await.unwrap();
        assert!(ids.len() >= 2, "ng{g} owns {ids:?}");
    }
    owned
}

async fn v_of(conn: &mut Conn, id: i64) -> i64 {
    count(conn, &format!("SELECT v FROM x.t WHERE id = {id}")).await
}

/// Runs `a_sql` on A, which blocks on B's lock, then `b_sql` on B, which
/// blocks on A's: returns A and both results once the cycle is broken.
async fn close_cycle(
    mut a: Conn,
    a_sql: String,
    b: &mut Conn,
    b_sql: &str,
) -> (Conn, mysql_async::Result<()>, mysql_async::Result<()>) {
    let a_waits = tokio::spawn(async move {
        let r = a.query_drop(a_sql).await;
        (a, r)
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rb = b.query_drop(b_sql).await;
    let (a, ra) = a_waits.await.expect("A's statement");
    (a, ra, rb)
}

/// No XA branch is left prepared on any data node.
pub async fn assert_no_prepared_branches(c: &TestCluster) {
    for g in 0..c.nodes.len() {
        let mut n = c.node_conn(g, None).await;
        let left = rows(&mut n, "XA RECOVER").await;
        assert!(left.is_empty(), "ng{g} has prepared XA branches: {left:?}");
    }
}

#[test]
fn multi_group_transactions_commit_atomically() {
    let c = TestCluster::start(ClusterOptions::default());
    block_on_with_timeout(120, async {
        let [g0, g1] = setup(&c).await;
        let (a, b) = (g0[0], g1[0]);
        let mut s = c.conn(0, Some("x")).await;
        let mut other = c.conn(0, Some("x")).await;
        exec_all(
            &mut s,
            &[
                "BEGIN",
                &format!("UPDATE t SET v = v - 10 WHERE id = {a}"),
                &format!("UPDATE t SET v = v + 10 WHERE id = {b}"),
                "INSERT INTO t VALUES (1001, 1), (1002, 2), (1003, 3), (1004, 4)",
            ],
        )
        .await;
        // READ COMMITTED: nothing visible before COMMIT, on either group.
        assert_eq!(v_of(&mut other, a).await, 0);
        assert_eq!(v_of(&mut other, b).await, 0);
        assert_eq!(
            count(&mut other, "SELECT COUNT(*) FROM t WHERE id > 1000").await,
            0
        );
        exec(&mut s, "COMMIT").await;
        assert_eq!(v_of(&mut other, a).await, -10);
        assert_eq!(v_of(&mut other, b).await, 10);
        assert_eq!(
            count(&mut other, "SELECT COUNT(*) FROM t WHERE id > 1000").await,
            4
        );
        // Both data nodes hold their part.
        let mut n0 = c.node_conn(0, None).await;
        let mut n1 = c.node_conn(1, None).await;
        assert_eq!(
            count(&mut n0, &format!("SELECT v FROM x.t WHERE id = {a}")).await,
            -10
        );
        assert_eq!(
            count(&mut n1, &format!("SELECT v FROM x.t WHERE id = {b}")).await,
            10
        );

        // ROLLBACK undoes both groups.
        exec_all(
            &mut s,
            &[
                "BEGIN",
                &format!("UPDATE t SET v = 99 WHERE id IN ({a}, {b})"),
                "DELETE FROM t WHERE id > 1000",
                "ROLLBACK",
            ],
        )
        .await;
        assert_eq!(v_of(&mut other, a).await, -10);
        assert_eq!(v_of(&mut other, b).await, 10);
        assert_eq!(
            count(&mut other, "SELECT COUNT(*) FROM t WHERE id > 1000").await,
            4
        );
        // SUM over everything is the same from the node groups' point of view.
        assert_eq!(
            count(&mut other, "SELECT SUM(v) FROM t WHERE id <= 40").await,
            0
        );
        assert_no_prepared_branches(&c).await;
    });
}

#[test]
fn lock_wait_timeout_and_deadlock_roll_back_every_group() {
    let c = TestCluster::start(ClusterOptions::default());
    block_on_with_timeout(180, async {
        let [g0, g1] = setup(&c).await;
        let mut a = c.conn(0, Some("x")).await;
        let mut b = c.conn(0, Some("x")).await;
        let mut check = c.conn(0, Some("x")).await;
        // sqld's session value is what the data nodes apply.
        for conn in [&mut a, &mut b] {
            exec(conn, "SET SESSION innodb_lock_wait_timeout = 2").await;
        }

        // 1205: B wrote on ng1, then waits on ng0 for A's row lock.
        exec_all(
            &mut a,
            &["BEGIN", &format!("UPDATE t SET v = 1 WHERE id = {}", g0[0])],
        )
        .await;
        exec_all(
            &mut b,
            &["BEGIN", &format!("UPDATE t SET v = 2 WHERE id = {}", g1[0])],
        )
        .await;
        let started = Instant::now();
        let (err, _) = error(&mut b, &format!("UPDATE t SET v = 2 WHERE id = {}", g0[0])).await;
        assert_eq!(err, 1205);
        assert!(started.elapsed() < Duration::from_secs(20));
        // B's whole transaction is gone: its ng1 write is undone and unlocked.
        exec(&mut b, "COMMIT").await;
        assert_eq!(v_of(&mut check, g1[0]).await, 0);
        exec(
            &mut check,
            &format!("UPDATE t SET v = 3 WHERE id = {}", g1[0]),
        )
        .await;
        exec(&mut a, "COMMIT").await;
        assert_eq!(v_of(&mut check, g0[0]).await, 1);
        assert_eq!(v_of(&mut check, g1[0]).await, 3);

        // 1213: A and B each wrote on ng1, then cross on two ng0 rows.
        let (x1, x2) = (g0[1], g0[0]);
        exec_all(
            &mut a,
            &[
                "BEGIN",
                &format!("UPDATE t SET v = 10 WHERE id = {}", g1[1]),
                &format!("UPDATE t SET v = 10 WHERE id = {x1}"),
            ],
        )
        .await;
        exec_all(
            &mut b,
            &[
                "BEGIN",
                &format!("UPDATE t SET v = 20 WHERE id = {}", g1[0]),
                &format!("UPDATE t SET v = 20 WHERE id = {x2}"),
            ],
        )
        .await;
        let (mut a, ra, rb) = close_cycle(
            a,
            format!("UPDATE t SET v = 10 WHERE id = {x2}"),
            &mut b,
            &format!("UPDATE t SET v = 20 WHERE id = {x1}"),
        )
        .await;
        let codes = [code(&ra), code(&rb)];
        assert!(
            codes.contains(&Some(1213)),
            "one of the two must be the deadlock victim: {codes:?} ({ra:?} / {rb:?})"
        );
        let (victim, survivor_ok) = if code(&rb) == Some(1213) {
            ("b", ra.is_ok())
        } else {
            ("a", rb.is_ok())
        };
        assert!(survivor_ok, "the other transaction goes on: {ra:?} {rb:?}");
        exec(&mut a, "COMMIT").await;
        exec(&mut b, "COMMIT").await;
        // The victim's ng1 write is undone, the survivor's kept.
        let (a1, b1) = (v_of(&mut check, g1[1]).await, v_of(&mut check, g1[0]).await);
        if victim == "b" {
            assert_eq!((a1, b1), (10, 3), "B's writes must all be rolled back");
            assert_eq!(v_of(&mut check, x2).await, 10);
        } else {
            assert_eq!((a1, b1), (0, 20), "A's writes must all be rolled back");
            assert_eq!(v_of(&mut check, x1).await, 20);
        }
        assert_no_prepared_branches(&c).await;

        // A deadlock across groups, which neither data node can see: A
        // holds a row on ng0 and waits on ng1, B the reverse. Sessions keep
        // the default innodb_lock_wait_timeout (50 s); with two groups a
        // wait lasts at most deadlock_timeout_secs (2 s), so one of them
        // gets 1205 within seconds and the other goes on.
        let (y0, y1) = (g0[1], g1[1]);
        let mut a = c.conn(0, Some("x")).await;
        let mut b = c.conn(0, Some("x")).await;
        assert_eq!(
            value(&mut a, "SELECT @@innodb_lock_wait_timeout").await,
            "50"
        );
        exec_all(
            &mut a,
            &["BEGIN", &format!("UPDATE t SET v = 30 WHERE id = {y0}")],
        )
        .await;
        exec_all(
            &mut b,
            &["BEGIN", &format!("UPDATE t SET v = 40 WHERE id = {y1}")],
        )
        .await;
        let started = Instant::now();
        let (mut a, ra, rb) = close_cycle(
            a,
            format!("UPDATE t SET v = 30 WHERE id = {y1}"),
            &mut b,
            &format!("UPDATE t SET v = 40 WHERE id = {y0}"),
        )
        .await;
        let waited = started.elapsed();
        assert!(
            waited < Duration::from_secs(20),
            "the cross-group deadlock lasted {waited:?}"
        );
        let codes = [code(&ra), code(&rb)];
        assert!(
            codes.contains(&Some(1205)) && (ra.is_ok() || rb.is_ok()),
            "one victim (1205), one survivor: {ra:?} / {rb:?}"
        );
        exec(&mut a, "COMMIT").await;
        exec(&mut b, "COMMIT").await;
        let (v0, v1) = (v_of(&mut check, y0).await, v_of(&mut check, y1).await);
        if ra.is_ok() {
            assert_eq!((v0, v1), (30, 30), "A's writes kept, B's rolled back");
        } else {
            assert_eq!((v0, v1), (40, 40), "B's writes kept, A's rolled back");
        }
        assert_no_prepared_branches(&c).await;
    });
}
