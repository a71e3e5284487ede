//! Writes on 2 node groups: multi-row INSERT split per group, UPDATE and
//! DELETE by key and by other predicates, AUTO_INCREMENT unique across two
//! sqld, LAST_INSERT_ID, UNIQUE secondary keys.

use crate::common::*;
use mysql_async::prelude::*;
use sqld_tests::{block_on_with_timeout, ClusterOptions, TestCluster};
use std::collections::HashSet;

async fn node_ids(c: &TestCluster, g: usize, table: &str) -> Vec<i64> {
    let mut n = c.node_conn(g, None).await;
    n.query(format!("SELECT id FROM {table} ORDER BY id"))
        .await
        .unwrap()
}

#[test]
fn inserts_updates_deletes_route_and_scatter() {
    let c = TestCluster::start(ClusterOptions::default());
    block_on_with_timeout(180, async {
        let mut s = c.conn(0, None).await;
        exec_all(
            &mut s,
            &[
                "CREATE DATABASE w",
                "USE w",
                "CREATE TABLE t (id INT PRIMARY KEY, k INT NOT NULL, c VARCHAR(10))",
            ],
        )
        .await;
        let values: Vec<String> = (1..=200)
            .map(|i| format!("({i}, {}, 'x')", i % 10))
            .collect();
        let r = s
            .query_iter(format!("INSERT INTO t VALUES {}", values.join(",")))
            .await
            .unwrap();
        assert_eq!(r.affected_rows(), 200);
        drop(r);
        let (a, b) = (node_ids(&c, 0, "w.t").await, node_ids(&c, 1, "w.t").await);
        assert_eq!(a.len() + b.len(), 200);
        assert!(
            !a.is_empty() && !b.is_empty(),
            "one multi-row INSERT reaches both groups"
        );
        assert!(a.iter().all(|id| !b.contains(id)));
        // A duplicate key anywhere in the statement fails it as a whole.
        let (err, _) = error(&mut s, "INSERT INTO t VALUES (1000, 0, 'y'), (5, 0, 'dup')").await;
        assert_eq!(err, 1062);
        assert_eq!(
            count(&mut s, "SELECT COUNT(*) FROM t WHERE id = 1000").await,
            0
        );

        // UPDATE / DELETE by key: one group; by other predicates: scattered.
        let r = s
            .query_iter("UPDATE t SET c = 'key' WHERE id = 7")
            .await
            .unwrap();
        assert_eq!(r.affected_rows(), 1);
        drop(r);
        let r = s
            .query_iter("UPDATE t SET c = 'in' WHERE id IN (1, 2, 3, 150)")
            .await
            .unwrap();
        assert_eq!(r.affected_rows(), 4);
        drop(r);
        let r = s
            .query_iter("UPDATE t SET k = k + 100 WHERE k = 3")
            .await
            .unwrap();
        assert_eq!(r.affected_rows(), 20);
        drop(r);
        assert_eq!(
            count(&mut s, "SELECT COUNT(*) FROM t WHERE k >= 100").await,
            20
        );
        let r = s.query_iter("DELETE FROM t WHERE id = 8").await.unwrap();
        assert_eq!(r.affected_rows(), 1);
        drop(r);
        let r = s.query_iter("DELETE FROM t WHERE k = 9").await.unwrap();
        assert_eq!(r.affected_rows(), 20);
        drop(r);
        let r = s
            .query_iter("DELETE FROM t WHERE id BETWEEN 190 AND 200")
            .await
            .unwrap();
        assert_eq!(r.affected_rows(), 10); // 199 had k = 9 and is gone already
        drop(r);
        let total = count(&mut s, "SELECT COUNT(*) FROM t").await;
        assert_eq!(total, 200 - 1 - 20 - 10);
        let on_nodes = node_ids(&c, 0, "w.t").await.len() + node_ids(&c, 1, "w.t").await.len();
        assert_eq!(on_nodes as i64, total);
        assert_eq!(value(&mut s, "SELECT c FROM t WHERE id = 7").await, "key");
        assert_eq!(
            count(&mut s, "SELECT COUNT(*) FROM t WHERE c = 'in'").await,
            4
        );
        // A primary-key change moves the row to its new owner.
        exec(&mut s, "UPDATE t SET id = 5000 WHERE id = 1").await;
        let (a, b) = (node_ids(&c, 0, "w.t").await, node_ids(&c, 1, "w.t").await);
        assert_eq!(
            a.iter()
                .chain(&b)
                .filter(|&&id| id == 5000 || id == 1)
                .count(),
            1,
            "{a:?} {b:?}"
        );
        assert_eq!(value(&mut s, "SELECT c FROM t WHERE id = 5000").await, "in");

        // UNIQUE on a non-primary-key column: enforced cluster-wide or refused.
        match s
            .query_drop(
                "CREATE TABLE u (id INT PRIMARY KEY, email VARCHAR(50), UNIQUE KEY e (email))",
            )
            .await
        {
            Err(mysql_async::Error::Server(e)) => {
                assert!(
                    e.message.to_lowercase().contains("unique"),
                    "refusal must say why: {} {}",
                    e.code,
                    e.message
                );
            }
            Err(e) => panic!("{e}"),
            Ok(()) => {
                // Accepted: it must then be enforced across groups.
                for id in 1..=20 {
                    let r = s
                        .query_drop(format!("INSERT INTO u VALUES ({id}, 'same@x')"))
                        .await;
                    if id == 1 {
                        r.unwrap();
                    } else {
                        assert_eq!(code(&r), Some(1062), "id {id}");
                    }
                }
            }
        }
        let (err, msg) = error(&mut s, "ALTER TABLE t ADD UNIQUE INDEX kc (k, c)").await;
        assert!(
            err != 0 && msg.to_lowercase().contains("unique"),
            "{err} {msg}"
        );
    });
}

#[test]
fn auto_increment_is_unique_across_two_sqld() {
    let mut c = TestCluster::start(ClusterOptions::default());
    c.start_sqld();
    block_on_with_timeout(180, async {
        let mut s = c.conn(0, None).await;
        exec_all(
            &mut s,
            &[
                "CREATE DATABASE ai",
                "CREATE TABLE ai.t (id BIGINT AUTO_INCREMENT PRIMARY KEY, who INT, n INT)",
            ],
        )
        .await;
        // LAST_INSERT_ID is the first id of the statement, on that session.
        exec(&mut s, "INSERT INTO ai.t (who, n) VALUES (9, 0)").await;
        let first: i64 = value(&mut s, "SELECT LAST_INSERT_ID()")
            .await
            .parse()
            .unwrap();
        assert!(first >= 1);
        assert_eq!(
            value(&mut s, &format!("SELECT who FROM ai.t WHERE id = {first}")).await,
            "9"
        );
        let r = s
            .query_iter("INSERT INTO ai.t (who, n) VALUES (9, 1), (9, 2), (9, 3)")
            .await
            .unwrap();
        let reported = r.last_insert_id().unwrap_or(0) as i64;
        drop(r);
        let lid: i64 = value(&mut s, "SELECT LAST_INSERT_ID()")
            .await
            .parse()
            .unwrap();
        assert_eq!(lid, reported);
        assert_eq!(
            value(&mut s, &format!("SELECT n FROM ai.t WHERE id = {lid}")).await,
            "1"
        );
        // An explicit value raises the counter for everyone.
        exec(&mut s, "INSERT INTO ai.t VALUES (1000000, 9, 4)").await;

        // (Prepared statements on a table the other sqld just made are the
        // catalog test's business: let sqld 1 learn it by text first.)
        let mut other = c.conn(1, None).await;
        exec(&mut other, "SELECT COUNT(*) FROM ai.t").await;
        // 4 sessions on each sqld insert at once.
        let mut tasks = Vec::new();
        for worker in 0..8 {
            let opts = c.sqld_opts(worker % 2, None);
            tasks.push(tokio::spawn(async move {
                let mut conn = sqld_tests::cluster::connect(opts).await;
                let mut ids = Vec::new();
                for n in 0..50 {
                    let r = conn
                        .exec_iter("INSERT INTO ai.t (who, n) VALUES (?, ?)", (worker, n))
                        .await
                        .unwrap_or_else(|e| panic!("worker {worker}: {e}"));
                    let id = r.last_insert_id().unwrap_or(0);
                    drop(r);
                    ids.push(id);
                }
                ids
            }));
        }
        let mut seen = HashSet::new();
        for t in tasks {
            for id in t.await.expect("insert task") {
                assert!(id > 1_000_000, "id {id} not above the explicit value");
                assert!(seen.insert(id), "id {id} handed out twice");
            }
        }
        assert_eq!(seen.len(), 400);
        assert_eq!(count(&mut s, "SELECT COUNT(*) FROM ai.t").await, 405);
        let mut ids = rows(&mut s, "SELECT id FROM ai.t").await;
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 405);
    });
}

/// UPDATE IGNORE through MySQL-protocol data nodes: with one node group a
/// row whose new primary key is taken stays (the node runs it as UPDATE
/// IGNORE), conversion errors are warnings; with two, changing the primary
/// key under IGNORE is refused (the row would move between groups).
#[test]
fn update_ignore_on_data_nodes() {
    for groups in [1, 2] {
        let c = TestCluster::start(ClusterOptions {
            groups,
            ..ClusterOptions::default()
        });
        block_on_with_timeout(180, async {
            let mut s = c.conn(0, None).await;
            exec_all(
                &mut s,
                &[
                    "CREATE DATABASE ui",
                    "USE ui",
                    "CREATE TABLE t (id INT PRIMARY KEY, k INT NOT NULL, ti TINYINT)",
                    "INSERT INTO t VALUES (1, 1, 1), (2, 2, 2), (3, 3, 3)",
                ],
            )
            .await;
            s.query_drop("UPDATE IGNORE t SET k = NULL, ti = ti * 100 WHERE id >= 2")
                .await
                .unwrap();
            assert_eq!(s.affected_rows(), 2);
            let warnings: Vec<(String, u32, String)> = s.query("SHOW WARNINGS").await.unwrap();
            let mut codes: Vec<u32> = warnings.iter().map(|w| w.1).collect();
            codes.sort();
            assert_eq!(codes, [1048, 1048, 1264, 1264], "{groups} groups");
            assert_eq!(count(&mut s, "SELECT SUM(k) FROM t").await, 1);
            assert_eq!(count(&mut s, "SELECT SUM(ti) FROM t").await, 255);
            let result = s.query_drop("UPDATE IGNORE t SET id = id + 1").await;
            if groups == 1 {
                result.unwrap();
                assert_eq!(s.affected_rows(), 1);
                let ids: Vec<i64> = s.query("SELECT id FROM t ORDER BY id").await.unwrap();
                assert_eq!(ids, [1, 2, 4]);
            } else {
                match result {
                    Err(mysql_async::Error::Server(e)) => assert_eq!(e.code, 1235),
                    other => panic!("expected 1235, got {other:?}"),
                }
                assert_eq!(count(&mut s, "SELECT COUNT(*) FROM t").await, 3);
            }
        });
    }
}
