//! Errors by code and SQLSTATE, packets over the limit.

use crate::common::*;
use mysql_async::prelude::*;
use sqld_tests::{block_on_with_timeout, TestServer};

#[test]
fn errors_carry_mysql_codes_and_sqlstates() {
    let server = TestServer::start();
    block_on_with_timeout(120, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE e",
                "USE e",
                "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(3) NOT NULL, n TINYINT)",
                "INSERT INTO t VALUES (1, 'a', 1)",
            ],
        )
        .await;
        let m = assert_error(
            conn.query_drop("SELEC 1").await,
            1064,
            "42000",
            "syntax error",
        );
        assert!(
            m.contains("near 'SELEC 1' at line 1"),
            "1064 names the text near the error: {m}"
        );
        let m = assert_error(
            conn.query_drop("SELECT * FROM t WHERE id = = 1 ORDER BY id")
                .await,
            1064,
            "42000",
            "syntax error mid-statement",
        );
        assert!(m.contains("near '= 1 ORDER BY id' at line 1"), "{m}");
        let m = assert_error(
            conn.query_drop("SELECT * FROM nosuch").await,
            1146,
            "42S02",
            "unknown table",
        );
        assert!(m.contains("'e.nosuch'"), "{m}");
        let m = assert_error(
            conn.query_drop("SELECT nosuchcol FROM t").await,
            1054,
            "42S22",
            "unknown column",
        );
        assert!(m.contains("'nosuchcol'"), "{m}");
        let m = assert_error(
            conn.query_drop("INSERT INTO t VALUES (1, 'b', 2)").await,
            1062,
            "23000",
            "duplicate key",
        );
        assert!(m.contains("Duplicate entry '1' for key"), "{m}");
        let m = assert_error(
            conn.query_drop("INSERT INTO t VALUES (2, NULL, 2)").await,
            1048,
            "23000",
            "NULL into NOT NULL",
        );
        assert!(m.contains("'name'"), "{m}");
        assert_error(
            conn.query_drop("USE nosuchdb").await,
            1049,
            "42000",
            "unknown database",
        );
        assert_error(
            conn.query_drop("CREATE TABLE t (x INT)").await,
            1050,
            "42S01",
            "table exists",
        );
        assert_error(
            conn.query_drop("DROP TABLE nosuch").await,
            1051,
            "42S02",
            "unknown table on drop",
        );
        let m = assert_error(
            conn.query_drop("INSERT INTO t VALUES (3, 'abcd', 3)").await,
            1406,
            "22001",
            "data too long",
        );
        assert!(m.contains("'name'"), "{m}");
        let m = assert_error(
            conn.query_drop("INSERT INTO t VALUES (4, 'x', 300)").await,
            1264,
            "22003",
            "out of range",
        );
        assert!(m.contains("'n'"), "{m}");
        // The same errors through the binary protocol.
        assert_error(
            conn.exec_drop("INSERT INTO t VALUES (?, ?, ?)", (1, "b", 2))
                .await,
            1062,
            "23000",
            "binary duplicate",
        );
        assert_error(
            conn.exec_drop("INSERT INTO t VALUES (?, ?, ?)", (5, "abcd", 2))
                .await,
            1406,
            "22001",
            "binary too long",
        );
        assert_error(
            conn.prep("SELECT nosuchcol FROM t WHERE id = ?").await,
            1054,
            "42S22",
            "prepare, unknown column",
        );
        // Nothing of the failed statements was written, and the connection
        // is still usable after each error.
        assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM t").await, 1);
        // BLOB holds at most 65535 bytes.
        setup(&mut conn, &["CREATE TABLE bl (id INT PRIMARY KEY, b BLOB)"]).await;
        let too_big = vec![7u8; 65_536];
        assert_error(
            conn.exec_drop("INSERT INTO bl VALUES (?, ?)", (1, too_big))
                .await,
            1406,
            "22001",
            "BLOB too long",
        );
        let mut no_db = server.conn().await;
        assert_error(
            no_db.query_drop("SELECT * FROM t").await,
            1046,
            "3D000",
            "no database selected",
        );
    });
}

#[test]
fn unsupported_join_is_error_1235_on_sqld() {
    let server = TestServer::start();
    if !server.is_sqld() {
        // MariaDB runs joins; 1235 is sqld's way of saying "not yet".
        return;
    }
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE j",
                "USE j",
                "CREATE TABLE a (id INT PRIMARY KEY, x INT)",
                "CREATE TABLE b (id INT PRIMARY KEY, y INT)",
            ],
        )
        .await;
        let m = assert_error(
            conn.query_drop("SELECT a.x, b.y FROM a JOIN b ON a.id = b.id")
                .await,
            1235,
            "42000",
            "join",
        );
        assert!(
            m.to_lowercase().contains("join"),
            "1235 names what is not supported: {m}"
        );
        // The session survives it.
        assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM a").await, 0);
    });
}

#[test]
fn oversized_packet_is_error_1153() {
    let server = TestServer::start();
    block_on_with_timeout(120, async {
        let mut conn = server.conn().await;
        let max: u64 = conn
            .query_first("SELECT @@max_allowed_packet")
            .await
            .expect("max_allowed_packet")
            .expect("a row");
        assert!(max >= 1024 * 1024, "max_allowed_packet {max}");
        // The client itself must not refuse to send it.
        let opts = mysql_async::OptsBuilder::from_opts(server.root_opts(None))
            .max_allowed_packet(Some(1 << 30));
        let mut big = server.connect(opts.into()).await;
        let filler = "x".repeat(max as usize + 1024);
        let result = big.query_drop(format!("SELECT LENGTH('{filler}')")).await;
        let (code, state, _) = server_error(result);
        assert_eq!((code, state.as_str()), (1153, "08S01"));
        // Other sessions are unaffected.
        assert_eq!(count(&mut conn, "SELECT 1").await, 1);
        // Just under the limit works.
        let fits = "y".repeat(max as usize / 2);
        let mut ok = server.connect(server.root_opts(None)).await;
        let len: Option<u64> = ok
            .query_first(format!("SELECT LENGTH('{fits}')"))
            .await
            .expect("half-size query");
        assert_eq!(len, Some(max / 2));
        // A result row over 16 MiB travels as several packets too.
        let big: Option<Vec<u8>> = ok
            .query_first("SELECT REPEAT('a', 17000000)")
            .await
            .expect("a 17 MB value");
        let big = big.expect("a row");
        assert_eq!(big.len(), 17_000_000);
        assert!(big.iter().all(|&c| c == b'a'));
    });
}

/// Strict mode (the default sql_mode of both servers): a warning raised
/// while computing a value to store is an error; without strict mode the
/// value is stored with the warning.
#[test]
fn strict_mode_turns_value_warnings_into_errors() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE st",
                "USE st",
                "CREATE TABLE s (id INT PRIMARY KEY, v INT)",
                "INSERT INTO s VALUES (3, 1)",
            ],
        )
        .await;
        assert_error(
            conn.query_drop("INSERT INTO s VALUES (1, '1' + 'a')").await,
            1292,
            "22007",
            "truncated number in a stored value",
        );
        assert_error(
            conn.query_drop("INSERT INTO s VALUES (2, 1/0)").await,
            1365,
            "22012",
            "division by zero in a stored value",
        );
        assert_error(
            conn.query_drop("UPDATE s SET v = 1/0 WHERE id = 3").await,
            1365,
            "22012",
            "division by zero in an UPDATE",
        );
        assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM s").await, 1);
        assert_eq!(count(&mut conn, "SELECT v FROM s WHERE id = 3").await, 1);
        conn.query_drop("SET sql_mode = ''").await.unwrap();
        conn.query_drop("INSERT INTO s VALUES (2, 1/0)")
            .await
            .unwrap();
        let v: Option<Option<i64>> = conn
            .query_first("SELECT v FROM s WHERE id = 2")
            .await
            .unwrap();
        assert_eq!(v, Some(None));
    });
}

/// Names longer than 64 characters, as MariaDB answers them: a table 1103,
/// a database 1102, a column, index or constraint being defined 1059;
/// aliases have no such limit.
#[test]
fn identifiers_longer_than_64_characters() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE idl",
                "USE idl",
                "CREATE TABLE t (id INT PRIMARY KEY)",
            ],
        )
        .await;
        let n64 = "b".repeat(64);
        let n65 = "a".repeat(65);
        // 64 characters of two bytes each are fine.
        let e64 = "é".repeat(64);
        setup(
            &mut conn,
            &[
                &format!("CREATE TABLE {n64} ({e64} INT, KEY {n64} ({e64}))"),
                &format!("DROP TABLE {n64}"),
                &format!("CREATE TABLE `{e64}` (id INT)"),
                &format!("DROP TABLE `{e64}`"),
            ],
        )
        .await;
        let cases = [
            (
                format!("CREATE TABLE {n65} (id INT)"),
                1103,
                "Incorrect table name",
            ),
            (
                format!("CREATE TABLE `{}` (id INT)", "é".repeat(65)),
                1103,
                "Incorrect table name",
            ),
            (format!("SELECT * FROM {n65}"), 1103, "Incorrect table name"),
            (format!("DROP TABLE {n65}"), 1103, "Incorrect table name"),
            (
                format!("INSERT INTO {n65} VALUES (1)"),
                1103,
                "Incorrect table name",
            ),
            (
                format!("CREATE DATABASE {n65}"),
                1102,
                "Incorrect database name",
            ),
            (
                format!("DROP DATABASE {n65}"),
                1102,
                "Incorrect database name",
            ),
            (format!("USE {n65}"), 1102, "Incorrect database name"),
            (
                format!("SELECT * FROM {n65}.t"),
                1102,
                "Incorrect database name",
            ),
            (
                format!("CREATE TABLE t2 ({n65} INT)"),
                1059,
                "Identifier name",
            ),
            (
                format!("CREATE TABLE t2 (id INT, KEY {n65} (id))"),
                1059,
                "Identifier name",
            ),
            (
                format!("CREATE TABLE t2 (id INT, CONSTRAINT {n65} PRIMARY KEY (id))"),
                1059,
                "Identifier name",
            ),
            (
                format!("ALTER TABLE t ADD COLUMN {n65} INT"),
                1059,
                "Identifier name",
            ),
            (
                format!("ALTER TABLE t ADD INDEX {n65} (id)"),
                1059,
                "Identifier name",
            ),
            (
                format!("CREATE INDEX {n65} ON t (id)"),
                1059,
                "Identifier name",
            ),
            // Only looked up: simply unknown.
            (format!("SELECT {n65} FROM t"), 1054, "Unknown column"),
            (format!("DROP INDEX {n65} ON t"), 1091, "Can't DROP"),
        ];
        for (sql, code, text) in &cases {
            let state = if *code == 1054 { "42S22" } else { "42000" };
            let m = assert_error(conn.query_drop(sql).await, *code, state, sql);
            assert!(m.starts_with(text), "{sql}: {m}");
        }
        let m = assert_error(
            conn.query_drop(format!("CREATE TABLE t2 ({} INT)", "c".repeat(110)))
                .await,
            1059,
            "42000",
            "110 characters",
        );
        assert_eq!(
            m,
            format!("Identifier name '{}...' is too long", "c".repeat(97))
        );
        let m = assert_error(
            conn.query_drop(format!("CREATE TABLE {} (id INT)", "d".repeat(110)))
                .await,
            1103,
            "42000",
            "110 characters",
        );
        assert_eq!(m, format!("Incorrect table name '{}'", "d".repeat(100)));
        // Aliases: no limit.
        let long_alias = "x".repeat(300);
        let v = count(&mut conn, &format!("SELECT 1 AS {long_alias}")).await;
        assert_eq!(v, 1);
        let v = count(&mut conn, &format!("SELECT COUNT(*) FROM t AS {n65}")).await;
        assert_eq!(v, 0);
    });
}

/// COM_STMT_SEND_LONG_DATA (mysql_async sends a value over 16 MiB that
/// way) holds at most max_allowed_packet bytes per parameter: beyond, the
/// execution is 1105, as in MariaDB, and stays so until the statement is
/// reset or prepared again.
#[test]
fn long_data_is_limited_by_max_allowed_packet() {
    let server = TestServer::start();
    block_on_with_timeout(120, async {
        let mut conn = server.conn().await;
        let limit: u64 = 17 << 20;
        setup(
            &mut conn,
            &[&format!("SET GLOBAL max_allowed_packet = {limit}")],
        )
        .await;
        let opts = mysql_async::OptsBuilder::from_opts(server.root_opts(None))
            .max_allowed_packet(Some(64 << 20));
        let mut big = server.connect(opts.into()).await;
        assert_eq!(
            count(&mut big, "SELECT @@max_allowed_packet").await,
            limit as i64
        );
        let stmt = big.prep("SELECT LENGTH(?)").await.unwrap();
        let fits = vec![b'a'; (16 << 20) + 1000];
        let len: Option<i64> = big.exec_first(&stmt, (fits,)).await.unwrap();
        assert_eq!(len, Some((16 << 20) + 1000));
        let over = vec![b'b'; limit as usize + 1];
        let m = assert_error(
            big.exec_first::<i64, _, _>(&stmt, (over,)).await,
            1105,
            "HY000",
            "long data over max_allowed_packet",
        );
        assert_eq!(
            m,
            "Parameter of prepared statement which is set through mysql_send_long_data() is longer than 'max_allowed_packet' bytes"
        );
        let again = big.exec_first::<i64, _, _>(&stmt, ("x",)).await;
        assert_error(again, 1105, "HY000", "the next execution");
        // The connection is fine, and a new statement works.
        big.close(stmt).await.unwrap();
        let stmt = big.prep("SELECT LENGTH(?)").await.unwrap();
        let len: Option<i64> = big.exec_first(&stmt, ("xyz",)).await.unwrap();
        assert_eq!(len, Some(3));
        setup(&mut conn, &["SET GLOBAL max_allowed_packet = 67108864"]).await;
    });
}
