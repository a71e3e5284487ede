//! The embedded node against a model: random inserts, deletes, savepoints
//! and commits, with every range read (primary key or index, either
//! direction, with limits) compared to what a sorted map says.

mod embedded_common;

use embedded_common::*;
use proptest::prelude::*;
use pushdown::expr::Expr;
use pushdown::node::DataNode;
use pushdown::request::{OnConflict, Write};
use pushdown::value::Value;
use std::collections::BTreeMap;
use std::ops::Bound;

#[derive(Debug, Clone)]
enum Op {
    Insert(i64, i64),
    Delete(i64),
    /// UPDATE SET k = .. WHERE id = ..
    SetK(i64, i64),
    /// UPDATE SET id = .. WHERE id = .. (moves the row)
    Move(i64, i64),
    Savepoint,
    RollbackToSavepoint,
    Commit,
    Read {
        index: bool,
        lo: Bound<i64>,
        hi: Bound<i64>,
        reverse: bool,
        limit: Option<u64>,
        /// FOR UPDATE: the locking scan path.
        locking: bool,
    },
}

fn bound() -> impl Strategy<Value = Bound<i64>> {
    prop_oneof![
        Just(Bound::Unbounded),
        (0i64..40).prop_map(Bound::Included),
        (0i64..40).prop_map(Bound::Excluded),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (1i64..40, 0i64..5).prop_map(|(id, k)| Op::Insert(id, k)),
        2 => (1i64..40).prop_map(Op::Delete),
        2 => (1i64..40, 0i64..5).prop_map(|(id, k)| Op::SetK(id, k)),
        1 => (1i64..40, 1i64..40).prop_map(|(id, to)| Op::Move(id, to)),
        1 => Just(Op::Savepoint),
        1 => Just(Op::RollbackToSavepoint),
        1 => Just(Op::Commit),
        4 => (any::<bool>(), bound(), bound(), any::<bool>(), proptest::option::of(1u64..6), any::<bool>())
            .prop_map(|(index, lo, hi, reverse, limit, locking)| Op::Read { index, lo, hi, reverse, limit, locking }),
    ]
}

fn within(v: i64, lo: &Bound<i64>, hi: &Bound<i64>) -> bool {
    (match lo {
        Bound::Included(l) => v >= *l,
        Bound::Excluded(l) => v > *l,
        Bound::Unbounded => true,
    }) && (match hi {
        Bound::Included(h) => v <= *h,
        Bound::Excluded(h) => v < *h,
        Bound::Unbounded => true,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn engine_matches_model(ops in proptest::collection::vec(op(), 1..60)) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let dir = tempdir("model");
            let node = open(&dir);
            let t = create(&node, sbtest("m")).await;
            let mut tx = node.begin(false, None).await.unwrap();
            let mut current: BTreeMap<i64, i64> = BTreeMap::new();
            let mut saved: Option<BTreeMap<i64, i64>> = None;
            for (n, op) in ops.into_iter().enumerate() {
                match op {
                    Op::Insert(id, k) => {
                        // c (unique) never collides: rows move between ids.
                        let r = row(id, k, &format!("c{n}"));
                        let out = tx.write(&insert(&t, vec![r], OnConflict::Ignore)).await.unwrap();
                        let expected = u64::from(!current.contains_key(&id));
                        assert_eq!(out.affected, expected);
                        current.entry(id).or_insert(k);
                    }
                    Op::Delete(id) => {
                        let out = tx
                            .write(&Write::Delete {
                                table: t.clone(),
                                access: keys(&[id]),
                                filter: None,
                                limit: None,
                                params: vec![],
                            })
                            .await
                            .unwrap();
                        assert_eq!(out.affected, u64::from(current.remove(&id).is_some()));
                    }
                    Op::SetK(id, k) => {
                        let out = tx
                            .write(&Write::Update {
                                table: t.clone(),
                                access: keys(&[id]),
                                filter: None,
                                assignments: vec![(1, Expr::lit(k))],
                                limit: None,
                                params: vec![],
                                strict: true,
                                ignore: false,
                            })
                            .await
                            .unwrap();
                        let changed = match current.get_mut(&id) {
                            Some(old) if *old != k => {
                                *old = k;
                                1
                            }
                            _ => 0,
                        };
                        assert_eq!(out.affected, changed);
                    }
                    Op::Move(id, to) => {
                        let r = tx
                            .write(&Write::Update {
                                table: t.clone(),
                                access: keys(&[id]),
                                filter: None,
                                assignments: vec![(0, Expr::lit(to))],
                                limit: None,
                                params: vec![],
                                strict: true,
                                ignore: false,
                            })
                            .await;
                        match current.get(&id).copied() {
                            None => assert_eq!(r.unwrap().affected, 0),
                            Some(_) if id == to => assert_eq!(r.unwrap().affected, 0),
                            Some(_) if current.contains_key(&to) => {
                                assert_eq!(r.unwrap_err().code, 1062)
                            }
                            Some(k) => {
                                assert_eq!(r.unwrap().affected, 1);
                                current.remove(&id);
                                current.insert(to, k);
                            }
                        }
                    }
                    Op::Savepoint => {
                        tx.savepoint("sp").await.unwrap();
                        saved = Some(current.clone());
                    }
                    Op::RollbackToSavepoint => match &saved {
                        Some(s) => {
                            tx.rollback_to_savepoint("sp").await.unwrap();
                            current = s.clone();
                        }
                        None => {
                            assert_eq!(tx.rollback_to_savepoint("sp").await.unwrap_err().code, 1305);
                        }
                    },
                    Op::Commit => {
                        tx.commit().await.unwrap();
                        tx = node.begin(false, None).await.unwrap();
                        saved = None;
                    }
                    Op::Read { index, lo, hi, reverse, limit, locking } => {
                        let mut req = read(&t, range(index.then_some(1), lo, hi, reverse));
                        req.limit = limit;
                        if locking {
                            req.lock = pushdown::request::LockMode::Exclusive;
                        }
                        let got = ids(&tx.read(&req).await.unwrap());
                        let mut want: Vec<(i64, i64)> = current
                            .iter()
                            .map(|(&id, &k)| if index { (k, id) } else { (id, id) })
                            .filter(|(key, _)| within(*key, &lo, &hi))
                            .collect();
                        want.sort();
                        if reverse {
                            want.reverse();
                        }
                        let mut want: Vec<i64> = want.into_iter().map(|(_, id)| id).collect();
                        if let Some(l) = limit {
                            want.truncate(l as usize);
                        }
                        assert_eq!(got, want, "index={index} lo={lo:?} hi={hi:?} rev={reverse}");
                    }
                }
            }
            tx.commit().await.unwrap();
            // What was committed is what a fresh transaction sees.
            let mut fresh = node.begin(true, None).await.unwrap();
            let all = fresh.read(&read(&t, range(None, Bound::Unbounded, Bound::Unbounded, false))).await.unwrap();
            assert_eq!(ids(&all), current.keys().copied().collect::<Vec<_>>());
            for r in &all {
                let id = match r[0] { Value::Int(i) => i, _ => unreachable!() };
                assert_eq!(r[1], Value::Int(current[&id]));
            }
            drop(fresh);
            drop(node);
            let _ = std::fs::remove_dir_all(&dir);
        });
    }
}
