//! Rough throughput of the embedded node (ignored by default; run with
//! `cargo test --release -p pushdown --test embedded_bench -- --ignored --nocapture`).

mod embedded_common;

use embedded_common::*;
use pushdown::node::DataNode;
use pushdown::request::{LockMode, OnConflict};
use std::ops::Bound::Included;
use std::time::Instant;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark"]
async fn point_gets_and_commits() {
    let (dir, node, t) = seeded_with("bench", 10_000, |i| i % 100).await;

    let start = Instant::now();
    let n = 100_000;
    let mut tx = node.begin(false, None).await.unwrap();
    for i in 0..n {
        let r = tx.read(&read(&t, keys(&[1 + i % 10_000]))).await.unwrap();
        assert_eq!(r.len(), 1);
    }
    println!("point get: {:?}/op", start.elapsed() / n as u32);

    let start = Instant::now();
    for i in 0..n {
        let mut req = read(&t, keys(&[1 + i % 10_000]));
        req.lock = LockMode::Exclusive;
        tx.read(&req).await.unwrap();
    }
    println!("locking get: {:?}/op", start.elapsed() / n as u32);
    tx.commit().await.unwrap();

    let start = Instant::now();
    let mut tasks = Vec::new();
    let per = 200;
    for w in 0..16i64 {
        let (node, t) = (node.clone(), t.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0..per {
                let id = 100_000 + w * 1000 + i;
                let mut tx = node.begin(false, None).await.unwrap();
                tx.write(&insert(
                    &t,
                    vec![row(id, 1, &format!("x{id}"))],
                    OnConflict::Error,
                ))
                .await
                .unwrap();
                tx.commit().await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let commits = 16 * per;
    println!(
        "16 committers: {:.0} commits/s",
        commits as f64 / start.elapsed().as_secs_f64()
    );

    // Range scans of 100 rows, before and after rewriting every row a few
    // times (memtable versions and tombstones).
    let scan = |t: std::sync::Arc<pushdown::schema::TableDef>,
                node: std::sync::Arc<pushdown::embedded::EmbeddedNode>| async move {
        let start = Instant::now();
        let mut tx = node.begin(true, None).await.unwrap();
        for i in 0..1000i64 {
            let lo = 1 + (i * 97) % 9_900;
            let r = tx
                .read(&read(
                    &t,
                    range(None, Included(lo), Included(lo + 99), false),
                ))
                .await
                .unwrap();
            assert_eq!(r.len(), 100);
        }
        start.elapsed() / 1000
    };
    println!(
        "range 100 rows: {:?}/scan",
        scan(t.clone(), node.clone()).await
    );
    for round in 0..3 {
        for chunk in 0..100i64 {
            let mut tx = node.begin(false, None).await.unwrap();
            let rows = (1 + chunk * 100..=chunk * 100 + 100)
                .map(|i| row(i, round, &format!("c{i}")))
                .collect();
            tx.write(&insert(&t, rows, OnConflict::Replace))
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
    }
    println!(
        "range 100 rows after 30k rewrites: {:?}/scan",
        scan(t.clone(), node.clone()).await
    );
    let _ = std::fs::remove_dir_all(&dir);
}
