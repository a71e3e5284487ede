//! One catalog for every sqld: DDL reaches every node group, two sqld
//! processes see each other's tables and rows at once, concurrent DDL is
//! serialised.

use crate::common::*;
use mysql_async::prelude::*;
use sqld_tests::{block_on_with_timeout, ClusterOptions, TestCluster};

/// Whether `db`.`table` exists on node group g's MariaDB.
async fn on_node(c: &TestCluster, g: usize, db: &str, table: &str) -> bool {
    let mut n = c.node_conn(g, None).await;
    let sql = format!(
        "SELECT COUNT(*) FROM information_schema.tables \
         WHERE table_schema = '{db}' AND table_name = '{table}'"
    );
    count(&mut n, &sql).await == 1
}

/// Column names of `db`.`table` on node group g's MariaDB.
async fn node_columns(c: &TestCluster, g: usize, db: &str, table: &str) -> Vec<String> {
    let mut n = c.node_conn(g, None).await;
    let sql = format!(
        "SELECT column_name FROM information_schema.columns \
         WHERE table_schema = '{db}' AND table_name = '{table}' ORDER BY ordinal_position"
    );
    rows(&mut n, &sql)
        .await
        .into_iter()
        .map(|r| r[0].clone())
        .collect()
}

#[test]
fn two_sqld_share_schema_and_rows_and_ddl_reaches_every_group() {
    let mut c = TestCluster::start(ClusterOptions::default());
    c.start_sqld();
    block_on_with_timeout(180, async {
        let mut a = c.conn(0, None).await;
        let mut b = c.conn(1, None).await;
        exec_all(
            &mut a,
            &[
                "CREATE DATABASE shop",
                "CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(20), qty INT NOT NULL)",
            ],
        )
        .await;
        // The other sqld sees the table at once: no waiting for a poll,
        // in information_schema too.
        assert_eq!(
            rows(
                &mut b,
                "SELECT column_name, column_key FROM information_schema.columns \
                 WHERE table_schema = 'shop' AND table_name = 'items' ORDER BY ordinal_position"
            )
            .await,
            vec![
                vec!["id".to_string(), "PRI".to_string()],
                vec!["name".to_string(), String::new()],
                vec!["qty".to_string(), String::new()],
            ]
        );
        exec(
            &mut b,
            "INSERT INTO shop.items VALUES (1, 'one', 10), (2, 'two', 20), (3, 'three', 30)",
        )
        .await;
        assert_eq!(count(&mut a, "SELECT SUM(qty) FROM shop.items").await, 60);
        exec(&mut a, "UPDATE shop.items SET qty = qty + 1 WHERE id = 2").await;
        assert_eq!(
            value(&mut b, "SELECT qty FROM shop.items WHERE id = 2").await,
            "21"
        );
        for g in 0..2 {
            assert!(
                on_node(&c, g, "shop", "items").await,
                "items missing on ng{g}"
            );
        }

        // ALTER ... ADD COLUMN / INDEX, CREATE INDEX from the second sqld.
        exec_all(
            &mut b,
            &[
                "ALTER TABLE shop.items ADD COLUMN price INT NOT NULL DEFAULT 5",
                "CREATE INDEX qty_idx ON shop.items (qty)",
                "ALTER TABLE shop.items ADD INDEX name_idx (name)",
            ],
        )
        .await;
        assert_eq!(
            rows(&mut a, "SELECT id, price FROM shop.items ORDER BY id").await,
            [["1", "5"], ["2", "5"], ["3", "5"]]
        );
        for g in 0..2 {
            assert_eq!(
                node_columns(&c, g, "shop", "items").await,
                ["id", "name", "qty", "price"],
                "ng{g}"
            );
            let mut n = c.node_conn(g, None).await;
            let idx = rows(
                &mut n,
                "SELECT DISTINCT index_name FROM information_schema.statistics \
                 WHERE table_schema = 'shop' AND table_name = 'items' ORDER BY index_name",
            )
            .await;
            assert_eq!(idx, [["name_idx"], ["PRIMARY"], ["qty_idx"]], "ng{g}");
        }
        let shown = rows(&mut a, "SHOW CREATE TABLE shop.items").await;
        assert!(shown[0][1].contains("qty_idx"), "{shown:?}");

        // TRUNCATE and DROP reach every group.
        exec(&mut a, "TRUNCATE TABLE shop.items").await;
        assert_eq!(count(&mut b, "SELECT COUNT(*) FROM shop.items").await, 0);
        for g in 0..2 {
            let mut n = c.node_conn(g, None).await;
            assert_eq!(count(&mut n, "SELECT COUNT(*) FROM shop.items").await, 0);
        }
        exec(&mut b, "DROP TABLE shop.items").await;
        assert_eq!(error(&mut a, "SELECT * FROM shop.items").await.0, 1146);
        for g in 0..2 {
            assert!(
                !on_node(&c, g, "shop", "items").await,
                "items left on ng{g}"
            );
        }
        // A database made by one sqld is there for the other's handshake at
        // once, and gone for its USE at once when dropped.
        exec_all(
            &mut a,
            &[
                "CREATE DATABASE shop2",
                "CREATE TABLE shop2.t (id INT PRIMARY KEY)",
            ],
        )
        .await;
        drop(c.conn(1, Some("shop2")).await);
        let mut fresh = c.conn(1, None).await;
        fresh
            .exec_drop("INSERT INTO shop2.t VALUES (?)", (1,))
            .await
            .expect("a prepared statement on a table the other sqld just created");
        exec(&mut a, "DROP DATABASE shop").await;
        assert_eq!(error(&mut b, "USE shop").await.0, 1049);
    });
}

/// 2 × 20 CREATE TABLE of the same names from two sqld at once: each name
/// is created exactly once, the loser gets 1050, nothing else fails, and
/// every table is on every group.
/// ALTER TABLE that renames, moves, retypes and drops columns, RENAME
/// TABLE and CREATE TABLE LIKE, on two node groups: the nodes' tables
/// follow, the rows keep their values, and the AUTO_INCREMENT and hidden
/// primary-key counters follow their columns.
#[test]
fn schema_changes_reach_every_group_and_keep_rows() {
    let c = TestCluster::start(ClusterOptions::default());
    block_on_with_timeout(180, async {
        let mut a = c.conn(0, None).await;
        exec_all(
            &mut a,
            &[
                "CREATE DATABASE mig",
                "CREATE TABLE mig.t (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(10), qty INT)",
                "INSERT INTO mig.t (name, qty) VALUES ('a', 1), ('b', 2), ('c', 3), ('d', 4)",
                "ALTER TABLE mig.t CHANGE name label VARCHAR(20) NOT NULL FIRST, DROP COLUMN qty, \
                 ADD COLUMN w INT DEFAULT 9 AFTER label",
                "INSERT INTO mig.t (label) VALUES ('e')",
                "RENAME TABLE mig.t TO mig.u",
                "CREATE TABLE mig.v LIKE mig.u",
                // A table without a primary key: its hidden key moves when a
                // column is added before it.
                "CREATE TABLE mig.h (a INT)",
                "INSERT INTO mig.h VALUES (1), (2), (3)",
                "ALTER TABLE mig.h ADD COLUMN b INT",
                "INSERT INTO mig.h VALUES (4, 4), (5, 5)",
            ],
        )
        .await;
        assert_eq!(
            rows(&mut a, "SELECT label, w, id FROM mig.u ORDER BY id").await,
            [
                ["a", "9", "1"],
                ["b", "9", "2"],
                ["c", "9", "3"],
                ["d", "9", "4"],
                ["e", "9", "5"]
            ]
        );
        assert_eq!(count(&mut a, "SELECT COUNT(*) FROM mig.h").await, 5);
        assert_eq!(error(&mut a, "SELECT * FROM mig.t").await.0, 1146);
        for g in 0..2 {
            assert!(!on_node(&c, g, "mig", "t").await, "t left on ng{g}");
            let mut cols = node_columns(&c, g, "mig", "u").await;
            // The order of a node's columns does not matter to sqld.
            cols.sort();
            assert_eq!(cols, ["id", "label", "w"], "ng{g}");
            assert_eq!(node_columns(&c, g, "mig", "v").await.len(), 3, "v on ng{g}");
        }
        // The rows are still where their keys route them.
        for id in 1..=5 {
            assert_eq!(
                count(
                    &mut a,
                    &format!("SELECT COUNT(*) FROM mig.u WHERE id = {id}")
                )
                .await,
                1
            );
        }
        // A column retyped under the statements the pooled connections
        // keep prepared: the nodes send the new column definitions (they
        // leave unchanged ones out, MARIADB_CLIENT_CACHE_METADATA) and
        // values decode by them.
        let read_w = "SELECT w FROM mig.u WHERE id IN (2, 3) ORDER BY id";
        for _ in 0..4 {
            assert_eq!(rows(&mut a, read_w).await, [["9"], ["9"]]);
        }
        exec_all(
            &mut a,
            &[
                "ALTER TABLE mig.u MODIFY w VARCHAR(10)",
                "UPDATE mig.u SET w = 'x' WHERE id = 2",
            ],
        )
        .await;
        for _ in 0..4 {
            assert_eq!(rows(&mut a, read_w).await, [["x"], ["9"]]);
        }
        exec_all(
            &mut a,
            &[
                "UPDATE mig.u SET w = '-7' WHERE id = 2",
                "ALTER TABLE mig.u MODIFY w BIGINT",
            ],
        )
        .await;
        for _ in 0..4 {
            assert_eq!(rows(&mut a, read_w).await, [["-7"], ["9"]]);
        }
    });
}

#[test]
fn concurrent_ddl_from_two_sqld_is_serialised() {
    let mut c = TestCluster::start(ClusterOptions::default());
    c.start_sqld();
    block_on_with_timeout(240, async {
        let mut a = c.conn(0, None).await;
        exec(&mut a, "CREATE DATABASE ddl").await;
        // (Seeing it at once is the other test's business; this one is
        // about the race between the two sqld's CREATE TABLEs.)
        let mut b = c.conn(1, None).await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while rows(&mut b, "SHOW DATABASES LIKE 'ddl'").await.is_empty() {
            assert!(std::time::Instant::now() < deadline, "sqld 1 never saw ddl");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let mut tasks = Vec::new();
        for i in 0..2 {
            let opts = c.sqld_opts(i, None);
            tasks.push(tokio::spawn(async move {
                let mut conn = sqld_tests::cluster::connect(opts).await;
                let mut outcomes = Vec::new();
                for t in 0..20 {
                    let sql = format!("CREATE TABLE ddl.t{t} (id INT PRIMARY KEY, v INT)");
                    outcomes.push(code(&conn.query_drop(sql).await));
                }
                outcomes
            }));
        }
        let mut results = Vec::new();
        for t in tasks {
            results.push(t.await.expect("DDL task"));
        }
        for (t, (&x, &y)) in results[0].iter().zip(&results[1]).enumerate() {
            let mut got = [x, y];
            got.sort();
            assert_eq!(got, [None, Some(1050)], "t{t}: {:?}", [x, y]);
        }
        for i in 0..2 {
            let mut conn = c.conn(i, Some("ddl")).await;
            assert_eq!(rows(&mut conn, "SHOW TABLES").await.len(), 20, "sqld {i}");
            // Usable from both: each table takes a row.
            for t in 0..20 {
                exec(&mut conn, &format!("INSERT INTO t{t} VALUES ({i}, {i})")).await;
            }
        }
        for g in 0..2 {
            let mut n = c.node_conn(g, None).await;
            assert_eq!(
                count(
                    &mut n,
                    "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'ddl'"
                )
                .await,
                20,
                "ng{g}"
            );
        }
        let mut total = 0;
        for t in 0..20 {
            total += count(&mut a, &format!("SELECT COUNT(*) FROM ddl.t{t}")).await;
        }
        assert_eq!(total, 40);
    });
}

/// Table options and AUTO_INCREMENT changes on two node groups; a new
/// primary key would move rows between groups and is refused there.
#[test]
fn table_options_and_key_changes_on_two_groups() {
    let c = TestCluster::start(ClusterOptions::default());
    block_on_with_timeout(180, async {
        let mut a = c.conn(0, None).await;
        exec_all(
            &mut a,
            &[
                "CREATE DATABASE opt",
                "CREATE TABLE opt.t (id INT NOT NULL, s VARCHAR(10), PRIMARY KEY (id)) \
                 DEFAULT CHARSET=latin1",
                "INSERT INTO opt.t VALUES (3, 'a'), (8, 'b'), (21, 'c'), (40, 'd')",
                "ALTER TABLE opt.t ENGINE=InnoDB, COMMENT='orders', ROW_FORMAT=DYNAMIC",
                "ALTER TABLE opt.t MODIFY id INT NOT NULL AUTO_INCREMENT",
                "INSERT INTO opt.t (s) VALUES ('e')",
            ],
        )
        .await;
        // The counter starts above the largest id on either group.
        assert_eq!(
            count(&mut a, "SELECT id FROM opt.t WHERE s = 'e'").await,
            41
        );
        exec_all(
            &mut a,
            &[
                "ALTER TABLE opt.t AUTO_INCREMENT = 500",
                "INSERT INTO opt.t (s) VALUES ('f')",
                "ALTER TABLE opt.t CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
            ],
        )
        .await;
        assert_eq!(
            count(&mut a, "SELECT id FROM opt.t WHERE s = 'f'").await,
            500
        );
        assert_eq!(
            value(
                &mut a,
                "SELECT TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_NAME = 't'"
            )
            .await,
            "orders"
        );
        // The nodes' column took the collation: 'A' no longer matches 'a'.
        assert_eq!(
            count(&mut a, "SELECT COUNT(*) FROM opt.t WHERE s = 'A'").await,
            0
        );
        for g in 0..2 {
            let mut n = c.node_conn(g, None).await;
            assert_eq!(
                value(
                    &mut n,
                    "SELECT collation_name FROM information_schema.columns \
                     WHERE table_schema = 'opt' AND table_name = 't' AND column_name = 's'"
                )
                .await,
                "utf8mb4_bin",
                "ng{g}"
            );
        }
        // Key changes move rows between groups: refused, nothing changed.
        exec(
            &mut a,
            "CREATE TABLE opt.h (a INT, b VARCHAR(5) PRIMARY KEY)",
        )
        .await;
        for sql in [
            "ALTER TABLE opt.t DROP PRIMARY KEY, ADD PRIMARY KEY (id, s)",
            "ALTER TABLE opt.h DROP PRIMARY KEY",
            "CREATE TABLE opt.n (a INT)",
        ] {
            if sql.starts_with("CREATE") {
                exec(&mut a, sql).await;
                continue;
            }
            assert_eq!(error(&mut a, sql).await.0, 1235, "{sql}");
        }
        assert_eq!(
            error(&mut a, "ALTER TABLE opt.n ADD PRIMARY KEY (a)")
                .await
                .0,
            1235
        );
        assert_eq!(
            error(
                &mut a,
                "ALTER TABLE opt.h CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
            )
            .await
            .0,
            1235
        );
        assert_eq!(
            rows(
                &mut a,
                "SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE \
                 WHERE TABLE_SCHEMA = 'opt' AND TABLE_NAME = 't'"
            )
            .await,
            [["id"]]
        );
    });
}

/// With one node group no row moves: a new primary key is pushed to it.
#[test]
fn primary_key_changes_on_one_group() {
    let c = TestCluster::start(ClusterOptions {
        groups: 1,
        ..ClusterOptions::default()
    });
    block_on_with_timeout(180, async {
        let mut a = c.conn(0, None).await;
        exec_all(
            &mut a,
            &[
                "CREATE DATABASE one",
                "CREATE TABLE one.h (a INT, b VARCHAR(5))",
                "INSERT INTO one.h VALUES (2, 'x'), (1, 'y'), (2, 'z')",
            ],
        )
        .await;
        assert_eq!(
            error(&mut a, "ALTER TABLE one.h ADD PRIMARY KEY (a)")
                .await
                .0,
            1062
        );
        exec_all(
            &mut a,
            &[
                "ALTER TABLE one.h ADD PRIMARY KEY (b)",
                "ALTER TABLE one.h DROP PRIMARY KEY, ADD PRIMARY KEY (a, b)",
                "INSERT INTO one.h VALUES (1, 'x')",
            ],
        )
        .await;
        assert_eq!(
            error(&mut a, "INSERT INTO one.h VALUES (1, 'x')").await.0,
            1062
        );
        assert_eq!(
            rows(&mut a, "SELECT a, b FROM one.h ORDER BY a, b").await,
            [["1", "x"], ["1", "y"], ["2", "x"], ["2", "z"]]
        );
        let mut n = c.node_conn(0, None).await;
        assert_eq!(
            rows(
                &mut n,
                "SELECT column_name FROM information_schema.key_column_usage \
                 WHERE table_schema = 'one' AND table_name = 'h' ORDER BY ordinal_position"
            )
            .await,
            [["a"], ["b"]]
        );
        // The hidden key is gone from the node.
        assert_eq!(count(&mut n, "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = 'one' AND table_name = 'h'").await, 2);
        // A data node cannot number rows as sqld does.
        assert_eq!(
            error(&mut a, "ALTER TABLE one.h DROP PRIMARY KEY").await.0,
            1235
        );
    });
}
