use super::*;
use crate::expr::SessionRef;
use crate::schema::{ColumnDef, IndexDef};
use crate::value::Decimal;
use std::ops::Bound;

fn table() -> TableDef {
    let mut id = ColumnDef::new("id", ColumnType::Int, Collation::Utf8mb4GeneralCi);
    id.nullable = false;
    let name = ColumnDef::new("name", ColumnType::VarChar(20), Collation::Utf8mb4GeneralCi);
    let bin = ColumnDef::new("bin", ColumnType::VarBinary(20), Collation::Binary);
    let k = ColumnDef::new("k", ColumnType::Int, Collation::Utf8mb4GeneralCi);
    let cs = ColumnDef::new("cs", ColumnType::VarChar(20), Collation::Utf8mb4Bin);
    TableDef {
        id: 1,
        db: "d`b".into(),
        name: "t".into(),
        columns: vec![id, name, bin, k, cs],
        primary_key: vec![0],
        indexes: vec![IndexDef {
            id: 7,
            name: "k_name".into(),
            columns: vec![3, 1],
            unique: false,
        }],
        engine: "InnoDB".into(),
        collation: Collation::Utf8mb4GeneralCi,
        comment: String::new(),
    }
}

fn render_with(e: &Expr, params: &[Value]) -> Option<Sql> {
    let t = table();
    let scope = Scope {
        table: &t,
        params,
        insert_values: false,
    };
    expr(e, &scope)
}

fn text(e: &Expr) -> Option<String> {
    render_with(e, &[]).map(|s| s.text)
}

fn eq(l: Expr, r: Expr, c: Collation) -> Expr {
    Expr::cmp(CmpOp::Eq, l, r, c)
}

#[test]
fn identifiers_are_quoted() {
    assert_eq!(quote_ident("a").unwrap(), "`a`");
    assert_eq!(quote_ident("a`b").unwrap(), "`a``b`");
    assert_eq!(quote_ident("``").unwrap(), "``````");
    assert_eq!(quote_ident("it's \"x\" \\").unwrap(), "`it's \"x\" \\`");
    assert_eq!(quote_ident("naïve 表").unwrap(), "`naïve 表`");
    assert!(quote_ident("a\0b").is_err());
    assert!(quote_ident("").is_err());
}

#[test]
fn strings_are_quoted() {
    assert_eq!(quote_string("sqld.x1"), "'sqld.x1'");
    assert_eq!(quote_string("a'b\\c\0"), "'a''b\\\\c\\0'");
}

#[test]
fn values_are_parameters() {
    let e = eq(
        Expr::col(1),
        Expr::lit("x' OR 1=1 -- \\"),
        Collation::Utf8mb4GeneralCi,
    );
    let s = render_with(&e, &[]).unwrap();
    assert_eq!(s.text, "(`name` = ?)");
    assert_eq!(
        s.params,
        vec![mysql_common::Value::Bytes(b"x' OR 1=1 -- \\".to_vec())]
    );
}

#[test]
fn decimals_are_cast() {
    let d = Value::Decimal(Decimal {
        mantissa: -12345,
        scale: 2,
    });
    let e = Expr::cmp(CmpOp::Lt, Expr::col(3), Expr::Literal(d), Collation::Binary);
    assert_eq!(text(&e).unwrap(), "(`k` < CAST(? AS DECIMAL(5,2)))");
    let small = Value::Decimal(Decimal {
        mantissa: 5,
        scale: 3,
    });
    let mut s = Sql::default();
    s.value(&small);
    assert_eq!(s.text, "CAST(? AS DECIMAL(4,3))");
}

#[test]
fn every_shape_renders() {
    let c = Collation::Utf8mb4GeneralCi;
    let cases: Vec<(Expr, &str)> = vec![
        (
            Expr::Unary {
                op: UnaryOp::Neg,
                arg: Box::new(Expr::col(3)),
            },
            "(-`k`)",
        ),
        (
            Expr::Unary {
                op: UnaryOp::Not,
                arg: Box::new(Expr::col(3)),
            },
            "(NOT `k`)",
        ),
        (
            Expr::Binary {
                op: BinaryOp::IntDiv,
                left: Box::new(Expr::col(3)),
                right: Box::new(Expr::lit(2i64)),
            },
            "(`k` DIV ?)",
        ),
        (
            Expr::and(
                eq(Expr::col(3), Expr::lit(1i64), c),
                Expr::IsNull {
                    arg: Box::new(Expr::col(1)),
                    negated: true,
                },
            ),
            "((`k` = ?) AND (`name` IS NOT NULL))",
        ),
        (
            Expr::IsBool {
                arg: Box::new(Expr::col(3)),
                value: false,
                negated: true,
            },
            "(`k` IS NOT FALSE)",
        ),
        (
            Expr::Like {
                arg: Box::new(Expr::col(1)),
                pattern: Box::new(Expr::lit("a%")),
                escape: b'\\',
                negated: false,
                collation: c,
            },
            "(`name` LIKE ? ESCAPE '\\\\')",
        ),
        (
            Expr::Like {
                arg: Box::new(Expr::col(1)),
                pattern: Box::new(Expr::lit("a%")),
                escape: b'\'',
                negated: true,
                collation: c,
            },
            "(`name` NOT LIKE ? ESCAPE '''')",
        ),
        (
            Expr::InList {
                arg: Box::new(Expr::col(3)),
                list: vec![Expr::lit(1i64), Expr::Param(0)],
                negated: false,
                collation: c,
            },
            "(`k` IN (?, ?))",
        ),
        (
            Expr::Between {
                arg: Box::new(Expr::col(3)),
                low: Box::new(Expr::lit(1i64)),
                high: Box::new(Expr::lit(5i64)),
                negated: true,
                collation: c,
            },
            "(`k` NOT BETWEEN ? AND ?)",
        ),
        (
            Expr::Case {
                operand: Some(Box::new(Expr::col(3))),
                branches: vec![(Expr::lit(1i64), Expr::lit("one"))],
                else_: Some(Box::new(Expr::lit("other"))),
                collation: c,
            },
            "(CASE `k` WHEN ? THEN ? ELSE ? END)",
        ),
        (
            Expr::Cast {
                arg: Box::new(Expr::col(1)),
                to: CastType::Decimal {
                    precision: 10,
                    scale: 2,
                },
            },
            "CAST(`name` AS DECIMAL(10,2))",
        ),
        (
            Expr::Func {
                name: "IFNULL",
                args: vec![Expr::col(3), Expr::lit(0i64)],
                collation: Default::default(),
            },
            "IFNULL(`k`, ?)",
        ),
    ];
    for (e, want) in cases {
        let params = [Value::Int(9)];
        assert_eq!(
            render_with(&e, &params).map(|s| s.text).as_deref(),
            Some(want),
            "{e:?}"
        );
    }
}

#[test]
fn what_cannot_be_pushed_is_refused() {
    let c = Collation::Utf8mb4GeneralCi;
    // The session answers these.
    assert_eq!(text(&Expr::Session(SessionRef::ConnectionId)), None);
    // Functions outside the list.
    let f = Expr::Func {
        name: "NULLIF",
        args: vec![Expr::col(1), Expr::lit("a")],
        collation: Default::default(),
    };
    assert_eq!(text(&f), None);
    // VALUES() outside ON DUPLICATE KEY UPDATE.
    assert_eq!(text(&Expr::InsertValue(1)), None);
    // A parameter that was not bound.
    assert_eq!(text(&Expr::Param(3)), None);
    // An ESCAPE that is not printable ASCII.
    let like = Expr::Like {
        arg: Box::new(Expr::col(1)),
        pattern: Box::new(Expr::lit("a")),
        escape: 0,
        negated: false,
        collation: c,
    };
    assert_eq!(text(&like), None);
    // A column that does not exist.
    assert_eq!(text(&Expr::col(99)), None);
}

#[test]
fn string_comparisons_need_the_same_collation() {
    let ci = Collation::Utf8mb4GeneralCi;
    let bin = Collation::Utf8mb4Bin;
    // Column collation as wanted (0900 is stored as general_ci).
    assert!(text(&eq(Expr::col(1), Expr::lit("a"), ci)).is_some());
    assert!(text(&eq(
        Expr::col(1),
        Expr::lit("a"),
        Collation::Utf8mb4_0900AiCi
    ))
    .is_some());
    // sqld compares case-sensitively but the node would not.
    assert!(text(&eq(Expr::col(1), Expr::lit("a"), bin)).is_none());
    assert!(text(&eq(Expr::col(4), Expr::lit("a"), bin)).is_some());
    // Two literals: the connection's collation.
    assert!(text(&eq(Expr::lit("a"), Expr::lit("A"), ci)).is_some());
    assert!(text(&eq(Expr::lit("a"), Expr::lit("A"), bin)).is_none());
    // Binary column: bytewise on both sides.
    assert!(text(&eq(Expr::col(2), Expr::lit("a"), Collation::Binary)).is_some());
    assert!(text(&eq(Expr::col(2), Expr::lit("a"), ci)).is_none());
    // Mixed text collations.
    assert!(text(&eq(Expr::col(1), Expr::col(4), bin)).is_none());
    // Numbers: collation does not matter.
    assert!(text(&eq(Expr::col(3), Expr::lit("5"), bin)).is_some());
}

#[test]
fn keys_render_as_in_lists() {
    let t = table();
    let mut s = Sql::default();
    keys_condition(&mut s, &t, &[vec![Value::Int(1)], vec![Value::Int(2)]]).unwrap();
    assert_eq!(s.text, "`id` IN (?, ?)");
    let mut s = Sql::default();
    keys_condition(&mut s, &t, &[vec![Value::Int(1)]]).unwrap();
    assert_eq!(s.text, "(`id` = ?)");
    let mut composite = table();
    composite.primary_key = vec![0, 3];
    let mut s = Sql::default();
    keys_condition(
        &mut s,
        &composite,
        &[
            vec![Value::Int(1), Value::Int(2)],
            vec![Value::Int(3), Value::Int(4)],
        ],
    )
    .unwrap();
    assert_eq!(s.text, "(`id`, `k`) IN ((?, ?), (?, ?))");
    assert_eq!(s.params.len(), 4);
    let mut s = Sql::default();
    assert!(keys_condition(&mut s, &composite, &[vec![Value::Int(1)]]).is_err());
}

#[test]
fn ranges_expand_prefix_bounds() {
    let t = table();
    let mut s = Sql::default();
    range_condition(
        &mut s,
        &t,
        None,
        &Bound::Included(vec![Value::Int(5)]),
        &Bound::Excluded(vec![Value::Int(9)]),
    )
    .unwrap();
    assert_eq!(s.text, "`id` >= ? AND `id` < ?");
    let mut s = Sql::default();
    range_condition(
        &mut s,
        &t,
        Some(7),
        &Bound::Excluded(vec![Value::Int(5), Value::from("m")]),
        &Bound::Unbounded,
    )
    .unwrap();
    assert_eq!(
        s.text,
        "(`k` >= ? AND (`k` > ? OR (`k` = ? AND `name` > ?)))"
    );
    // Upper bounds include NULLs, which sort first.
    let mut s = Sql::default();
    range_condition(
        &mut s,
        &t,
        Some(7),
        &Bound::Unbounded,
        &Bound::Included(vec![Value::Int(5)]),
    )
    .unwrap();
    assert_eq!(s.text, "(`k` IS NULL OR `k` <= ?)");
    // A NULL lower bound excluded: every non-NULL value.
    let mut s = Sql::default();
    range_condition(
        &mut s,
        &t,
        Some(7),
        &Bound::Excluded(vec![Value::Null]),
        &Bound::Unbounded,
    )
    .unwrap();
    assert_eq!(s.text, "`k` IS NOT NULL");
    let mut s = Sql::default();
    range_condition(&mut s, &t, None, &Bound::Unbounded, &Bound::Unbounded).unwrap();
    assert_eq!(s.text, "TRUE");
}

#[test]
fn order_follows_the_index_then_the_key() {
    let t = table();
    let mut s = Sql::default();
    order_by(&mut s, &t, Some(7), true).unwrap();
    assert_eq!(s.text, " ORDER BY `k` DESC, `name` DESC, `id` DESC");
    let mut s = Sql::default();
    order_by(&mut s, &t, None, false).unwrap();
    assert_eq!(s.text, " ORDER BY `id`");
    // Pushed ORDER BY keys first, each in its direction; the index columns
    // not among them after, in the access direction.
    let mut s = Sql::default();
    let order = [
        OrderKey {
            column: 1,
            desc: false,
        },
        OrderKey {
            column: 0,
            desc: true,
        },
    ];
    ordered_by(&mut s, &t, &order, Some(7), true).unwrap();
    assert_eq!(s.text, " ORDER BY `name`, `id` DESC, `k` DESC");
}

#[test]
fn odku_reads_the_insert_row() {
    let t = table();
    let scope = Scope {
        table: &t,
        params: &[],
        insert_values: true,
    };
    let e = Expr::Binary {
        op: BinaryOp::Add,
        left: Box::new(Expr::col(3)),
        right: Box::new(Expr::InsertValue(3)),
    };
    assert_eq!(expr(&e, &scope).unwrap().text, "(`k` + VALUES(`k`))");
}
