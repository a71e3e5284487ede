//! End-to-end evaluation of expression trees. Expected values come from
//! MariaDB 10.11 (run against a throwaway mariadbd).

use super::*;
use crate::expr::{BinaryOp, CastType, CmpOp, Expr, UnaryOp};
use crate::value::{DateTime, Decimal};
use Collation::*;

fn lit(v: impl Into<Value>) -> Expr {
    Expr::lit(v)
}

fn null() -> Expr {
    Expr::Literal(Value::Null)
}

fn dec(s: &str) -> Expr {
    Expr::Literal(Value::Decimal(
        decimal::parse_prefix(s.as_bytes()).expect("decimal").0,
    ))
}

fn bin(op: BinaryOp, l: Expr, r: Expr) -> Expr {
    Expr::Binary {
        op,
        left: Box::new(l),
        right: Box::new(r),
    }
}

fn cmp(op: CmpOp, l: Expr, r: Expr, c: Collation) -> Expr {
    Expr::cmp(op, l, r, c)
}

fn func(name: &'static str, args: Vec<Expr>) -> Expr {
    Expr::Func {
        name,
        args,
        collation: Collation::default(),
    }
}

/// Evaluates with no row; returns the text form ("NULL" for NULL) and the
/// warning codes.
fn run(e: &Expr) -> (String, Vec<u16>) {
    run_row(e, &[])
}

fn run_row(e: &Expr, row: &[Value]) -> (String, Vec<u16>) {
    let mut ctx = EvalCtx::new(&[]);
    let v = eval(e, row, &mut ctx).expect("evaluates");
    let text = if v.is_null() {
        "NULL".to_string()
    } else {
        let mut out = Vec::new();
        to_text(&v, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    };
    (text, ctx.warnings.iter().map(|w| w.code).collect())
}

fn text(e: &Expr) -> String {
    run(e).0
}

#[test]
fn brief_cases() {
    // 'a' = 'A ' under general_ci
    assert_eq!(
        text(&cmp(CmpOp::Eq, lit("a"), lit("A "), Utf8mb4GeneralCi)),
        "1"
    );
    // 'a' < 'B': true under general_ci, false under utf8mb4_bin
    assert_eq!(
        text(&cmp(CmpOp::Lt, lit("a"), lit("B"), Utf8mb4GeneralCi)),
        "1"
    );
    assert_eq!(text(&cmp(CmpOp::Lt, lit("a"), lit("B"), Utf8mb4Bin)), "0");
    // 1 + '2abc' = 3 with warning 1292
    assert_eq!(
        run(&bin(BinaryOp::Add, lit(1i64), lit("2abc"))),
        ("3".into(), vec![1292])
    );
    // 9223372036854775807 + 1 → error 1690
    let mut ctx = EvalCtx::new(&[]);
    let e = eval(&bin(BinaryOp::Add, lit(i64::MAX), lit(1i64)), &[], &mut ctx).unwrap_err();
    assert_eq!(e.code, 1690);
    assert_eq!(e.state, "22003");
    // 1/0 → NULL with warning 1365
    assert_eq!(
        run(&bin(BinaryOp::Div, lit(1i64), lit(0i64))),
        ("NULL".into(), vec![1365])
    );
    // 1/3 → 0.3333
    assert_eq!(text(&bin(BinaryOp::Div, lit(1i64), lit(3i64))), "0.3333");
    // 0.1 + 0.2 → 0.3 (decimal)
    assert_eq!(text(&bin(BinaryOp::Add, dec("0.1"), dec("0.2"))), "0.3");
    // CAST(-1 AS UNSIGNED)
    assert_eq!(
        text(&Expr::Cast {
            arg: Box::new(lit(-1i64)),
            to: CastType::Unsigned
        }),
        "18446744073709551615"
    );
    // NULL AND 0 → 0; NULL OR 1 → 1
    assert_eq!(text(&bin(BinaryOp::And, null(), lit(0i64))), "0");
    assert_eq!(text(&bin(BinaryOp::Or, null(), lit(1i64))), "1");
    // LIKE 'a%' under general_ci matches 'ABC'
    assert_eq!(
        text(&Expr::Like {
            arg: Box::new(lit("ABC")),
            pattern: Box::new(lit("a%")),
            escape: b'\\',
            negated: false,
            collation: Utf8mb4GeneralCi,
        }),
        "1"
    );
    // CAST('2024-02-30' AS DATE) → NULL with warning 1292
    assert_eq!(
        run(&Expr::Cast {
            arg: Box::new(lit("2024-02-30")),
            to: CastType::Date
        }),
        ("NULL".into(), vec![1292])
    );
}

#[test]
fn three_valued_logic() {
    let t = lit(1i64);
    let f = lit(0i64);
    let n = null;
    let cases = vec![
        (bin(BinaryOp::And, n(), t.clone()), "NULL"),
        (bin(BinaryOp::And, f.clone(), n()), "0"),
        (bin(BinaryOp::Or, n(), f.clone()), "NULL"),
        (bin(BinaryOp::Or, t.clone(), n()), "1"),
        (bin(BinaryOp::Xor, t.clone(), n()), "NULL"),
        (bin(BinaryOp::Xor, t.clone(), f.clone()), "1"),
        (bin(BinaryOp::Xor, t.clone(), t.clone()), "0"),
        (
            Expr::Unary {
                op: UnaryOp::Not,
                arg: Box::new(n()),
            },
            "NULL",
        ),
        (
            Expr::Unary {
                op: UnaryOp::Not,
                arg: Box::new(lit("0.0")),
            },
            "1",
        ),
        (cmp(CmpOp::NullSafeEq, n(), n(), Binary), "1"),
        (cmp(CmpOp::NullSafeEq, n(), t.clone(), Binary), "0"),
        (cmp(CmpOp::Eq, n(), n(), Binary), "NULL"),
        (
            Expr::IsNull {
                arg: Box::new(n()),
                negated: false,
            },
            "1",
        ),
        (
            Expr::IsBool {
                arg: Box::new(n()),
                value: true,
                negated: true,
            },
            "1",
        ),
        (
            Expr::IsBool {
                arg: Box::new(lit(2i64)),
                value: true,
                negated: false,
            },
            "1",
        ),
        (
            Expr::IsBool {
                arg: Box::new(f.clone()),
                value: false,
                negated: false,
            },
            "1",
        ),
    ];
    for (e, want) in cases {
        assert_eq!(text(&e), want, "{e:?}");
    }
}

fn in_list(arg: Expr, list: Vec<Expr>, negated: bool) -> Expr {
    Expr::InList {
        arg: Box::new(arg),
        list,
        negated,
        collation: Utf8mb4GeneralCi,
    }
}

#[test]
fn in_between_case() {
    // MariaDB: 1 IN (2, NULL) is NULL; 1 IN (1, NULL) is 1; 1 NOT IN (2, NULL) is NULL.
    assert_eq!(
        text(&in_list(lit(1i64), vec![lit(2i64), null()], false)),
        "NULL"
    );
    assert_eq!(
        text(&in_list(lit(1i64), vec![lit(1i64), null()], false)),
        "1"
    );
    assert_eq!(
        text(&in_list(lit(1i64), vec![lit(2i64), null()], true)),
        "NULL"
    );
    assert_eq!(
        text(&in_list(lit(3i64), vec![lit(2i64), lit(4i64)], true)),
        "1"
    );
    assert_eq!(text(&in_list(null(), vec![lit(1i64)], false)), "NULL");
    assert_eq!(
        text(&in_list(lit("b"), vec![lit("A"), lit("B")], false)),
        "1"
    );

    let between = |a: Expr, lo: Expr, hi: Expr, negated| Expr::Between {
        arg: Box::new(a),
        low: Box::new(lo),
        high: Box::new(hi),
        negated,
        collation: Utf8mb4GeneralCi,
    };
    assert_eq!(text(&between(lit(5i64), lit(1i64), lit(10i64), false)), "1");
    assert_eq!(text(&between(lit(5i64), lit(6i64), lit(10i64), false)), "0");
    assert_eq!(text(&between(lit(5i64), null(), lit(4i64), false)), "0");
    assert_eq!(text(&between(lit(5i64), null(), lit(10i64), false)), "NULL");
    assert_eq!(text(&between(lit(5i64), lit(6i64), lit(10i64), true)), "1");
    assert_eq!(text(&between(lit("b"), lit("A"), lit("C"), false)), "1");

    let case = Expr::Case {
        operand: Some(Box::new(Expr::Column(0))),
        branches: vec![(lit("x"), lit(1i64)), (lit("y"), lit(2i64))],
        else_: Some(Box::new(lit(0i64))),
        collation: Utf8mb4GeneralCi,
    };
    assert_eq!(run_row(&case, &[Value::from("Y")]).0, "2");
    assert_eq!(run_row(&case, &[Value::from("z")]).0, "0");
    assert_eq!(run_row(&case, &[Value::Null]).0, "0");
    let searched = Expr::Case {
        operand: None,
        branches: vec![(
            cmp(CmpOp::Gt, Expr::Column(0), lit(10i64), Binary),
            lit("big"),
        )],
        else_: None,
        collation: Utf8mb4GeneralCi,
    };
    assert_eq!(run_row(&searched, &[Value::Int(11)]).0, "big");
    assert_eq!(run_row(&searched, &[Value::Int(1)]).0, "NULL");
}

#[test]
fn params_and_insert_values() {
    let params = [Value::Int(7)];
    let mut ctx = EvalCtx::new(&params);
    assert_eq!(eval(&Expr::Param(0), &[], &mut ctx).unwrap(), Value::Int(7));
    assert_eq!(eval(&Expr::Param(1), &[], &mut ctx).unwrap_err().code, 1210);
    assert_eq!(
        eval(&Expr::InsertValue(0), &[], &mut ctx).unwrap(),
        Value::Null
    );
    let ins = [Value::Int(3)];
    ctx.insert_row = Some(&ins);
    assert_eq!(
        eval(&Expr::InsertValue(0), &[], &mut ctx).unwrap(),
        Value::Int(3)
    );
    assert!(eval(&Expr::Column(5), &[], &mut ctx).is_err());
    assert!(eval(
        &Expr::Session(crate::expr::SessionRef::Database),
        &[],
        &mut ctx
    )
    .is_err());
}

#[test]
fn filters_and_truth() {
    let row = [Value::Int(5), Value::from("abc")];
    let mut ctx = EvalCtx::new(&[]);
    let f = Expr::and(
        cmp(CmpOp::Ge, Expr::Column(0), lit(5i64), Binary),
        Expr::Like {
            arg: Box::new(Expr::Column(1)),
            pattern: Box::new(lit("A_C")),
            escape: b'\\',
            negated: false,
            collation: Utf8mb4GeneralCi,
        },
    );
    assert!(matches(&f, &row, &mut ctx).unwrap());
    assert!(!matches(&null(), &row, &mut ctx).unwrap());
    assert_eq!(truth(&Value::from("1abc")), Some(true));
    assert_eq!(truth(&Value::from("0.0")), Some(false));
    assert_eq!(truth(&Value::Decimal(Decimal::new(1, 2))), Some(true));
    assert_eq!(truth(&Value::Date(DateTime::default())), Some(false));
    assert_eq!(truth(&Value::Null), None);
}

#[test]
fn strict_mode_turns_value_warnings_into_errors() {
    // MariaDB, STRICT_TRANS_TABLES: INSERT ... VALUES ('1' + 'a') is ERROR
    // 1292; VALUES ('5 ' + 0) only notes.
    let mut ctx = EvalCtx::new(&[]);
    eval(&bin(BinaryOp::Add, lit("1"), lit("a")), &[], &mut ctx).unwrap();
    let e = strict_error(&ctx.warnings).expect("an error");
    assert_eq!(
        (e.code, e.message.as_str()),
        (1292, "Truncated incorrect DOUBLE value: 'a'")
    );
    let mut ctx = EvalCtx::new(&[]);
    eval(&bin(BinaryOp::Add, lit("5 "), lit(0i64)), &[], &mut ctx).unwrap();
    assert_eq!(ctx.warnings.len(), 1);
    assert!(strict_error(&ctx.warnings).is_none());
    let mut ctx = EvalCtx::new(&[]);
    eval(&bin(BinaryOp::Div, lit(1i64), lit(0i64)), &[], &mut ctx).unwrap();
    assert_eq!(strict_error(&ctx.warnings).map(|e| e.state), Some("22012"));
}

#[test]
fn warnings_are_capped() {
    // A filter over many rows that each warn keeps at most MAX_WARNINGS.
    let f = cmp(CmpOp::Eq, Expr::Column(0), lit(0i64), Utf8mb4GeneralCi);
    let row = [Value::from("x")];
    let mut ctx = EvalCtx::new(&[]);
    for _ in 0..cast::MAX_WARNINGS + 10 {
        assert!(matches(&f, &row, &mut ctx).unwrap());
    }
    assert_eq!(ctx.warnings.len(), cast::MAX_WARNINGS);
}

#[test]
fn function_calls() {
    assert_eq!(
        text(&func("CONCAT", vec![lit("a"), lit(1i64), dec("2.50")])),
        "a12.50"
    );
    assert_eq!(text(&func("CONCAT", vec![lit("a"), null()])), "NULL");
    assert_eq!(text(&func("IFNULL", vec![null(), lit(2i64)])), "2");
    // IF evaluates only the chosen branch: the overflowing one is never run.
    let overflow = bin(BinaryOp::Add, lit(i64::MAX), lit(1i64));
    assert_eq!(
        text(&func("IF", vec![lit(1i64), lit("ok"), overflow])),
        "ok"
    );
    assert_eq!(
        text(&func("COALESCE", vec![null(), null(), lit(3i64)])),
        "3"
    );
    let mut ctx = EvalCtx::new(&[]);
    assert_eq!(
        eval(&func("LENGTH", vec![]), &[], &mut ctx)
            .unwrap_err()
            .code,
        1582
    );
}

mod no_panics {
    //! Arbitrary values, including ones no client should send (DECIMAL
    //! scales beyond 38, dates with month 13), through every operator,
    //! cast, function and coercion: errors are fine, panics are not.
    use super::*;
    use crate::expr::CastType;
    use crate::schema::ColumnType;
    use crate::value::Time;
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<i64>().prop_map(Value::Int),
            any::<u64>().prop_map(Value::UInt),
            any::<f64>().prop_map(Value::Double),
            (any::<i128>(), any::<u8>()).prop_map(|(m, s)| Value::Decimal(Decimal::new(m, s))),
            (-1000i128..1000, 0u8..4).prop_map(|(m, s)| Value::Decimal(Decimal::new(m, s))),
            proptest::collection::vec(any::<u8>(), 0..12).prop_map(Value::Bytes),
            "[0-9:. -]{0,20}".prop_map(Value::from),
            "[-+]?[0-9]{0,25}(\\.[0-9]{0,25})?(e[-+]?[0-9]{1,4})?".prop_map(Value::from),
            (
                any::<u16>(),
                any::<u8>(),
                any::<u8>(),
                any::<u8>(),
                any::<u8>(),
                any::<u8>(),
                any::<u32>()
            )
                .prop_map(|(year, month, day, hour, minute, second, micro)| {
                    Value::DateTime(DateTime {
                        year,
                        month,
                        day,
                        hour,
                        minute,
                        second,
                        micro,
                    })
                }),
            (0u16..10000, 0u8..13, 0u8..32).prop_map(|(year, month, day)| {
                Value::Date(DateTime {
                    year,
                    month,
                    day,
                    ..DateTime::default()
                })
            }),
            (
                any::<bool>(),
                any::<u32>(),
                any::<u8>(),
                any::<u8>(),
                any::<u32>()
            )
                .prop_map(|(negative, hours, minute, second, micro)| {
                    Value::Time(Time {
                        negative,
                        hours,
                        minute,
                        second,
                        micro,
                    })
                }),
        ]
    }

    fn column(ty: ColumnType, unsigned: bool) -> ColumnDef {
        ColumnDef {
            unsigned,
            collation: Collation::Utf8mb4GeneralCi,
            ..ColumnDef::new("c", ty, Collation::Utf8mb4GeneralCi)
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn nothing_panics(a in value(), b in value(), c in value()) {
            let mut w = Vec::new();
            for op in [
                BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul, BinaryOp::Div, BinaryOp::IntDiv,
                BinaryOp::Mod, BinaryOp::And, BinaryOp::Or, BinaryOp::Xor, BinaryOp::BitAnd,
                BinaryOp::BitOr, BinaryOp::BitXor, BinaryOp::Shl, BinaryOp::Shr,
            ] {
                let e = bin(op, Expr::Literal(a.clone()), Expr::Literal(b.clone()));
                let _ = eval(&e, &[], &mut EvalCtx::new(&[]));
            }
            for op in [UnaryOp::Neg, UnaryOp::Not, UnaryOp::BitNot] {
                let e = Expr::Unary { op, arg: Box::new(Expr::Literal(a.clone())) };
                let _ = eval(&e, &[], &mut EvalCtx::new(&[]));
            }
            for coll in [Collation::Utf8mb4GeneralCi, Collation::Utf8mb4Bin, Collation::Binary] {
                let _ = compare::compare_warn(&a, &b, coll, &mut w);
                let _ = sort_key(&to_string_bytes(&a).unwrap_or_default(), coll);
                let _ = like::like(
                    &to_string_bytes(&a).unwrap_or_default(),
                    &to_string_bytes(&b).unwrap_or_default(),
                    b'\\',
                    coll,
                );
            }
            for to in [
                CastType::Signed, CastType::Unsigned, CastType::Char(Some(3)), CastType::Char(None),
                CastType::Binary(Some(4)), CastType::Decimal { precision: 10, scale: 2 },
                CastType::Decimal { precision: 38, scale: 30 }, CastType::Double, CastType::Date,
                CastType::DateTime(6), CastType::Time(3),
            ] {
                let _ = cast::cast(&a, to, &mut w);
            }
            for name in function_names() {
                let (lo, hi) = function_arity(name).unwrap_or((0, 0));
                // Waits, or builds strings up to 16 MiB: covered by
                // `string_size_limits` instead.
                if matches!(name, "SLEEP" | "REPEAT" | "SPACE" | "LPAD" | "RPAD") {
                    continue;
                }
                let all = [a.clone(), b.clone(), c.clone()];
                for n in lo..=hi.min(3) {
                    let _ = functions::apply(name, &all[..n], &mut w);
                }
            }
            for (ty, unsigned) in [
                (ColumnType::TinyInt, false), (ColumnType::Int, true), (ColumnType::BigInt, false),
                (ColumnType::BigInt, true), (ColumnType::Year, false),
                (ColumnType::Decimal { precision: 5, scale: 2 }, false),
                (ColumnType::Decimal { precision: 38, scale: 10 }, false),
                (ColumnType::Float, false), (ColumnType::Double, false), (ColumnType::Char(2), false),
                (ColumnType::VarChar(3), false), (ColumnType::Text(4), false),
                (ColumnType::Binary(2), false), (ColumnType::Blob(3), false), (ColumnType::Date, false),
                (ColumnType::DateTime(3), false), (ColumnType::Timestamp(0), false),
                (ColumnType::Time(2), false),
            ] {
                let col = column(ty, unsigned);
                let _ = coerce_to_column(a.clone(), &col, true, 1, &mut w);
                let _ = coerce_to_column(a.clone(), &col, false, 1, &mut w);
                let mut out = Vec::new();
                to_text_typed(&a, ty, &mut out);
            }
            let mut out = Vec::new();
            to_text(&a, &mut out);
            let _ = truth(&a);
        }
    }
}
