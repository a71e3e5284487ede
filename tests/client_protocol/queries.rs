//! Result contents (ORDER BY, GROUP BY, DISTINCT, LIMIT), column metadata
//! and EXPLAIN.

use crate::common::*;
use mysql_async::consts::{ColumnFlags, ColumnType};
use mysql_async::prelude::*;
use mysql_async::{Column, Row, Value};
use sqld_tests::{block_on_with_timeout, TestServer};

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

/// PAD SPACE collations compare the shorter string as if padded with
/// spaces: a character below the space (tab, NUL) sorts before the end of
/// a string, in comparisons, ORDER BY, MIN / MAX and index ranges alike;
/// binary strings do not pad. Expected values are MariaDB 10.11's.
#[test]
fn pad_space_orders_characters_below_the_space_first() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE p",
                "USE p",
                "CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(10), u VARCHAR(10), KEY s_idx (s))",
                "INSERT INTO t VALUES (1,'a','a'), (2,'a\\t','a\\t'), (3,'a b','a b'), (4,'a \\t','a \\t'), \
                 (5,'a\\0','a\\0'), (6,'A \\t\\t','A \\t\\t'), (7,'a \\t ','a \\t '), (8,'a  \\t','a  \\t')",
            ],
        )
        .await;
        let ids = |sql: &'static str| sql;
        let order = [5i64, 2, 6, 4, 7, 8, 1, 3];
        for sql in [
            "SELECT id FROM t ORDER BY s, id",
            "SELECT id FROM t ORDER BY u, id",
            // The index on s delivers this order ('a \\t' and 'a \\t ' are
            // equal: primary-key order then).
            "SELECT id FROM t WHERE s > '' ORDER BY s",
        ] {
            let got: Vec<i64> = conn.query(ids(sql)).await.unwrap();
            assert_eq!(got, order, "{sql}");
        }
        let below: Vec<i64> = conn
            .query("SELECT id FROM t WHERE s < 'a' ORDER BY s, id")
            .await
            .unwrap();
        assert_eq!(below, [5, 2, 6, 4, 7, 8]);
        let between: Vec<i64> = conn
            .query("SELECT id FROM t WHERE s BETWEEN 'a\\t' AND 'a' ORDER BY id")
            .await
            .unwrap();
        assert_eq!(between, [1, 2, 4, 6, 7, 8]);
        let row: Row = conn
            .query_first(
                "SELECT 'a\\t' < 'a', 'a \\tx' < 'a', STRCMP('a\\n', 'a'), 'a' < 'a!', 'a\\t' = 'a', \
                 MIN(s) = 'a\\0', HEX(MAX(s)), CAST('a\\t' AS BINARY) < 'a', _binary'a ' = 'a', \
                 'A' IN (_binary'a'), CONVERT('a ' USING binary) = 'a', BINARY 'a\\t' < 'a', \
                 'A' = BINARY 'a' FROM t",
            )
            .await
            .unwrap()
            .unwrap();
        // BINARY binds to its operand: a case-sensitive match.
        for (sql, want) in [
            ("SELECT id FROM t WHERE BINARY s = 'a \\t\\t'", &[][..]),
            ("SELECT id FROM t WHERE BINARY u = 'A \\t\\t'", &[6][..]),
        ] {
            let got: Vec<i64> = conn.query(sql).await.unwrap();
            assert_eq!(got, want, "{sql}");
        }
        let cells: Vec<String> = row
            .unwrap()
            .into_iter()
            .map(|v| match v {
                Value::Int(i) => i.to_string(),
                Value::Bytes(b) => String::from_utf8_lossy(&b).into_owned(),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            cells,
            ["1", "1", "-1", "1", "0", "1", "612062", "0", "0", "0", "0", "0", "0"]
        );
    });
}

/// String functions and comparisons take their operands' collation: a
/// `_bin` or binary column (or `BINARY x`) makes them case-sensitive, and a
/// `_bin` column wins over a case-insensitive one. Expected values are
/// MariaDB 10.11's.
#[test]
fn string_functions_compare_under_the_operands_collation() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE cf",
                "USE cf",
                "CREATE TABLE cs (id INT PRIMARY KEY, ci VARCHAR(10) COLLATE utf8mb4_general_ci, \
                 cs VARCHAR(10) COLLATE utf8mb4_bin, bn VARBINARY(10))",
                "INSERT INTO cs VALUES (1, 'Héllo', 'Héllo', 'Héllo'), (2, 'abc', 'ABC', 'x')",
            ],
        )
        .await;
        let cells = |row: Row| -> Vec<String> {
            row.unwrap()
                .into_iter()
                .map(|v| match v {
                    Value::NULL => "NULL".into(),
                    Value::Bytes(b) => String::from_utf8_lossy(&b).into_owned(),
                    other => format!("{other:?}"),
                })
                .collect()
        };
        for (sql, want) in [
            (
                "SELECT STRCMP(ci, 'hello'), STRCMP(cs, 'hÉllo'), STRCMP(bn, 'héllo'), STRCMP(BINARY 'a', 'A'), \
                 STRCMP('a', 'A'), INSTR(ci, 'L'), INSTR(cs, 'L'), INSTR(cs, 'l'), INSTR(bn, 'l'), \
                 LOCATE('LL', ci), LOCATE('ll', cs, 2), LOCATE('l', bn, 5) FROM cs WHERE id = 1",
                &["0", "-1", "-1", "1", "0", "3", "0", "3", "4", "3", "3", "5"][..],
            ),
            (
                "SELECT POSITION('É' IN cs), POSITION('é' IN ci), FIELD('hÉllo', ci, cs), FIELD('Héllo', cs), \
                 FIELD(bn, 'héllo', 'Héllo'), FIND_IN_SET('HÉLLO', ci), FIND_IN_SET('HÉLLO', cs) FROM cs WHERE id = 1",
                &["0", "2", "0", "1", "2", "1", "0"][..],
            ),
            (
                "SELECT NULLIF(cs, 'héllo'), NULLIF(ci, 'héllo'), GREATEST(cs, 'hello'), LEAST(ci, 'hello'), \
                 GREATEST('a', 'B'), GREATEST(BINARY 'a', 'B') FROM cs WHERE id = 1",
                &["Héllo", "NULL", "hello", "Héllo", "B", "a"][..],
            ),
            (
                "SELECT ci = cs, cs = ci, ci < cs, STRCMP(ci, cs), FIELD('hÉllo', ci, cs) FROM cs WHERE id = 2",
                &["0", "0", "0", "1", "0"][..],
            ),
        ] {
            let row: Row = conn.query_first(sql).await.unwrap().unwrap();
            assert_eq!(cells(row), want, "{sql}");
        }
    });
}

/// Date arithmetic with INTERVAL (DATE_ADD / DATE_SUB / ADDDATE / SUBDATE
/// and `+` / `-`), TIMESTAMPDIFF's unit keyword, typed literals' fractional
/// digits, and functions the evaluator had but the binder did not name.
/// Expected values are MariaDB 10.11's, through both protocols.
#[test]
fn date_arithmetic_and_functions_bind_as_mariadb() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        let cases: &[(&str, &[&str])] = &[
            (
                "SELECT FIND_IN_SET('b', 'a,b'), INSERT('abcdef', 2, 3, 'XY'), MID('abcdef', 2, 3), \
                 NVL(NULL, 2), TIMEDIFF('10:00:00', '08:30:00'), TIMESTAMP('2024-01-02'), \
                 TIME_FORMAT('10:05:03', '%H.%i')",
                &["2", "aXYef", "bcd", "2", "01:30:00", "2024-01-02 00:00:00", "10.05"],
            ),
            (
                "SELECT DATE_ADD('2024-01-31', INTERVAL 1 MONTH), DATE_SUB('2024-01-31', INTERVAL 1 DAY), \
                 ADDDATE('2024-01-31', 2), '2024-01-31' + INTERVAL 1 HOUR, INTERVAL 2 DAY + DATE '2024-03-01', \
                 DATE '2024-03-01' - INTERVAL 1 MICROSECOND, TIMESTAMP '2024-03-01 10:00:00' + INTERVAL 90 MINUTE",
                &[
                    "2024-02-29",
                    "2024-01-30",
                    "2024-02-02",
                    "2024-01-31 01:00:00",
                    "2024-03-03",
                    "2024-02-29 23:59:59.999999",
                    "2024-03-01 11:30:00",
                ],
            ),
            (
                "SELECT TIMESTAMPDIFF(DAY, '2024-01-01', '2024-02-01'), \
                 TIMESTAMPDIFF(MONTH, '2024-01-31', '2024-03-01'), DATE_ADD('2024-01-31', INTERVAL '3' DAY), \
                 SUBDATE(DATE '2024-01-01', INTERVAL 1 YEAR), TIMESTAMP '2024-03-01 10:00:00.5', TIME '10:00:00.25'",
                &[
                    "31",
                    "1",
                    "2024-02-03",
                    "2023-01-01",
                    "2024-03-01 10:00:00.5",
                    "10:00:00.25",
                ],
            ),
        ];
        for &(sql, want) in cases {
            let row: Row = conn.query_first(sql).await.unwrap().unwrap();
            let got: Vec<String> = row
                .unwrap()
                .into_iter()
                .map(|v| match v {
                    Value::Bytes(b) => String::from_utf8_lossy(&b).into_owned(),
                    other => format!("{other:?}"),
                })
                .collect();
            assert_eq!(got, want, "{sql}");
            // The binary protocol: DATE and DATETIME columns where MariaDB
            // has them, strings where a string went in.
            let row: Row = conn.exec_first(sql, ()).await.unwrap().unwrap();
            for (i, w) in want.iter().enumerate() {
                let col = &row.columns_ref()[i];
                let v = row.as_ref(i).unwrap();
                let text = match v {
                    Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
                    Value::Int(n) => n.to_string(),
                    Value::Date(y, mo, d, h, mi, s, us) => {
                        let date = format!("{y:04}-{mo:02}-{d:02}");
                        if col.column_type() == ColumnType::MYSQL_TYPE_DATE {
                            date
                        } else if col.decimals() > 0 {
                            let frac = format!("{us:06}");
                            format!(
                                "{date} {h:02}:{mi:02}:{s:02}.{}",
                                &frac[..col.decimals() as usize]
                            )
                        } else {
                            format!("{date} {h:02}:{mi:02}:{s:02}")
                        }
                    }
                    Value::Time(_, _, h, mi, s, us) => {
                        if col.decimals() > 0 {
                            let frac = format!("{us:06}");
                            format!("{h:02}:{mi:02}:{s:02}.{}", &frac[..col.decimals() as usize])
                        } else {
                            format!("{h:02}:{mi:02}:{s:02}")
                        }
                    }
                    other => format!("{other:?}"),
                };
                assert_eq!(
                    &text,
                    w,
                    "prepared {sql}, column {i} ({:?})",
                    col.column_type()
                );
            }
        }
        let (c, _, m) = server_error(conn.query_drop("SELECT DATE_ADD('2024-01-31', 1)").await);
        assert_eq!(c, 1064, "DATE_ADD without INTERVAL: {m}");

        // Placeholders are numbered in the order of the text, also where
        // the rewrite puts the arguments in another order.
        for (sql, params, want) in [
            (
                "SELECT TRIM(? FROM ?)",
                vec![Value::from("x"), Value::from("xxaxx")],
                "a",
            ),
            (
                "SELECT INTERVAL ? DAY + ?",
                vec![Value::Int(2), Value::from("2024-03-01")],
                "2024-03-03",
            ),
            (
                "SELECT TIMESTAMPADD(DAY, ?, ?)",
                vec![Value::Int(1), Value::from("2024-01-01")],
                "2024-01-02",
            ),
            (
                "SELECT DATE_SUB(?, INTERVAL ? MONTH)",
                vec![Value::from("2024-03-31"), Value::Int(1)],
                "2024-02-29",
            ),
        ] {
            let got: Option<String> = conn.exec_first(sql, params).await.unwrap();
            assert_eq!(got.as_deref(), Some(want), "{sql}");
        }
    });
}

/// Scalar functions and operators checked against MariaDB 10.11 (each
/// expected value is what it returned for `SELECT <expression>`): REGEXP and
/// the REGEXP_* functions, ROUND / TRUNCATE / CEIL / FLOOR of decimals (the
/// scale shows in the text), TRIM's forms, EXTRACT, time arithmetic and
/// conversions, base64, QUOTE.
#[test]
fn scalar_functions_answer_as_mariadb() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        let cases: &[(&str, &str)] = &[
            ("'abc' REGEXP '^a'", "1"),
            ("'abc' RLIKE 'B'", "1"),
            ("BINARY 'ABC' REGEXP 'b'", "0"),
            ("'abc' NOT REGEXP 'z'", "1"),
            ("REGEXP_REPLACE('abc', 'b', 'x')", "axc"),
            ("REGEXP_REPLACE('abcabc', '(b)(c)', '\\\\2\\\\1')", "acbacb"),
            ("REGEXP_REPLACE('abc', 'b', '$1x')", "a$1xc"),
            ("REGEXP_REPLACE('a.b', '.', 'x')", "xxx"),
            ("REGEXP_SUBSTR('abc123', '[0-9]+')", "123"),
            ("REGEXP_SUBSTR('abc', '[0-9]+')", ""),
            ("REGEXP_INSTR('aébc1', '[0-9]')", "5"),
            ("'Straße' REGEXP 'STRASSE'", "0"),
            ("'ÀB' REGEXP 'àb'", "1"),
            ("ADDTIME('10:00:00', '01:30:00')", "11:30:00"),
            ("SUBTIME('10:00:00', '01:30:00')", "08:30:00"),
            (
                "ADDTIME('2024-01-01 23:00:00', '02:00:00')",
                "2024-01-02 01:00:00",
            ),
            (
                "ADDTIME('2024-01-01 23:00:00.5', '1.5')",
                "2024-01-01 23:00:02",
            ),
            ("MAKEDATE(2024, 60)", "2024-02-29"),
            ("MAKEDATE(24, 1)", "2024-01-01"),
            ("MAKEDATE(2024, 0)", "NULL"),
            ("MAKETIME(10, 20, 30)", "10:20:30"),
            ("MAKETIME(-1, 20, 30.25)", "-01:20:30.25"),
            ("MAKETIME(10, 60, 0)", "NULL"),
            ("TO_BASE64('abc')", "YWJj"),
            ("TO_BASE64('')", ""),
            ("FROM_BASE64('YWJj')", "abc"),
            ("FROM_BASE64('YW Jj')", "abc"),
            ("FROM_BASE64('Y!')", "NULL"),
            ("BIT_COUNT(7)", "3"),
            ("BIT_COUNT(-1)", "64"),
            ("TIMESTAMPADD(DAY, 1, '2024-01-01')", "2024-01-02"),
            (
                "TIMESTAMPADD(HOUR, 25, DATE '2024-01-01')",
                "2024-01-02 01:00:00",
            ),
            ("TIME('2024-01-02 10:11:12.5')", "10:11:12.5"),
            ("STR_TO_DATE('02/01/2024', '%d/%m/%Y')", "2024-01-02"),
            ("STR_TO_DATE('10:11', '%H:%i')", "10:11:00"),
            (
                "STR_TO_DATE('2024-01-02 10:11:12.123', '%Y-%m-%d %H:%i:%s.%f')",
                "2024-01-02 10:11:12.123000",
            ),
            ("ROUND(2.5)", "3"),
            ("ROUND(-2.5)", "-3"),
            ("ROUND(1.2345, 2)", "1.23"),
            ("ROUND(1234.5, -2)", "1200"),
            ("ROUND(1.5, 9)", "1.500000000"),
            ("TRUNCATE(1.999, 1)", "1.9"),
            ("TRUNCATE(19.99, -1)", "10"),
            ("CEIL(1.1)", "2"),
            ("CEIL(-1.1)", "-1"),
            ("FLOOR(-1.1)", "-2"),
            ("CEILING(2.000)", "2"),
            ("FLOOR(12345678901234567890.5)", "12345678901234567890"),
            ("CEIL(1.5e0)", "2"),
            ("ROUND(1.5e0)", "2"),
            ("TRIM(BOTH 'x' FROM 'xxaxx')", "a"),
            ("TRIM(LEADING 'x' FROM 'xxaxx')", "axx"),
            ("TRIM(TRAILING 'xy' FROM 'axyxy')", "a"),
            ("TRIM('x' FROM 'xax')", "a"),
            ("EXTRACT(YEAR FROM '2024-05-06')", "2024"),
            ("EXTRACT(MONTH FROM DATE '2024-05-06')", "5"),
            ("EXTRACT(MICROSECOND FROM '10:00:00.25')", "250000"),
            ("EXTRACT(WEEK FROM '2024-01-07')", "1"),
            ("QUOTE('it''s')", "'it\\'s'"),
            ("QUOTE(NULL)", "NULL"),
            ("FIND_IN_SET('c', 'a,b,c')", "3"),
            ("TIMESTAMPDIFF(MONTH, '2024-01-31', '2024-03-01')", "1"),
        ];
        assert_selects(&mut conn, cases).await;
        let (c, _, m) = server_error(conn.query_drop("SELECT 'a' REGEXP '('").await);
        assert_eq!(c, 1139, "an invalid pattern: {m}");
    });
}

/// CHARSET / COLLATION / COERCIBILITY, `!`, INTERVAL(), SOUNDEX, the IP
/// address functions, CONVERT_TZ, UUID_SHORT and INTERVAL units of several
/// fields (DATE_ADD, `d + INTERVAL`, EXTRACT). Expected values are MariaDB
/// 10.11's, under a utf8mb4_general_ci connection.
#[test]
fn more_scalar_functions_answer_as_mariadb() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE sf DEFAULT CHARACTER SET utf8mb4",
                "USE sf",
                "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10) COLLATE utf8mb4_bin, \
                 l VARCHAR(3) CHARACTER SET latin1, b VARBINARY(16), i INT, d DATETIME(3))",
                "INSERT INTO t VALUES (1, 'Robert', 'l', x'0a000509', 1, '2020-01-02 03:04:05.678'), \
                 (2, NULL, NULL, NULL, NULL, NULL)",
            ],
        )
        .await;
        let cases: &[(&str, &str)] = &[
            ("CHARSET(1)", "binary"),
            ("CHARSET('a')", "utf8mb4"),
            ("CHARSET(USER())", "utf8mb3"),
            ("CHARSET(NULL)", "binary"),
            ("COLLATION('a')", "utf8mb4_general_ci"),
            ("COLLATION(_binary'a')", "binary"),
            ("COLLATION(x'41')", "binary"),
            ("COLLATION(_latin1'a')", "latin1_swedish_ci"),
            ("COLLATION(UPPER('a' COLLATE utf8mb4_bin))", "utf8mb4_bin"),
            ("COLLATION(CONCAT(1))", "utf8mb4_general_ci"),
            ("COLLATION(CONCAT(NULL))", "binary"),
            ("COLLATION(UNHEX('41'))", "binary"),
            ("COLLATION(CHARSET(1))", "utf8mb3_general_ci"),
            ("COLLATION(CONVERT('a' USING latin1))", "latin1_swedish_ci"),
            ("COERCIBILITY('a')", "4"),
            ("COERCIBILITY(1)", "5"),
            ("COERCIBILITY(NULL)", "6"),
            ("COERCIBILITY(USER())", "3"),
            ("COERCIBILITY(VERSION())", "3"),
            ("COERCIBILITY('a' COLLATE utf8mb4_bin)", "0"),
            ("COERCIBILITY(CAST('a' AS CHAR))", "2"),
            ("COERCIBILITY(NOW())", "5"),
            ("COERCIBILITY(CONCAT(NULL, 'a'))", "4"),
            ("COLLATION(v) FROM t", "utf8mb4_bin"),
            ("COERCIBILITY(v) FROM t", "2"),
            ("CHARSET(l) FROM t", "latin1"),
            ("COLLATION(CONCAT(l, 'x')) FROM t", "latin1_swedish_ci"),
            ("COLLATION(CONCAT(v, l)) FROM t", "utf8mb4_bin"),
            ("COLLATION(IF(i, 'a', v)) FROM t", "utf8mb4_bin"),
            ("COLLATION(b) FROM t", "binary"),
            ("COERCIBILITY(i) FROM t", "5"),
            ("COLLATION(MAX(v)) FROM t", "utf8mb4_bin"),
            (
                "CONCAT_WS(' ', !0, !1, IFNULL(!NULL, 'n'), !'a', !'1', !2.5, !!5)",
                "1 0 n 1 0 0 1",
            ),
            ("!1 + 1", "1"),
            ("-!1", "0"),
            ("!-1", "0"),
            ("1 != 2", "1"),
            ("COUNT(*) FROM t WHERE !i", "0"),
            ("COUNT(*) FROM t WHERE !(i > 5)", "1"),
            ("INTERVAL(23, 1, 15, 17, 30, 44, 200)", "3"),
            ("INTERVAL(10, 1, 10, 100, 1000)", "2"),
            ("INTERVAL(22, 23, 30, 44, 200)", "0"),
            ("INTERVAL(NULL, 1, 2)", "-1"),
            ("INTERVAL(3, 1, NULL, 2, 4)", "3"),
            ("INTERVAL('b', 'a', 'c')", "2"),
            ("INTERVAL(1, 2, 3) + 1", "1"),
            ("SOUNDEX('Tymczak')", "T520"),
            ("SOUNDEX('Quadratically')", "Q36324"),
            ("SOUNDEX('123')", ""),
            ("SOUNDEX(NULL)", "NULL"),
            ("SOUNDEX(v) FROM t WHERE id = 1", "R163"),
            ("UUID_SHORT() >> 56", "1"),
            ("UUID_SHORT() < UUID_SHORT()", "1"),
            ("IS_IPV4('10.0.5.9')", "1"),
            ("IS_IPV4('10.0.5.256')", "0"),
            ("IS_IPV4(NULL)", "0"),
            ("IS_IPV6('::ffff:1.2.3.4')", "1"),
            ("IS_IPV6('1::2::3')", "0"),
            (
                "HEX(INET6_ATON('fdfe::5a55:caff:fefa:9089'))",
                "FDFE0000000000005A55CAFFFEFA9089",
            ),
            ("HEX(INET6_ATON('10.0.5.9'))", "0A000509"),
            ("INET6_ATON('1.2.3')", "NULL"),
            ("INET6_NTOA(INET6_ATON('1:0:0:2:0:0:0:3'))", "1:0:0:2::3"),
            ("INET6_NTOA(INET6_ATON('::ffff:1.2.3.4'))", "::ffff:1.2.3.4"),
            ("INET6_NTOA(UNHEX('0A000509'))", "10.0.5.9"),
            ("INET6_NTOA('1234')", "NULL"),
            ("INET6_NTOA(b) FROM t WHERE id = 1", "10.0.5.9"),
            ("INET_NTOA(INET_ATON('127.1'))", "127.0.0.1"),
            (
                "CONVERT_TZ('2004-01-01 12:00:00', '+00:00', '+10:00')",
                "2004-01-01 22:00:00",
            ),
            (
                "CONVERT_TZ('2004-01-01 12:00:00', '-05:30', 'SYSTEM')",
                "2004-01-01 17:30:00",
            ),
            ("CONVERT_TZ('2004-01-01 12:00:00', 'GMT', 'MET')", "NULL"),
            (
                "CONVERT_TZ('2004-01-01 12:00:00', '+14:00', '+00:00')",
                "NULL",
            ),
            (
                "CONVERT_TZ('2038-01-19 03:14:08', '+00:00', '+01:00')",
                "2038-01-19 03:14:08",
            ),
            (
                "CONVERT_TZ('2004-01-01', '+00:00', '+01:00')",
                "2004-01-01 01:00:00",
            ),
            (
                "CONVERT_TZ(d, '+00:00', '+01:00') FROM t WHERE id = 1",
                "2020-01-02 04:04:05.678",
            ),
            (
                "DATE_ADD('2020-01-01', INTERVAL '1 2' DAY_HOUR)",
                "2020-01-02 02:00:00",
            ),
            (
                "DATE_ADD('2020-01-01', INTERVAL '-1 2' DAY_HOUR)",
                "2019-12-30 22:00:00",
            ),
            (
                "DATE_SUB('2020-01-01', INTERVAL '-1 2' DAY_HOUR)",
                "2020-01-02 02:00:00",
            ),
            (
                "'2020-01-01' + INTERVAL '1:30' HOUR_MINUTE",
                "2020-01-01 01:30:00",
            ),
            (
                "INTERVAL '1:30' HOUR_MINUTE + '2020-01-01'",
                "2020-01-01 01:30:00",
            ),
            (
                "DATE '2020-01-31' + INTERVAL '1-1' YEAR_MONTH",
                "2021-02-28",
            ),
            (
                "DATE_ADD('2020-01-01', INTERVAL 1.5 YEAR_MONTH)",
                "2021-06-01",
            ),
            (
                "DATE_ADD('2020-01-01', INTERVAL '1:2' DAY_SECOND)",
                "2020-01-01 00:01:02",
            ),
            (
                "DATE_ADD('2020-01-01', INTERVAL '1 2 3 4 5' DAY_SECOND)",
                "NULL",
            ),
            (
                "DATE_ADD('2020-01-01', INTERVAL '4' SECOND_MICROSECOND)",
                "2020-01-01 00:00:00.400000",
            ),
            (
                "DATE_ADD('2020-01-01', INTERVAL '1 2:3:4.5' DAY_MICROSECOND)",
                "2020-01-02 02:03:04.500000",
            ),
            ("DATE_ADD('9999-12-31', INTERVAL '1 1' DAY_HOUR)", "NULL"),
            (
                "d - INTERVAL '1.5' SECOND_MICROSECOND FROM t WHERE id = 1",
                "2020-01-02 03:04:04.178000",
            ),
            (
                "EXTRACT(DAY_MICROSECOND FROM '2020-01-02 03:04:05.123456')",
                "2030405123456",
            ),
            ("EXTRACT(YEAR_MONTH FROM d) FROM t WHERE id = 1", "202001"),
            ("EXTRACT(HOUR_SECOND FROM '-10:04:05')", "-100405"),
            ("EXTRACT(DAY_HOUR FROM '100:04:05')", "404"),
            ("EXTRACT(DAY_HOUR FROM NULL)", "NULL"),
        ];
        assert_selects(&mut conn, cases).await;
        for (sql, code, state) in [
            ("SELECT COLLATION()", 1582, "42000"),
            ("SELECT COERCIBILITY(1, 2)", 1582, "42000"),
            ("SELECT SOUNDEX('a', 'b')", 1582, "42000"),
            ("SELECT UUID_SHORT(1)", 1582, "42000"),
            ("SELECT CONVERT_TZ(1, 2)", 1582, "42000"),
            ("SELECT IS_IPV6()", 1582, "42000"),
            ("SELECT CHARSET()", 1064, "42000"),
            ("SELECT INTERVAL(1)", 1064, "42000"),
            ("SELECT !", 1064, "42000"),
            ("SELECT CHARSET(nope) FROM t", 1054, "42S22"),
        ] {
            assert_error(conn.query_drop(sql).await, code, state, sql);
        }
        // Result types.
        let result = conn
            .query_iter(
                "SELECT CONVERT_TZ(d, '+00:00', '+01:00'), CONVERT_TZ(DATE '2020-01-01', '+00:00', '+01:00'), \
                 d + INTERVAL '1 2' DAY_HOUR, DATE '2020-01-01' + INTERVAL '1 2' DAY_HOUR, \
                 DATE '2020-01-01' + INTERVAL '1-2' YEAR_MONTH, DATE '2020-01-01' + INTERVAL '1.5' SECOND_MICROSECOND, \
                 UUID_SHORT(), INET6_ATON('::1'), INET6_NTOA(b), CHARSET(1), !i, COERCIBILITY(1), SOUNDEX('a') FROM t",
            )
            .await
            .unwrap();
        let cols: Vec<Column> = result.columns_ref().to_vec();
        drop(result);
        let kinds: Vec<(ColumnType, u8)> = cols
            .iter()
            .map(|c| (c.column_type(), c.decimals()))
            .collect();
        use ColumnType::*;
        assert_eq!(
            kinds[..6],
            [
                (MYSQL_TYPE_DATETIME, 3),
                (MYSQL_TYPE_DATETIME, 0),
                (MYSQL_TYPE_DATETIME, 3),
                (MYSQL_TYPE_DATETIME, 0),
                (MYSQL_TYPE_DATE, 0),
                (MYSQL_TYPE_DATETIME, 6),
            ]
        );
        assert!(cols[6]
            .flags()
            .contains(ColumnFlags::UNSIGNED_FLAG | ColumnFlags::NOT_NULL_FLAG));
        assert_eq!(cols[6].column_type(), MYSQL_TYPE_LONGLONG);
        assert_eq!(
            (
                cols[7].column_type(),
                cols[7].character_set(),
                cols[7].column_length()
            ),
            (MYSQL_TYPE_VAR_STRING, 63, 16)
        );
        // VARCHAR(39), VARCHAR(64) of 4-byte characters.
        assert_eq!(
            (cols[8].column_type(), cols[8].column_length()),
            (MYSQL_TYPE_VAR_STRING, 156)
        );
        assert_eq!(
            (cols[9].column_type(), cols[9].column_length()),
            (MYSQL_TYPE_VAR_STRING, 256)
        );
        for c in [&cols[10], &cols[11]] {
            assert!(
                matches!(c.column_type(), MYSQL_TYPE_LONG | MYSQL_TYPE_LONGLONG),
                "{}",
                c.name_str()
            );
        }
        assert_eq!(
            (cols[10].column_length(), cols[11].column_length()),
            (1, 10)
        );
        assert!(cols[11].flags().contains(ColumnFlags::NOT_NULL_FLAG));
        assert_eq!(
            (cols[12].column_type(), cols[12].column_length()),
            (MYSQL_TYPE_VAR_STRING, 16)
        );
    });
}

/// GROUP_CONCAT: NULL rows skipped, DISTINCT under the collation, ORDER BY
/// (positions name arguments; equal keys come out last row first), the
/// separator, and the cut at group_concat_max_len with warning 1260 counting
/// rows across groups. Expected values are MariaDB 10.11's.
#[test]
fn group_concat_orders_distincts_and_cuts() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE gc",
                "USE gc",
                "CREATE TABLE g (id INT PRIMARY KEY, grp INT, s VARCHAR(10), n INT, b VARBINARY(5))",
                "INSERT INTO g VALUES (1,1,'b',3,'x'), (2,1,'a',1,NULL), (3,1,'B',2,'y'), \
                 (4,2,NULL,NULL,NULL), (5,2,'c',5,'z'), (6,3,NULL,7,NULL), (7,2,'d',8,NULL), (8,2,'e',9,NULL)",
                "SET SESSION group_concat_max_len = 1024",
            ],
        )
        .await;
        type Cells = Vec<Option<String>>;
        let some = |v: &[&str]| -> Cells { v.iter().map(|s| Some(s.to_string())).collect() };
        let rows: Vec<Row> = conn
            .query(
                "SELECT grp, GROUP_CONCAT(s), GROUP_CONCAT(DISTINCT s ORDER BY s DESC SEPARATOR ';'), \
                 GROUP_CONCAT(s, '-', n ORDER BY n), GROUP_CONCAT(n), GROUP_CONCAT(b) FROM g GROUP BY grp ORDER BY grp",
            )
            .await
            .unwrap();
        let got: Vec<Cells> = rows.into_iter().map(cells).collect();
        assert_eq!(
            got,
            [
                some(&["1", "b,a,B", "b;a", "a-1,B-2,b-3", "3,1,2", "x,y"]),
                some(&["2", "c,d,e", "e;d;c", "c-5,d-8,e-9", "5,8,9", "z"]),
                vec![Some("3".into()), None, None, None, Some("7".into()), None],
            ]
        );
        let row: Row = conn
            .query_first(
                "SELECT GROUP_CONCAT(s ORDER BY 1 DESC), GROUP_CONCAT(s ORDER BY s), \
                 GROUP_CONCAT(id ORDER BY s DESC), GROUP_CONCAT(id ORDER BY s), GROUP_CONCAT(DISTINCT s), \
                 GROUP_CONCAT(n SEPARATOR '') FROM g",
            )
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            cells(row),
            some(&[
                "e,d,c,B,b,a",
                "a,B,b,c,d,e",
                "8,7,5,3,1,2,6,4",
                "6,4,2,3,1,5,7,8",
                "a,b,c,d,e",
                "3125789",
            ])
        );
        assert_eq!(
            text(&mut conn, "SELECT GROUP_CONCAT(s) FROM g WHERE id > 100").await,
            None
        );

        // TEXT of the arguments' collation (BLOB for binary arguments) while
        // group_concat_max_len is above 512.
        let result = conn
            .query_iter("SELECT GROUP_CONCAT(s), GROUP_CONCAT(b) FROM g")
            .await
            .unwrap();
        let cols = result.columns().unwrap();
        assert_eq!(cols[0].column_type(), ColumnType::MYSQL_TYPE_BLOB);
        assert_eq!(cols[0].character_set(), 45);
        assert_eq!(cols[1].column_type(), ColumnType::MYSQL_TYPE_BLOB);
        assert_eq!(cols[1].character_set(), 63);
        result.drop_result().await.unwrap();

        // The cut: at 4 bytes, on a character boundary, one warning per cut
        // value, rows counted over the whole statement.
        conn.query_drop("SET SESSION group_concat_max_len = 4")
            .await
            .unwrap();
        let rows: Vec<Row> = conn
            .query("SELECT grp, GROUP_CONCAT(s ORDER BY id) FROM g GROUP BY grp ORDER BY grp")
            .await
            .unwrap();
        let got: Vec<Cells> = rows.into_iter().map(cells).collect();
        assert_eq!(
            got,
            [
                some(&["1", "b,a,"]),
                some(&["2", "c,d,"]),
                vec![Some("3".into()), None]
            ]
        );
        let warnings: Vec<(String, u16, String)> = conn.query("SHOW WARNINGS").await.unwrap();
        assert_eq!(
            warnings,
            [
                (
                    "Warning".into(),
                    1260,
                    "Row 3 was cut by GROUP_CONCAT()".into()
                ),
                (
                    "Warning".into(),
                    1260,
                    "Row 6 was cut by GROUP_CONCAT()".into()
                ),
            ]
        );
        let hex = text(
            &mut conn,
            "SELECT HEX(GROUP_CONCAT('é' SEPARATOR 'é')) FROM g",
        )
        .await;
        assert_eq!(hex.as_deref(), Some("C3A9C3A9"));
        conn.query_drop("SET SESSION group_concat_max_len = 5")
            .await
            .unwrap();
        assert_eq!(
            text(
                &mut conn,
                "SELECT HEX(GROUP_CONCAT('é' SEPARATOR '')) FROM g"
            )
            .await
            .as_deref(),
            Some("C3A9C3A9"),
            "a character that does not fit whole is left out"
        );

        for (sql, code) in [
            ("SELECT GROUP_CONCAT(s ORDER BY 3) FROM g", 1054),
            ("SELECT GROUP_CONCAT(s SEPARATOR 1) FROM g", 1064),
            ("SELECT GROUP_CONCAT() FROM g", 1064),
            ("SELECT id FROM g WHERE GROUP_CONCAT(s) = 'a'", 1111),
            ("SELECT GROUP_CONCAT(GROUP_CONCAT(s)) FROM g", 1111),
        ] {
            let (c, _, m) = server_error(conn.query_drop(sql).await);
            assert_eq!(c, code, "{sql}: {m}");
        }
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

        // Unaliased expressions are named by their text as typed.
        let result = conn
            .query_iter(
                "SELECT 1+1, CONCAT('a','b'), 2 *  3, -1, 'x', id FROM items ORDER BY `1+1`",
            )
            .await
            .unwrap();
        let names: Vec<String> = result
            .columns()
            .map(|cols| cols.iter().map(|c| c.name_str().into_owned()).collect())
            .unwrap_or_default();
        drop(result);
        assert_eq!(names, ["1+1", "CONCAT('a','b')", "2 *  3", "-1", "x", "id"]);
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

/// BIT_AND / BIT_OR / BIT_XOR and the standard deviations and variances:
/// values, empty sets, grouping and HAVING as MariaDB answers them (its
/// text output: STD of an INT shows 4 decimals, of a DECIMAL(6,2) 6, of a
/// DOUBLE all digits); DISTINCT is a syntax error for them there.
#[test]
fn bit_and_statistical_aggregates_answer_as_mariadb() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE ag",
                "USE ag",
                "CREATE TABLE t (id INT PRIMARY KEY, g INT, x INT, d DECIMAL(6,2), f DOUBLE, s VARCHAR(10))",
                "INSERT INTO t VALUES (1,1,1,1.50,0.5,'3'), (2,1,2,2.25,NULL,'5'), (3,1,3,NULL,2.5,'x'), \
                 (4,2,-1,4.00,1e10,NULL), (5,2,12,0.10,-3,'12'), (6,3,NULL,NULL,NULL,NULL)",
            ],
        )
        .await;
        let rows = |v: &[&[&str]]| -> Vec<Vec<Option<String>>> {
            v.iter()
                .map(|r| {
                    r.iter()
                        .map(|c| (*c != "NULL").then(|| c.to_string()))
                        .collect()
                })
                .collect()
        };
        let cases: &[(&str, &[&[&str]])] = &[
            (
                "SELECT g, BIT_AND(x), BIT_OR(x), BIT_XOR(x), STD(x), STDDEV_SAMP(x), VARIANCE(x), VAR_SAMP(x) \
                 FROM t GROUP BY g ORDER BY g",
                &[
                    &["1", "0", "3", "0", "0.8165", "1.0000", "0.6667", "1.0000"],
                    &["2", "12", "18446744073709551615", "18446744073709551603", "6.5000", "9.1924", "42.2500", "84.5000"],
                    &["3", "18446744073709551615", "0", "0", "NULL", "NULL", "NULL", "NULL"],
                ],
            ),
            (
                "SELECT BIT_AND(x), BIT_OR(x), BIT_XOR(x), STD(x), STDDEV(x), STDDEV_POP(x), STDDEV_SAMP(x), \
                 VARIANCE(x), VAR_POP(x), VAR_SAMP(x) FROM t",
                &[&["0", "18446744073709551615", "18446744073709551603", "4.4989", "4.4989", "4.4989", "5.0299", "20.2400", "20.2400", "25.3000"]],
            ),
            (
                "SELECT BIT_AND(x), BIT_OR(x), BIT_XOR(x), STD(x), VAR_SAMP(x) FROM t WHERE id > 100",
                &[&["18446744073709551615", "0", "0", "NULL", "NULL"]],
            ),
            (
                "SELECT STD(d), VARIANCE(d), STD(f), VAR_SAMP(f), BIT_OR(d), BIT_XOR(s), BIT_AND(s) FROM t",
                &[&["1.406847", "1.979219", "4330127018.922194", "2.5e19", "6", "10", "0"]],
            ),
            (
                "SELECT g, STD(x) FROM t GROUP BY g HAVING STD(x) > 1 ORDER BY STD(x) DESC",
                &[&["2", "6.5000"]],
            ),
        ];
        for (sql, want) in cases {
            let got: Vec<Row> = conn
                .query(*sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            assert_eq!(
                got.into_iter().map(cells).collect::<Vec<_>>(),
                rows(want),
                "{sql}"
            );
        }
        for sql in [
            "SELECT VARIANCE(DISTINCT g) FROM t",
            "SELECT BIT_OR(DISTINCT g) FROM t",
        ] {
            let (code, _, _) = server_error(conn.query_drop(sql).await);
            assert_eq!(code, 1064, "{sql}");
        }
        let cols: Vec<Row> = conn
            .query("SELECT BIT_OR(x), STD(x), STD(f) FROM t")
            .await
            .unwrap();
        let columns = cols[0].columns();
        assert_eq!(columns[0].column_type(), ColumnType::MYSQL_TYPE_LONGLONG);
        assert!(columns[0]
            .flags()
            .contains(ColumnFlags::UNSIGNED_FLAG | ColumnFlags::NOT_NULL_FLAG));
        assert_eq!(columns[1].column_type(), ColumnType::MYSQL_TYPE_DOUBLE);
        assert_eq!((columns[1].decimals(), columns[2].decimals()), (4, 31));
    })
}

/// `SELECT 1` is INT (MYSQL_TYPE_LONG, 4 bytes in the binary protocol) as
/// in MariaDB: integer literals and +, - and * over them up to a display
/// length of 9; longer ones are BIGINT.
#[test]
fn small_integer_literals_are_long() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        let sql = "SELECT 1, -1, 123456789, 1234567890, 1+1, 100000000+1, 2*3";
        let want = [
            (ColumnType::MYSQL_TYPE_LONG, 1),
            (ColumnType::MYSQL_TYPE_LONG, 2),
            (ColumnType::MYSQL_TYPE_LONG, 9),
            (ColumnType::MYSQL_TYPE_LONGLONG, 10),
            (ColumnType::MYSQL_TYPE_LONG, 3),
            (ColumnType::MYSQL_TYPE_LONGLONG, 11),
            (ColumnType::MYSQL_TYPE_LONG, 3),
        ];
        let values = [1i64, -1, 123456789, 1234567890, 2, 100000001, 6];
        // Text protocol, then binary (the values decode at their width).
        let rows: Vec<Row> = conn.query(sql).await.unwrap();
        let got: Vec<(ColumnType, u32)> = rows[0]
            .columns_ref()
            .iter()
            .map(|c| (c.column_type(), c.column_length()))
            .collect();
        assert_eq!(got, want, "text");
        let stmt = conn.prep(sql).await.unwrap();
        let got: Vec<(ColumnType, u32)> = stmt
            .columns()
            .iter()
            .map(|c| (c.column_type(), c.column_length()))
            .collect();
        assert_eq!(got, want, "prepare");
        let row: Row = conn.exec_first(&stmt, ()).await.unwrap().unwrap();
        let got: Vec<i64> = (0..values.len())
            .map(|i| row.get::<i64, _>(i).unwrap())
            .collect();
        assert_eq!(got, values, "binary");
        assert_eq!(row.as_ref(0), Some(&Value::Int(1)));
    });
}
