//! Multiplexed connections: 1,000 client sessions doing autocommit point
//! selects share pools of at most `pool_size` connections per data node;
//! SHOW STATUS reports the pools, SHOW PROCESSLIST only client sessions.

use crate::common::*;
use mysql_async::prelude::*;
use sqld_tests::cluster::{connect, DATA_NODE_USER};
use sqld_tests::{block_on_with_timeout, ClusterOptions, TestCluster};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

const POOL: u32 = 8;
const CLIENTS: usize = 1000;

/// Connections sqld holds on node group g right now.
async fn sqld_connections_on_node(c: &TestCluster, g: usize) -> i64 {
    let mut n = c.node_conn(g, None).await;
    count(
        &mut n,
        &format!(
            "SELECT COUNT(*) FROM information_schema.processlist WHERE user = '{DATA_NODE_USER}'"
        ),
    )
    .await
}

async fn status(conn: &mut mysql_async::Conn) -> HashMap<String, i64> {
    rows(conn, "SHOW STATUS LIKE 'Sqld_pool%'")
        .await
        .into_iter()
        .map(|r| (r[0].clone(), r[1].parse().unwrap_or(-1)))
        .collect()
}

#[test]
fn thousand_clients_share_small_pools() {
    let c = TestCluster::start(ClusterOptions {
        pool_size: Some(POOL),
        ..ClusterOptions::default()
    });
    block_on_with_timeout(300, async {
        let mut admin = c.conn(0, None).await;
        exec_all(
            &mut admin,
            &[
                "CREATE DATABASE p",
                "CREATE TABLE p.t (id INT PRIMARY KEY, v INT NOT NULL)",
            ],
        )
        .await;
        let values: Vec<String> = (1..=1000).map(|i| format!("({i}, {})", i * 2)).collect();
        exec(
            &mut admin,
            &format!("INSERT INTO p.t VALUES {}", values.join(",")),
        )
        .await;

        // Open every client first, then let them all query at once.
        let mut clients = Vec::with_capacity(CLIENTS);
        for _ in 0..CLIENTS {
            clients.push(connect(c.sqld_opts(0, Some("p"))).await);
        }
        let stop = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::new();
        for (i, mut conn) in clients.into_iter().enumerate() {
            let stop = stop.clone();
            let done = done.clone();
            tasks.push(tokio::spawn(async move {
                let stmt = conn.prep("SELECT v FROM t WHERE id = ?").await.unwrap();
                let mut n = 0u64;
                while n < 3 || !stop.load(Ordering::Relaxed) {
                    let id = ((i as u64 * 31 + n * 7) % 1000 + 1) as i64;
                    let v: Option<i64> = conn.exec_first(&stmt, (id,)).await.unwrap();
                    assert_eq!(v, Some(id * 2));
                    n += 1;
                    done.fetch_add(1, Ordering::Relaxed);
                }
                conn
            }));
        }
        // While they run: the data nodes see at most POOL connections from sqld.
        let mut peak = [0i64; 2];
        for _ in 0..10 {
            tokio::time::sleep(Duration::from_millis(300)).await;
            for (g, p) in peak.iter_mut().enumerate() {
                *p = (*p).max(sqld_connections_on_node(&c, g).await);
            }
        }
        let st = status(&mut admin).await;
        let processlist = rows(&mut admin, "SHOW PROCESSLIST").await;
        stop.store(true, Ordering::Relaxed);
        let mut conns = Vec::new();
        for t in tasks {
            conns.push(t.await.expect("client task"));
        }
        assert!(done.load(Ordering::Relaxed) >= 3 * CLIENTS as u64);
        for (g, p) in peak.iter().enumerate() {
            assert!(
                *p >= 1 && *p <= POOL as i64,
                "ng{g}: {p} connections from sqld"
            );
        }
        for g in 0..2 {
            assert_eq!(
                st[&format!("Sqld_pool_ng{g}_max_size")],
                POOL as i64,
                "{st:?}"
            );
            let size = st[&format!("Sqld_pool_ng{g}_size")];
            assert!(size >= 1 && size <= POOL as i64, "{st:?}");
            assert_eq!(
                size,
                st[&format!("Sqld_pool_ng{g}_in_use")] + st[&format!("Sqld_pool_ng{g}_idle")],
                "{st:?}"
            );
            assert!(
                st[&format!("Sqld_pool_ng{g}_connections_created")] >= size,
                "{st:?}"
            );
        }
        assert_eq!(st["Sqld_pool_max_size"], 2 * POOL as i64);
        assert!(
            st["Sqld_pool_waits"] > 0,
            "1,000 clients on 8 connections must wait: {st:?}"
        );
        // SHOW PROCESSLIST lists client sessions: 1,000 + admin, no pooled connection.
        assert_eq!(
            processlist.len(),
            CLIENTS + 1,
            "processlist has {} rows",
            processlist.len()
        );
        assert!(
            processlist.iter().all(|r| r[1] == "root"),
            "only client sessions"
        );
        let threads = rows(&mut admin, "SHOW STATUS LIKE 'Threads_connected'").await;
        assert_eq!(threads[0][1], (CLIENTS + 1).to_string());
        for conn in conns {
            let _ = conn.disconnect().await;
        }
    });
}
