//! Reads on 2 node groups: rows land on their owning group only, and every
//! pushed-down query shape answers exactly as one MariaDB holding the same
//! rows; EXPLAIN names the groups and the SQL pushed; awkward names and
//! values round-trip.

use crate::common::*;
use mysql_async::prelude::*;
use sqld_tests::{
    block_on_with_timeout, ClusterOptions, MariaDbServer, ServerOptions, TestCluster,
};

const ROWS: i64 = 500;

const SCHEMA: &[&str] = &[
    "CREATE DATABASE q",
    "CREATE TABLE q.t (id INT PRIMARY KEY, k INT NOT NULL, c VARCHAR(30) NOT NULL, \
     d DECIMAL(10,2), n INT, KEY k_idx (k))",
];

/// Deterministic rows, the same for sqld and the reference MariaDB.
fn inserts() -> Vec<String> {
    (0..ROWS / 50)
        .map(|chunk| {
            let values: Vec<String> = (chunk * 50 + 1..=chunk * 50 + 50)
                .map(|id| {
                    let k = (id * 7919) % 97;
                    let n = if id % 5 == 0 {
                        "NULL".to_string()
                    } else {
                        (id % 13).to_string()
                    };
                    format!(
                        "({id}, {k}, 'c{}', {}.{:02}, {n})",
                        id % 17,
                        id % 100,
                        id % 7
                    )
                })
                .collect();
            format!("INSERT INTO q.t VALUES {}", values.join(", "))
        })
        .collect()
}

/// (query, whether its row order is defined by the query)
const QUERIES: &[(&str, bool)] = &[
    ("SELECT * FROM q.t WHERE id = 17", true),
    ("SELECT c, k FROM q.t WHERE id = 100000", true),
    (
        "SELECT id, c FROM q.t WHERE id IN (1, 2, 3, 250, 499, 1000)",
        false,
    ),
    ("SELECT id, k FROM q.t WHERE id BETWEEN 100 AND 180", false),
    ("SELECT id FROM q.t WHERE id > 450 ORDER BY id", true),
    (
        "SELECT id, k FROM q.t WHERE id >= 10 AND id < 60 ORDER BY id DESC",
        true,
    ),
    ("SELECT id FROM q.t WHERE k = 5 ORDER BY id", true),
    ("SELECT id, c FROM q.t WHERE c = 'c3' ORDER BY id", true),
    (
        "SELECT id FROM q.t WHERE c LIKE 'c1%' AND n IS NULL ORDER BY id",
        true,
    ),
    ("SELECT id, k FROM q.t ORDER BY k, id LIMIT 15", true),
    ("SELECT id FROM q.t ORDER BY id DESC LIMIT 5", true),
    (
        "SELECT id FROM q.t WHERE id BETWEEN 1 AND 300 ORDER BY c, id LIMIT 10",
        true,
    ),
    ("SELECT COUNT(*) FROM q.t", true),
    ("SELECT COUNT(*) FROM q.t WHERE k < 20", true),
    ("SELECT COUNT(n), COUNT(*) FROM q.t", true),
    (
        "SELECT SUM(k), SUM(d), MIN(c), MAX(c), MIN(id), MAX(id) FROM q.t",
        true,
    ),
    (
        "SELECT SUM(k), MIN(d), MAX(d) FROM q.t WHERE id BETWEEN 200 AND 260",
        true,
    ),
    ("SELECT AVG(k), AVG(d) FROM q.t", true),
    ("SELECT AVG(n) FROM q.t WHERE id < 100", true),
    ("SELECT DISTINCT c FROM q.t ORDER BY c", true),
    (
        "SELECT DISTINCT k FROM q.t WHERE id BETWEEN 1 AND 100 ORDER BY k",
        true,
    ),
    ("SELECT DISTINCT n FROM q.t", false),
    (
        "SELECT COUNT(*), SUM(k) FROM q.t WHERE id IN (5, 6, 7, 8, 400)",
        true,
    ),
    (
        "SELECT k, COUNT(*) FROM q.t WHERE id < 100 GROUP BY k ORDER BY k",
        true,
    ),
    // ORDER BY ... LIMIT on columns outside the access order: each group
    // sorts and cuts to OFFSET + LIMIT, sqld merges. Without LIMIT: sorted
    // here.
    (
        "SELECT id, c, k FROM q.t WHERE id BETWEEN 1 AND 300 ORDER BY c DESC, k, id LIMIT 20",
        true,
    ),
    ("SELECT id, n FROM q.t ORDER BY n, id LIMIT 400", true),
    (
        "SELECT id, n FROM q.t ORDER BY n DESC, id DESC LIMIT 7 OFFSET 3",
        true,
    ),
    (
        "SELECT id, d FROM q.t WHERE k > 50 ORDER BY d DESC, id LIMIT 12",
        true,
    ),
    (
        "SELECT id FROM q.t WHERE c LIKE '%1%' ORDER BY k, id LIMIT 9",
        true,
    ),
    (
        "SELECT DISTINCT n, c FROM q.t WHERE id < 300 ORDER BY c DESC",
        false,
    ),
    ("SELECT s, id FROM q.u ORDER BY s, id LIMIT 100", true),
    ("SELECT s, id FROM q.u ORDER BY s, id", true),
    ("SELECT s, id FROM q.u ORDER BY s DESC, id LIMIT 6", true),
    ("SELECT DISTINCT s FROM q.u WHERE id > 2 ORDER BY s", false),
    // GROUP_CONCAT reads the rows of every group and concatenates here;
    // ORDER BY keys without ties, since the groups' rows arrive in another
    // order than one server's.
    (
        "SELECT k, GROUP_CONCAT(id ORDER BY id DESC) FROM q.t WHERE id < 60 GROUP BY k ORDER BY k",
        true,
    ),
    (
        "SELECT GROUP_CONCAT(DISTINCT k ORDER BY k DESC SEPARATOR '') FROM q.t WHERE id < 80",
        true,
    ),
    (
        "SELECT GROUP_CONCAT(s, '/', id ORDER BY s, id) FROM q.u",
        true,
    ),
];

/// Strings that only a collation orders: case, accents, trailing spaces,
/// NULL (the rows of `q.u`).
const COLLATED: &[&str] = &[
    "CREATE TABLE q.u (id INT PRIMARY KEY, s VARCHAR(10)) COLLATE utf8mb4_general_ci",
    "INSERT INTO q.u VALUES (1, 'b'), (2, 'A'), (3, 'a'), (4, 'á'), (5, 'B '), (6, NULL), \
     (7, 'Z'), (8, 'ä'), (9, 'b'), (10, ''), (11, 'C'), (12, 'c'), (13, NULL), (14, 'ab')",
];

/// A binary-protocol cell in the text protocol's spelling (integers and
/// strings are all these queries return, besides DECIMAL which is text).
fn binary_text(v: &mysql_async::Value) -> String {
    use mysql_async::Value as V;
    match v {
        V::Int(i) => i.to_string(),
        V::UInt(u) => u.to_string(),
        other => text(other),
    }
}

fn sorted(mut r: Vec<Vec<String>>) -> Vec<Vec<String>> {
    r.sort();
    r
}

#[test]
fn rows_are_partitioned_and_queries_equal_one_mariadb() {
    let c = TestCluster::start(ClusterOptions::default());
    let reference = MariaDbServer::start_with(ServerOptions::default());
    block_on_with_timeout(240, async {
        let mut s = c.conn(0, None).await;
        let mut m = sqld_tests::cluster::connect(sqld_tests::cluster::tcp_opts(
            reference.port(),
            "root",
            "",
            None,
        ))
        .await;
        for sql in SCHEMA {
            exec(&mut s, sql).await;
            exec(&mut m, sql).await;
        }
        for sql in inserts()
            .iter()
            .map(String::as_str)
            .chain(COLLATED.iter().copied())
        {
            exec(&mut s, sql).await;
            exec(&mut m, sql).await;
        }

        // Each row is on exactly one data node.
        let mut per_node = Vec::new();
        let mut all = Vec::new();
        for g in 0..2 {
            let mut n = c.node_conn(g, None).await;
            let ids = rows(&mut n, "SELECT id FROM q.t").await;
            per_node.push(ids.len() as i64);
            all.extend(ids.into_iter().map(|r| r[0].clone()));
        }
        assert_eq!(per_node.iter().sum::<i64>(), ROWS, "{per_node:?}");
        assert!(
            per_node.iter().all(|&n| n > ROWS / 4),
            "lopsided: {per_node:?}"
        );
        all.sort();
        all.dedup();
        assert_eq!(all.len() as i64, ROWS, "a row is on both data nodes");

        for &(sql, ordered) in QUERIES {
            let got = rows(&mut s, sql).await;
            let want = rows(&mut m, sql).await;
            if ordered {
                assert_eq!(got, want, "{sql}");
            } else {
                assert_eq!(sorted(got), sorted(want), "{sql}");
            }
        }
        // The same through the binary protocol (prepared statements).
        for &(sql, ordered) in QUERIES {
            let stmt = s.prep(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
            let got: Vec<mysql_async::Row> = s.exec(&stmt, ()).await.unwrap();
            let got: Vec<Vec<String>> = got
                .into_iter()
                .map(|r| r.unwrap().iter().map(binary_text).collect())
                .collect();
            let want = rows(&mut m, sql).await;
            if ordered {
                assert_eq!(got, want, "prepared {sql}");
            } else {
                assert_eq!(sorted(got), sorted(want), "prepared {sql}");
            }
        }
        // A pushed ORDER BY whose LIMIT and OFFSET are parameters.
        let stmt = s
            .prep("SELECT id, k FROM q.t WHERE id > ? ORDER BY k DESC, id LIMIT ?, ?")
            .await
            .unwrap();
        for (from, offset, count) in [(0i64, 0i64, 5i64), (100, 4, 11), (480, 2, 50)] {
            let got: Vec<(i64, i64)> = s.exec(&stmt, (from, offset, count)).await.unwrap();
            let want: Vec<(i64, i64)> = m
                .query(format!(
                    "SELECT id, k FROM q.t WHERE id > {from} ORDER BY k DESC, id LIMIT {offset}, {count}"
                ))
                .await
                .unwrap();
            assert_eq!(got, want, "from {from} offset {offset} count {count}");
        }
        let stmt = s.prep("SELECT c FROM q.t WHERE id = ?").await.unwrap();
        for id in [1i64, 77, 499] {
            let got: Option<String> = s.exec_first(&stmt, (id,)).await.unwrap();
            let want = value(&mut m, &format!("SELECT c FROM q.t WHERE id = {id}")).await;
            assert_eq!(got.as_deref(), Some(want.as_str()));
        }
    });
}

/// EXPLAIN says which node groups a statement touches and the SQL pushed.
#[test]
fn explain_names_node_groups_and_pushed_sql() {
    let c = TestCluster::start(ClusterOptions::default());
    block_on_with_timeout(120, async {
        let mut s = c.conn(0, None).await;
        for sql in SCHEMA {
            exec(&mut s, sql).await;
        }
        exec(&mut s, &inserts()[0]).await;
        let explain = |rows: Vec<Vec<String>>| {
            rows.into_iter()
                .map(|r| r.join(" | "))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let scan = explain(
            rows(
                &mut s,
                "EXPLAIN SELECT id, c FROM q.t WHERE k > 3 ORDER BY id LIMIT 5",
            )
            .await,
        );
        assert!(scan.contains("ng0") && scan.contains("ng1"), "{scan}");
        let point = explain(rows(&mut s, "EXPLAIN SELECT c FROM q.t WHERE id = 7").await);
        let groups = ["ng0", "ng1"].iter().filter(|g| point.contains(*g)).count();
        assert_eq!(groups, 1, "a point get touches one group: {point}");
        // The data node's password is never shown.
        assert!(
            !scan.contains(sqld_tests::cluster::DATA_NODE_PASSWORD),
            "{scan}"
        );
        let log = c.sqld_log(0);
        assert!(!log.contains("s'q\"l"), "password in the log");
        // The SQL each group runs.
        assert!(
            scan.contains("SELECT") && scan.contains("`t`"),
            "pushed SQL: {scan}"
        );
        // ORDER BY outside the index order: sorted and cut on each group,
        // merged here.
        let sorted = explain(
            rows(
                &mut s,
                "EXPLAIN SELECT id FROM q.t WHERE id > 3 ORDER BY c DESC, id LIMIT 2, 3",
            )
            .await,
        );
        assert_eq!(
            sorted.matches("ORDER BY `c` DESC, `id` LIMIT 5").count(),
            2,
            "{sorted}"
        );
        assert!(sorted.contains("merge sorted 2, limit"), "{sorted}");
        // Without a LIMIT every row comes back anyway: sorted here.
        let all = explain(rows(&mut s, "EXPLAIN SELECT id FROM q.t ORDER BY c").await);
        assert!(
            all.contains("sort 1") && !all.contains("ORDER BY `c`"),
            "{all}"
        );
        // TEXT is sorted here: the server would sort a prefix of it only.
        exec(&mut s, "CREATE TABLE q.x (id INT PRIMARY KEY, b TEXT)").await;
        let local = explain(rows(&mut s, "EXPLAIN SELECT id FROM q.x ORDER BY b LIMIT 3").await);
        assert!(
            local.contains("sort 1") && !local.contains("ORDER BY `b`"),
            "{local}"
        );
    });
}

/// Identifiers and values with backticks, quotes, backslashes, NUL bytes
/// and multibyte text round-trip through sqld and the data nodes.
#[test]
fn awkward_names_and_values_round_trip() {
    let c = TestCluster::start(ClusterOptions::default());
    block_on_with_timeout(120, async {
        let mut s = c.conn(0, None).await;
        exec_all(
            &mut s,
            &[
                "CREATE DATABASE `we\"ird db`",
                "CREATE TABLE `we\"ird db`.`ta``b'le\"\\` (`i``d` INT PRIMARY KEY, \
                 `va'l\"ue` VARCHAR(100), `bl` VARBINARY(50), `日本` VARCHAR(20))",
            ],
        )
        .await;
        let values: Vec<(i64, String, Vec<u8>, String)> = vec![
            (1, "back`tick".into(), b"\0nul\0".to_vec(), "日本語".into()),
            (
                2,
                "quo'te \"dq\"".into(),
                vec![0, 1, 2, 255, 39, 92],
                "émoji 😀".into(),
            ),
            (
                3,
                "back\\slash \\' \\\\".into(),
                b"x\\y'z\"".to_vec(),
                "Ω≈ç√".into(),
            ),
            (4, "nul\0in text".into(), Vec::new(), String::new()),
            (5, "'; DROP TABLE x; --".into(), b"`".to_vec(), "ÿ".into()),
        ];
        let ins = "INSERT INTO `we\"ird db`.`ta``b'le\"\\` VALUES (?, ?, ?, ?)";
        for (id, v, b, u) in &values {
            s.exec_drop(ins, (id, v, b, u))
                .await
                .unwrap_or_else(|e| panic!("insert {id}: {e}"));
        }
        // Text protocol literal too.
        exec(
            &mut s,
            "INSERT INTO `we\"ird db`.`ta``b'le\"\\` VALUES (6, 'it''s \\\\ \\0', X'00FF27', '中文')",
        )
        .await;
        let got: Vec<(i64, String, Vec<u8>, String)> = s
            .query(
                "SELECT `i``d`, `va'l\"ue`, `bl`, `日本` FROM `we\"ird db`.`ta``b'le\"\\` ORDER BY `i``d`",
            )
            .await
            .unwrap();
        let mut want = values.clone();
        want.push((6, "it's \\ \0".into(), vec![0, 255, 39], "中文".into()));
        assert_eq!(got, want);
        for (id, v, b, u) in &values {
            let row: Option<(String, Vec<u8>, String)> = s
                .exec_first(
                    "SELECT `va'l\"ue`, `bl`, `日本` FROM `we\"ird db`.`ta``b'le\"\\` WHERE `va'l\"ue` = ? AND `i``d` = ?",
                    (v, id),
                )
                .await
                .unwrap();
            assert_eq!(row, Some((v.clone(), b.clone(), u.clone())), "id {id}");
        }
        // Stored as such on the data nodes (not escaped twice).
        let mut on_nodes = Vec::new();
        for g in 0..2 {
            let mut n = c.node_conn(g, None).await;
            let r: Vec<(i64, String)> = n
                .query("SELECT `i``d`, `va'l\"ue` FROM `we\"ird db`.`ta``b'le\"\\`")
                .await
                .unwrap();
            on_nodes.extend(r);
        }
        on_nodes.sort();
        assert_eq!(on_nodes.len(), 6);
        assert_eq!(on_nodes[0].1, "back`tick");
        assert_eq!(on_nodes[3].1, "nul\0in text");
    });
}
