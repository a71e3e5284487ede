//! A data node down: statements that need it fail fast naming its node
//! group, the others keep working, DDL is reported and can be re-run to
//! completion, and sqld reconnects on its own when the node is back.

use crate::common::*;
use mysql_async::prelude::*;
use mysql_async::Conn;
use sqld_tests::{block_on_with_timeout, ClusterOptions, TestCluster};
use std::time::{Duration, Instant};

/// Runs `sql`, which must fail within 5 s with an error naming group 1.
async fn fails_fast_naming_ng1(conn: &mut Conn, sql: &str) {
    let started = Instant::now();
    let r = conn.query_drop(sql).await;
    let elapsed = started.elapsed();
    let msg = match r {
        Ok(()) => panic!("{sql}: succeeded with ng1 down"),
        Err(mysql_async::Error::Server(e)) => format!("{} {}", e.code, e.message),
        Err(e) => panic!("{sql}: the client lost its connection: {e}"),
    };
    assert!(
        elapsed < Duration::from_secs(5),
        "{sql}: took {elapsed:?} ({msg})"
    );
    let lower = msg.to_lowercase();
    assert!(
        lower.contains("ng1") || lower.contains("node group 1"),
        "{sql}: error does not name the node group: {msg}"
    );
    assert!(
        !msg.contains("s'q\"l"),
        "{sql}: password in the error: {msg}"
    );
}

#[test]
fn data_node_down_fails_fast_and_recovers() {
    let mut c = TestCluster::start(ClusterOptions::default());
    block_on_with_timeout(240, async {
        let mut s = c.conn(0, None).await;
        exec_all(
            &mut s,
            &[
                "CREATE DATABASE f",
                "USE f",
                "CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL)",
            ],
        )
        .await;
        let values: Vec<String> = (1..=60).map(|i| format!("({i}, {i})")).collect();
        exec(
            &mut s,
            &format!("INSERT INTO t VALUES {}", values.join(",")),
        )
        .await;
        let mut owned = Vec::new();
        for g in 0..2 {
            let mut n = c.node_conn(g, None).await;
            let ids: Vec<i64> = n.query("SELECT id FROM f.t ORDER BY id").await.unwrap();
            owned.push(ids);
        }
        let (on0, on1) = (owned[0].clone(), owned[1].clone());

        c.kill_node(1);
        // Needs ng1: a point get, a scan, a write, a transaction, DDL.
        fails_fast_naming_ng1(&mut s, &format!("SELECT v FROM t WHERE id = {}", on1[0])).await;
        fails_fast_naming_ng1(&mut s, "SELECT COUNT(*) FROM t").await;
        fails_fast_naming_ng1(&mut s, &format!("UPDATE t SET v = 0 WHERE id = {}", on1[1])).await;
        fails_fast_naming_ng1(&mut s, "CREATE TABLE t2 (id INT PRIMARY KEY)").await;
        fails_fast_naming_ng1(&mut s, "ALTER TABLE t ADD COLUMN w INT NOT NULL DEFAULT 7").await;
        // Does not need ng1: keeps working, on this and on new sessions.
        for _ in 0..3 {
            assert_eq!(
                count(&mut s, &format!("SELECT v FROM t WHERE id = {}", on0[0])).await,
                on0[0]
            );
        }
        exec(
            &mut s,
            &format!("UPDATE t SET v = v + 100 WHERE id = {}", on0[1]),
        )
        .await;
        let mut fresh = c.conn(0, Some("f")).await;
        assert_eq!(
            count(
                &mut fresh,
                &format!("SELECT v FROM t WHERE id = {}", on0[1])
            )
            .await,
            on0[1] + 100
        );
        exec_all(
            &mut fresh,
            &[
                "BEGIN",
                &format!("UPDATE t SET v = v + 1 WHERE id = {}", on0[2]),
                "COMMIT",
            ],
        )
        .await;

        c.start_node(1);
        // sqld reconnects on its own.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match s
                .query_drop(format!("SELECT v FROM t WHERE id = {}", on1[0]))
                .await
            {
                Ok(()) => break,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("ng1 still unusable 20 s after its restart: {e}"),
            }
        }
        assert_eq!(count(&mut s, "SELECT COUNT(*) FROM t").await, 60);
        assert_eq!(
            count(&mut s, "SELECT SUM(v) FROM t").await,
            (1..=60).sum::<i64>() + 101
        );
        // The failed DDL can be re-run to completion (idempotent).
        for sql in [
            "CREATE TABLE t2 (id INT PRIMARY KEY)",
            "ALTER TABLE t ADD COLUMN w INT NOT NULL DEFAULT 7",
        ] {
            match s.query_drop(sql).await {
                Ok(()) => {}
                // Already complete on every group from the first attempt.
                Err(mysql_async::Error::Server(e)) if e.code == 1050 || e.code == 1060 => {}
                Err(e) => panic!("re-running {sql}: {e}"),
            }
        }
        exec(&mut s, "INSERT INTO t2 VALUES (1), (2), (3), (4)").await;
        assert_eq!(count(&mut s, "SELECT COUNT(*) FROM t2").await, 4);
        assert_eq!(count(&mut s, "SELECT SUM(w) FROM t").await, 7 * 60);
        for g in 0..2 {
            let mut n = c.node_conn(g, None).await;
            let cols = rows(
                &mut n,
                "SELECT column_name FROM information_schema.columns \
                 WHERE table_schema = 'f' AND table_name = 't' ORDER BY ordinal_position",
            )
            .await;
            assert_eq!(cols, [["id"], ["v"], ["w"]], "ng{g}");
            assert_eq!(
                count(
                    &mut n,
                    "SELECT COUNT(*) FROM information_schema.tables \
                     WHERE table_schema = 'f' AND table_name = 't2'"
                )
                .await,
                1,
                "ng{g}"
            );
        }
    });
}

/// A data node that hangs (SIGSTOP: connections open, nothing answers)
/// must not hang the statements that need it for longer than a few
/// seconds, nor the ones that do not need it at all.
#[test]
fn hung_data_node_fails_fast() {
    let mut c = TestCluster::start(ClusterOptions::default());
    block_on_with_timeout(120, async {
        let mut s = c.conn(0, None).await;
        exec_all(
            &mut s,
            &[
                "CREATE DATABASE h",
                "USE h",
                "CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL)",
            ],
        )
        .await;
        let values: Vec<String> = (1..=40).map(|i| format!("({i}, {i})")).collect();
        exec(
            &mut s,
            &format!("INSERT INTO t VALUES {}", values.join(",")),
        )
        .await;
        // Warm both pools, so idle connections to the hung node exist.
        assert_eq!(count(&mut s, "SELECT COUNT(*) FROM t").await, 40);
        let mut owned = Vec::new();
        for g in 0..2 {
            let mut n = c.node_conn(g, None).await;
            let ids: Vec<i64> = n.query("SELECT id FROM h.t ORDER BY id").await.unwrap();
            owned.push(ids);
        }
        c.pause_node(1);
        // ng0 alone: unaffected.
        let on0 = tokio::time::timeout(
            Duration::from_secs(5),
            count(
                &mut s,
                &format!("SELECT v FROM t WHERE id = {}", owned[0][0]),
            ),
        )
        .await;
        if on0.is_err() {
            c.resume_node(1);
            panic!("a point get on ng0 hung while ng1 was hung");
        }
        let started = Instant::now();
        let r = tokio::time::timeout(
            Duration::from_secs(10),
            s.query::<i64, _>(format!("SELECT v FROM t WHERE id = {}", owned[1][0])),
        )
        .await;
        let elapsed = started.elapsed();
        c.resume_node(1);
        match r {
            Err(_) => panic!("a point get on the hung group did not return within 10 s"),
            // Seen once (CI, 2026-11-21, beside data_node_down_fails_fast_
            // and_recovers): say what came back, to find where from.
            Ok(Ok(rows)) => panic!(
                "a point get on the hung group succeeded after {elapsed:?}: id {} gave {rows:?} \
                 (ng0 owns {:?}, ng1 {:?}, node ports {:?})",
                owned[1][0],
                owned[0],
                owned[1],
                c.nodes.iter().map(|n| n.port()).collect::<Vec<_>>()
            ),
            Ok(Err(e)) => assert!(
                elapsed < Duration::from_secs(5),
                "took {elapsed:?} to fail: {e}"
            ),
        }
        // After SIGCONT everything works again.
        assert_eq!(count(&mut s, "SELECT COUNT(*) FROM t").await, 40);
    });
}
