//! The embedded data node through the `DataNode` / `NodeTxn` interface:
//! reads, writes, isolation, locks, savepoints, durability, DDL.

mod embedded_common;

use embedded_common::*;
use pushdown::node::DataNode;
use pushdown::request::{Access, LockMode, OnConflict, Write};
use pushdown::schema::{ColumnDefault, ColumnType, DdlOp, Grant, IndexDef, UserDef};
use pushdown::value::Value;
use std::ops::Bound::{Excluded, Included, Unbounded};
use std::time::Duration;

#[tokio::test]
async fn point_gets_ranges_and_index_scans() {
    let (_dir, node, t) = seeded("reads").await;
    let mut tx = node.begin(true, None).await.unwrap();
    // Batched gets come back in the order asked, missing keys skipped.
    let r = tx.read(&read(&t, keys(&[7, 3, 42, 7]))).await.unwrap();
    assert_eq!(ids(&r), vec![7, 3]);
    assert_eq!(r[0], row(7, 99, "c7"));

    let r = tx
        .read(&read(&t, range(None, Included(3), Excluded(6), false)))
        .await
        .unwrap();
    assert_eq!(ids(&r), vec![3, 4, 5]);
    let r = tx
        .read(&read(&t, range(None, Excluded(3), Included(6), true)))
        .await
        .unwrap();
    assert_eq!(ids(&r), vec![6, 5, 4]);
    let r = tx
        .read(&read(&t, range(None, Unbounded, Unbounded, true)))
        .await
        .unwrap();
    assert_eq!(ids(&r), (1..=10).rev().collect::<Vec<_>>());

    // k = 100 - id % 3: k=98 for ids 2,5,8; k=99 for 1,4,7,10; k=100 for 3,6,9.
    let r = tx
        .read(&read(&t, range(Some(1), Included(99), Included(99), false)))
        .await
        .unwrap();
    assert_eq!(ids(&r), vec![1, 4, 7, 10]);
    let r = tx
        .read(&read(&t, range(Some(1), Unbounded, Excluded(100), true)))
        .await
        .unwrap();
    assert_eq!(ids(&r), vec![10, 7, 4, 1, 8, 5, 2]);

    // Limit and projection.
    let mut req = read(&t, range(Some(1), Included(98), Unbounded, false));
    req.limit = Some(2);
    req.projection = Some(vec![2, 0]);
    let r = tx.read(&req).await.unwrap();
    assert_eq!(
        r,
        vec![
            vec![Value::from("c2"), Value::Int(2)],
            vec![Value::from("c5"), Value::Int(5)]
        ]
    );

    // Inexact bounds: id > 2.5 AND id <= 4.5 on an INT key.
    let r = tx
        .read(&read(
            &t,
            Access::Range {
                index: None,
                lower: Excluded(vec![Value::Double(2.5)]),
                upper: Included(vec![Value::Double(4.5)]),
                reverse: false,
            },
        ))
        .await
        .unwrap();
    assert_eq!(ids(&r), vec![3, 4]);
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn own_writes_are_visible_and_others_are_not() {
    let (_dir, node, t) = seeded("isolation").await;
    let mut a = node.begin(false, None).await.unwrap();
    let mut b = node.begin(false, None).await.unwrap();
    a.write(&insert(&t, vec![row(11, 98, "c11")], OnConflict::Error))
        .await
        .unwrap();
    a.write(&Write::Delete {
        table: t.clone(),
        access: keys(&[2]),
        filter: None,
        limit: None,
        params: vec![],
    })
    .await
    .unwrap();
    assert!(a.has_writes());
    // A's view merges its writes into the scan, in index order.
    let r = a
        .read(&read(&t, range(Some(1), Included(98), Included(98), false)))
        .await
        .unwrap();
    assert_eq!(ids(&r), vec![5, 8, 11]);
    // B sees only committed data.
    let r = b
        .read(&read(&t, range(Some(1), Included(98), Included(98), false)))
        .await
        .unwrap();
    assert_eq!(ids(&r), vec![2, 5, 8]);
    a.commit().await.unwrap();
    // READ COMMITTED: B's next statement sees A's commit.
    let r = b
        .read(&read(&t, range(Some(1), Included(98), Included(98), false)))
        .await
        .unwrap();
    assert_eq!(ids(&r), vec![5, 8, 11]);
    b.rollback().await.unwrap();
}

#[tokio::test]
async fn duplicate_keys() {
    let (_dir, node, t) = seeded("dup").await;
    let mut tx = node.begin(false, None).await.unwrap();
    let e = tx
        .write(&insert(&t, vec![row(3, 1, "new")], OnConflict::Error))
        .await
        .unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (1062, "Duplicate entry '3' for key 'PRIMARY'")
    );
    // Unique secondary, case-insensitively.
    let e = tx
        .write(&insert(&t, vec![row(50, 1, "C4 ")], OnConflict::Error))
        .await
        .unwrap_err();
    assert_eq!(e.message, "Duplicate entry 'C4 ' for key 'u_c'");
    // A failed multi-row statement leaves none of its rows.
    let e = tx
        .write(&insert(
            &t,
            vec![row(60, 1, "x60"), row(61, 1, "x60")],
            OnConflict::Error,
        ))
        .await
        .unwrap_err();
    assert_eq!(e.code, 1062);
    assert!(tx.read(&read(&t, keys(&[60]))).await.unwrap().is_empty());

    // IGNORE skips with a warning.
    let out = tx
        .write(&insert(
            &t,
            vec![row(3, 1, "zz"), row(70, 1, "x70")],
            OnConflict::Ignore,
        ))
        .await
        .unwrap();
    assert_eq!((out.affected, out.duplicates), (1, 1));
    assert_eq!(out.warnings[0].code, 1062);

    // REPLACE deletes every conflicting row: id 4 by PRIMARY, id 5 by u_c.
    let out = tx
        .write(&insert(&t, vec![row(4, 1, "c5")], OnConflict::Replace))
        .await
        .unwrap();
    assert_eq!(out.affected, 3);
    let r = tx.read(&read(&t, keys(&[4, 5]))).await.unwrap();
    assert_eq!(r, vec![row(4, 1, "c5")]);
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn case_insensitive_primary_key() {
    let dir = tempdir("ci-pk");
    let node = open(&dir);
    let mut def = sbtest("s");
    def.columns[2].nullable = false;
    def.primary_key = vec![2];
    def.columns[0].auto_increment = false;
    def.indexes.clear();
    let t = create(&node, def).await;
    let mut tx = node.begin(false, None).await.unwrap();
    tx.write(&insert(&t, vec![row(1, 1, "abc")], OnConflict::Error))
        .await
        .unwrap();
    let e = tx
        .write(&insert(&t, vec![row(2, 1, "ABC ")], OnConflict::Error))
        .await
        .unwrap_err();
    assert_eq!(e.message, "Duplicate entry 'ABC ' for key 'PRIMARY'");
    let r = tx
        .read(&read(&t, Access::Keys(vec![vec![Value::from("aBc")]])))
        .await
        .unwrap();
    assert_eq!(r[0][2], Value::from("abc"));
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn concurrent_inserts_of_one_unique_value() {
    let (_dir, node, t) = seeded("unique-race").await;
    let mut a = node.begin(false, None).await.unwrap();
    let mut b = node.begin(false, None).await.unwrap();
    a.write(&insert(&t, vec![row(20, 1, "same")], OnConflict::Error))
        .await
        .unwrap();
    let node2 = node.clone();
    let t2 = t.clone();
    let waiter = tokio::spawn(async move {
        let r = b
            .write(&insert(&t2, vec![row(21, 1, "same")], OnConflict::Error))
            .await;
        drop(node2);
        r
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    a.commit().await.unwrap();
    let e = waiter.await.unwrap().unwrap_err();
    assert_eq!(e.code, 1062);
}

#[tokio::test]
async fn lock_wait_timeout_keeps_the_transaction() {
    let (_dir, node, t) = seeded("timeout").await;
    let mut a = node.begin(false, None).await.unwrap();
    let mut b = node.begin(false, None).await.unwrap();
    let mut lock_read = read(&t, keys(&[1]));
    lock_read.lock = LockMode::Exclusive;
    assert_eq!(a.read(&lock_read).await.unwrap().len(), 1);
    let start = std::time::Instant::now();
    let e = b.read(&lock_read).await.unwrap_err();
    assert_eq!(e.code, 1205);
    assert!(start.elapsed() >= Duration::from_millis(250));
    // A per-transaction innodb_lock_wait_timeout.
    let mut c = node.begin(false, None).await.unwrap();
    c.set_lock_wait_timeout(Duration::from_millis(20));
    let start = std::time::Instant::now();
    assert_eq!(c.read(&lock_read).await.unwrap_err().code, 1205);
    assert!(start.elapsed() < Duration::from_millis(250));
    c.rollback().await.unwrap();
    // Plain reads never wait.
    let plain = read(&t, keys(&[1]));
    assert_eq!(b.read(&plain).await.unwrap().len(), 1);
    // Shared locks: S + S fine, X blocked.
    let mut share = read(&t, keys(&[2]));
    share.lock = LockMode::Shared;
    a.read(&share).await.unwrap();
    b.read(&share).await.unwrap();
    let e = b
        .write(&Write::Delete {
            table: t.clone(),
            access: keys(&[2]),
            filter: None,
            limit: None,
            params: vec![],
        })
        .await
        .unwrap_err();
    assert_eq!(e.code, 1205);
    a.rollback().await.unwrap();
    // The transaction is still usable after the timeout.
    assert_eq!(b.read(&lock_read).await.unwrap().len(), 1);
    b.commit().await.unwrap();
}

#[tokio::test]
async fn deadlock_is_detected() {
    let (_dir, node, t) = seeded("deadlock").await;
    let mut a = node.begin(false, None).await.unwrap();
    let mut b = node.begin(false, None).await.unwrap();
    let lock = |id| {
        let mut r = read(&t, keys(&[id]));
        r.lock = LockMode::Exclusive;
        r
    };
    a.read(&lock(1)).await.unwrap();
    b.read(&lock(2)).await.unwrap();
    let r1 = lock(2);
    let a_wait = tokio::spawn(async move {
        let r = a.read(&r1).await.map(|r| r.len());
        (a, r)
    });
    tokio::time::sleep(Duration::from_millis(30)).await;
    let e = b.read(&lock(1)).await.unwrap_err();
    assert_eq!(e.code, 1213);
    b.rollback().await.unwrap();
    let (a, r) = a_wait.await.unwrap();
    assert_eq!(r.unwrap(), 1);
    a.commit().await.unwrap();
}

#[tokio::test]
async fn savepoints_roll_back_writes() {
    let (_dir, node, t) = seeded("savepoint").await;
    let mut tx = node.begin(false, None).await.unwrap();
    tx.write(&insert(&t, vec![row(11, 1, "a")], OnConflict::Error))
        .await
        .unwrap();
    tx.savepoint("s1").await.unwrap();
    tx.write(&insert(&t, vec![row(12, 1, "b")], OnConflict::Error))
        .await
        .unwrap();
    tx.savepoint("s2").await.unwrap();
    tx.write(&insert(&t, vec![row(13, 1, "c")], OnConflict::Error))
        .await
        .unwrap();
    tx.rollback_to_savepoint("S1").await.unwrap();
    assert_eq!(
        ids(&tx.read(&read(&t, keys(&[11, 12, 13]))).await.unwrap()),
        vec![11]
    );
    // s2 is gone with the rollback past it; s1 stays.
    assert_eq!(tx.rollback_to_savepoint("s2").await.unwrap_err().code, 1305);
    tx.write(&insert(&t, vec![row(12, 1, "b")], OnConflict::Error))
        .await
        .unwrap();
    tx.release_savepoint("s1").await.unwrap();
    assert_eq!(tx.rollback_to_savepoint("s1").await.unwrap_err().code, 1305);
    tx.commit().await.unwrap();
    let mut r = node.begin(true, None).await.unwrap();
    assert_eq!(
        ids(&r.read(&read(&t, keys(&[11, 12, 13]))).await.unwrap()),
        vec![11, 12]
    );
}

#[tokio::test]
async fn commits_survive_reopen_with_catalog_and_counters() {
    let dir = tempdir("reopen");
    {
        let node = open(&dir);
        let t = create(&node, sbtest("t")).await;
        let mut tx = node.begin(false, None).await.unwrap();
        let out = tx
            .write(&insert(
                &t,
                vec![
                    row(0, 1, "a"),
                    vec![Value::Null, Value::Int(2), Value::from("b"), Value::Null],
                ],
                OnConflict::Error,
            ))
            .await
            .unwrap();
        assert_eq!(out.first_insert_id, Some(1));
        tx.write(&insert(&t, vec![row(40, 1, "c")], OnConflict::Error))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut lost = node.begin(false, None).await.unwrap();
        lost.write(&insert(&t, vec![row(0, 9, "never")], OnConflict::Error))
            .await
            .unwrap();
        lost.rollback().await.unwrap();
    }
    let node = open(&dir);
    let cat = node.load_catalog().await.unwrap();
    let t = cat.table("test", "t").unwrap().clone();
    let mut tx = node.begin(false, None).await.unwrap();
    let all = tx
        .read(&read(&t, range(None, Unbounded, Unbounded, false)))
        .await
        .unwrap();
    assert_eq!(ids(&all), vec![1, 2, 40]);
    // The counter continues past the explicit 40 (and never reuses ids).
    let out = tx
        .write(&insert(&t, vec![row(0, 1, "d")], OnConflict::Error))
        .await
        .unwrap();
    assert!(out.first_insert_id.unwrap() >= 41);
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn ddl_persists_and_maintains_data() {
    let dir = tempdir("ddl");
    {
        let (_d, node, t) = {
            let node = open(&dir);
            let t = create(&node, sbtest("t")).await;
            let mut tx = node.begin(false, None).await.unwrap();
            let rows = (1..=5).map(|i| row(i, i % 2, &format!("c{i}"))).collect();
            tx.write(&insert(&t, rows, OnConflict::Error))
                .await
                .unwrap();
            tx.commit().await.unwrap();
            ((), node, t)
        };
        // ADD COLUMN (old rows read the default) and ADD INDEX (built).
        let mut new = (*t).clone();
        let mut extra = col("extra", ColumnType::Int);
        extra.default = ColumnDefault::Value(Value::Int(7));
        new.columns.push(extra);
        new.indexes.push(IndexDef {
            id: 3,
            name: "pad_k".into(),
            columns: vec![3, 1],
            unique: false,
        });
        new.indexes.retain(|i| i.name != "u_c");
        let cat = node.ddl(&DdlOp::alter_table(t.clone(), new)).await.unwrap();
        let t2 = cat.table("test", "t").unwrap().clone();
        assert_eq!(t2.id, t.id);
        let mut tx = node.begin(false, None).await.unwrap();
        let r = tx
            .read(&read(
                &t2,
                Access::Range {
                    index: Some(3),
                    lower: Included(vec![Value::from("p"), Value::Int(1)]),
                    upper: Included(vec![Value::from("P"), Value::Int(1)]),
                    reverse: false,
                },
            ))
            .await
            .unwrap();
        assert_eq!(ids(&r), vec![1, 3, 5]);
        assert_eq!(r[0][4], Value::Int(7));
        // u_c is gone: duplicates of c are allowed now.
        tx.write(&insert(
            &t2,
            vec![vec![
                Value::Int(6),
                Value::Int(0),
                Value::from("c1"),
                Value::from("p"),
                Value::Int(1),
            ]],
            OnConflict::Error,
        ))
        .await
        .unwrap();
        // A transaction holding the old definition cannot commit.
        let mut stale = node.begin(false, None).await.unwrap();
        stale
            .write(&insert(&t, vec![row(9, 0, "c9")], OnConflict::Error))
            .await
            .unwrap();
        assert_eq!(stale.commit().await.unwrap_err().code, 1412);
        tx.commit().await.unwrap();

        // Users.
        let user = |name: &str, host: &str| UserDef {
            user: name.into(),
            host: host.into(),
            plugin: "mysql_native_password".into(),
            auth: vec![1, 2, 3],
            grants: vec![Grant::all_on(Some("test".into()), false)],
        };
        node.ddl(&DdlOp::PutUser(user("app", "%"))).await.unwrap();
        node.ddl(&DdlOp::PutUser(user("gone", "localhost")))
            .await
            .unwrap();
        node.ddl(&DdlOp::DropUser {
            user: "gone".into(),
            host: "LOCALHOST".into(),
        })
        .await
        .unwrap();
        let e = node
            .ddl(&DdlOp::DropUser {
                user: "gone".into(),
                host: "localhost".into(),
            })
            .await
            .unwrap_err();
        assert_eq!(e.code, 1396);

        // A second table, then dropped; a third truncated.
        create(&node, sbtest("gone")).await;
        node.ddl(&DdlOp::DropTable {
            db: "test".into(),
            name: "gone".into(),
        })
        .await
        .unwrap();
        let e = node
            .ddl(&DdlOp::DropTable {
                db: "test".into(),
                name: "gone".into(),
            })
            .await
            .unwrap_err();
        assert_eq!(e.code, 1051);
    }
    let node = open(&dir);
    let cat = node.load_catalog().await.unwrap();
    assert!(cat.table("test", "gone").is_none());
    assert_eq!(cat.users.len(), 1);
    assert_eq!(cat.users[0].user, "app");
    assert_eq!(cat.users[0].grants[0].db.as_deref(), Some("test"));
    let t = cat.table("test", "t").unwrap().clone();
    assert_eq!(t.columns.len(), 5);
    let mut tx = node.begin(false, None).await.unwrap();
    let r = tx
        .read(&read(&t, range(Some(3), Unbounded, Unbounded, false)))
        .await
        .unwrap();
    assert_eq!(r.len(), 6);
    tx.commit().await.unwrap();

    let cat = node
        .ddl(&DdlOp::Truncate {
            db: "test".into(),
            name: "t".into(),
        })
        .await
        .unwrap();
    let t = cat.table("test", "t").unwrap().clone();
    let mut tx = node.begin(false, None).await.unwrap();
    assert!(tx
        .read(&read(&t, range(None, Unbounded, Unbounded, false)))
        .await
        .unwrap()
        .is_empty());
    let out = tx
        .write(&insert(
            &t,
            vec![vec![
                Value::Int(0),
                Value::Int(0),
                Value::from("x"),
                Value::Null,
                Value::Null,
            ]],
            OnConflict::Error,
        ))
        .await
        .unwrap();
    assert_eq!(out.first_insert_id, Some(1));
    tx.commit().await.unwrap();
    node.ddl(&DdlOp::DropDatabase("test".into())).await.unwrap();
    assert!(node.load_catalog().await.unwrap().tables.is_empty());
}

#[tokio::test]
async fn group_commit_under_concurrency() {
    let (_dir, node, t) = seeded("group").await;
    let mut tasks = Vec::new();
    for w in 0..16i64 {
        let node = node.clone();
        let t = t.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..20i64 {
                let id = 1000 + w * 100 + i;
                let mut tx = node.begin(false, None).await.unwrap();
                tx.write(&insert(
                    &t,
                    vec![row(id, w, &format!("g{id}"))],
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
    let mut tx = node.begin(true, None).await.unwrap();
    let all = tx
        .read(&read(&t, range(None, Included(1000), Unbounded, false)))
        .await
        .unwrap();
    assert_eq!(all.len(), 320);
}

#[tokio::test]
async fn long_locking_scans_resume_across_chunks() {
    let (_dir, node, t) = seeded_with("chunks", 3000, |i| i % 7).await;

    let mut tx = node.begin(false, None).await.unwrap();
    // Locking index scan, descending, over 3000/7 rows per k value.
    let mut req = read(&t, range(Some(1), Included(3), Included(3), true));
    req.lock = LockMode::Shared;
    let r = tx.read(&req).await.unwrap();
    let expected: Vec<i64> = (1..=3000).rev().filter(|i| i % 7 == 3).collect();
    assert_eq!(ids(&r), expected);
    // Plain scan past the yield interval.
    let all = tx
        .read(&read(&t, range(None, Unbounded, Unbounded, false)))
        .await
        .unwrap();
    assert_eq!(all.len(), 3000);
    // DELETE ... ORDER BY id DESC LIMIT 1000 over a locking scan.
    let out = tx
        .write(&Write::Delete {
            table: t.clone(),
            access: range(None, Unbounded, Unbounded, true),
            filter: None,
            limit: Some(1000),
            params: vec![],
        })
        .await
        .unwrap();
    assert_eq!(out.affected, 1000);
    let rest = tx
        .read(&read(&t, range(None, Unbounded, Unbounded, true)))
        .await
        .unwrap();
    assert_eq!(ids(&rest), (1..=2000).rev().collect::<Vec<_>>());
    tx.commit().await.unwrap();
}

/// Transfers locking two accounts in random order: deadlocks happen, are
/// reported as 1213 to one side, retried, and the total holds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadlocks_under_load_keep_the_invariant() {
    let dir = tempdir("stress");
    let node = open(&dir);
    let t = create(&node, sbtest("acct")).await;
    let mut tx = node.begin(false, None).await.unwrap();
    let rows = (1..=5).map(|i| row(i, 100, &format!("a{i}"))).collect();
    tx.write(&insert(&t, rows, OnConflict::Error))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let deadlocks = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut tasks = Vec::new();
    for w in 0..8u64 {
        let (node, t, deadlocks) = (node.clone(), t.clone(), deadlocks.clone());
        tasks.push(tokio::spawn(async move {
            let mut seed = w * 7919 + 1;
            let mut next = move || {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed % 5) as i64 + 1
            };
            let mut done = 0;
            while done < 30 {
                let (a, b) = (next(), next());
                if a == b {
                    continue;
                }
                let mut tx = node.begin(false, None).await.unwrap();
                let mut moved = Vec::new();
                let mut failed = false;
                for id in [a, b] {
                    let mut req = read(&t, keys(&[id]));
                    req.lock = LockMode::Exclusive;
                    match tx.read(&req).await {
                        Ok(mut r) => moved.push(r.remove(0)),
                        Err(e) => {
                            assert!(e.code == 1213 || e.code == 1205, "{e}");
                            deadlocks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            failed = true;
                            break;
                        }
                    }
                    tokio::task::yield_now().await;
                }
                if failed {
                    tx.rollback().await.unwrap();
                    continue;
                }
                let bal = |r: &Vec<Value>| match r[1] {
                    Value::Int(b) => b,
                    _ => unreachable!(),
                };
                let (from, to) = (bal(&moved[0]), bal(&moved[1]));
                moved[0][1] = Value::Int(from - 1);
                moved[1][1] = Value::Int(to + 1);
                tx.write(&insert(&t, moved, OnConflict::Replace))
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
                done += 1;
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let mut tx = node.begin(true, None).await.unwrap();
    let all = tx
        .read(&read(&t, range(None, Unbounded, Unbounded, false)))
        .await
        .unwrap();
    let total: i64 = all
        .iter()
        .map(|r| match r[1] {
            Value::Int(b) => b,
            _ => 0,
        })
        .sum();
    assert_eq!(total, 500);
    println!(
        "deadlocks retried: {}",
        deadlocks.load(std::sync::atomic::Ordering::Relaxed)
    );
}

/// Random writes flush into level-0 tables that span the whole key range;
/// compaction merges them into level 1 from 2 tables on (fjall's default
/// waits for 4), so that a range scan merges few of them. Three flushed
/// tables that interleave must end up merged, rows intact.
#[tokio::test]
async fn level_0_is_compacted_from_two_tables() {
    use pushdown::embedded::{EmbeddedNode, EmbeddedOptions};
    let dir = tempdir("level-0");
    let node = EmbeddedNode::open(
        &dir,
        EmbeddedOptions {
            cache_bytes: 16 << 20,
            ..EmbeddedOptions::default()
        },
    )
    .expect("open");
    let t = create(&node, sbtest("t")).await;
    // Ids 1, 4, 7..., then 2, 5, 8..., then 3, 6, 9...: each flushed table
    // spans the whole range, so none can join another level-1 table without
    // a merge. (fjall moves the first table into an empty level 1 as it
    // is; the next two stay in level 0 under a threshold of 4.)
    for first in [1, 2, 3] {
        let mut tx = node.begin(false, None).await.unwrap();
        let rows = (0..200)
            .map(|i| row(first + 3 * i, i, &format!("c{}", first + 3 * i)))
            .collect();
        tx.write(&insert(&t, rows, OnConflict::Error))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        node.flush_memtables().expect("flush");
    }
    let mut s = node.storage_stats().rows;
    for _ in 0..200 {
        if s.l0_tables == 0 && s.sealed_memtables == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        s = node.storage_stats().rows;
    }
    assert!(s.l0_tables == 0 && s.sealed_memtables == 0, "{s:?}");
    assert!(s.tables >= 1, "{s:?}");
    let mut tx = node.begin(true, None).await.unwrap();
    let r = tx
        .read(&read(&t, range(None, Unbounded, Unbounded, false)))
        .await
        .unwrap();
    assert_eq!(ids(&r), (1..=600).collect::<Vec<_>>());
    tx.commit().await.unwrap();
    drop(node);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Text keys sort as PAD SPACE strings: a character below the space comes
/// before the end of a string ('a\t' < 'a'), in the primary key and in
/// indexes (key format 2). A data directory written with format 1 keys,
/// where such characters sorted after the end, is re-keyed on opening.
#[tokio::test]
async fn text_keys_pad_with_spaces_and_format_1_is_rekeyed() {
    use pushdown::schema::{Collation, TableDef};
    use std::sync::Arc;
    // MariaDB 10.11, utf8mb4_general_ci: ORDER BY s of these values.
    let sorted = ["a\0", "a\t", "A \t\t", "a \t", "a", "a b", "b"];
    let text = |i: usize| Value::from(sorted[i]);
    let dir = tempdir("key-format");
    let table = |name: &str, pk_text: bool| {
        let mut s = col("s", ColumnType::VarChar(10));
        s.nullable = !pk_text;
        let mut id = col("id", ColumnType::Int);
        id.nullable = false;
        TableDef {
            id: 0,
            db: "test".into(),
            name: name.into(),
            columns: vec![id, s],
            primary_key: vec![if pk_text { 1 } else { 0 }],
            indexes: if pk_text {
                Vec::new()
            } else {
                vec![IndexDef {
                    id: 1,
                    name: "s".into(),
                    columns: vec![1],
                    unique: false,
                }]
            },
            engine: "InnoDB".into(),
            collation: Collation::Utf8mb4GeneralCi,
            comment: String::new(),
        }
    };
    // Rows inserted out of order: id i holds sorted[i].
    let order = [4, 0, 6, 2, 5, 1, 3];
    let check = |node: Arc<pushdown::embedded::EmbeddedNode>,
                 t: Arc<TableDef>,
                 u: Arc<TableDef>| async move {
        let mut tx = node.begin(true, None).await.unwrap();
        let by_pk = tx.read(&read(&t, Access::full_scan())).await.unwrap();
        assert_eq!(ids(&by_pk), vec![0, 1, 2, 3, 4, 5, 6], "primary key order");
        let below_a = Access::Range {
            index: None,
            lower: Unbounded,
            upper: Excluded(vec![Value::from("a")]),
            reverse: false,
        };
        let below = tx.read(&read(&t, below_a)).await.unwrap();
        assert_eq!(ids(&below), vec![0, 1, 2, 3], "s < 'a'");
        let tab = tx
            .read(&read(&t, Access::Keys(vec![vec![text(1)]])))
            .await
            .unwrap();
        assert_eq!(ids(&tab), vec![1], "point get of 'a\\t'");
        let by_index = Access::Range {
            index: Some(1),
            lower: Unbounded,
            upper: Unbounded,
            reverse: true,
        };
        let by_s = tx.read(&read(&u, by_index)).await.unwrap();
        assert_eq!(
            ids(&by_s),
            vec![6, 5, 4, 3, 2, 1, 0],
            "index order, reversed"
        );
        tx.commit().await.unwrap();
    };
    let (t, u) = {
        let node = open(&dir);
        let t = create(&node, table("t", true)).await;
        let u = create(&node, table("u", false)).await;
        let mut tx = node.begin(false, None).await.unwrap();
        for tab in [&t, &u] {
            let rows = order
                .iter()
                .map(|&i| vec![Value::Int(i as i64), text(i)])
                .collect();
            tx.write(&insert(tab, rows, OnConflict::Error))
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        check(node, t.clone(), u.clone()).await;
        (t, u)
    };
    // Back to format 1, as sqld wrote it before: no format marker; text
    // keys the collation's sort key with 00 escaped as 00 FF, so that the
    // characters below the space sort after the end of the string.
    {
        let db = fjall::Database::builder(&dir).open().unwrap();
        let ks = |name: &str| {
            db.keyspace(name, fjall::KeyspaceCreateOptions::default)
                .unwrap()
        };
        let (rows, index, meta) = (ks("rows"), ks("index"), ks("meta"));
        let mut batch = db.batch();
        let stored: Vec<(Vec<u8>, Vec<u8>)> = rows
            .prefix(t.id.to_be_bytes())
            .map(|kv| {
                let (k, v) = kv.into_inner().unwrap();
                (k.to_vec(), v.to_vec())
            })
            .collect();
        assert_eq!(stored.len(), sorted.len());
        for (i, (k, v)) in stored.into_iter().enumerate() {
            let mut old = t.id.to_be_bytes().to_vec();
            old.push(0x01);
            for &c in
                pushdown::eval::sort_key(sorted[i].as_bytes(), Collation::Utf8mb4GeneralCi).iter()
            {
                old.push(c);
                if c == 0 {
                    old.push(0xFF);
                }
            }
            old.extend_from_slice(&[0x00, 0x01]);
            // Only text with a character below the space keys differently.
            let differs = sorted[i].bytes().any(|c| c < b' ');
            assert_eq!(old != k, differs, "{:?}", sorted[i]);
            if differs {
                batch.remove(&rows, k);
                batch.insert(&rows, old, v);
            }
        }
        for kv in index.prefix(u.id.to_be_bytes()) {
            batch.remove(&index, kv.key().unwrap());
        }
        batch.remove(&meta, b"fmt\0keys".to_vec());
        batch.commit().unwrap();
        db.persist(fjall::PersistMode::SyncAll).unwrap();
    }
    let node = open(&dir);
    let cat = node.load_catalog().await.unwrap();
    let (t, u) = (
        cat.table("test", "t").unwrap().clone(),
        cat.table("test", "u").unwrap().clone(),
    );
    check(node, t, u).await;
}

/// Partial aggregates are computed while scanning, over what the
/// transaction sees (its own writes included), as the rows would give.
#[tokio::test]
async fn aggregates_are_computed_while_scanning() {
    use pushdown::request::PartialAgg;
    use pushdown::value::Decimal;
    let (_dir, node, t) = seeded("aggregates").await;
    let mut tx = node.begin(false, None).await.unwrap();
    tx.write(&insert(&t, vec![row(11, 1000, "zz")], OnConflict::Error))
        .await
        .unwrap();
    let aggs = [
        PartialAgg::CountStar,
        PartialAgg::Sum(1),
        PartialAgg::Min(1),
        PartialAgg::Max(2),
        PartialAgg::Count(3),
    ];
    let mut req = read(&t, range(None, Included(3), Unbounded, false));
    let got = tx.read_aggregates(&req, &aggs).await.unwrap();
    let rows = tx.read(&req).await.unwrap();
    let k: Vec<i64> = rows
        .iter()
        .map(|r| match r[1] {
            Value::Int(k) => k,
            ref other => panic!("k {other:?}"),
        })
        .collect();
    assert_eq!(rows.len(), 9, "ids 3..=11, the uncommitted 11 included");
    assert_eq!(
        got,
        Some(vec![
            Value::Int(9),
            Value::Decimal(Decimal {
                mantissa: k.iter().sum::<i64>() as i128,
                scale: 0
            }),
            Value::Int(*k.iter().min().unwrap()),
            Value::from("zz"),
            Value::Int(9),
        ])
    );
    // Locking reads and limits are left to the planner.
    req.lock = LockMode::Exclusive;
    assert_eq!(tx.read_aggregates(&req, &aggs).await.unwrap(), None);
    req.lock = LockMode::None;
    req.limit = Some(2);
    assert_eq!(tx.read_aggregates(&req, &aggs).await.unwrap(), None);
    tx.rollback().await.unwrap();
}

/// Ascending key batches (IN lists) are read with one range pass over
/// their span: the same rows as point gets, in the order asked, the
/// transaction's own inserts and deletes included, missing keys skipped; a
/// sparse batch finishes with point gets, and a limit stops either way.
#[tokio::test]
async fn ascending_key_batches_read_as_point_gets_do() {
    let (_dir, node, t) = seeded_with("batches", 2000, |i| i % 7).await;
    let mut tx = node.begin(false, None).await.unwrap();
    tx.write(&insert(&t, vec![row(2500, 1, "new")], OnConflict::Error))
        .await
        .unwrap();
    tx.write(&Write::Delete {
        table: t.clone(),
        access: keys(&[5]),
        filter: None,
        limit: None,
        params: vec![],
    })
    .await
    .unwrap();
    let point_gets = |wanted: &[i64]| -> Vec<i64> {
        wanted
            .iter()
            .copied()
            .filter(|&i| (1..=2000).contains(&i) && i != 5 || i == 2500)
            .collect()
    };
    let dense: Vec<i64> = (1..=12).chain([14, 3000]).collect();
    // Sparse: 20 keys spread over 2,000 rows, more than the range pass
    // reads before it turns to point gets.
    let sparse: Vec<i64> = (0..20).map(|i| 1 + i * 100).chain([2500, 2600]).collect();
    for wanted in [dense, sparse] {
        let r = tx.read(&read(&t, keys(&wanted))).await.unwrap();
        assert_eq!(ids(&r), point_gets(&wanted), "{wanted:?}");
        assert_eq!(r[0], row(1, 1, "c1"));
        let mut req = read(&t, keys(&wanted));
        req.limit = Some(3);
        let r = tx.read(&req).await.unwrap();
        assert_eq!(ids(&r), point_gets(&wanted)[..3], "limit 3 of {wanted:?}");
    }
    // Out of order: read key by key, in the order asked.
    let r = tx
        .read(&read(&t, keys(&[9, 8, 7, 6, 4, 3, 2, 1])))
        .await
        .unwrap();
    assert_eq!(ids(&r), vec![9, 8, 7, 6, 4, 3, 2, 1]);
    tx.rollback().await.unwrap();
}
