//! Every column type round-tripped through a table, written by a text
//! query and by a bound parameter, read back through both protocols.

use crate::common::*;
use mysql_async::consts::ColumnType;
use mysql_async::prelude::*;
use mysql_async::{Column, Row, Value};
use sqld_tests::{block_on_with_timeout, TestServer};

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
