//! Scalar functions: every expected value below is what MariaDB 10.11
//! returned for the same call.

use super::*;

fn s(x: &str) -> Value {
    Value::from(x)
}

fn i(x: i64) -> Value {
    Value::Int(x)
}

fn d(x: &str) -> Value {
    Value::Decimal(super::super::decimal::parse_prefix(x.as_bytes()).unwrap().0)
}

fn f(x: f64) -> Value {
    Value::Double(x)
}

fn text(v: &Value) -> String {
    if v.is_null() {
        return "NULL".into();
    }
    let mut out = Vec::new();
    super::super::text::to_text(v, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn call(name: &str, args: &[Value]) -> String {
    let mut w = Vec::new();
    text(&apply(name, args, &mut w).expect("function evaluates"))
}

#[test]
fn string_functions() {
    let cases: Vec<(&str, Vec<Value>, &str)> = vec![
        (
            "CONCAT_WS",
            vec![s(","), s("a"), Value::Null, s("b")],
            "a,b",
        ),
        ("CONCAT_WS", vec![Value::Null, s("a")], "NULL"),
        ("LENGTH", vec![s("héllo")], "6"),
        ("CHAR_LENGTH", vec![s("héllo")], "5"),
        ("UPPER", vec![s("héllo")], "HÉLLO"),
        ("LOWER", vec![s("ABC")], "abc"),
        ("SUBSTRING", vec![s("hello"), i(-3), i(2)], "ll"),
        ("SUBSTRING", vec![s("hello"), i(0)], ""),
        ("SUBSTRING", vec![s("hello"), i(2)], "ello"),
        ("SUBSTR", vec![s("héllo"), i(2), i(2)], "él"),
        ("MID", vec![s("hello"), i(2), i(3)], "ell"),
        ("LEFT", vec![s("hello"), i(2)], "he"),
        ("LEFT", vec![s("hello"), i(-1)], ""),
        ("RIGHT", vec![s("hello"), i(3)], "llo"),
        ("TRIM", vec![s("  a b  ")], "a b"),
        ("LTRIM", vec![s("  a ")], "a "),
        ("RTRIM", vec![s("  a ")], "  a"),
        ("TRIM", vec![s("xxaxx"), s("x")], "a"),
        ("REPLACE", vec![s("aXbX"), s("X"), s("yy")], "ayybyy"),
        ("REPLACE", vec![s("abc"), s("B"), s("z")], "abc"),
        ("REVERSE", vec![s("héllo")], "olléh"),
        ("REPEAT", vec![s("ab"), i(3)], "ababab"),
        ("REPEAT", vec![s("ab"), i(0)], ""),
        ("LPAD", vec![s("hi"), i(5), s("xy")], "xyxhi"),
        ("LPAD", vec![s("hello"), i(3), s("x")], "hel"),
        ("RPAD", vec![s("hi"), i(5), s("")], "NULL"),
        ("RPAD", vec![s("hi"), i(4), s("!")], "hi!!"),
        ("INSTR", vec![s("hello"), s("LL")], "3"),
        ("LOCATE", vec![s("L"), s("hello")], "3"),
        ("LOCATE", vec![s("l"), s("hello"), i(4)], "4"),
        ("LOCATE", vec![s("z"), s("hello")], "0"),
        ("HEX", vec![i(255)], "FF"),
        ("HEX", vec![s("abc")], "616263"),
        ("HEX", vec![i(-1)], "FFFFFFFFFFFFFFFF"),
        ("UNHEX", vec![s("4142")], "AB"),
        ("UNHEX", vec![s("zz")], "NULL"),
        ("ASCII", vec![s("")], "0"),
        ("ASCII", vec![s("A")], "65"),
        ("LENGTH", vec![Value::Null], "NULL"),
        ("MD5", vec![s("abc")], "900150983cd24fb0d6963f7d28e17f72"),
        (
            "SHA1",
            vec![s("abc")],
            "a9993e364706816aba3e25717850c26c9cd0d89d",
        ),
        ("CRC32", vec![s("MySQL")], "3259397556"),
        ("STRCMP", vec![s("a"), s("B")], "-1"),
        (
            "SUBSTRING_INDEX",
            vec![s("www.mysql.com"), s("."), i(2)],
            "www.mysql",
        ),
        (
            "SUBSTRING_INDEX",
            vec![s("www.mysql.com"), s("."), i(-2)],
            "mysql.com",
        ),
        ("FIND_IN_SET", vec![s("b"), s("a,b,c")], "2"),
        ("FIELD", vec![s("b"), s("a"), s("B")], "2"),
        ("ELT", vec![i(2), s("a"), s("b")], "b"),
        ("UPPER", vec![s("straße")], "STRAßE"),
        ("LOWER", vec![s("ÀÉ")], "àé"),
        ("LPAD", vec![s("ä"), i(3), s("ö")], "ööä"),
        ("REVERSE", vec![s("añb")], "bña"),
        ("LEFT", vec![s("añb"), i(2)], "añ"),
        ("SUBSTRING", vec![s("añb"), i(-2)], "ñb"),
        ("SUBSTRING", vec![s("hello"), i(4), i(10)], "lo"),
        ("LOCATE", vec![s(""), s("abc")], "1"),
        ("LOCATE", vec![s(""), s("abc"), i(5)], "0"),
        ("INSTR", vec![s("abc"), s("")], "1"),
        ("CONCAT_WS", vec![s(","), Value::Null, Value::Null], ""),
        ("TRIM", vec![s("   ")], ""),
        ("CHAR_LENGTH", vec![s("😀")], "1"),
        ("HEX", vec![s("é")], "C3A9"),
        ("ASCII", vec![s("é")], "195"),
        ("ORD", vec![s("é")], "50089"),
        ("INSERT", vec![s("abc"), i(2), i(1), s("X")], "aXc"),
        ("INSERT", vec![s("abc"), i(2), i(100), s("X")], "aX"),
        ("INSERT", vec![s("abc"), i(9), i(1), s("X")], "abc"),
    ];
    for (name, args, want) in cases {
        assert_eq!(call(name, &args), want, "{name}({args:?})");
    }
}

/// Functions that compare strings do so under the arguments' collation:
/// MariaDB's answers for 'Héllo' in a utf8mb4_bin and a binary column.
#[test]
fn string_comparisons_follow_the_collation() {
    let call_in = |c: Collation, name: &str, args: &[Value]| {
        let mut w = Vec::new();
        text(&apply_collated(name, args, c, &mut w).unwrap())
    };
    let (bin, binary, ci) = (
        Collation::Utf8mb4Bin,
        Collation::Binary,
        Collation::Utf8mb4GeneralCi,
    );
    let cases = [
        (bin, "STRCMP", vec![s("Héllo"), s("hÉllo")], "-1"),
        (binary, "STRCMP", vec![s("Héllo"), s("héllo")], "-1"),
        (ci, "STRCMP", vec![s("Héllo"), s("hello")], "0"),
        (bin, "INSTR", vec![s("Héllo"), s("L")], "0"),
        (bin, "INSTR", vec![s("Héllo"), s("l")], "3"),
        // Bytes, not characters, under binary.
        (binary, "INSTR", vec![s("Héllo"), s("l")], "4"),
        (binary, "LOCATE", vec![s("l"), s("Héllo"), i(5)], "5"),
        (bin, "LOCATE", vec![s("ll"), s("Héllo"), i(2)], "3"),
        (ci, "LOCATE", vec![s("LL"), s("Héllo")], "3"),
        (bin, "FIELD", vec![s("hÉllo"), s("Héllo")], "0"),
        (
            binary,
            "FIELD",
            vec![s("Héllo"), s("héllo"), s("Héllo")],
            "2",
        ),
        (bin, "FIND_IN_SET", vec![s("HÉLLO"), s("Héllo")], "0"),
        (ci, "FIND_IN_SET", vec![s("HÉLLO"), s("Héllo")], "1"),
        (bin, "NULLIF", vec![s("Héllo"), s("héllo")], "Héllo"),
        (ci, "NULLIF", vec![s("Héllo"), s("héllo")], "NULL"),
        (bin, "GREATEST", vec![s("Héllo"), s("hello")], "hello"),
        (binary, "GREATEST", vec![s("a"), s("B")], "a"),
        (ci, "GREATEST", vec![s("a"), s("B")], "B"),
    ];
    for (c, name, args, want) in cases {
        assert_eq!(call_in(c, name, &args), want, "{name}{args:?} under {c:?}");
    }
}

#[test]
fn math_functions() {
    let cases: Vec<(&str, Vec<Value>, &str)> = vec![
        ("ROUND", vec![f(2.5)], "2"),
        ("ROUND", vec![f(-2.5)], "-2"),
        ("ROUND", vec![d("1.25"), i(5)], "1.25000"),
        ("ROUND", vec![i(1234), i(-2)], "1200"),
        ("ROUND", vec![d("1.2345"), i(2)], "1.23"),
        ("ROUND", vec![f(15.5), i(-1)], "20"),
        ("ROUND", vec![d("1.5")], "2"),
        ("ROUND", vec![d("-1.5")], "-2"),
        ("TRUNCATE", vec![d("1.999"), i(1)], "1.9"),
        ("TRUNCATE", vec![d("-1.999"), i(0)], "-1"),
        ("CEIL", vec![d("1.2")], "2"),
        ("FLOOR", vec![d("-1.5")], "-2"),
        ("CEILING", vec![f(1.2)], "2"),
        ("ABS", vec![i(-5)], "5"),
        ("SIGN", vec![d("-2.5")], "-1"),
        ("POW", vec![i(2), i(10)], "1024"),
        ("SQRT", vec![i(-1)], "NULL"),
        ("SQRT", vec![i(16)], "4"),
        ("MOD", vec![i(7), i(3)], "1"),
        ("GREATEST", vec![i(1), s("2"), d("3.5")], "3.5"),
        ("GREATEST", vec![i(1), i(5), i(3)], "5"),
        ("LEAST", vec![s("b"), s("A"), s("c")], "A"),
        ("LEAST", vec![i(1), Value::Null], "NULL"),
        ("RAND", vec![i(1)], "0.40540353712197724"),
        ("RAND", vec![i(2)], "0.6555866465490187"),
        ("NULLIF", vec![i(1), i(1)], "NULL"),
        ("NULLIF", vec![i(1), i(2)], "1"),
        ("ISNULL", vec![Value::Null], "1"),
    ];
    for (name, args, want) in cases {
        assert_eq!(call(name, &args), want, "{name}({args:?})");
    }
    let mut w = Vec::new();
    assert_eq!(apply("ABS", &[i(i64::MIN)], &mut w).unwrap_err().code, 1690);
    assert_eq!(
        apply("POW", &[i(10), i(400)], &mut w).unwrap_err().code,
        1690
    );
    match apply("RAND", &[], &mut w).unwrap() {
        Value::Double(x) => assert!((0.0..1.0).contains(&x)),
        other => panic!("RAND gave {other:?}"),
    }
}

#[test]
fn date_functions() {
    let dt = s("2024-03-05 14:07:09.5");
    let cases: Vec<(&str, Vec<Value>, &str)> = vec![
        (
            "DATE_FORMAT",
            vec![
                dt.clone(),
                s("%a %b %c %D %d %e %f %H %h %I %i %j %k %l %M %m %p %r %S %s %T %U %u %W %w %Y %y %% %q"),
            ],
            "Tue Mar 3 5th 05 5 500000 14 02 02 07 065 14 2 March 03 PM 02:07:09 PM 09 09 14:07:09 09 10 Tuesday 2 2024 24 % q",
        ),
        ("DATEDIFF", vec![s("2024-03-01"), s("2024-02-01")], "29"),
        ("FROM_UNIXTIME", vec![i(0)], "1970-01-01 00:00:00"),
        ("UNIX_TIMESTAMP", vec![s("2024-01-01 00:00:00")], "1704067200"),
        ("DAYOFWEEK", vec![s("2024-03-05")], "3"),
        ("WEEKDAY", vec![s("2024-03-05")], "1"),
        ("DAYOFYEAR", vec![s("2024-03-05")], "65"),
        ("DATE", vec![dt.clone()], "2024-03-05"),
        ("YEAR", vec![dt.clone()], "2024"),
        ("MONTH", vec![dt.clone()], "3"),
        ("DAY", vec![dt.clone()], "5"),
        ("HOUR", vec![dt.clone()], "14"),
        ("MINUTE", vec![dt.clone()], "7"),
        ("SECOND", vec![dt.clone()], "9"),
        ("HOUR", vec![s("100:00:00")], "100"),
        ("LAST_DAY", vec![s("2024-02-10")], "2024-02-29"),
        ("MONTHNAME", vec![s("2024-02-10")], "February"),
        ("DAYNAME", vec![s("2024-02-10")], "Saturday"),
        ("TO_DAYS", vec![s("2024-01-01")], "739251"),
        ("FROM_DAYS", vec![i(739251)], "2024-01-01"),
        ("DATE_ADD", vec![s("2024-01-31"), i(1), s("MONTH")], "2024-02-29"),
        ("DATE_ADD", vec![s("2024-01-31"), i(1), s("DAY")], "2024-02-01"),
        ("DATE_ADD", vec![s("2024-01-31"), i(1), s("HOUR")], "2024-01-31 01:00:00"),
        ("DATE_SUB", vec![s("2024-01-01 00:00:00"), i(1), s("SECOND")], "2023-12-31 23:59:59"),
        ("TIMEDIFF", vec![s("10:00:00"), s("11:30:00")], "-01:30:00"),
        ("STR_TO_DATE", vec![s("05/03/2024"), s("%d/%m/%Y")], "2024-03-05"),
        ("STR_TO_DATE", vec![s("2024-03-05 2:07:09 PM"), s("%Y-%m-%d %h:%i:%s %p")], "2024-03-05 14:07:09"),
        ("STR_TO_DATE", vec![s("nope"), s("%Y")], "NULL"),
        ("DATE", vec![s("2024-02-30")], "NULL"),
    ];
    for (name, args, want) in cases {
        assert_eq!(call(name, &args), want, "{name}({args:?})");
    }
}

#[test]
fn more_functions() {
    // From MariaDB 10.11.
    let cases: Vec<(&str, Vec<Value>, &str)> = vec![
        ("BIN", vec![i(10)], "1010"),
        (
            "BIN",
            vec![i(-1)],
            "1111111111111111111111111111111111111111111111111111111111111111",
        ),
        ("BIT_LENGTH", vec![s("abc")], "24"),
        ("CONV", vec![s("ff"), i(16), i(10)], "255"),
        ("CONV", vec![i(-1), i(10), i(16)], "FFFFFFFFFFFFFFFF"),
        ("CONV", vec![s("zz"), i(36), i(2)], "10100001111"),
        (
            "CONV",
            vec![s("-ff"), i(-16), i(10)],
            "18446744073709551361",
        ),
        ("CONV", vec![s("10"), i(10), i(-2)], "1010"),
        ("CONV", vec![s("10"), i(1), i(2)], "NULL"),
        ("COT", vec![i(1)], "0.6420926159343306"),
        ("FORMAT", vec![d("1234567.891"), i(2)], "1,234,567.89"),
        ("FORMAT", vec![d("0.5"), i(0)], "1"),
        ("FORMAT", vec![d("-0.5"), i(0)], "-1"),
        ("FORMAT", vec![d("-1234.5"), i(1)], "-1,234.5"),
        ("FORMAT", vec![d("1234.5678"), i(6)], "1,234.567800"),
        ("OCT", vec![i(8)], "10"),
        (
            "SHA2",
            vec![s("abc"), i(256)],
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ),
        (
            "SHA2",
            vec![s("abc"), i(224)],
            "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7",
        ),
        ("SHA2", vec![s("abc"), i(1)], "NULL"),
        ("TIME_TO_SEC", vec![s("01:00:01")], "3601"),
        ("TIME_TO_SEC", vec![s("-01:00:00")], "-3600"),
        ("TIME_TO_SEC", vec![s("01:00:01.5")], "3601.5"),
        ("SEC_TO_TIME", vec![i(3661)], "01:01:01"),
        ("SEC_TO_TIME", vec![i(-1)], "-00:00:01"),
        ("SEC_TO_TIME", vec![i(3000000)], "833:20:00"),
        ("WEEK", vec![s("2024-03-05")], "9"),
        ("WEEK", vec![s("2024-03-05"), i(1)], "10"),
        ("WEEK", vec![s("2024-01-01")], "0"),
        ("WEEK", vec![s("2023-01-01")], "1"),
        ("WEEK", vec![s("2023-01-01"), i(1)], "0"),
        ("WEEK", vec![s("2023-01-01"), i(3)], "52"),
        ("WEEK", vec![s("2024-12-31"), i(3)], "1"),
        ("WEEK", vec![s("2021-01-03"), i(2)], "1"),
        ("WEEK", vec![s("2020-12-31"), i(5)], "52"),
        ("YEARWEEK", vec![s("2024-03-05")], "202409"),
        ("YEARWEEK", vec![s("2024-01-01")], "202353"),
        ("YEARWEEK", vec![s("2023-01-01"), i(3)], "202252"),
        ("YEARWEEK", vec![s("2024-12-31"), i(3)], "202501"),
        (
            "DATE_FORMAT",
            vec![s("2023-01-01"), s("%U %u %V %v %X %x")],
            "01 00 01 52 2023 2022",
        ),
        (
            "DATE_FORMAT",
            vec![s("2024-12-31"), s("%U %u %V %v %X %x")],
            "52 53 52 01 2024 2025",
        ),
        ("INET_ATON", vec![s("10.0.0.1")], "167772161"),
        ("INET_ATON", vec![s("127.1")], "2130706433"),
        ("INET_ATON", vec![s("x")], "NULL"),
        ("INET_NTOA", vec![i(167772161)], "10.0.0.1"),
        (
            "TIMESTAMPDIFF",
            vec![s("SECOND"), s("2024-01-01"), s("2024-01-02")],
            "86400",
        ),
        (
            "TIMESTAMPDIFF",
            vec![s("MONTH"), s("2024-01-31"), s("2024-02-29")],
            "0",
        ),
        (
            "TIMESTAMPDIFF",
            vec![s("MONTH"), s("2024-01-31"), s("2024-03-01")],
            "1",
        ),
        (
            "TIMESTAMPDIFF",
            vec![s("YEAR"), s("2024-02-29"), s("2025-02-28")],
            "0",
        ),
        (
            "TIMESTAMPDIFF",
            vec![s("DAY"), s("2024-01-02"), s("2024-01-01 12:00")],
            "0",
        ),
        ("BENCHMARK", vec![i(1), i(1)], "0"),
        ("SLEEP", vec![i(0)], "0"),
        ("LAST_INSERT_ID", vec![i(5)], "5"),
    ];
    for (name, args, want) in cases {
        assert_eq!(call(name, &args), want, "{name}({args:?})");
    }
    let mut w = Vec::new();
    assert_eq!(apply("COT", &[i(0)], &mut w).unwrap_err().code, 1690);
    let u = call("UUID", &[]);
    assert_eq!(u.len(), 36);
    assert_ne!(u, call("UUID", &[]));
}

#[test]
fn string_size_limits() {
    let mut w = Vec::new();
    assert_eq!(
        apply("REPEAT", &[s("ab"), i(1_000_000_000)], &mut w).unwrap(),
        Value::Null
    );
    assert_eq!(w.pop().map(|x| x.code), Some(1301));
    assert_eq!(
        apply("LPAD", &[s("a"), i(i64::MAX), s("x")], &mut w).unwrap(),
        Value::Null
    );
    assert_eq!(call("LPAD", &[s("a"), i(-1), s("x")]), "NULL");
    assert_eq!(call("SPACE", &[i(-5)]), "");
    assert_eq!(call("SPACE", &[i(3)]), "   ");
    assert_eq!(call("REPEAT", &[s("ab"), i(i64::MIN)]), "");
}

#[test]
fn names_and_types() {
    assert!(is_known_function("CONCAT"));
    assert!(!is_known_function("NO_SUCH"));
    assert_eq!(function_arity("SUBSTRING"), Some((2, 3)));
    assert_eq!(
        function_result_type("LENGTH", &[ColumnType::VarChar(3)]),
        ColumnType::BigInt
    );
    assert_eq!(
        function_result_type("IFNULL", &[ColumnType::Null, ColumnType::Int]),
        ColumnType::Int
    );
    // GREATEST(3, 2.5) is DECIMAL: MariaDB prints 3.0.
    assert_eq!(
        function_result_type(
            "GREATEST",
            &[
                ColumnType::BigInt,
                ColumnType::Decimal {
                    precision: 2,
                    scale: 1
                }
            ]
        ),
        ColumnType::Decimal {
            precision: 21,
            scale: 1
        }
    );
    assert_eq!(
        function_result_type(
            "IF",
            &[ColumnType::Int, ColumnType::Int, ColumnType::Double]
        ),
        ColumnType::Double
    );
}

/// FROM_BASE64 wants whole groups of four characters: anything else is NULL
/// with warning 1958 (the differential sweep found 'A' decoded to '').
#[test]
fn from_base64_needs_whole_groups() {
    let cases = [
        ("A", "NULL"),
        ("QQ", "NULL"),
        ("QQ=", "NULL"),
        ("QQ==", "A"),
        ("QUI", "NULL"),
        ("QUJD", "ABC"),
        ("Q Q = =", "A"),
        ("QQ==QQ==", "NULL"),
        ("QUJDR", "NULL"),
        ("", ""),
        ("QR==", "A"),
        ("QQ===", "NULL"),
        ("QU!D", "NULL"),
    ];
    for (input, want) in cases {
        let mut w = Vec::new();
        let got = text(&apply("FROM_BASE64", &[s(input)], &mut w).unwrap());
        assert_eq!(got, want, "FROM_BASE64('{input}')");
        let codes: Vec<u16> = w.iter().map(|w| w.code).collect();
        let expect: &[u16] = if want == "NULL" { &[1958] } else { &[] };
        assert_eq!(codes, expect, "FROM_BASE64('{input}') warnings");
    }
}

/// MAKEDATE with a huge day count is NULL (it overflowed: a panic in debug
/// builds, found by the robustness sweep).
#[test]
fn makedate_bounds() {
    let cases = [
        (2024, i64::MAX, "NULL"),
        (9999, i64::MAX, "NULL"),
        (2024, 400, "2025-02-03"),
        (1, 3_000_000, "NULL"),
        (2024, 0, "NULL"),
        (2024, i64::MIN, "NULL"),
        (0, 366, "2000-12-31"),
    ];
    for (year, day, want) in cases {
        assert_eq!(
            call("MAKEDATE", &[i(year), i(day)]),
            want,
            "MAKEDATE({year}, {day})"
        );
    }
}
