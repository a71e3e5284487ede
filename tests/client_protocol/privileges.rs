//! Single privileges at the global, database and table level: what GRANT
//! and REVOKE record, what SHOW GRANTS prints, and what each statement
//! needs (MariaDB's rules and errors).

use crate::common::*;
use mysql_async::prelude::*;
use mysql_async::Conn;
use sqld_tests::{block_on_with_timeout, TestServer};

async fn grants(root: &mut Conn, account: &str) -> Vec<String> {
    rows(root, &format!("SHOW GRANTS FOR {account}"))
        .await
        .into_iter()
        .map(|r| r[0].clone().unwrap_or_default())
        .collect()
}

#[test]
fn single_privileges_are_recorded_and_enforced() {
    let server = TestServer::start();
    block_on_with_timeout(180, async {
        let mut root = server.conn().await;
        setup(
            &mut root,
            &[
                "CREATE DATABASE d",
                "CREATE TABLE d.t (id INT PRIMARY KEY, c INT, k INT, KEY (k))",
                "CREATE TABLE d.u (id INT PRIMARY KEY)",
                "INSERT INTO d.t VALUES (1, 1, 1), (2, 2, 2)",
                "CREATE USER reader@'%', writer@'%', updater@'%', builder@'%', lead@'%'",
                "GRANT SELECT ON d.* TO reader@'%'",
                "GRANT INSERT ON d.t TO writer@'%'",
                "GRANT UPDATE, DELETE ON d.* TO updater@'%'",
                "GRANT CREATE, INDEX ON d.* TO builder@'%'",
                "GRANT select, insert ON d.* TO lead@'%' WITH GRANT OPTION",
                "GRANT PROCESS, RELOAD ON *.* TO lead@'%'",
            ],
        )
        .await;

        assert_eq!(
            grants(&mut root, "writer@'%'").await,
            [
                "GRANT USAGE ON *.* TO `writer`@`%`",
                "GRANT INSERT ON `d`.`t` TO `writer`@`%`"
            ]
        );
        assert_eq!(
            grants(&mut root, "lead@'%'").await,
            [
                "GRANT RELOAD, PROCESS ON *.* TO `lead`@`%`",
                "GRANT SELECT, INSERT ON `d`.* TO `lead`@`%` WITH GRANT OPTION"
            ]
        );
        setup(&mut root, &["GRANT ALL ON d.u TO builder@'%'"]).await;
        assert_eq!(
            grants(&mut root, "builder@'%'").await,
            [
                "GRANT USAGE ON *.* TO `builder`@`%`",
                "GRANT CREATE, INDEX ON `d`.* TO `builder`@`%`",
                "GRANT ALL PRIVILEGES ON `d`.`u` TO `builder`@`%`"
            ]
        );

        // Reading only.
        let mut reader = server.connect(server.opts("reader", "", Some("d"))).await;
        assert_eq!(count(&mut reader, "SELECT COUNT(*) FROM t").await, 2);
        let m = assert_error(
            reader.query_drop("INSERT INTO t VALUES (3, 3, 3)").await,
            1142,
            "42000",
            "insert without INSERT",
        );
        assert!(
            m.starts_with("INSERT command denied to user 'reader'@"),
            "{m}"
        );
        assert_error(
            reader.query_drop("FLUSH PRIVILEGES").await,
            1227,
            "42000",
            "FLUSH without RELOAD",
        );

        // Inserting into one table only: the others are invisible.
        let mut writer = server.connect(server.opts("writer", "", Some("d"))).await;
        setup(&mut writer, &["INSERT INTO t VALUES (3, 3, 3)"]).await;
        let m = assert_error(
            writer.query_drop("SELECT * FROM t").await,
            1142,
            "42000",
            "select without SELECT",
        );
        assert!(m.starts_with("SELECT command denied"), "{m}");
        let m = assert_error(
            writer.query_drop("REPLACE INTO t VALUES (3, 3, 3)").await,
            1142,
            "42000",
            "REPLACE without DELETE",
        );
        assert!(m.starts_with("DELETE command denied"), "{m}");
        let m = assert_error(
            writer
                .query_drop("INSERT INTO t VALUES (3, 3, 3) ON DUPLICATE KEY UPDATE c = 4")
                .await,
            1142,
            "42000",
            "ON DUPLICATE KEY UPDATE without UPDATE",
        );
        assert!(m.starts_with("UPDATE command denied"), "{m}");
        assert_error(
            writer.query_drop("INSERT INTO u VALUES (1)").await,
            1142,
            "42000",
            "insert into the other table",
        );
        assert_eq!(rows(&mut writer, "SHOW TABLES").await, [row(&["t"])]);
        assert_eq!(
            rows(
                &mut writer,
                "SELECT GRANTEE, TABLE_SCHEMA, TABLE_NAME, PRIVILEGE_TYPE, IS_GRANTABLE \
                 FROM information_schema.TABLE_PRIVILEGES"
            )
            .await,
            [row(&["'writer'@'%'", "d", "t", "INSERT", "NO"])]
        );
        assert_eq!(
            rows(
                &mut writer,
                "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'd'"
            )
            .await,
            [row(&["t"])]
        );

        // Writing needs SELECT for every column the statement reads.
        let mut updater = server.connect(server.opts("updater", "", Some("d"))).await;
        setup(
            &mut updater,
            &["UPDATE t SET c = 5", "DELETE FROM t LIMIT 0"],
        )
        .await;
        for (sql, column) in [
            ("UPDATE t SET c = 5 WHERE id = 1", "id"),
            ("UPDATE t SET c = c + 1", "c"),
            ("UPDATE t SET c = 1 WHERE k = 1 AND id = 2", "k"),
            ("DELETE FROM t ORDER BY k", "k"),
        ] {
            let m = assert_error(updater.query_drop(sql).await, 1143, "42000", sql);
            assert!(
                m.starts_with("SELECT command denied")
                    && m.contains(&format!("for column '{column}' in table 't'")),
                "{sql}: {m}"
            );
        }
        // The same check on every execution of a prepared statement.
        let stmt = updater.prep("UPDATE t SET c = ? WHERE id = ?").await;
        assert_error(stmt, 1143, "42000", "prepared UPDATE reading id");

        // DDL privileges.
        let mut builder = server.connect(server.opts("builder", "", Some("d"))).await;
        setup(
            &mut builder,
            &[
                "CREATE TABLE n (id INT PRIMARY KEY, v INT)",
                "CREATE INDEX iv ON t (c)",
            ],
        )
        .await;
        let m = assert_error(
            builder.query_drop("DROP TABLE n").await,
            1142,
            "42000",
            "DROP without DROP",
        );
        assert!(m.starts_with("DROP command denied"), "{m}");
        assert_error(
            builder.query_drop("CREATE TABLE n2 LIKE t").await,
            1142,
            "42000",
            "CREATE TABLE LIKE a table it cannot read",
        );
        assert_error(
            builder.query_drop("CREATE DATABASE elsewhere").await,
            1044,
            "42000",
            "CREATE DATABASE elsewhere",
        );
        setup(
            &mut builder,
            &["DROP TABLE u", "CREATE TABLE u (id INT PRIMARY KEY)"],
        )
        .await;

        // GRANT's own rules.
        for (sql, code, state) in [
            ("GRANT PROCESS ON d.* TO reader@'%'", 1221, "HY000"),
            ("GRANT EXECUTE ON d.t TO reader@'%'", 1144, "42000"),
            ("GRANT SELECT ON d.nosuch TO reader@'%'", 1146, "42S02"),
            ("REVOKE SELECT ON d.t FROM reader@'%'", 1147, "42000"),
            ("GRANT SELEC ON d.* TO reader@'%'", 1064, "42000"),
        ] {
            assert_error(root.query_drop(sql).await, code, state, sql);
        }
        let mut lead = server.connect(server.opts("lead", "", None)).await;
        setup(
            &mut lead,
            &["GRANT SELECT ON d.* TO writer@'%'", "FLUSH PRIVILEGES"],
        )
        .await;
        assert_error(
            lead.query_drop("GRANT UPDATE ON d.* TO writer@'%'").await,
            1044,
            "42000",
            "granting what the grantor does not hold",
        );
        assert_error(
            lead.query_drop("GRANT SELECT ON *.* TO writer@'%'").await,
            1045,
            "28000",
            "granting globally without a global GRANT OPTION",
        );
        assert_error(
            lead.query_drop("CREATE USER nobody@'%'").await,
            1227,
            "42000",
            "CREATE USER without the privilege",
        );
        // PROCESS shows the other accounts' sessions.
        let users: Vec<_> = rows(&mut lead, "SHOW PROCESSLIST")
            .await
            .into_iter()
            .map(|r| r[1].clone().unwrap_or_default())
            .collect();
        assert!(users.iter().any(|u| u == "root"), "{users:?}");
        let users: Vec<_> = rows(&mut reader, "SHOW PROCESSLIST")
            .await
            .into_iter()
            .map(|r| r[1].clone().unwrap_or_default())
            .collect();
        assert_eq!(users, ["reader"]);

        // A table privilege revoked takes effect at the next statement of a
        // session already open, prepared statements included.
        let insert = writer.prep("INSERT INTO t VALUES (?, 0, 0)").await.unwrap();
        writer.exec_drop(&insert, (10,)).await.unwrap();
        setup(&mut root, &["REVOKE INSERT ON d.t FROM writer@'%'"]).await;
        assert_error(
            writer.exec_drop(&insert, (11,)).await,
            1142,
            "42000",
            "prepared INSERT after REVOKE",
        );
        assert_eq!(
            grants(&mut root, "writer@'%'").await,
            [
                "GRANT USAGE ON *.* TO `writer`@`%`",
                "GRANT SELECT ON `d`.* TO `writer`@`%`"
            ]
        );
        setup(
            &mut root,
            &["REVOKE ALL PRIVILEGES, GRANT OPTION FROM lead@'%'"],
        )
        .await;
        assert_eq!(
            grants(&mut root, "lead@'%'").await,
            ["GRANT USAGE ON *.* TO `lead`@`%`"]
        );
        if server.is_sqld() {
            assert_error(
                root.query_drop("GRANT SELECT (c) ON d.t TO reader@'%'")
                    .await,
                1235,
                "42000",
                "column privileges",
            );
        }
    });
}
