//! MySQL value semantics: the one home for comparison under collations,
//! implicit casts, integer/decimal/double arithmetic, NULL logic, LIKE,
//! scalar functions, coercion to column types, and text formatting.
//!
//! Checked against MariaDB 10.11.
//!
//! - [`mod@compare`]: comparison and collations
//! - [`cast`]: conversions between kinds, CAST, warnings for partial numbers
//! - [`arith`]: + - * / DIV % and bit operators, overflow (1690), division by zero (1365)
//! - [`decimal`]: exact DECIMAL arithmetic
//! - [`temporal`]: DATE / DATETIME / TIME parsing, formatting, calendar
//! - [`like`]: LIKE patterns
//! - [`functions`]: scalar functions by name
//! - [`coerce`]: the value a column stores (INSERT / UPDATE)
//! - [`assign`]: the row an UPDATE leaves
//! - [`text`]: text-protocol rendering

pub mod arith;
mod assign;
pub mod cast;
pub mod coerce;
pub mod compare;
pub mod decimal;
mod digest;
pub mod functions;
pub mod like;
pub mod temporal;
pub mod text;

use crate::error::{er, SqlError, SqlResult, SqlWarning};
use crate::expr::{BinaryOp, CmpOp, Expr, SessionRef, UnaryOp};
use crate::schema::{Collation, ColumnDef};
use crate::value::Value;
use std::borrow::Cow;
use std::cmp::Ordering;

pub use assign::{assign, now_utc};
pub use cast::{to_datetime, to_decimal, to_f64, to_i64, to_string_bytes, to_time, to_u64};
pub use coerce::implicit_default;
pub use compare::{compare_str, compare_warn, pad_cmp, sort_key};
pub use functions::{function_arity, function_names, function_result_type, is_known_function};
pub use text::{format_double, format_float, to_text_typed};

/// What evaluation needs besides the row: bound parameters, the session (for
/// `Expr::Session`), and where warnings go.
pub struct EvalCtx<'a> {
    pub params: &'a [Value],
    /// None on a data node: `Expr::Session` is never pushed there.
    pub session: Option<&'a dyn SessionEnv>,
    /// The row an INSERT tried to add, for `Expr::InsertValue`.
    pub insert_row: Option<&'a [Value]>,
    pub warnings: Vec<SqlWarning>,
}

/// The session's answers to `Expr::Session`.
pub trait SessionEnv: Send + Sync {
    fn session_value(&self, r: &SessionRef) -> SqlResult<Value>;
    /// `LAST_INSERT_ID(expr)` was evaluated: the session takes `id` as its
    /// LAST_INSERT_ID() once the statement succeeds.
    fn set_last_insert_id(&self, _id: u64) {}
    /// KILL QUERY was issued against the running statement: long waits
    /// inside evaluation (SLEEP) stop with 1317.
    fn is_killed(&self) -> bool {
        false
    }
}

impl<'a> EvalCtx<'a> {
    pub fn new(params: &'a [Value]) -> Self {
        EvalCtx {
            params,
            session: None,
            insert_row: None,
            warnings: Vec::new(),
        }
    }
}

fn bool_value(b: bool) -> Value {
    Value::Int(b as i64)
}

fn tri(b: Option<bool>) -> Value {
    b.map_or(Value::Null, bool_value)
}

/// Evaluates `expr`, borrowing instead of cloning when it is a column,
/// literal or parameter: filters over wide rows compare without copying.
fn eval_ref<'r, 'p: 'r>(
    expr: &'r Expr,
    row: &'r [Value],
    ctx: &mut EvalCtx<'p>,
) -> SqlResult<Cow<'r, Value>> {
    match expr {
        Expr::Column(i) => row
            .get(*i)
            .map(Cow::Borrowed)
            .ok_or_else(|| er::internal(format!("column {i} is not in the row"))),
        Expr::Literal(v) => Ok(Cow::Borrowed(v)),
        Expr::Param(i) => {
            let params: &'p [Value] = ctx.params;
            params.get(*i).map(Cow::Borrowed).ok_or_else(missing_param)
        }
        other => eval(other, row, ctx).map(Cow::Owned),
    }
}

fn missing_param() -> SqlError {
    SqlError::code(1210, "Incorrect arguments to EXECUTE")
}

/// Evaluates `expr` over `row`.
pub fn eval(expr: &Expr, row: &[Value], ctx: &mut EvalCtx) -> SqlResult<Value> {
    match expr {
        Expr::Column(i) => row
            .get(*i)
            .cloned()
            .ok_or_else(|| er::internal(format!("column {i} is not in the row"))),
        Expr::Literal(v) => Ok(v.clone()),
        Expr::Param(i) => ctx.params.get(*i).cloned().ok_or_else(missing_param),
        // VALUES(col) outside ON DUPLICATE KEY UPDATE is NULL, as in MySQL.
        Expr::InsertValue(i) => Ok(ctx
            .insert_row
            .and_then(|r| r.get(*i).cloned())
            .unwrap_or(Value::Null)),
        Expr::Session(r) => match ctx.session {
            Some(s) => s.session_value(r),
            None => Err(er::internal(
                "a session value was evaluated where no session exists",
            )),
        },
        Expr::Unary { op, arg } => {
            let v = eval_ref(arg, row, ctx)?;
            match op {
                UnaryOp::Neg => arith::negate(&v, &mut ctx.warnings),
                UnaryOp::Not => Ok(tri(truth_warn(&v, &mut ctx.warnings).map(|b| !b))),
                UnaryOp::BitNot => Ok(arith::bit_not(&v, &mut ctx.warnings)),
            }
        }
        Expr::Binary { op, left, right } => eval_binary(*op, left, right, row, ctx),
        Expr::Compare {
            op,
            left,
            right,
            collation,
        } => {
            let a = eval_ref(left, row, ctx)?;
            let b = eval_ref(right, row, ctx)?;
            Ok(compare_op(*op, &a, &b, *collation, &mut ctx.warnings))
        }
        Expr::IsNull { arg, negated } => {
            let v = eval_ref(arg, row, ctx)?;
            Ok(bool_value(v.is_null() != *negated))
        }
        Expr::IsBool {
            arg,
            value,
            negated,
        } => {
            let v = eval_ref(arg, row, ctx)?;
            let is = truth_warn(&v, &mut ctx.warnings) == Some(*value);
            Ok(bool_value(is != *negated))
        }
        Expr::Like {
            arg,
            pattern,
            escape,
            negated,
            collation,
        } => {
            let v = eval_ref(arg, row, ctx)?;
            let p = eval_ref(pattern, row, ctx)?;
            if v.is_null() || p.is_null() {
                return Ok(Value::Null);
            }
            let text = text_of(&v);
            let pat = text_of(&p);
            Ok(bool_value(
                like::like(&text, &pat, *escape, *collation) != *negated,
            ))
        }
        Expr::InList {
            arg,
            list,
            negated,
            collation,
        } => {
            let v = eval_ref(arg, row, ctx)?;
            if v.is_null() {
                return Ok(Value::Null);
            }
            let mut saw_null = false;
            for item in list {
                let x = eval_ref(item, row, ctx)?;
                match compare_warn(&v, &x, *collation, &mut ctx.warnings) {
                    Some(Ordering::Equal) => return Ok(bool_value(!*negated)),
                    None => saw_null = true,
                    Some(_) => {}
                }
            }
            Ok(if saw_null {
                Value::Null
            } else {
                bool_value(*negated)
            })
        }
        Expr::Between {
            arg,
            low,
            high,
            negated,
            collation,
        } => {
            let v = eval_ref(arg, row, ctx)?;
            let lo = eval_ref(low, row, ctx)?;
            let hi = eval_ref(high, row, ctx)?;
            let ge =
                compare_warn(&v, &lo, *collation, &mut ctx.warnings).map(|o| o != Ordering::Less);
            let le = compare_warn(&v, &hi, *collation, &mut ctx.warnings)
                .map(|o| o != Ordering::Greater);
            let within = and3(ge, le);
            Ok(tri(within.map(|b| b != *negated)))
        }
        Expr::Case {
            operand,
            branches,
            else_,
            collation,
        } => {
            let subject = match operand {
                Some(o) => Some(eval_ref(o, row, ctx)?),
                None => None,
            };
            for (when, then) in branches {
                let w = eval_ref(when, row, ctx)?;
                let hit = match &subject {
                    Some(s) => {
                        compare_warn(s, &w, *collation, &mut ctx.warnings) == Some(Ordering::Equal)
                    }
                    None => truth_warn(&w, &mut ctx.warnings) == Some(true),
                };
                if hit {
                    return eval(then, row, ctx);
                }
            }
            match else_ {
                Some(e) => eval(e, row, ctx),
                None => Ok(Value::Null),
            }
        }
        Expr::Cast { arg, to } => {
            let v = eval_ref(arg, row, ctx)?;
            Ok(cast::cast(&v, *to, &mut ctx.warnings))
        }
        Expr::Func {
            name,
            args,
            collation,
        } => {
            let v = functions::call(name, args, *collation, row, ctx)?;
            if *name == "LAST_INSERT_ID" {
                // MySQL's side effect: LAST_INSERT_ID(expr) also becomes
                // what LAST_INSERT_ID() returns after the statement.
                if let Some(session) = ctx.session {
                    session.set_last_insert_id(cast::to_u64(&v, &mut ctx.warnings).unwrap_or(0));
                }
            }
            Ok(v)
        }
    }
}

/// The bytes of a string value without copying; the text form otherwise.
fn text_of(v: &Value) -> Cow<'_, [u8]> {
    match v {
        Value::Bytes(b) => Cow::Borrowed(b),
        other => Cow::Owned(to_string_bytes(other).unwrap_or_default()),
    }
}

fn and3(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

fn eval_binary(
    op: BinaryOp,
    left: &Expr,
    right: &Expr,
    row: &[Value],
    ctx: &mut EvalCtx,
) -> SqlResult<Value> {
    match op {
        BinaryOp::And => {
            let a = eval(left, row, ctx)?;
            let a = truth_warn(&a, &mut ctx.warnings);
            if a == Some(false) {
                return Ok(bool_value(false));
            }
            let b = eval(right, row, ctx)?;
            Ok(tri(and3(a, truth_warn(&b, &mut ctx.warnings))))
        }
        BinaryOp::Or => {
            let a = eval(left, row, ctx)?;
            let a = truth_warn(&a, &mut ctx.warnings);
            if a == Some(true) {
                return Ok(bool_value(true));
            }
            let b = eval(right, row, ctx)?;
            Ok(tri(match (a, truth_warn(&b, &mut ctx.warnings)) {
                (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            }))
        }
        BinaryOp::Xor => {
            let a = eval(left, row, ctx)?;
            let b = eval(right, row, ctx)?;
            let (a, b) = (
                truth_warn(&a, &mut ctx.warnings),
                truth_warn(&b, &mut ctx.warnings),
            );
            Ok(tri(a.zip(b).map(|(x, y)| x != y)))
        }
        BinaryOp::Add
        | BinaryOp::Sub
        | BinaryOp::Mul
        | BinaryOp::Div
        | BinaryOp::IntDiv
        | BinaryOp::Mod => {
            let a = eval_ref(left, row, ctx)?;
            let b = eval_ref(right, row, ctx)?;
            arith::arith(op, &a, &b, &mut ctx.warnings)
        }
        BinaryOp::BitAnd | BinaryOp::BitOr | BinaryOp::BitXor | BinaryOp::Shl | BinaryOp::Shr => {
            let a = eval_ref(left, row, ctx)?;
            let b = eval_ref(right, row, ctx)?;
            arith::bit_op(op, &a, &b, &mut ctx.warnings)
        }
    }
}

/// The value of `a op b` for a comparison operator: 1, 0 or NULL (`<=>`
/// never NULL).
pub fn compare_op(
    op: CmpOp,
    a: &Value,
    b: &Value,
    collation: Collation,
    w: &mut Vec<SqlWarning>,
) -> Value {
    if op == CmpOp::NullSafeEq {
        return bool_value(match (a.is_null(), b.is_null()) {
            (true, true) => true,
            (true, false) | (false, true) => false,
            _ => compare_warn(a, b, collation, w) == Some(Ordering::Equal),
        });
    }
    let Some(ord) = compare_warn(a, b, collation, w) else {
        return Value::Null;
    };
    bool_value(match op {
        CmpOp::Eq | CmpOp::NullSafeEq => ord == Ordering::Equal,
        CmpOp::Ne => ord != Ordering::Equal,
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::Le => ord != Ordering::Greater,
        CmpOp::Gt => ord == Ordering::Greater,
        CmpOp::Ge => ord != Ordering::Less,
    })
}

/// SQL truth of a value: NULL → None; numbers ≠ 0 → true; strings by their
/// numeric prefix, as MySQL does.
pub fn truth(v: &Value) -> Option<bool> {
    truth_warn(v, &mut Vec::new())
}

/// [`truth`], with the warning a non-numeric string gives.
pub fn truth_warn(v: &Value, w: &mut Vec<SqlWarning>) -> Option<bool> {
    Some(match v {
        Value::Null => return None,
        Value::Int(i) => *i != 0,
        Value::UInt(u) => *u != 0,
        Value::Double(f) => *f != 0.0,
        Value::Decimal(d) => !d.is_zero(),
        Value::Bytes(b) => cast::str_to_f64(b, w) != 0.0,
        Value::Date(d) | Value::DateTime(d) => *d != crate::value::DateTime::default(),
        Value::Time(t) => temporal::time_to_micros(t) != 0,
    })
}

/// Evaluates a filter: true only when the expression is true (not NULL).
pub fn matches(expr: &Expr, row: &[Value], ctx: &mut EvalCtx) -> SqlResult<bool> {
    let v = eval(expr, row, ctx)?;
    Ok(truth_warn(&v, &mut ctx.warnings) == Some(true))
}

/// MySQL comparison of two non-NULL values; None when either is NULL.
pub fn compare(a: &Value, b: &Value, collation: Collation) -> Option<Ordering> {
    compare::compare(a, b, collation)
}

/// Converts a value to what the column stores, as INSERT/UPDATE do. Strict
/// mode turns truncation and range problems into errors (1406, 1264, 1366);
/// otherwise the value is clipped and a warning pushed. `row` is the
/// 1-based row number used in messages.
pub fn coerce_to_column(
    v: Value,
    col: &ColumnDef,
    strict: bool,
    row: u64,
    warnings: &mut Vec<SqlWarning>,
) -> SqlResult<Value> {
    coerce::coerce(v, col, strict, row, warnings)
}

/// Strict mode for the values an INSERT or UPDATE stores: a warning (not a
/// note) raised while computing them is an error with the same code and
/// message — MariaDB rejects `INSERT ... VALUES ('1' + 'a')` with 1292 and
/// `VALUES (1/0)` with 1365 under STRICT_TRANS_TABLES. Pass the warnings
/// the value's evaluation added; None when they are all notes.
pub fn strict_error(warnings: &[SqlWarning]) -> Option<SqlError> {
    warnings
        .iter()
        .find(|w| w.level != crate::error::WarningLevel::Note)
        .map(|w| SqlError::code(w.code, w.message.clone()))
}

/// The text-protocol form of a value (what `mysql` prints).
pub fn to_text(v: &Value, out: &mut Vec<u8>) {
    text::to_text(v, out)
}

#[cfg(test)]
mod tests;
