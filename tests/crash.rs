//! Durability under kill -9: bank transfers on 8 connections, the server
//! killed mid-load, restarted on the same data directory.
//!
//! After each restart:
//! - the total balance is what it was at the start (no half transaction);
//! - every transfer whose COMMIT was acknowledged is in `transfers`;
//! - every account's balance equals its opening balance plus what the
//!   transfers table says it received minus what it sent: the rows of one
//!   transaction (two updates and one insert) are all there or none is.
//!
//! Transfers whose COMMIT was in flight when the server died may or may not
//! be there; the ledger check covers them either way.

use mysql_async::prelude::*;
use mysql_async::{Conn, Error};
use sqld_tests::{block_on_with_timeout, heavy_lock, TestServer};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ACCOUNTS: i64 = 50;
const OPENING_BALANCE: i64 = 1_000;
const WORKERS: u64 = 8;
/// Acknowledged commits to wait for before pulling the plug.
const COMMITS_BEFORE_KILL: u64 = 300;

/// A small deterministic generator per worker (no dependency needed).
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
    /// Transfer ids whose COMMIT returned OK.
    acknowledged: Mutex<Vec<u64>>,
    acked_count: AtomicU64,
}

enum Outcome {
    Committed,
    /// Deadlock or lock wait timeout: rolled back, try another transfer.
    Retry,
    /// The server is gone.
    Lost,
}

fn classify(e: &Error) -> Outcome {
    match e {
        Error::Server(s) if s.code == 1213 || s.code == 1205 => Outcome::Retry,
        Error::Server(s) => panic!("unexpected server error during transfers: {s}"),
        _ => Outcome::Lost,
    }
}

async fn transfer(conn: &mut Conn, id: u64, src: i64, dst: i64, amount: i64) -> Outcome {
    // Lock the two accounts in id order, so transfers never deadlock each
    // other by design (a deadlock would still only mean a retry).
    let (first, second) = if src < dst { (src, dst) } else { (dst, src) };
    let delta = |acct: i64| if acct == src { -amount } else { amount };
    let result: Result<(), Error> = async {
        conn.query_drop("BEGIN").await?;
        conn.exec_drop(
            "UPDATE accounts SET balance = balance + ? WHERE id = ?",
            (delta(first), first),
        )
        .await?;
        conn.exec_drop(
            "UPDATE accounts SET balance = balance + ? WHERE id = ?",
            (delta(second), second),
        )
        .await?;
        conn.exec_drop(
            "INSERT INTO transfers (id, src, dst, amount) VALUES (?, ?, ?, ?)",
            (id, src, dst, amount),
        )
        .await?;
        conn.query_drop("COMMIT").await
    }
    .await;
    match result {
        Ok(()) => Outcome::Committed,
        Err(e) => {
            let outcome = classify(&e);
            if matches!(outcome, Outcome::Retry) {
                let _ = conn.query_drop("ROLLBACK").await;
            }
            outcome
        }
    }
}

async fn worker(mut conn: Conn, worker_id: u64, round: u64, ledger: Arc<Ledger>) {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15 ^ ((worker_id + 1) * 7919) ^ round);
    // Ids unique across workers and rounds: no two transfers share one.
    let mut seq = (round * WORKERS + worker_id) << 32;
    loop {
        seq += 1;
        let src = rng.below(ACCOUNTS as u64) as i64 + 1;
        let mut dst = rng.below(ACCOUNTS as u64 - 1) as i64 + 1;
        if dst >= src {
            dst += 1;
        }
        let amount = rng.below(100) as i64 + 1;
        match transfer(&mut conn, seq, src, dst, amount).await {
            Outcome::Committed => {
                ledger.acknowledged.lock().unwrap().push(seq);
                ledger.acked_count.fetch_add(1, Ordering::Relaxed);
            }
            Outcome::Retry => {}
            Outcome::Lost => return,
        }
    }
}

/// Checks the three invariants; returns the number of transfers present.
async fn verify(server: &TestServer, acknowledged: &[u64]) -> usize {
    let mut conn = server.conn_db("bank").await;
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

/// Runs the 8 workers until `COMMITS_BEFORE_KILL` more commits are
/// acknowledged, kills the server with SIGKILL while they are still going,
/// and returns once every worker has noticed.
fn load_then_kill(server: &mut TestServer, round: u64, ledger: &Arc<Ledger>) {
    let target = ledger.acked_count.load(Ordering::Relaxed) + COMMITS_BEFORE_KILL;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let handles: Vec<_> = rt.block_on(async {
        let mut handles = Vec::new();
        for w in 0..WORKERS {
            let conn = server.conn_db("bank").await;
            handles.push(tokio::spawn(worker(conn, w, round, ledger.clone())));
        }
        handles
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    while ledger.acked_count.load(Ordering::Relaxed) < target {
        assert!(
            Instant::now() < deadline,
            "only {} transfers committed in 120 s",
            ledger.acked_count.load(Ordering::Relaxed)
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    // The workers are mid-transaction right now: kill under them.
    server.kill9();
    rt.block_on(async {
        for h in handles {
            tokio::time::timeout(Duration::from_secs(60), h)
                .await
                .expect("a worker did not notice the dead server within 60 s")
                .expect("worker panicked");
        }
    });
}

#[test]
fn bank_transfers_survive_kill_9() {
    let _lock = heavy_lock();
    let mut server = TestServer::start();
    block_on_with_timeout(120, async {
        let mut conn = server.conn().await;
        conn.query_drop("CREATE DATABASE bank").await.unwrap();
        conn.query_drop("USE bank").await.unwrap();
        conn.query_drop("CREATE TABLE accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL)")
            .await
            .unwrap();
        conn.query_drop(
            "CREATE TABLE transfers (id BIGINT UNSIGNED PRIMARY KEY, src INT NOT NULL, \
             dst INT NOT NULL, amount INT NOT NULL)",
        )
        .await
        .unwrap();
        let values: Vec<String> = (1..=ACCOUNTS)
            .map(|a| format!("({a}, {OPENING_BALANCE})"))
            .collect();
        conn.query_drop(format!("INSERT INTO accounts VALUES {}", values.join(", ")))
            .await
            .unwrap();
    });

    let ledger = Arc::new(Ledger::default());
    let mut present = 0;
    // Two rounds: recovery must also leave a data directory that survives
    // the next crash.
    for round in 0..2 {
        load_then_kill(&mut server, round, &ledger);
        server.restart();
        let acknowledged = ledger.acknowledged.lock().unwrap().clone();
        present = block_on_with_timeout(120, verify(&server, &acknowledged));
        assert!(present >= acknowledged.len());
        eprintln!(
            "round {round}: {} acknowledged, {present} present after restart",
            acknowledged.len()
        );
    }
    assert!(present as u64 >= 2 * COMMITS_BEFORE_KILL);
}
