//! SQL text for data nodes: quoted identifiers and `?` parameters, never
//! values pasted into text.
//!
//! An expression is rendered only when every node of it has the same
//! meaning in MariaDB as in sqld's evaluator (`crate::eval`); otherwise
//! [`expr`] answers None and the caller evaluates it locally. String
//! comparisons are the delicate part: MariaDB picks the collation from the
//! operands, sqld's binder has already picked one, so a comparison is sent
//! only when MariaDB would pick the same.

use super::values::to_param;
use crate::error::{SqlError, SqlResult};
use crate::expr::{BinaryOp, CastType, CmpOp, Expr, UnaryOp};
use crate::request::OrderKey;
use crate::schema::{Collation, ColumnType, TableDef};
use crate::value::Value;

/// Statement text and its parameters, in order.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Sql {
    pub text: String,
    pub params: Vec<mysql_common::Value>,
    /// Collects the parameters only: the text of this shape is already
    /// known (see `read::ShapeCache`), rendering it again is wasted work.
    params_only: bool,
}

impl Sql {
    pub fn new(text: &str) -> Sql {
        Sql {
            text: text.to_string(),
            ..Sql::default()
        }
    }
    pub fn with_params(text: String, params: Vec<mysql_common::Value>) -> Sql {
        Sql {
            text,
            params,
            params_only: false,
        }
    }
    /// Renders no text, only collects the parameters, in the order the
    /// same rendering with text would.
    pub fn params_only() -> Sql {
        Sql {
            params_only: true,
            ..Sql::default()
        }
    }
    /// An empty statement part that renders as `self` does.
    pub fn part(&self) -> Sql {
        Sql {
            params_only: self.params_only,
            ..Sql::default()
        }
    }
    pub fn push(&mut self, s: &str) {
        if !self.params_only {
            self.text.push_str(s);
        }
    }
    pub fn ident(&mut self, name: &str) -> SqlResult<()> {
        if !self.params_only {
            push_quoted_ident(&mut self.text, name)?;
        }
        Ok(())
    }
    /// `db`.`table`
    pub fn table(&mut self, t: &TableDef) -> SqlResult<()> {
        self.ident(&t.db)?;
        self.push(".");
        self.ident(&t.name)
    }
    /// A column of `t` by position.
    pub fn column(&mut self, t: &TableDef, c: usize) -> SqlResult<()> {
        let col = t
            .columns
            .get(c)
            .ok_or_else(|| crate::error::er::internal(format!("no column {c} in {}", t.name)))?;
        self.ident(&col.name)
    }
    /// One value as a parameter. DECIMAL is cast back from its text so the
    /// node computes with an exact decimal, as a DECIMAL literal would.
    pub fn value(&mut self, v: &Value) {
        if self.params_only {
        } else if let Value::Decimal(d) = v {
            let digits = d.mantissa.unsigned_abs().to_string().len() as u32;
            let precision = digits.max(d.scale as u32 + 1).clamp(1, 65);
            self.text.push_str(&format!(
                "CAST(? AS DECIMAL({precision},{}))",
                d.scale.min(38)
            ));
        } else {
            self.text.push('?');
        }
        self.params.push(to_param(v));
    }
    pub fn append(&mut self, other: Sql) {
        if !self.params_only {
            self.text.push_str(&other.text);
        }
        self.params.extend(other.params);
    }
}

/// A quoted identifier: backticks around, backticks inside doubled. MySQL
/// identifiers cannot hold NUL (nor, when quoted, anything else special).
pub fn quote_ident(name: &str) -> SqlResult<String> {
    let mut out = String::with_capacity(name.len() + 2);
    push_quoted_ident(&mut out, name)?;
    Ok(out)
}

/// [`quote_ident`] appended to `out`.
fn push_quoted_ident(out: &mut String, name: &str) -> SqlResult<()> {
    if name.is_empty() || name.contains('\0') {
        return Err(SqlError::code(
            1166,
            format!("Incorrect name '{}'", name.replace('\0', "\\0")),
        ));
    }
    out.reserve(name.len() + 2);
    out.push('`');
    if name.contains('`') {
        for ch in name.chars() {
            if ch == '`' {
                out.push('`');
            }
            out.push(ch);
        }
    } else {
        out.push_str(name);
    }
    out.push('`');
    Ok(())
}

/// A quoted string for the few places SQL takes no parameter (XA ids,
/// checked by the caller to be plain ASCII, and names in SHOW / ESCAPE).
pub fn quote_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for ch in s.chars() {
        match ch {
            '\'' => out.push_str("''"),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// How the data node stores the collation: it compares utf8mb4_0900_ai_ci
/// as utf8mb4_general_ci, as sqld does.
pub fn physical_collation(c: Collation) -> Collation {
    match c {
        Collation::Utf8mb4_0900AiCi => Collation::Utf8mb4GeneralCi,
        other => other,
    }
}

/// The connection collation of data-node sessions (SET NAMES).
const CONNECTION_COLLATION: Collation = Collation::Utf8mb4GeneralCi;

/// What rendering an expression may refer to.
pub struct Scope<'a> {
    pub table: &'a TableDef,
    pub params: &'a [Value],
    /// Inside ON DUPLICATE KEY UPDATE: `Expr::InsertValue` is `VALUES(col)`.
    pub insert_values: bool,
}

/// Scalar functions whose MariaDB form takes the same arguments and gives
/// the same result, collation aside (none of them compares strings).
const PUSHABLE_FUNCTIONS: &[&str] = &[
    "CONCAT",
    "CONCAT_WS",
    "LENGTH",
    "OCTET_LENGTH",
    "CHAR_LENGTH",
    "CHARACTER_LENGTH",
    "UPPER",
    "UCASE",
    "LOWER",
    "LCASE",
    "SUBSTRING",
    "SUBSTR",
    "MID",
    "LEFT",
    "RIGHT",
    "REVERSE",
    "REPEAT",
    "LPAD",
    "RPAD",
    "ABS",
    "FLOOR",
    "CEIL",
    "CEILING",
    "SIGN",
    "MOD",
    "IFNULL",
    "COALESCE",
    "IF",
];

/// Renders `e`, or None when some part of it cannot be sent with identical
/// semantics.
pub fn expr(e: &Expr, scope: &Scope) -> Option<Sql> {
    let mut out = Sql::default();
    render(&mut out, e, scope)?;
    Some(out)
}

fn render(out: &mut Sql, e: &Expr, s: &Scope) -> Option<()> {
    match e {
        Expr::Column(i) => out.column(s.table, *i).ok()?,
        Expr::Literal(v) => out.value(v),
        Expr::Param(i) => out.value(s.params.get(*i)?),
        Expr::InsertValue(i) if s.insert_values => {
            out.push("VALUES(");
            out.column(s.table, *i).ok()?;
            out.push(")");
        }
        Expr::InsertValue(_) | Expr::Session(_) => return None,
        Expr::Unary { op, arg } => {
            out.push(match op {
                UnaryOp::Neg => "(-",
                UnaryOp::Not => "(NOT ",
                UnaryOp::BitNot => "(~",
            });
            render(out, arg, s)?;
            out.push(")");
        }
        Expr::Binary { op, left, right } => {
            out.push("(");
            render(out, left, s)?;
            out.push(" ");
            out.push(binary_symbol(*op));
            out.push(" ");
            render(out, right, s)?;
            out.push(")");
        }
        Expr::Compare {
            op,
            left,
            right,
            collation,
        } => {
            same_collation(&[left, right], *collation, s, false)?;
            out.push("(");
            render(out, left, s)?;
            out.push(match op {
                CmpOp::Eq => " = ",
                CmpOp::NullSafeEq => " <=> ",
                CmpOp::Ne => " <> ",
                CmpOp::Lt => " < ",
                CmpOp::Le => " <= ",
                CmpOp::Gt => " > ",
                CmpOp::Ge => " >= ",
            });
            render(out, right, s)?;
            out.push(")");
        }
        Expr::IsNull { arg, negated } => {
            out.push("(");
            render(out, arg, s)?;
            out.push(if *negated {
                " IS NOT NULL)"
            } else {
                " IS NULL)"
            });
        }
        Expr::IsBool {
            arg,
            value,
            negated,
        } => {
            out.push("(");
            render(out, arg, s)?;
            out.push(if *negated { " IS NOT " } else { " IS " });
            out.push(if *value { "TRUE)" } else { "FALSE)" });
        }
        Expr::Like {
            arg,
            pattern,
            escape,
            negated,
            collation,
        } => {
            same_collation(&[arg, pattern], *collation, s, true)?;
            let escape = escape_literal(*escape)?;
            out.push("(");
            render(out, arg, s)?;
            out.push(if *negated { " NOT LIKE " } else { " LIKE " });
            render(out, pattern, s)?;
            out.push(" ESCAPE ");
            out.push(&escape);
            out.push(")");
        }
        Expr::InList {
            arg,
            list,
            negated,
            collation,
        } => {
            if list.is_empty() {
                return None;
            }
            for item in list {
                same_collation(&[arg, item], *collation, s, false)?;
            }
            out.push("(");
            render(out, arg, s)?;
            out.push(if *negated { " NOT IN (" } else { " IN (" });
            for (n, item) in list.iter().enumerate() {
                if n > 0 {
                    out.push(", ");
                }
                render(out, item, s)?;
            }
            out.push("))");
        }
        Expr::Between {
            arg,
            low,
            high,
            negated,
            collation,
        } => {
            same_collation(&[arg, low], *collation, s, false)?;
            same_collation(&[arg, high], *collation, s, false)?;
            out.push("(");
            render(out, arg, s)?;
            out.push(if *negated {
                " NOT BETWEEN "
            } else {
                " BETWEEN "
            });
            render(out, low, s)?;
            out.push(" AND ");
            render(out, high, s)?;
            out.push(")");
        }
        Expr::Case {
            operand,
            branches,
            else_,
            collation,
        } => {
            if let Some(o) = operand {
                for (w, _) in branches {
                    same_collation(&[o, w], *collation, s, false)?;
                }
            }
            out.push("(CASE");
            if let Some(o) = operand {
                out.push(" ");
                render(out, o, s)?;
            }
            for (w, t) in branches {
                out.push(" WHEN ");
                render(out, w, s)?;
                out.push(" THEN ");
                render(out, t, s)?;
            }
            if let Some(e) = else_ {
                out.push(" ELSE ");
                render(out, e, s)?;
            }
            out.push(" END)");
        }
        Expr::Cast { arg, to } => {
            out.push("CAST(");
            render(out, arg, s)?;
            out.push(" AS ");
            out.push(&cast_type(*to));
            out.push(")");
        }
        Expr::Func { name, args, .. } => {
            if !PUSHABLE_FUNCTIONS.contains(name) {
                return None;
            }
            out.push(name);
            out.push("(");
            for (n, a) in args.iter().enumerate() {
                if n > 0 {
                    out.push(", ");
                }
                render(out, a, s)?;
            }
            out.push(")");
        }
    }
    Some(())
}

fn binary_symbol(op: BinaryOp) -> &'static str {
    op.symbol()
}

fn cast_type(to: CastType) -> String {
    match to {
        CastType::Signed => "SIGNED".into(),
        CastType::Unsigned => "UNSIGNED".into(),
        // A FLOAT column cast to CHAR on the node prints its 6 digits too.
        CastType::Char(None) | CastType::FloatText => "CHAR".into(),
        CastType::Char(Some(n)) => format!("CHAR({n})"),
        CastType::Binary(None) => "BINARY".into(),
        CastType::Binary(Some(n)) => format!("BINARY({n})"),
        CastType::Decimal { precision, scale } => format!("DECIMAL({precision},{scale})"),
        CastType::Double => "DOUBLE".into(),
        CastType::Date => "DATE".into(),
        CastType::DateTime(fsp) => format!("DATETIME({fsp})"),
        CastType::Time(fsp) => format!("TIME({fsp})"),
    }
}

/// The ESCAPE character as a string literal; None for characters that
/// would need more than plain ASCII.
fn escape_literal(c: u8) -> Option<String> {
    match c {
        b'\\' => Some("'\\\\'".to_string()),
        b'\'' => Some("''''".to_string()),
        c if c.is_ascii_graphic() || c == b' ' => Some(format!("'{}'", c as char)),
        _ => None,
    }
}

/// What an operand is, for the collation MariaDB would compare it under.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// A number or a date: a comparison with it is not a string comparison.
    NotString,
    /// A text column with its (physical) collation.
    Text(Collation),
    /// A binary string column, or a cast to BINARY.
    Binary,
    /// A string literal or parameter: takes the other side's collation,
    /// the connection's when alone.
    Coercible,
    /// A string-valued expression whose collation is not followed here.
    Unknown,
}

fn kind(e: &Expr, s: &Scope) -> Kind {
    let value_kind = |v: &Value| match v {
        Value::Bytes(_) => Kind::Coercible,
        _ => Kind::NotString,
    };
    match e {
        Expr::Column(i) | Expr::InsertValue(i) => match s.table.columns.get(*i) {
            Some(c) if c.ty.is_text() => Kind::Text(physical_collation(c.collation)),
            Some(c) if c.ty.is_binary() => Kind::Binary,
            Some(_) => Kind::NotString,
            None => Kind::Unknown,
        },
        Expr::Literal(v) => value_kind(v),
        Expr::Param(i) => s.params.get(*i).map_or(Kind::Unknown, value_kind),
        Expr::Unary { .. }
        | Expr::Binary { .. }
        | Expr::Compare { .. }
        | Expr::IsNull { .. }
        | Expr::IsBool { .. }
        | Expr::Like { .. }
        | Expr::InList { .. }
        | Expr::Between { .. } => Kind::NotString,
        Expr::Cast { to, .. } => match to {
            CastType::Char(_) | CastType::FloatText => Kind::Text(CONNECTION_COLLATION),
            CastType::Binary(_) => Kind::Binary,
            _ => Kind::NotString,
        },
        Expr::Case { .. } | Expr::Func { .. } | Expr::Session(_) => Kind::Unknown,
    }
}

/// Some(()) when MariaDB compares these operands under `wanted` (or not as
/// strings at all). `always_string`: LIKE compares numbers as strings too.
fn same_collation(
    operands: &[&Expr],
    wanted: Collation,
    s: &Scope,
    always_string: bool,
) -> Option<()> {
    let wanted = physical_collation(wanted);
    let kinds: Vec<Kind> = operands.iter().map(|e| kind(e, s)).collect();
    if !always_string && kinds.contains(&Kind::NotString) {
        return Some(());
    }
    let mut text = None;
    let mut binary = false;
    let mut unknown = false;
    for k in &kinds {
        match k {
            Kind::Text(c) => {
                if text.is_some_and(|t| t != *c) {
                    return None;
                }
                text = Some(*c);
            }
            Kind::Binary => binary = true,
            Kind::Unknown => unknown = true,
            Kind::Coercible | Kind::NotString => {}
        }
    }
    let derived = if binary {
        Collation::Binary
    } else {
        text.unwrap_or(CONNECTION_COLLATION)
    };
    if binary && text.is_some() {
        return None;
    }
    if unknown && wanted != CONNECTION_COLLATION {
        return None;
    }
    (derived == wanted).then_some(())
}

// ---- statements --------------------------------------------------------

/// `ORDER BY` the index columns then the primary key (the order of an
/// index scan), descending when `reverse`.
pub fn order_by(out: &mut Sql, t: &TableDef, index: Option<u32>, reverse: bool) -> SqlResult<()> {
    ordered_by(out, t, &[], index, reverse)
}

/// ` ORDER BY` the `order` keys, then the index's columns and the primary
/// key's (those not already named) in the access direction.
pub fn ordered_by(
    out: &mut Sql,
    t: &TableDef,
    order: &[OrderKey],
    index: Option<u32>,
    reverse: bool,
) -> SqlResult<()> {
    let mut cols: Vec<(usize, bool)> = order.iter().map(|k| (k.column, k.desc)).collect();
    let index_cols = match index {
        None => &[][..],
        Some(id) => index_columns(t, id)?,
    };
    for &c in index_cols.iter().chain(&t.primary_key) {
        if !cols.iter().any(|&(x, _)| x == c) {
            cols.push((c, reverse));
        }
    }
    out.push(" ORDER BY ");
    for (n, &(c, desc)) in cols.iter().enumerate() {
        if n > 0 {
            out.push(", ");
        }
        out.column(t, c)?;
        if desc {
            out.push(" DESC");
        }
    }
    Ok(())
}

pub fn index_columns(t: &TableDef, id: u32) -> SqlResult<&[usize]> {
    t.indexes
        .iter()
        .find(|i| i.id == id)
        .map(|i| i.columns.as_slice())
        .ok_or_else(|| crate::error::er::internal(format!("table {} has no index {id}", t.name)))
}

/// `(c1 = ? AND c2 = ?)` for one key; NULL key parts as IS NULL.
fn key_equals(out: &mut Sql, t: &TableDef, cols: &[usize], key: &[Value]) -> SqlResult<()> {
    out.push("(");
    for (n, (&c, v)) in cols.iter().zip(key).enumerate() {
        if n > 0 {
            out.push(" AND ");
        }
        out.column(t, c)?;
        if v.is_null() {
            out.push(" IS NULL");
        } else {
            out.push(" = ");
            out.value(v);
        }
    }
    out.push(")");
    Ok(())
}

/// The rows with these primary keys: `pk IN (?, ...)`, or
/// `(a, b) IN ((?, ?), ...)` for a composite key.
pub fn keys_condition(out: &mut Sql, t: &TableDef, keys: &[Vec<Value>]) -> SqlResult<()> {
    let pk = &t.primary_key;
    for k in keys {
        if k.len() != pk.len() {
            return Err(crate::error::er::internal(format!(
                "key of {} values for a primary key of {}",
                k.len(),
                pk.len()
            )));
        }
    }
    if keys.is_empty() {
        out.push("FALSE");
        return Ok(());
    }
    if keys.len() == 1 {
        return key_equals(out, t, pk, &keys[0]);
    }
    if pk.len() == 1 {
        out.column(t, pk[0])?;
        out.push(" IN (");
        for (n, k) in keys.iter().enumerate() {
            if n > 0 {
                out.push(", ");
            }
            out.value(&k[0]);
        }
        out.push(")");
    } else {
        out.push("(");
        for (n, &c) in pk.iter().enumerate() {
            if n > 0 {
                out.push(", ");
            }
            out.column(t, c)?;
        }
        out.push(") IN (");
        for (n, k) in keys.iter().enumerate() {
            if n > 0 {
                out.push(", ");
            }
            out.push("(");
            for (m, v) in k.iter().enumerate() {
                if m > 0 {
                    out.push(", ");
                }
                out.value(v);
            }
            out.push(")");
        }
        out.push(")");
    }
    Ok(())
}

/// One side of a range on index columns, in index order, where NULL sorts
/// before every value (as in the embedded engine and InnoDB).
#[derive(Clone, Copy, PartialEq)]
enum Side {
    Lower { inclusive: bool },
    Upper { inclusive: bool },
}

/// `c > v` etc. with NULL as the smallest value.
fn compare_nullable(out: &mut Sql, t: &TableDef, c: usize, op: &str, v: &Value) -> SqlResult<()> {
    let nullable = t.columns.get(c).is_none_or(|d| d.nullable);
    match (op, v.is_null()) {
        (">", true) => {
            out.column(t, c)?;
            out.push(" IS NOT NULL");
        }
        (">=", true) => out.push("TRUE"),
        ("<", true) => out.push("FALSE"),
        ("<=", true) | ("=", true) => {
            out.push("(");
            out.column(t, c)?;
            out.push(" IS NULL)");
        }
        ("<", false) | ("<=", false) if nullable => {
            out.push("(");
            out.column(t, c)?;
            out.push(" IS NULL OR ");
            out.column(t, c)?;
            out.push(" ");
            out.push(op);
            out.push(" ");
            out.value(v);
            out.push(")");
        }
        _ => {
            out.column(t, c)?;
            out.push(" ");
            out.push(op);
            out.push(" ");
            out.value(v);
        }
    }
    Ok(())
}

/// Lexicographic bound on a prefix of index columns, expanded into plain
/// comparisons so that the node's range optimizer uses the index:
/// `c1 >= ? AND (c1 > ? OR (c1 = ? AND c2 >= ?))`.
fn bound_condition(
    out: &mut Sql,
    t: &TableDef,
    cols: &[usize],
    vals: &[Value],
    side: Side,
) -> SqlResult<()> {
    let n = vals.len().min(cols.len());
    if n == 0 {
        out.push("TRUE");
        return Ok(());
    }
    let (strict_op, last_op) = match side {
        Side::Lower { inclusive } => (">", if inclusive { ">=" } else { ">" }),
        Side::Upper { inclusive } => ("<", if inclusive { "<=" } else { "<" }),
    };
    if n > 1 {
        // The leading column alone, for the range optimizer.
        let lead = if strict_op == ">" { ">=" } else { "<=" };
        out.push("(");
        compare_nullable(out, t, cols[0], lead, &vals[0])?;
        out.push(" AND ");
    }
    fn nest(
        out: &mut Sql,
        t: &TableDef,
        cols: &[usize],
        vals: &[Value],
        i: usize,
        n: usize,
        ops: (&str, &str),
    ) -> SqlResult<()> {
        if i + 1 == n {
            return compare_nullable(out, t, cols[i], ops.1, &vals[i]);
        }
        out.push("(");
        compare_nullable(out, t, cols[i], ops.0, &vals[i])?;
        out.push(" OR (");
        compare_nullable(out, t, cols[i], "=", &vals[i])?;
        out.push(" AND ");
        nest(out, t, cols, vals, i + 1, n, ops)?;
        out.push("))");
        Ok(())
    }
    nest(out, t, cols, vals, 0, n, (strict_op, last_op))?;
    if n > 1 {
        out.push(")");
    }
    Ok(())
}

/// The condition of a range access (`TRUE` for a full scan).
pub fn range_condition(
    out: &mut Sql,
    t: &TableDef,
    index: Option<u32>,
    lower: &std::ops::Bound<Vec<Value>>,
    upper: &std::ops::Bound<Vec<Value>>,
) -> SqlResult<()> {
    use std::ops::Bound;
    let cols: &[usize] = match index {
        None => &t.primary_key,
        Some(id) => index_columns(t, id)?,
    };
    let mut parts = Vec::new();
    for (b, lower_side) in [(lower, true), (upper, false)] {
        let (vals, inclusive) = match b {
            Bound::Unbounded => continue,
            Bound::Included(v) => (v, true),
            Bound::Excluded(v) => (v, false),
        };
        let side = if lower_side {
            Side::Lower { inclusive }
        } else {
            Side::Upper { inclusive }
        };
        let mut part = out.part();
        bound_condition(&mut part, t, cols, vals, side)?;
        parts.push(part);
    }
    if parts.is_empty() {
        out.push("TRUE");
    }
    for (n, p) in parts.into_iter().enumerate() {
        if n > 0 {
            out.push(" AND ");
        }
        out.append(p);
    }
    Ok(())
}

/// The type of a column as the data node stores it. TIMESTAMP is kept as
/// DATETIME (sqld owns time zones); utf8mb4_0900_ai_ci as general_ci.
pub fn column_type(t: &TableDef, c: usize) -> SqlResult<String> {
    let col = t
        .columns
        .get(c)
        .ok_or_else(|| crate::error::er::internal(format!("no column {c} in {}", t.name)))?;
    let unsigned = if col.unsigned { " UNSIGNED" } else { "" };
    let charset = |base: String| {
        let coll = physical_collation(col.collation);
        format!(
            "{base} CHARACTER SET {} COLLATE {}",
            coll.charset(),
            coll.name()
        )
    };
    Ok(match col.ty {
        ColumnType::TinyInt => format!("TINYINT{unsigned}"),
        ColumnType::SmallInt => format!("SMALLINT{unsigned}"),
        ColumnType::MediumInt => format!("MEDIUMINT{unsigned}"),
        ColumnType::Int => format!("INT{unsigned}"),
        ColumnType::BigInt => format!("BIGINT{unsigned}"),
        ColumnType::Decimal { precision, scale } => {
            format!("DECIMAL({precision},{scale}){unsigned}")
        }
        ColumnType::Float => format!("FLOAT{unsigned}"),
        ColumnType::Double => format!("DOUBLE{unsigned}"),
        ColumnType::Char(n) => charset(format!("CHAR({n})")),
        ColumnType::VarChar(n) => charset(format!("VARCHAR({n})")),
        ColumnType::Text(n) => charset(text_size("TEXT", n).to_string()),
        ColumnType::Binary(n) => format!("BINARY({n})"),
        ColumnType::VarBinary(n) => format!("VARBINARY({n})"),
        ColumnType::Blob(n) => text_size("BLOB", n).to_string(),
        ColumnType::Date => "DATE".into(),
        ColumnType::DateTime(fsp) | ColumnType::Timestamp(fsp) => format!("DATETIME({fsp})"),
        ColumnType::Time(fsp) => format!("TIME({fsp})"),
        ColumnType::Year => "YEAR".into(),
        ColumnType::Null => {
            return Err(crate::error::er::internal(format!(
                "column {} has no storable type",
                col.name
            )))
        }
    })
}

fn text_size(base: &str, max_bytes: u32) -> String {
    let prefix = match max_bytes {
        0..=255 => "TINY",
        256..=65_535 => "",
        65_536..=16_777_215 => "MEDIUM",
        _ => "LONG",
    };
    format!("{prefix}{base}")
}

#[cfg(test)]
mod tests;
