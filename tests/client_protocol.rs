//! mysql_async against the server: both protocols (text and binary), every
//! column type round-tripped through a table, errors by code and SQLSTATE,
//! transactions, users and privileges, connection-level commands, and the
//! affected-row / insert-id counts drivers rely on.
//!
//! Each test starts its own server (`SQLD_TEST_TARGET` picks sqld or MariaDB).

use mysql_async::consts::{ColumnFlags, ColumnType};
use mysql_async::prelude::*;
use mysql_async::{ChangeUserOpts, Column, Conn, Error, Row, Value};
use sqld_tests::{block_on_with_timeout, ServerOptions, TestServer};
use std::time::Duration;

/// (code, SQLSTATE, message) of a server error; panics on success or on a
/// non-server error, which would mean the server got the protocol wrong.
fn server_error<T: std::fmt::Debug>(result: Result<T, Error>) -> (u16, String, String) {
    match result {
        Err(Error::Server(e)) => (e.code, e.state, e.message),
        other => panic!("expected a server error, got {other:?}"),
    }
}

#[track_caller]
fn assert_error<T: std::fmt::Debug>(
    result: Result<T, Error>,
    code: u16,
    state: &str,
    what: &str,
) -> String {
    let (c, s, m) = server_error(result);
    assert_eq!((c, s.as_str()), (code, state), "{what}: got {c} ({s}) {m}");
    m
}

async fn setup(conn: &mut Conn, sql: &[&str]) {
    for stmt in sql {
        conn.query_drop(*stmt)
            .await
            .unwrap_or_else(|e| panic!("{stmt}: {e}"));
    }
}

async fn scalar(conn: &mut Conn, sql: &str) -> Value {
    let row: Option<Row> = conn
        .query_first(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let row = row.unwrap_or_else(|| panic!("{sql}: no row"));
    row.as_ref(0).cloned().unwrap_or(Value::NULL)
}

/// A text-protocol value as a string (None for NULL).
async fn text(conn: &mut Conn, sql: &str) -> Option<String> {
    match scalar(conn, sql).await {
        Value::NULL => None,
        Value::Bytes(b) => Some(String::from_utf8_lossy(&b).into_owned()),
        other => panic!("{sql}: text protocol returned {other:?}"),
    }
}

async fn count(conn: &mut Conn, sql: &str) -> i64 {
    let v: Option<i64> = conn
        .query_first(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    v.unwrap_or_else(|| panic!("{sql}: no row"))
}

// ---------------------------------------------------------------------------
// Every type, both protocols
// ---------------------------------------------------------------------------

/// One value of a type: how a text query writes it, how a driver binds it,
/// and what a SELECT returns (MySQL's text form; None is NULL).
struct Sample {
    literal: String,
    param: Value,
    expected: Option<Vec<u8>>,
}

fn s(literal: &str, param: Value, expected: &str) -> Sample {
    Sample {
        literal: literal.to_string(),
        param,
        expected: Some(expected.as_bytes().to_vec()),
    }
}

fn null() -> Sample {
    Sample {
        literal: "NULL".to_string(),
        param: Value::NULL,
        expected: None,
    }
}

fn bytes_sample(literal: String, param: &[u8], expected: &[u8]) -> Sample {
    Sample {
        literal,
        param: Value::Bytes(param.to_vec()),
        expected: Some(expected.to_vec()),
    }
}

fn b(v: &str) -> Value {
    Value::Bytes(v.as_bytes().to_vec())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn type_cases() -> Vec<(&'static str, Vec<Sample>)> {
    use Value::{Date, Double, Float, Int, Time, UInt};
    let long_text: String = "Grüße, 世界! 😀 ".repeat(700);
    let blob: Vec<u8> = (0..65_535u32).map(|i| (i % 256) as u8).collect();
    vec![
        (
            "TINYINT",
            vec![
                s("-128", Int(-128), "-128"),
                s("127", Int(127), "127"),
                s("0", Int(0), "0"),
                null(),
            ],
        ),
        (
            "TINYINT UNSIGNED",
            vec![s("255", UInt(255), "255"), s("0", Int(0), "0"), null()],
        ),
        (
            "SMALLINT",
            vec![
                s("-32768", Int(-32768), "-32768"),
                s("32767", Int(32767), "32767"),
                null(),
            ],
        ),
        (
            "SMALLINT UNSIGNED",
            vec![s("65535", Int(65535), "65535"), null()],
        ),
        (
            "MEDIUMINT",
            vec![
                s("-8388608", Int(-8388608), "-8388608"),
                s("8388607", Int(8388607), "8388607"),
                null(),
            ],
        ),
        (
            "MEDIUMINT UNSIGNED",
            vec![s("16777215", Int(16777215), "16777215"), null()],
        ),
        (
            "INT",
            vec![
                s("-2147483648", Int(-2147483648), "-2147483648"),
                s("2147483647", Int(2147483647), "2147483647"),
                null(),
            ],
        ),
        (
            "INT UNSIGNED",
            vec![
                s("4294967295", Int(4294967295), "4294967295"),
                s("0", UInt(0), "0"),
                null(),
            ],
        ),
        (
            "BIGINT",
            vec![
                s(
                    "-9223372036854775808",
                    Int(i64::MIN),
                    "-9223372036854775808",
                ),
                s("9223372036854775807", Int(i64::MAX), "9223372036854775807"),
                null(),
            ],
        ),
        (
            "BIGINT UNSIGNED",
            vec![
                s(
                    "18446744073709551615",
                    UInt(u64::MAX),
                    "18446744073709551615",
                ),
                s("0", UInt(0), "0"),
                null(),
            ],
        ),
        (
            "DECIMAL(20,6)",
            vec![
                s(
                    "12345678901234.123456",
                    b("12345678901234.123456"),
                    "12345678901234.123456",
                ),
                s("-0.000001", b("-0.000001"), "-0.000001"),
                s("0", Int(0), "0.000000"),
                s(
                    "-99999999999999.999999",
                    b("-99999999999999.999999"),
                    "-99999999999999.999999",
                ),
                null(),
            ],
        ),
        (
            "DECIMAL(10,2)",
            vec![
                s("-12345678.91", b("-12345678.91"), "-12345678.91"),
                s("7", Int(7), "7.00"),
                null(),
            ],
        ),
        (
            "FLOAT",
            vec![
                s("1.5", Float(1.5), "1.5"),
                s("-0.25", Float(-0.25), "-0.25"),
                s("0", Float(0.0), "0"),
                null(),
            ],
        ),
        (
            "DOUBLE",
            vec![
                s(
                    "3.141592653589793",
                    Double(std::f64::consts::PI),
                    "3.141592653589793",
                ),
                s("-2.5", Double(-2.5), "-2.5"),
                s("1e300", Double(1e300), "1e300"),
                null(),
            ],
        ),
        (
            "CHAR(10)",
            vec![
                s("'abc'", b("abc"), "abc"),
                s("''", b(""), ""),
                s("'ünï©ødé'", b("ünï©ødé"), "ünï©ødé"),
                null(),
            ],
        ),
        (
            "VARCHAR(100)",
            vec![
                s("'héllo wörld 😀'", b("héllo wörld 😀"), "héllo wörld 😀"),
                s("''", b(""), ""),
                s("'trailing  '", b("trailing  "), "trailing  "),
                s("'it''s \\\\ \"q\"'", b("it's \\ \"q\""), "it's \\ \"q\""),
                null(),
            ],
        ),
        (
            "TEXT",
            vec![
                s(&format!("'{long_text}'"), b(&long_text), &long_text),
                s("''", b(""), ""),
                null(),
            ],
        ),
        (
            "BINARY(4)",
            vec![
                bytes_sample(
                    "x'00FF'".to_string(),
                    &[0x00, 0xff],
                    &[0x00, 0xff, 0x00, 0x00],
                ),
                bytes_sample("x'01020304'".to_string(), &[1, 2, 3, 4], &[1, 2, 3, 4]),
                null(),
            ],
        ),
        (
            "VARBINARY(16)",
            vec![
                bytes_sample(
                    "x'00FF10'".to_string(),
                    &[0x00, 0xff, 0x10],
                    &[0x00, 0xff, 0x10],
                ),
                bytes_sample("''".to_string(), &[], &[]),
                null(),
            ],
        ),
        (
            "BLOB",
            vec![
                bytes_sample(format!("x'{}'", hex(&blob)), &blob, &blob),
                bytes_sample("''".to_string(), &[], &[]),
                null(),
            ],
        ),
        (
            "DATE",
            vec![
                s("'2024-02-29'", Date(2024, 2, 29, 0, 0, 0, 0), "2024-02-29"),
                s("'1000-01-01'", Date(1000, 1, 1, 0, 0, 0, 0), "1000-01-01"),
                s("'9999-12-31'", Date(9999, 12, 31, 0, 0, 0, 0), "9999-12-31"),
                null(),
            ],
        ),
        (
            "DATETIME(6)",
            vec![
                s(
                    "'2024-02-29 13:45:07.123456'",
                    Date(2024, 2, 29, 13, 45, 7, 123456),
                    "2024-02-29 13:45:07.123456",
                ),
                s(
                    "'1000-01-01 00:00:00'",
                    Date(1000, 1, 1, 0, 0, 0, 0),
                    "1000-01-01 00:00:00.000000",
                ),
                s(
                    "'9999-12-31 23:59:59.999999'",
                    Date(9999, 12, 31, 23, 59, 59, 999999),
                    "9999-12-31 23:59:59.999999",
                ),
                null(),
            ],
        ),
        (
            "DATETIME",
            vec![
                s(
                    "'2001-09-09 01:46:40'",
                    Date(2001, 9, 9, 1, 46, 40, 0),
                    "2001-09-09 01:46:40",
                ),
                null(),
            ],
        ),
        (
            "TIMESTAMP NULL",
            vec![
                s(
                    "'2001-09-09 01:46:40'",
                    Date(2001, 9, 9, 1, 46, 40, 0),
                    "2001-09-09 01:46:40",
                ),
                s(
                    "'2024-02-29 13:45:07'",
                    Date(2024, 2, 29, 13, 45, 7, 0),
                    "2024-02-29 13:45:07",
                ),
                null(),
            ],
        ),
        (
            "TIME",
            vec![
                s("'-838:59:59'", Time(true, 34, 22, 59, 59, 0), "-838:59:59"),
                s("'838:59:59'", Time(false, 34, 22, 59, 59, 0), "838:59:59"),
                s("'12:34:56'", Time(false, 0, 12, 34, 56, 0), "12:34:56"),
                s("'00:00:00'", Time(false, 0, 0, 0, 0, 0), "00:00:00"),
                null(),
            ],
        ),
    ]
}

/// A binary-protocol value in MySQL's text form, so that one expectation
/// checks both protocols. Floats are compared by value (see `same_value`).
fn binary_as_text(v: &Value, col: &Column) -> Option<Vec<u8>> {
    let text = match *v {
        Value::NULL => return None,
        Value::Bytes(ref b) => return Some(b.clone()),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Double(d) => d.to_string(),
        Value::Date(y, mo, d, h, mi, s, us) => {
            if col.column_type() == ColumnType::MYSQL_TYPE_DATE {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                let mut t = format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}");
                let decimals = usize::from(col.decimals());
                if decimals > 0 && decimals <= 6 {
                    t.push_str(&format!(".{us:06}")[..=decimals]);
                }
                t
            }
        }
        Value::Time(neg, days, h, mi, s, us) => {
            let hours = days * 24 + u32::from(h);
            let mut t = format!("{}{hours:02}:{mi:02}:{s:02}", if neg { "-" } else { "" });
            let decimals = usize::from(col.decimals());
            if decimals > 0 && decimals <= 6 {
                t.push_str(&format!(".{us:06}")[..=decimals]);
            }
            t
        }
    };
    Some(text.into_bytes())
}

fn same_value(got: &Option<Vec<u8>>, expected: &Option<Vec<u8>>, binary: &Value) -> bool {
    match binary {
        // Binary FLOAT/DOUBLE carry the exact value; its decimal rendering is
        // the client's business, so compare numbers.
        Value::Float(f) => expected
            .as_deref()
            .and_then(|e| std::str::from_utf8(e).ok()?.parse::<f32>().ok())
            .is_some_and(|e| e == *f),
        Value::Double(d) => expected
            .as_deref()
            .and_then(|e| std::str::from_utf8(e).ok()?.parse::<f64>().ok())
            .is_some_and(|e| e == *d),
        _ => got == expected,
    }
}

fn show(v: &Option<Vec<u8>>) -> String {
    match v {
        None => "NULL".to_string(),
        Some(b) if b.len() > 60 => format!(
            "{} bytes starting {:?}",
            b.len(),
            String::from_utf8_lossy(&b[..40])
        ),
        Some(b) => format!("{:?}", String::from_utf8_lossy(b)),
    }
}

#[test]
fn every_type_round_trips_through_text_and_binary_protocol() {
    let server = TestServer::start();
    block_on_with_timeout(300, async {
        let mut conn = server.conn().await;
        setup(&mut conn, &["CREATE DATABASE types", "USE types"]).await;
        let mut failures = Vec::new();
        for (n, (ty, samples)) in type_cases().into_iter().enumerate() {
            let table = format!("t{n}");
            if let Err(e) = conn
                .query_drop(format!("CREATE TABLE {table} (id INT PRIMARY KEY, v {ty})"))
                .await
            {
                failures.push(format!("{ty}: CREATE TABLE failed: {e}"));
                continue;
            }
            // Row 2j+1 is written by a text query, row 2j+2 by a bound
            // parameter; both must read back identically.
            let mut expected = std::collections::BTreeMap::new();
            for (j, sample) in samples.iter().enumerate() {
                let (text_id, bin_id) = (2 * j as i64 + 1, 2 * j as i64 + 2);
                let sql = format!("INSERT INTO {table} VALUES ({text_id}, {})", sample.literal);
                if let Err(e) = conn.query_drop(&sql).await {
                    failures.push(format!(
                        "{ty}: text insert of {}: {e}",
                        show(&Some(sample.literal.clone().into_bytes()))
                    ));
                }
                let params = vec![Value::Int(bin_id), sample.param.clone()];
                if let Err(e) = conn
                    .exec_drop(format!("INSERT INTO {table} VALUES (?, ?)"), params)
                    .await
                {
                    failures.push(format!("{ty}: binary insert of {:?}: {e}", sample.param));
                }
                expected.insert(text_id, &sample.expected);
                expected.insert(bin_id, &sample.expected);
            }
            let select = format!("SELECT id, v FROM {table} ORDER BY id");
            let text_rows: Vec<Row> = conn.query(&select).await.unwrap_or_default();
            let bin_rows: Vec<Row> = conn
                .exec(
                    format!("SELECT id, v FROM {table} WHERE id > ? ORDER BY id"),
                    (0,),
                )
                .await
                .unwrap_or_default();
            for (proto, rows) in [("text", &text_rows), ("binary", &bin_rows)] {
                if rows.len() != expected.len() {
                    failures.push(format!(
                        "{ty}: {proto} SELECT returned {} rows, expected {}",
                        rows.len(),
                        expected.len()
                    ));
                    continue;
                }
                for row in rows.iter() {
                    let id: i64 = match row.as_ref(0) {
                        Some(Value::Int(i)) => *i,
                        Some(Value::Bytes(b)) => String::from_utf8_lossy(b).parse().unwrap_or(-1),
                        other => {
                            failures.push(format!("{ty}: {proto} id column is {other:?}"));
                            continue;
                        }
                    };
                    let v = row.as_ref(1).cloned().unwrap_or(Value::NULL);
                    let col = &row.columns_ref()[1];
                    let want = expected.get(&id).copied().cloned().unwrap_or(None);
                    let (got, ok) = if proto == "text" {
                        let got = match &v {
                            Value::NULL => None,
                            Value::Bytes(b) => Some(b.clone()),
                            other => Some(format!("non-text value {other:?}").into_bytes()),
                        };
                        let ok = got == want;
                        (got, ok)
                    } else {
                        let got = binary_as_text(&v, col);
                        let ok = same_value(&got, &want, &v);
                        (got, ok)
                    };
                    if !ok {
                        failures.push(format!(
                            "{ty}: {proto} protocol, row {id}: got {} ({v:?}), expected {}",
                            show(&got),
                            show(&want)
                        ));
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} type round-trip failures:\n{}",
            failures.len(),
            failures.join("\n")
        );
    });
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

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
            conn.query_drop("SELECT * FROM t WHERE id = 1 ORDER BY BY id")
                .await,
            1064,
            "42000",
            "syntax error mid-statement",
        );
        assert!(m.contains("near 'BY id' at line 1"), "{m}");
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

// ---------------------------------------------------------------------------
// Users, privileges, authentication
// ---------------------------------------------------------------------------

#[test]
fn users_grants_and_access_denied() {
    let server = TestServer::start();
    block_on_with_timeout(120, async {
        let mut root = server.conn().await;
        setup(
            &mut root,
            &[
                "CREATE DATABASE appdb",
                "CREATE DATABASE otherdb",
                "CREATE TABLE otherdb.secret (id INT PRIMARY KEY)",
                "CREATE USER 'app'@'%' IDENTIFIED BY 's3cret'",
                "GRANT ALL ON appdb.* TO 'app'@'%'",
            ],
        )
        .await;

        // The user works inside its database.
        let mut app = server
            .connect(server.opts("app", "s3cret", Some("appdb")))
            .await;
        setup(
            &mut app,
            &[
                "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))",
                "INSERT INTO t VALUES (1, 'one')",
            ],
        )
        .await;
        assert_eq!(
            text(&mut app, "SELECT v FROM t WHERE id = 1")
                .await
                .as_deref(),
            Some("one")
        );
        let user = text(&mut app, "SELECT CURRENT_USER()")
            .await
            .unwrap_or_default();
        assert_eq!(user, "app@%");

        // ...and nowhere else.
        assert_error(
            app.query_drop("SELECT * FROM otherdb.secret").await,
            1142,
            "42000",
            "select elsewhere",
        );
        assert_error(
            app.query_drop("INSERT INTO otherdb.secret VALUES (1)")
                .await,
            1142,
            "42000",
            "insert elsewhere",
        );
        assert_error(
            app.query_drop("USE otherdb").await,
            1044,
            "42000",
            "use elsewhere",
        );
        let denied = mysql_async::Conn::new(server.opts("app", "s3cret", Some("otherdb"))).await;
        assert_error(
            denied,
            1044,
            "42000",
            "connect with a denied default database",
        );

        // Wrong password, unknown user.
        let m = assert_error(
            mysql_async::Conn::new(server.opts("app", "wrong", None)).await,
            1045,
            "28000",
            "wrong password",
        );
        assert!(m.contains("Access denied for user 'app'"), "{m}");
        assert_error(
            mysql_async::Conn::new(server.opts("root", "not-the-password", None)).await,
            1045,
            "28000",
            "wrong root password",
        );
        assert_error(
            mysql_async::Conn::new(server.opts("nobody", "", None)).await,
            1045,
            "28000",
            "unknown user",
        );

        // Password change and drop take effect for new logins.
        setup(&mut root, &["ALTER USER 'app'@'%' IDENTIFIED BY 'n3w'"]).await;
        assert_error(
            mysql_async::Conn::new(server.opts("app", "s3cret", None)).await,
            1045,
            "28000",
            "old password",
        );
        let again = server
            .connect(server.opts("app", "n3w", Some("appdb")))
            .await;
        drop(again);
        setup(&mut root, &["DROP USER 'app'@'%'"]).await;
        assert_error(
            mysql_async::Conn::new(server.opts("app", "n3w", None)).await,
            1045,
            "28000",
            "dropped user",
        );
    });
}

#[test]
fn root_password_from_the_command_line() {
    let server = TestServer::start_with(ServerOptions {
        root_password: "r00t pw".to_string(),
        ..ServerOptions::default()
    });
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        assert_eq!(count(&mut conn, "SELECT 1").await, 1);
        assert_error(
            mysql_async::Conn::new(server.opts("root", "", None)).await,
            1045,
            "28000",
            "empty password",
        );
    });
}

#[test]
fn change_user_reauthenticates_and_resets_the_session() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE cu",
                "CREATE TABLE cu.t (id INT PRIMARY KEY)",
                "CREATE USER 'bob'@'%' IDENTIFIED BY 'bobpw'",
                "GRANT ALL ON cu.* TO 'bob'@'%'",
                "SET @x = 42",
            ],
        )
        .await;
        conn.change_user(
            ChangeUserOpts::default()
                .with_user(Some("bob".into()))
                .with_pass(Some("bobpw".into()))
                .with_db_name(Some("cu".into())),
        )
        .await
        .expect("COM_CHANGE_USER to bob");
        assert_eq!(
            text(&mut conn, "SELECT CURRENT_USER()").await.as_deref(),
            Some("bob@%")
        );
        assert_eq!(
            text(&mut conn, "SELECT DATABASE()").await.as_deref(),
            Some("cu")
        );
        assert_eq!(
            scalar(&mut conn, "SELECT @x").await,
            Value::NULL,
            "user variables are reset"
        );
        conn.query_drop("INSERT INTO t VALUES (1)")
            .await
            .expect("bob writes cu.t");

        // A wrong password is refused (and mysql_async reports it).
        let bad = conn
            .change_user(
                ChangeUserOpts::default()
                    .with_user(Some("bob".into()))
                    .with_pass(Some("nope".into())),
            )
            .await;
        assert_error(bad, 1045, "28000", "change_user with a wrong password");
    });
}

#[test]
fn reset_connection_really_resets() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE rc",
                "USE rc",
                "CREATE TABLE t (id INT PRIMARY KEY)",
                "SET @x = 1",
                "SET autocommit = 0",
            ],
        )
        .await;
        conn.query_drop("INSERT INTO t VALUES (1)")
            .await
            .expect("insert");
        let stmt = conn
            .prep("SELECT id FROM t WHERE id = ?")
            .await
            .expect("prepare");
        let used_com_reset = conn.reset().await.expect("reset");
        assert!(
            used_com_reset,
            "the server advertises COM_RESET_CONNECTION support"
        );
        assert_eq!(
            scalar(&mut conn, "SELECT @x").await,
            Value::NULL,
            "user variables cleared"
        );
        assert_eq!(
            count(&mut conn, "SELECT @@autocommit").await,
            1,
            "autocommit back to default"
        );
        assert_eq!(
            text(&mut conn, "SELECT DATABASE()").await.as_deref(),
            Some("rc"),
            "database kept"
        );
        assert_eq!(
            count(&mut conn, "SELECT COUNT(*) FROM t").await,
            0,
            "open transaction rolled back"
        );
        // The statement id is gone on the server: executing it by id fails
        // (1243 unknown prepared statement handler).
        let stale = conn.exec_drop(&stmt, (1,)).await;
        assert_error(stale, 1243, "HY000", "statement prepared before the reset");
        // A fresh prepare works.
        let n: Vec<i64> = conn
            .exec("SELECT id FROM t WHERE id = ?", (1,))
            .await
            .expect("re-prepare");
        assert!(n.is_empty());
    });
}

// ---------------------------------------------------------------------------
// Transactions
// ---------------------------------------------------------------------------

#[test]
fn commit_rollback_and_autocommit() {
    let server = TestServer::start();
    block_on_with_timeout(120, async {
        let mut a = server.conn().await;
        setup(
            &mut a,
            &[
                "CREATE DATABASE tx",
                "USE tx",
                "CREATE TABLE t (id INT PRIMARY KEY, v INT)",
            ],
        )
        .await;
        let mut b = server.conn_db("tx").await;

        setup(&mut a, &["BEGIN", "INSERT INTO t VALUES (1, 10)"]).await;
        assert_eq!(
            count(&mut a, "SELECT COUNT(*) FROM t").await,
            1,
            "own write visible"
        );
        assert_eq!(
            count(&mut b, "SELECT COUNT(*) FROM t").await,
            0,
            "uncommitted write invisible"
        );
        setup(&mut a, &["ROLLBACK"]).await;
        assert_eq!(
            count(&mut a, "SELECT COUNT(*) FROM t").await,
            0,
            "rolled back"
        );

        setup(
            &mut a,
            &[
                "START TRANSACTION",
                "INSERT INTO t VALUES (2, 20)",
                "COMMIT",
            ],
        )
        .await;
        assert_eq!(
            count(&mut b, "SELECT COUNT(*) FROM t").await,
            1,
            "committed write visible"
        );

        // autocommit=0: every statement is in a transaction until COMMIT.
        setup(
            &mut a,
            &["SET autocommit = 0", "INSERT INTO t VALUES (3, 30)"],
        )
        .await;
        assert_eq!(
            count(&mut b, "SELECT COUNT(*) FROM t WHERE id = 3").await,
            0
        );
        setup(
            &mut a,
            &[
                "ROLLBACK",
                "INSERT INTO t VALUES (4, 40)",
                "COMMIT",
                "SET autocommit = 1",
            ],
        )
        .await;
        assert_eq!(
            count(&mut b, "SELECT COUNT(*) FROM t WHERE id IN (3, 4)").await,
            1
        );
        assert_eq!(
            count(&mut b, "SELECT id FROM t WHERE id IN (3, 4)").await,
            4
        );

        // BEGIN inside a transaction commits the first one.
        setup(
            &mut a,
            &[
                "BEGIN",
                "UPDATE t SET v = 21 WHERE id = 2",
                "BEGIN",
                "ROLLBACK",
            ],
        )
        .await;
        assert_eq!(count(&mut b, "SELECT v FROM t WHERE id = 2").await, 21);

        // Read committed: b sees a's commit in the middle of b's transaction.
        setup(&mut b, &["BEGIN"]).await;
        assert_eq!(count(&mut b, "SELECT v FROM t WHERE id = 4").await, 40);
        setup(&mut a, &["UPDATE t SET v = 41 WHERE id = 4"]).await;
        let isolation = text(&mut b, "SELECT @@tx_isolation")
            .await
            .unwrap_or_default();
        if server.is_sqld() {
            // sqld is READ COMMITTED, as NDB; MariaDB defaults to REPEATABLE-READ.
            assert_eq!(isolation, "READ-COMMITTED");
            assert_eq!(count(&mut b, "SELECT v FROM t WHERE id = 4").await, 41);
        } else {
            assert_eq!(isolation, "REPEATABLE-READ");
            assert_eq!(count(&mut b, "SELECT v FROM t WHERE id = 4").await, 40);
        }
        setup(&mut b, &["COMMIT"]).await;

        // SAVEPOINT
        setup(
            &mut a,
            &[
                "BEGIN",
                "INSERT INTO t VALUES (5, 50)",
                "SAVEPOINT s1",
                "INSERT INTO t VALUES (6, 60)",
                "ROLLBACK TO SAVEPOINT s1",
                "COMMIT",
            ],
        )
        .await;
        assert_eq!(
            count(&mut b, "SELECT COUNT(*) FROM t WHERE id IN (5, 6)").await,
            1
        );
        assert_eq!(
            count(&mut b, "SELECT id FROM t WHERE id IN (5, 6)").await,
            5
        );
    });
}

#[test]
fn dropped_connection_rolls_back_and_releases_locks() {
    let server = TestServer::start_with(ServerOptions {
        lock_wait_timeout: Some(10),
        ..ServerOptions::default()
    });
    block_on_with_timeout(120, async {
        let mut setup_conn = server.conn().await;
        setup(
            &mut setup_conn,
            &[
                "CREATE DATABASE dc",
                "CREATE TABLE dc.t (id INT PRIMARY KEY, v INT)",
                "INSERT INTO dc.t VALUES (1, 1)",
            ],
        )
        .await;
        let mut a = server.conn_db("dc").await;
        setup(
            &mut a,
            &[
                "BEGIN",
                "INSERT INTO t VALUES (2, 2)",
                "UPDATE t SET v = 100 WHERE id = 1",
            ],
        )
        .await;
        // Gone without COMMIT or COM_QUIT: the TCP connection just closes.
        drop(a);

        let mut b = server.conn_db("dc").await;
        // b needs the row locks a held: it gets them once a is rolled back,
        // well before the 10 s lock wait timeout.
        let started = std::time::Instant::now();
        b.query_drop("UPDATE t SET v = 5 WHERE id = 1")
            .await
            .expect("row 1 lock released");
        b.query_drop("INSERT INTO t VALUES (2, 3)")
            .await
            .expect("key 2 free: the insert was rolled back");
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "waited {:?} for a dead session's locks",
            started.elapsed()
        );
        let rows: Vec<(i64, i64)> = b
            .query("SELECT id, v FROM t ORDER BY id")
            .await
            .expect("select");
        assert_eq!(rows, vec![(1, 5), (2, 3)]);
    });
}

// ---------------------------------------------------------------------------
// Prepared statements, insert ids, upserts
// ---------------------------------------------------------------------------

#[test]
fn prepared_statements_reexecuted_many_times() {
    let server = TestServer::start();
    block_on_with_timeout(180, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE ps",
                "USE ps",
                "CREATE TABLE t (id INT PRIMARY KEY, k INT NOT NULL, c VARCHAR(20), KEY k_idx (k))",
            ],
        )
        .await;
        let insert = conn
            .prep("INSERT INTO t (id, k, c) VALUES (?, ?, ?)")
            .await
            .expect("prepare insert");
        assert_eq!(insert.num_params(), 3);
        for i in 1..=500i64 {
            let c = if i % 10 == 0 {
                None
            } else {
                Some(format!("row-{i}"))
            };
            conn.exec_drop(&insert, (i, i % 7, c))
                .await
                .expect("execute insert");
        }
        let point = conn
            .prep("SELECT c FROM t WHERE id = ?")
            .await
            .expect("prepare point");
        assert_eq!(point.num_params(), 1);
        assert_eq!(point.columns().len(), 1);
        for i in 1..=500i64 {
            let c: Option<Option<String>> =
                conn.exec_first(&point, (i,)).await.expect("execute point");
            let want = if i % 10 == 0 {
                None
            } else {
                Some(format!("row-{i}"))
            };
            assert_eq!(c, Some(want), "id {i}");
        }
        assert_eq!(
            conn.exec_first::<Option<String>, _, _>(&point, (501,))
                .await
                .expect("missing"),
            None
        );
        let range = conn
            .prep("SELECT id FROM t WHERE id BETWEEN ? AND ? ORDER BY id")
            .await
            .expect("prepare range");
        for start in [1i64, 100, 495] {
            let ids: Vec<i64> = conn.exec(&range, (start, start + 9)).await.expect("range");
            let want: Vec<i64> = (start..=(start + 9).min(500)).collect();
            assert_eq!(ids, want);
        }
        let sum = conn
            .prep("SELECT SUM(k), COUNT(*) FROM t WHERE k = ?")
            .await
            .expect("prepare sum");
        for k in 0..7i64 {
            let row: Option<(Option<String>, i64)> =
                conn.exec_first(&sum, (k,)).await.expect("sum");
            let ids: Vec<i64> = (1..=500).filter(|i| i % 7 == k).collect();
            let (s, n) = row.expect("a row");
            assert_eq!(n, ids.len() as i64);
            assert_eq!(
                s.and_then(|s| s.parse::<i64>().ok()),
                Some(k * ids.len() as i64)
            );
        }
        let update = conn
            .prep("UPDATE t SET k = k + ? WHERE id = ?")
            .await
            .expect("prepare update");
        for i in 1..=100i64 {
            conn.exec_drop(&update, (1000, i)).await.expect("update");
            assert_eq!(conn.affected_rows(), 1);
        }
        assert_eq!(
            count(&mut conn, "SELECT COUNT(*) FROM t WHERE k >= 1000").await,
            100
        );
        conn.close(update).await.expect("COM_STMT_CLOSE");
        // NULL parameters and a parameter in the select list.
        let row: Option<(Option<i64>, i64)> = conn
            .exec_first("SELECT ?, ? + 1", (None::<i64>, 41))
            .await
            .expect("params");
        assert_eq!(row, Some((None, 42)));
    });
}

#[test]
fn last_insert_id_and_auto_increment() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE ai",
                "USE ai",
                "CREATE TABLE t (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, v INT)",
            ],
        )
        .await;
        conn.query_drop("INSERT INTO t (v) VALUES (10)")
            .await
            .unwrap();
        assert_eq!(conn.last_insert_id(), Some(1));
        assert_eq!(count(&mut conn, "SELECT LAST_INSERT_ID()").await, 1);
        // A multi-row insert reports its first generated id.
        conn.query_drop("INSERT INTO t (v) VALUES (20), (30), (40)")
            .await
            .unwrap();
        assert_eq!(conn.last_insert_id(), Some(2));
        assert_eq!(conn.affected_rows(), 3);
        assert_eq!(count(&mut conn, "SELECT LAST_INSERT_ID()").await, 2);
        // An explicit id moves the counter past it; it is not "generated".
        conn.query_drop("INSERT INTO t (id, v) VALUES (100, 50)")
            .await
            .unwrap();
        assert_eq!(count(&mut conn, "SELECT LAST_INSERT_ID()").await, 2);
        conn.query_drop("INSERT INTO t (id, v) VALUES (NULL, 60)")
            .await
            .unwrap();
        assert_eq!(conn.last_insert_id(), Some(101));
        conn.query_drop("INSERT INTO t (id, v) VALUES (0, 70)")
            .await
            .unwrap();
        assert_eq!(conn.last_insert_id(), Some(102));
        // Through the binary protocol too.
        conn.exec_drop("INSERT INTO t (v) VALUES (?)", (80,))
            .await
            .unwrap();
        assert_eq!(conn.last_insert_id(), Some(103));
        let ids: Vec<u64> = conn.query("SELECT id FROM t ORDER BY id").await.unwrap();
        assert_eq!(ids, vec![1, 2, 3, 4, 100, 101, 102, 103]);
        // Per session.
        let mut other = server.conn_db("ai").await;
        assert_eq!(count(&mut other, "SELECT LAST_INSERT_ID()").await, 0);
        // LAST_INSERT_ID(expr) sets it.
        assert_eq!(count(&mut conn, "SELECT LAST_INSERT_ID(7)").await, 7);
        assert_eq!(count(&mut conn, "SELECT LAST_INSERT_ID()").await, 7);
    });
}

#[test]
fn insert_ignore_replace_and_upsert_affected_rows() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE up",
                "USE up",
                "CREATE TABLE t (id INT PRIMARY KEY, u INT, v INT, UNIQUE KEY u_idx (u))",
                "INSERT INTO t VALUES (1, 1, 1), (2, 2, 2)",
            ],
        )
        .await;

        conn.query_drop("INSERT IGNORE INTO t VALUES (1, 9, 9), (3, 3, 3)")
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 1, "INSERT IGNORE skips the duplicate");
        assert_eq!(conn.get_warnings(), 1, "with a 1062 warning");
        let warnings: Vec<(String, u32, String)> = conn.query("SHOW WARNINGS").await.unwrap();
        assert_eq!(warnings.len(), 1);
        assert_eq!((warnings[0].0.as_str(), warnings[0].1), ("Warning", 1062));

        conn.query_drop("REPLACE INTO t VALUES (4, 4, 4)")
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 1, "REPLACE of a new row");
        conn.query_drop("REPLACE INTO t VALUES (1, 1, 100)")
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 2, "REPLACE = delete + insert");
        // Conflicts on two rows (id 2 and u 3): both are deleted.
        conn.query_drop("REPLACE INTO t VALUES (2, 3, 200)")
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 3);

        conn.query_drop("INSERT INTO t VALUES (5, 5, 5) ON DUPLICATE KEY UPDATE v = v + 1")
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 1, "upsert inserting");
        conn.query_drop("INSERT INTO t VALUES (5, 5, 5) ON DUPLICATE KEY UPDATE v = v + 1")
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 2, "upsert updating");
        conn.query_drop("INSERT INTO t VALUES (5, 5, 0) ON DUPLICATE KEY UPDATE v = 6")
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 0, "upsert to the same value");
        conn.query_drop(
            "INSERT INTO t VALUES (6, 6, 60), (5, 5, 70) ON DUPLICATE KEY UPDATE v = VALUES(v)",
        )
        .await
        .unwrap();
        assert_eq!(conn.affected_rows(), 3, "one insert (1) + one update (2)");

        conn.query_drop("UPDATE t SET v = v WHERE id = 6")
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 0);
        assert!(
            conn.info()
                .contains("Rows matched: 1  Changed: 0  Warnings: 0"),
            "info: {}",
            conn.info()
        );
        conn.query_drop("DELETE FROM t WHERE id >= 5")
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 2);

        let rows: Vec<(i64, i64, i64)> = conn
            .query("SELECT id, u, v FROM t ORDER BY id")
            .await
            .unwrap();
        assert_eq!(rows, vec![(1, 1, 100), (2, 3, 200), (4, 4, 4)]);
    });
}

// ---------------------------------------------------------------------------
// Query results
// ---------------------------------------------------------------------------

/// dept, COUNT(*), SUM(salary), MAX(name)
type GroupRow = (Option<String>, i64, Option<String>, Option<String>);
/// COUNT(*), COUNT(salary), MIN, AVG, SUM of salary
type AggRow = (i64, i64, Option<String>, Option<String>, Option<String>);

#[test]
fn order_group_distinct_limit_results() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE q",
                "USE q",
                "CREATE TABLE emp (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, dept VARCHAR(10), salary DECIMAL(10,2), KEY dept_idx (dept))",
                "INSERT INTO emp VALUES (1, 'alice', 'eng', 120.50), (2, 'Bob', 'eng', 100.00), (3, 'carol', 'ops', 90.25), \
                 (4, 'dave', NULL, 80.00), (5, 'Eve', 'ops', NULL), (6, 'frank', 'eng', 100.00), (7, 'grace', 'sales', 70.75)",
            ],
        )
        .await;
        let q = |sql: &'static str| sql;
        let names: Vec<String> = conn
            .query(q("SELECT name FROM emp ORDER BY name"))
            .await
            .unwrap();
        assert_eq!(
            names,
            ["alice", "Bob", "carol", "dave", "Eve", "frank", "grace"],
            "case-insensitive collation order"
        );
        let names: Vec<String> = conn
            .query(q("SELECT name FROM emp ORDER BY salary DESC, id LIMIT 3"))
            .await
            .unwrap();
        assert_eq!(names, ["alice", "Bob", "frank"]);
        let names: Vec<String> = conn
            .query(q("SELECT name FROM emp ORDER BY id LIMIT 2 OFFSET 3"))
            .await
            .unwrap();
        assert_eq!(names, ["dave", "Eve"]);
        let names: Vec<String> = conn
            .query(q("SELECT name FROM emp ORDER BY id LIMIT 5, 10"))
            .await
            .unwrap();
        assert_eq!(names, ["frank", "grace"]);
        // NULLs sort first ascending, last descending.
        let ids: Vec<i64> = conn
            .query(q("SELECT id FROM emp ORDER BY dept, id"))
            .await
            .unwrap();
        assert_eq!(ids, [4, 1, 2, 6, 3, 5, 7]);
        let ids: Vec<i64> = conn
            .query(q("SELECT id FROM emp ORDER BY salary DESC, id"))
            .await
            .unwrap();
        assert_eq!(ids, [1, 2, 6, 3, 4, 7, 5]);
        let depts: Vec<Option<String>> = conn
            .query(q("SELECT DISTINCT dept FROM emp ORDER BY dept"))
            .await
            .unwrap();
        assert_eq!(
            depts,
            [
                None,
                Some("eng".into()),
                Some("ops".into()),
                Some("sales".into())
            ]
        );
        let groups: Vec<GroupRow> = conn
            .query(q("SELECT dept, COUNT(*), SUM(salary), MAX(name) FROM emp GROUP BY dept ORDER BY dept"))
            .await
            .unwrap();
        assert_eq!(
            groups,
            [
                (None, 1, Some("80.00".into()), Some("dave".into())),
                (
                    Some("eng".into()),
                    3,
                    Some("320.50".into()),
                    Some("frank".into())
                ),
                (
                    Some("ops".into()),
                    2,
                    Some("90.25".into()),
                    Some("Eve".into())
                ),
                (
                    Some("sales".into()),
                    1,
                    Some("70.75".into()),
                    Some("grace".into())
                ),
            ]
        );
        let agg: Vec<AggRow> = conn
            .query(q(
                "SELECT COUNT(*), COUNT(salary), MIN(salary), AVG(salary), SUM(salary) FROM emp",
            ))
            .await
            .unwrap();
        assert_eq!(
            agg,
            [(
                7,
                6,
                Some("70.75".into()),
                Some("93.583333".into()),
                Some("561.50".into())
            )]
        );
        // Filters: LIKE, IN, IS NULL, BETWEEN, OR, NOT; strings compare case-insensitively.
        let ids: Vec<i64> = conn
            .query(q(
                "SELECT id FROM emp WHERE name LIKE '%a%' AND dept IN ('eng', 'ops') ORDER BY id",
            ))
            .await
            .unwrap();
        assert_eq!(ids, [1, 3, 6]);
        let ids: Vec<i64> = conn
            .query(q(
                "SELECT id FROM emp WHERE dept IS NULL OR salary IS NULL ORDER BY id",
            ))
            .await
            .unwrap();
        assert_eq!(ids, [4, 5]);
        let ids: Vec<i64> = conn.query(q("SELECT id FROM emp WHERE salary BETWEEN 80 AND 100 AND NOT dept = 'ops' ORDER BY id")).await.unwrap();
        assert_eq!(ids, [2, 6]);
        let ids: Vec<i64> = conn
            .query(q("SELECT id FROM emp WHERE name = 'BOB'"))
            .await
            .unwrap();
        assert_eq!(ids, [2]);
        let ids: Vec<i64> = conn
            .query(q(
                "SELECT id FROM emp WHERE dept = 'ENG' ORDER BY id DESC LIMIT 2",
            ))
            .await
            .unwrap();
        assert_eq!(ids, [6, 2]);
        // Multi-statement text query: one result set each.
        let mut result = conn
            .query_iter("SELECT 1; SELECT 'two'; UPDATE emp SET salary = salary WHERE id = 1")
            .await
            .unwrap();
        let first: Vec<i64> = result.collect().await.unwrap();
        let second: Vec<String> = result.collect().await.unwrap();
        let third: Vec<Row> = result.collect().await.unwrap();
        assert_eq!(
            (first, second, third.len()),
            (vec![1], vec!["two".to_string()], 0)
        );
        drop(result);
        conn.ping().await.expect("COM_PING");
    });
}

#[test]
fn column_metadata_matches_mysql() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE md",
                "USE md",
                "CREATE TABLE items (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT NULL, \
                 price DECIMAL(10,2), data VARBINARY(8), created DATETIME(6))",
                "INSERT INTO items (name, price) VALUES ('x', 1.50)",
            ],
        )
        .await;
        let check = |cols: &[Column], proto: &str| {
            let by_name = |n: &str| {
                cols.iter()
                    .find(|c| c.name_str() == n)
                    .unwrap_or_else(|| panic!("{proto}: no column {n}"))
            };
            let names: Vec<String> = cols.iter().map(|c| c.name_str().into_owned()).collect();
            assert_eq!(
                names,
                ["id", "label", "price", "data", "created"],
                "{proto}"
            );
            let id = by_name("id");
            assert_eq!(id.column_type(), ColumnType::MYSQL_TYPE_LONG, "{proto}");
            for f in [
                ColumnFlags::NOT_NULL_FLAG,
                ColumnFlags::PRI_KEY_FLAG,
                ColumnFlags::UNSIGNED_FLAG,
                ColumnFlags::AUTO_INCREMENT_FLAG,
            ] {
                assert!(
                    id.flags().contains(f),
                    "{proto}: id flags {:?} lack {f:?}",
                    id.flags()
                );
            }
            assert_eq!(
                (
                    id.schema_str().as_ref(),
                    id.table_str().as_ref(),
                    id.org_table_str().as_ref(),
                    id.org_name_str().as_ref()
                ),
                ("md", "items", "items", "id")
            );
            assert_eq!(id.character_set(), 63, "{proto}: numbers are binary");
            let label = by_name("label");
            assert_eq!(
                label.org_name_str(),
                "name",
                "{proto}: alias keeps the original name"
            );
            assert_eq!(
                label.column_type(),
                ColumnType::MYSQL_TYPE_VAR_STRING,
                "{proto}"
            );
            assert!(
                label.flags().contains(ColumnFlags::NOT_NULL_FLAG),
                "{proto}"
            );
            assert!(!label.flags().contains(ColumnFlags::BINARY_FLAG), "{proto}");
            assert_eq!(
                label.column_length(),
                80,
                "{proto}: VARCHAR(20) utf8mb4 = 80 bytes"
            );
            assert_ne!(label.character_set(), 63, "{proto}");
            let price = by_name("price");
            assert_eq!(
                price.column_type(),
                ColumnType::MYSQL_TYPE_NEWDECIMAL,
                "{proto}"
            );
            assert_eq!(price.decimals(), 2, "{proto}");
            assert!(
                !price.flags().contains(ColumnFlags::NOT_NULL_FLAG),
                "{proto}"
            );
            let data = by_name("data");
            assert_eq!(
                data.column_type(),
                ColumnType::MYSQL_TYPE_VAR_STRING,
                "{proto}"
            );
            assert!(data.flags().contains(ColumnFlags::BINARY_FLAG), "{proto}");
            assert_eq!(data.character_set(), 63, "{proto}");
            let created = by_name("created");
            assert_eq!(
                created.column_type(),
                ColumnType::MYSQL_TYPE_DATETIME,
                "{proto}"
            );
            assert_eq!(created.decimals(), 6, "{proto}");
        };
        let sql = "SELECT id, name AS label, price, data, created FROM items";
        let result = conn.query_iter(sql).await.unwrap();
        let cols = result.columns().map(|c| c.to_vec()).unwrap_or_default();
        drop(result);
        check(&cols, "text");
        let stmt = conn.prep(sql).await.unwrap();
        check(&stmt.columns(), "prepare");

        let result = conn
            .query_iter("SELECT COUNT(*), 'abc' AS s, 1.5 AS d")
            .await
            .unwrap();
        let cols = result.columns().map(|c| c.to_vec()).unwrap_or_default();
        drop(result);
        assert_eq!(cols[0].name_str(), "COUNT(*)");
        assert_eq!(cols[0].column_type(), ColumnType::MYSQL_TYPE_LONGLONG);
        assert_eq!(cols[0].table_str(), "");
        assert_eq!(cols[1].name_str(), "s");
        assert_eq!(cols[1].column_type(), ColumnType::MYSQL_TYPE_VAR_STRING);
        assert_eq!(cols[2].column_type(), ColumnType::MYSQL_TYPE_NEWDECIMAL);
        assert_eq!(cols[2].decimals(), 1);
    });
}

#[test]
fn sigterm_shuts_down_cleanly() {
    let mut server = TestServer::start();
    block_on_with_timeout(30, async {
        let mut conn = server.conn().await;
        assert_eq!(count(&mut conn, "SELECT 1").await, 1);
    });
    let status = server
        .stop()
        .expect("exits within the grace period after SIGTERM");
    assert!(status.success(), "exit status after SIGTERM: {status}");
}

// ---------------------------------------------------------------------------
// Session: variables and SHOW statements clients and tools send
// ---------------------------------------------------------------------------

#[test]
fn session_variables_and_show_statements() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE sv",
                "USE sv",
                "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, name VARCHAR(10) DEFAULT 'x', KEY name_idx (name))",
            ],
        )
        .await;
        assert_eq!(count(&mut conn, "SELECT @@autocommit").await, 1);
        assert_eq!(
            count(&mut conn, "SELECT CONNECTION_ID()").await,
            i64::from(conn.id())
        );
        assert_eq!(
            text(&mut conn, "SELECT DATABASE()").await.as_deref(),
            Some("sv")
        );
        let version = text(&mut conn, "SELECT VERSION()")
            .await
            .unwrap_or_default();
        assert_eq!(
            text(&mut conn, "SELECT @@version").await.as_deref(),
            Some(version.as_str())
        );
        if server.is_sqld() {
            assert!(version.ends_with("-sqld"), "{version}");
        }
        assert_eq!(
            count(&mut conn, "SELECT @@max_allowed_packet").await,
            64 << 20
        );
        assert_eq!(
            text(&mut conn, "SELECT @@character_set_client")
                .await
                .as_deref(),
            Some("utf8mb4")
        );
        setup(&mut conn, &["SET NAMES latin1"]).await;
        assert_eq!(
            text(&mut conn, "SELECT @@character_set_client")
                .await
                .as_deref(),
            Some("latin1")
        );
        setup(&mut conn, &["SET NAMES utf8mb4", "SET @a = 5, @b = 'five'"]).await;
        assert_eq!(count(&mut conn, "SELECT @a + 1").await, 6);
        assert_eq!(text(&mut conn, "SELECT @b").await.as_deref(), Some("five"));
        setup(
            &mut conn,
            &["SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE"],
        )
        .await;
        assert_eq!(
            text(&mut conn, "SELECT @@tx_isolation").await.as_deref(),
            Some("SERIALIZABLE")
        );
        setup(&mut conn, &["SET autocommit = 0"]).await;
        assert_eq!(count(&mut conn, "SELECT @@session.autocommit").await, 0);
        assert_error(
            conn.query_drop("SELECT @@no_such_variable").await,
            1193,
            "HY000",
            "unknown variable",
        );

        let vars: Vec<(String, String)> = conn
            .query("SHOW VARIABLES LIKE 'max_allowed_packet'")
            .await
            .unwrap();
        assert_eq!(
            vars,
            [("max_allowed_packet".to_string(), (64u64 << 20).to_string())]
        );
        let dbs: Vec<String> = conn.query("SHOW DATABASES").await.unwrap();
        assert!(
            dbs.contains(&"sv".to_string()) && dbs.contains(&"information_schema".to_string()),
            "{dbs:?}"
        );
        let tables: Vec<String> = conn.query("SHOW TABLES").await.unwrap();
        assert_eq!(tables, ["t"]);
        let columns: Vec<Row> = conn.query("SHOW COLUMNS FROM t").await.unwrap();
        let fields: Vec<(String, String, String, String)> = columns
            .into_iter()
            .map(|r| {
                let get = |i: usize| -> String {
                    match r.as_ref(i) {
                        Some(Value::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
                        _ => "NULL".to_string(),
                    }
                };
                (get(0), get(1), get(2), get(3))
            })
            .collect();
        assert_eq!(
            fields,
            [
                ("id".into(), "int(11)".into(), "NO".into(), "PRI".into()),
                (
                    "name".into(),
                    "varchar(10)".into(),
                    "YES".into(),
                    "MUL".into()
                ),
            ]
            .map(|(a, b, c, d): (String, String, String, String)| {
                // MySQL 8 drops the display width of INT; MariaDB keeps it.
                if server.is_sqld() {
                    (a, b.replace("int(11)", "int"), c, d)
                } else {
                    (a, b, c, d)
                }
            })
        );
        let warnings: Vec<Row> = conn.query("SHOW WARNINGS").await.unwrap();
        assert!(warnings.is_empty());
    });
}

#[test]
fn idle_session_closed_after_wait_timeout() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(&mut conn, &["SET SESSION wait_timeout = 1"]).await;
        tokio::time::sleep(Duration::from_millis(3500)).await;
        let result = conn.query_drop("SELECT 1").await;
        assert!(
            !matches!(result, Ok(())),
            "the server should have closed a session idle past wait_timeout"
        );
    });
}

#[test]
fn max_connections_refuses_with_1040() {
    // MariaDB's minimum max_connections is 10.
    const MAX: u32 = 10;
    let server = TestServer::start_with(ServerOptions {
        max_connections: Some(MAX),
        ..ServerOptions::default()
    });
    block_on_with_timeout(60, async {
        {
            let mut root = server.conn().await;
            setup(&mut root, &["CREATE USER 'u'@'%' IDENTIFIED BY 'p'"]).await;
            root.disconnect().await.expect("disconnect");
        }
        // MariaDB keeps one extra slot for administrators: use a plain user
        // so that both servers allow exactly max_connections.
        let opts = server.opts("u", "p", None);
        let mut open = Vec::new();
        // The root session may still be closing on the server: allow a moment.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while open.len() < MAX as usize {
            match Conn::new(opts.clone()).await {
                Ok(c) => open.push(c),
                Err(_) if std::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("connection {} of {MAX} refused: {e}", open.len() + 1),
            }
        }
        assert_error(
            Conn::new(opts.clone()).await,
            1040,
            "08004",
            "one connection too many",
        );
        let first = open.remove(0);
        first.disconnect().await.expect("disconnect");
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            match Conn::new(opts.clone()).await {
                Ok(c) => {
                    open.push(c);
                    break;
                }
                Err(e) => {
                    assert!(
                        std::time::Instant::now() < deadline,
                        "a freed slot is not reusable: {e}"
                    );
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    });
}

/// sqld's EXPLAIN: one row per access with what is pushed to the data nodes
/// (the golden plans live in planner/tests/plans.txt; this checks the same
/// decisions reach a client). MariaDB's EXPLAIN is a different table.
#[test]
fn explain_shows_access_and_pushdown_on_sqld() {
    let server = TestServer::start();
    if !server.is_sqld() {
        return;
    }
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE ex",
                "USE ex",
                "CREATE TABLE t (id INT PRIMARY KEY, k INT NOT NULL, c CHAR(20), KEY k_1 (k))",
            ],
        )
        .await;
        let result = conn
            .query_iter("EXPLAIN SELECT c FROM t WHERE id = 5")
            .await
            .unwrap();
        let names: Vec<String> = result
            .columns()
            .map(|cols| cols.iter().map(|c| c.name_str().into_owned()).collect())
            .unwrap_or_default();
        drop(result);
        assert_eq!(
            names,
            [
                "table",
                "access",
                "pushed_filter",
                "projection",
                "pushed_limit",
                "node_groups",
                "local"
            ]
        );
        // (sql, words the access must contain, words the pushed filter must contain)
        let cases = [
            ("SELECT c FROM t WHERE id = 5", "point get", ""),
            ("SELECT c FROM t WHERE id IN (1, 2, 3)", "batched get", ""),
            (
                "SELECT c FROM t WHERE id BETWEEN 10 AND 20",
                "range scan",
                "",
            ),
            ("SELECT id FROM t WHERE k = 7", "k_1", ""),
            (
                "SELECT id FROM t WHERE c LIKE 'a%' LIMIT 3",
                "full scan",
                "LIKE",
            ),
        ];
        for (sql, access, filter) in cases {
            let rows: Vec<Row> = conn
                .query(format!("EXPLAIN {sql}"))
                .await
                .unwrap_or_else(|e| panic!("EXPLAIN {sql}: {e}"));
            assert_eq!(rows.len(), 1, "{sql}");
            let cell = |i: usize| match rows[0].as_ref(i) {
                Some(Value::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
                _ => String::new(),
            };
            assert_eq!(cell(0), "t", "{sql}");
            assert!(cell(1).contains(access), "{sql}: access {:?}", cell(1));
            assert!(
                cell(2).contains(filter),
                "{sql}: pushed filter {:?}",
                cell(2)
            );
        }
    });
}

#[test]
fn kill_query_and_kill_connection() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut victim = server.conn().await;
        let mut killer = server.conn().await;
        let victim_id = victim.id();
        let started = std::time::Instant::now();
        let (sleep, kill) = tokio::join!(victim.query_drop("SELECT SLEEP(20)"), async {
            tokio::time::sleep(Duration::from_millis(500)).await;
            killer.query_drop(format!("KILL QUERY {victim_id}")).await
        });
        kill.expect("KILL QUERY");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "SLEEP was not interrupted"
        );
        let (code, state, m) = server_error(sleep);
        assert_eq!(
            (code, state.as_str()),
            (1317, "70100"),
            "interrupted statement: {m}"
        );
        assert_eq!(
            count(&mut victim, "SELECT 1").await,
            1,
            "KILL QUERY keeps the connection"
        );

        killer
            .query_drop(format!("KILL {victim_id}"))
            .await
            .expect("KILL");
        assert!(
            victim.query_drop("SELECT 1").await.is_err(),
            "a killed connection is closed"
        );
        assert_error(
            killer.query_drop("KILL 999999").await,
            1094,
            "HY000",
            "unknown thread id",
        );
    });
}

/// caching_sha2_password (MySQL 8's default): the first login takes the full
/// path (RSA-encrypted password, no TLS here), later ones the fast path
/// (scramble against the cached hash). MariaDB has no such server plugin.
#[test]
fn caching_sha2_password_full_and_fast_path_on_sqld() {
    let server = TestServer::start();
    if !server.is_sqld() {
        return;
    }
    block_on_with_timeout(60, async {
        let mut root = server.conn().await;
        setup(
            &mut root,
            &["CREATE USER 'sha'@'%' IDENTIFIED WITH caching_sha2_password BY 'sha-pw'"],
        )
        .await;
        for attempt in ["full path", "fast path"] {
            let mut conn = server.connect(server.opts("sha", "sha-pw", None)).await;
            assert_eq!(
                text(&mut conn, "SELECT CURRENT_USER()").await.as_deref(),
                Some("sha@%"),
                "{attempt}"
            );
        }
        assert_error(
            Conn::new(server.opts("sha", "wrong", None)).await,
            1045,
            "28000",
            "caching_sha2_password, wrong password",
        );
    });
}
