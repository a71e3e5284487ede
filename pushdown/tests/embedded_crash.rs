//! Crash safety: a child process runs bank transfers on 8 concurrent
//! transactions and aborts (no destructors, no clean shutdown: what
//! `kill -9` leaves). After reopening, every transfer the child saw
//! acknowledged is there and the total balance holds, so no transaction
//! is half applied.

mod embedded_common;

use embedded_common::*;
use pushdown::embedded::EmbeddedNode;
use pushdown::node::DataNode;
use pushdown::request::{LockMode, OnConflict};
use pushdown::value::Value;
use std::io::Write as _;
use std::ops::Bound::Unbounded;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

const ACCOUNTS: i64 = 10;
const BALANCE: i64 = 100;
const CHILD_ENV: &str = "SQLD_EMBEDDED_CRASH_CHILD";

fn balance_of(row: &[Value]) -> i64 {
    match row[1] {
        Value::Int(b) => b,
        ref other => panic!("balance {other:?}"),
    }
}

async fn transfer(
    node: &EmbeddedNode,
    accounts: &Arc<pushdown::schema::TableDef>,
    log: &Arc<pushdown::schema::TableDef>,
    id: u64,
) {
    let from = (id as i64 * 7) % ACCOUNTS + 1;
    let to = (id as i64 * 3 + 1) % ACCOUNTS + 1;
    let (a, b) = (from.min(to), from.max(to));
    let mut tx = node.begin(false, None).await.unwrap();
    // Lock in id order: no deadlocks between transfers.
    let mut req = read(accounts, keys(&[a, b]));
    req.lock = LockMode::Exclusive;
    let mut rows = tx.read(&req).await.unwrap();
    let id_of = |r: &[Value]| match r[0] {
        Value::Int(i) => i,
        ref other => panic!("id {other:?}"),
    };
    let src = rows.iter().position(|r| id_of(r) == from);
    let dst = rows.iter().position(|r| id_of(r) == to);
    if let (Some(s), Some(d)) = (src, dst) {
        if s != d && balance_of(&rows[s]) > 0 {
            rows[s][1] = Value::Int(balance_of(&rows[s]) - 1);
            rows[d][1] = Value::Int(balance_of(&rows[d]) + 1);
        }
    }
    let updated = rows;
    tx.write(&insert(accounts, updated, OnConflict::Replace))
        .await
        .unwrap();
    tx.write(&insert(
        log,
        vec![row(id as i64, from, &format!("t{id}"))],
        OnConflict::Error,
    ))
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

fn child(dir: &str) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let node = open(std::path::Path::new(dir));
        let accounts = create(&node, sbtest("accounts")).await;
        let log = create(&node, sbtest("log")).await;
        let mut tx = node.begin(false, None).await.unwrap();
        let rows = (1..=ACCOUNTS)
            .map(|i| row(i, BALANCE, &format!("a{i}")))
            .collect();
        tx.write(&insert(&accounts, rows, OnConflict::Error))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let next = Arc::new(AtomicU64::new(1));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (node, accounts, log, next) =
                (node.clone(), accounts.clone(), log.clone(), next.clone());
            tasks.push(tokio::spawn(async move {
                loop {
                    let id = next.fetch_add(1, Ordering::SeqCst);
                    transfer(&node, &accounts, &log, id).await;
                    println!("ack {id}");
                    let _ = std::io::stdout().flush();
                    if id >= 150 {
                        // Mid-load: other tasks are between begin and commit.
                        std::process::abort();
                    }
                }
            }));
        }
        for t in tasks {
            let _ = t.await;
        }
    });
}

#[test]
fn acknowledged_commits_survive_abort() {
    if let Ok(dir) = std::env::var(CHILD_ENV) {
        child(&dir);
        return;
    }
    let dir = tempdir("crash");
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "acknowledged_commits_survive_abort",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, &dir)
        .output()
        .unwrap();
    assert!(!out.status.success(), "the child should have aborted");
    let acked: Vec<i64> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("ack "))
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    assert!(acked.len() >= 100, "acknowledged {}", acked.len());

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let node = open(&dir);
        let cat = node.load_catalog().await.unwrap();
        let accounts = cat.table("test", "accounts").unwrap().clone();
        let log = cat.table("test", "log").unwrap().clone();
        let mut tx = node.begin(true, None).await.unwrap();
        let all = tx
            .read(&read(&accounts, range(None, Unbounded, Unbounded, false)))
            .await
            .unwrap();
        assert_eq!(all.len() as i64, ACCOUNTS);
        assert_eq!(
            all.iter().map(|r| balance_of(r)).sum::<i64>(),
            ACCOUNTS * BALANCE
        );
        let logged = tx
            .read(&read(&log, range(None, Unbounded, Unbounded, false)))
            .await
            .unwrap();
        let logged: std::collections::HashSet<i64> = ids(&logged).into_iter().collect();
        for id in &acked {
            assert!(logged.contains(id), "acknowledged transfer {id} lost");
        }
    });
    let _ = std::fs::remove_dir_all(&dir);
}
