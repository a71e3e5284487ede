//! Atomic multi-group commits under faults: bank transfers between accounts
//! spread over 2 node groups on 8 connections, while sqld is killed with
//! SIGKILL (then restarted), and separately while one data node is killed
//! and restarted.
//!
//! After recovery:
//! - no XA branch is left prepared on any data node (XA RECOVER);
//! - the total balance is what it was at the start;
//! - every transfer whose COMMIT was acknowledged is in `transfers`;
//! - every balance equals its opening balance plus the transfers in minus
//!   the transfers out: the three rows of one transaction, which live on
//!   different node groups, are all there or none is.

use mysql_async::prelude::*;
use mysql_async::{Conn, Error};
use sqld_tests::{block_on_with_timeout, heavy_lock, ClusterOptions, TestCluster};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ACCOUNTS: i64 = 40;
const OPENING_BALANCE: i64 = 1_000;
const WORKERS: u64 = 8;
/// Acknowledged commits to wait for before a fault.
const COMMITS_BEFORE_FAULT: u64 = 200;

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[derive(Default)]
struct Ledger {
    acknowledged: Mutex<Vec<u64>>,
    acked: AtomicU64,
    /// Transfers refused by a server error other than a deadlock or lock
    /// wait timeout (expected while a data node is down).
    refused: AtomicU64,
}

enum Outcome {
    Committed,
    /// Rolled back (deadlock, lock wait timeout, or a node group down).
    Failed,
    /// The connection to sqld is gone.
    Lost,
}

async fn transfer(conn: &mut Conn, id: u64, src: i64, dst: i64, amount: i64) -> Result<(), Error> {
    let (first, second) = if src < dst { (src, dst) } else { (dst, src) };
    let delta = |acct: i64| if acct == src { -amount } else { amount };
    conn.query_drop("BEGIN").await?;
    for acct in [first, second] {
        conn.exec_drop(
            "UPDATE accounts SET balance = balance + ? WHERE id = ?",
            (delta(acct), acct),
        )
        .await?;
    }
    conn.exec_drop(
        "INSERT INTO transfers (id, src, dst, amount) VALUES (?, ?, ?, ?)",
        (id, src, dst, amount),
    )
    .await?;
    conn.query_drop("COMMIT").await
}

async fn attempt(
    conn: &mut Conn,
    id: u64,
    src: i64,
    dst: i64,
    amount: i64,
    ledger: &Ledger,
) -> Outcome {
    match transfer(conn, id, src, dst, amount).await {
        Ok(()) => Outcome::Committed,
        Err(Error::Server(e)) => {
            if e.code != 1213 && e.code != 1205 {
                ledger.refused.fetch_add(1, Ordering::Relaxed);
            }
            let _ = conn.query_drop("ROLLBACK").await;
            Outcome::Failed
        }
        Err(_) => Outcome::Lost,
    }
}

async fn worker(
    mut conn: Conn,
    worker_id: u64,
    round: u64,
    ledger: Arc<Ledger>,
    stop: Arc<AtomicBool>,
) {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15 ^ ((worker_id + 1) * 7919) ^ (round << 40));
    let mut seq = (round * WORKERS + worker_id) << 32;
    while !stop.load(Ordering::Relaxed) {
        seq += 1;
        let src = rng.below(ACCOUNTS as u64) as i64 + 1;
        let mut dst = rng.below(ACCOUNTS as u64 - 1) as i64 + 1;
        if dst >= src {
            dst += 1;
        }
        let amount = rng.below(100) as i64 + 1;
        match attempt(&mut conn, seq, src, dst, amount, &ledger).await {
            Outcome::Committed => {
                ledger.acknowledged.lock().unwrap().push(seq);
                ledger.acked.fetch_add(1, Ordering::Relaxed);
            }
            Outcome::Failed => tokio::time::sleep(Duration::from_millis(5)).await,
            Outcome::Lost => return,
        }
    }
}

fn setup(c: &TestCluster) {
    block_on_with_timeout(120, async {
        let mut conn = c.conn(0, None).await;
        for sql in [
            "CREATE DATABASE bank",
            "CREATE TABLE bank.accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL)",
            "CREATE TABLE bank.transfers (id BIGINT UNSIGNED PRIMARY KEY, src INT NOT NULL, \
             dst INT NOT NULL, amount INT NOT NULL)",
        ] {
            conn.query_drop(sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        let values: Vec<String> = (1..=ACCOUNTS)
            .map(|a| format!("({a}, {OPENING_BALANCE})"))
            .collect();
        conn.query_drop(format!(
            "INSERT INTO bank.accounts VALUES {}",
            values.join(", ")
        ))
        .await
        .unwrap();
        // Both groups hold accounts: most transfers span them.
        for g in 0..2 {
            let mut n = c.node_conn(g, None).await;
            let k: Option<i64> = n
                .query_first("SELECT COUNT(*) FROM bank.accounts")
                .await
                .unwrap();
            assert!(k.unwrap_or(0) >= ACCOUNTS / 4, "ng{g} holds {k:?} accounts");
        }
    });
}

/// Waits until recovery has resolved every prepared XA branch.
async fn wait_no_prepared_branches(c: &TestCluster, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let mut left = Vec::new();
        for g in 0..c.nodes.len() {
            let mut n = c.node_conn(g, None).await;
            let r: Vec<mysql_async::Row> = n.query("XA RECOVER").await.unwrap();
            left.extend(r.into_iter().map(|row| format!("ng{g}: {row:?}")));
        }
        if left.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "prepared XA branches left after {within:?}: {left:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn verify(c: &TestCluster, acknowledged: &[u64]) -> usize {
    wait_no_prepared_branches(c, Duration::from_secs(30)).await;
    let mut conn = c.conn(0, Some("bank")).await;
    let balances: Vec<(i64, i64)> = conn
        .query("SELECT id, balance FROM accounts ORDER BY id")
        .await
        .expect("read accounts");
    assert_eq!(balances.len() as i64, ACCOUNTS, "accounts lost");
    let total: i64 = balances.iter().map(|(_, b)| b).sum();
    assert_eq!(total, ACCOUNTS * OPENING_BALANCE, "total balance changed");
    let transfers: Vec<(u64, i64, i64, i64)> = conn
        .query("SELECT id, src, dst, amount FROM transfers")
        .await
        .expect("read transfers");
    let present: HashSet<u64> = transfers.iter().map(|t| t.0).collect();
    let missing: Vec<u64> = acknowledged
        .iter()
        .copied()
        .filter(|id| !present.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged transfers lost, e.g. {:?}",
        missing.len(),
        acknowledged.len(),
        &missing[..missing.len().min(10)]
    );
    let mut expected: HashMap<i64, i64> = (1..=ACCOUNTS).map(|a| (a, OPENING_BALANCE)).collect();
    for (_, src, dst, amount) in &transfers {
        *expected.entry(*src).or_default() -= amount;
        *expected.entry(*dst).or_default() += amount;
    }
    for (id, balance) in &balances {
        assert_eq!(
            Some(balance),
            expected.get(id),
            "account {id}: balance disagrees with the transfers table (a torn transaction)"
        );
    }
    transfers.len()
}

/// Starts the workers on sqld 0; returns once `COMMITS_BEFORE_FAULT` more
/// commits are acknowledged (the workers keep going).
fn start_load(
    rt: &tokio::runtime::Runtime,
    c: &TestCluster,
    round: u64,
    ledger: &Arc<Ledger>,
    stop: &Arc<AtomicBool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let target = ledger.acked.load(Ordering::Relaxed) + COMMITS_BEFORE_FAULT;
    let handles = rt.block_on(async {
        let mut handles = Vec::new();
        for w in 0..WORKERS {
            let conn = c.conn(0, Some("bank")).await;
            handles.push(tokio::spawn(worker(
                conn,
                w,
                round,
                ledger.clone(),
                stop.clone(),
            )));
        }
        handles
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    while ledger.acked.load(Ordering::Relaxed) < target {
        assert!(
            Instant::now() < deadline,
            "only {} transfers committed in 120 s",
            ledger.acked.load(Ordering::Relaxed)
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    handles
}

fn join(rt: &tokio::runtime::Runtime, handles: Vec<tokio::task::JoinHandle<()>>) {
    rt.block_on(async {
        for h in handles {
            tokio::time::timeout(Duration::from_secs(60), h)
                .await
                .expect("a worker did not stop within 60 s")
                .expect("worker panicked");
        }
    });
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

fn cluster() -> TestCluster {
    TestCluster::start(ClusterOptions {
        recovery_interval_ms: Some(1000),
        lock_wait_timeout: Some(5),
        ..ClusterOptions::default()
    })
}

#[test]
fn bank_transfers_survive_kill_9_of_sqld() {
    let _lock = heavy_lock();
    let mut c = cluster();
    setup(&c);
    let ledger = Arc::new(Ledger::default());
    let rt = runtime();
    let mut present = 0;
    for round in 0..2 {
        let stop = Arc::new(AtomicBool::new(false));
        let handles = start_load(&rt, &c, round, &ledger, &stop);
        // Workers are mid-transaction (some mid-commit): kill under them.
        c.kill_sqld(0);
        join(&rt, handles);
        c.restart_sqld(0);
        let acknowledged = ledger.acknowledged.lock().unwrap().clone();
        present = block_on_with_timeout(120, verify(&c, &acknowledged));
        eprintln!(
            "round {round}: {} acknowledged, {present} present after restart",
            acknowledged.len()
        );
    }
    assert!(present as u64 >= 2 * COMMITS_BEFORE_FAULT);
}

#[test]
fn bank_transfers_survive_kill_9_of_a_data_node() {
    let _lock = heavy_lock();
    let mut c = cluster();
    setup(&c);
    let ledger = Arc::new(Ledger::default());
    let rt = runtime();
    for (round, g) in [(0u64, 1usize), (1, 0)] {
        let stop = Arc::new(AtomicBool::new(false));
        let handles = start_load(&rt, &c, round, &ledger, &stop);
        c.kill_node(g);
        // sqld stays up: transfers needing ng{g} fail, the workers go on.
        std::thread::sleep(Duration::from_secs(2));
        c.start_node(g);
        // Transfers succeed again once sqld has reconnected.
        let before = ledger.acked.load(Ordering::Relaxed);
        let deadline = Instant::now() + Duration::from_secs(60);
        while ledger.acked.load(Ordering::Relaxed) < before + 50 {
            assert!(
                Instant::now() < deadline,
                "no transfers commit after ng{g} came back"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        stop.store(true, Ordering::Relaxed);
        join(&rt, handles);
        let acknowledged = ledger.acknowledged.lock().unwrap().clone();
        let present = block_on_with_timeout(120, verify(&c, &acknowledged));
        eprintln!(
            "round {round} (ng{g} killed): {} acknowledged, {present} present, {} refused",
            acknowledged.len(),
            ledger.refused.load(Ordering::Relaxed)
        );
    }
    assert!(
        ledger.refused.load(Ordering::Relaxed) > 0,
        "killing a data node refused no transfer: was it really down?"
    );
}
