//! MySQL value semantics: the one home for comparison under collations,
//! implicit casts, integer/decimal/double arithmetic, NULL logic, LIKE,
//! scalar functions, coercion to column types, and text formatting.
//!
//! Checked against MariaDB 10.11.

use crate::error::{SqlResult, SqlWarning};
use crate::expr::{Expr, SessionRef};
use crate::schema::{Collation, ColumnDef};
use crate::value::Value;
use std::cmp::Ordering;

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

/// Evaluates `expr` over `row`.
pub fn eval(_expr: &Expr, _row: &[Value], _ctx: &mut EvalCtx) -> SqlResult<Value> {
    todo!("eval helper")
}

/// SQL truth of a value: NULL → None; numbers ≠ 0 → true; strings by their
/// numeric prefix, as MySQL does.
pub fn truth(_v: &Value) -> Option<bool> {
    todo!("eval helper")
}

/// Evaluates a filter: true only when the expression is true (not NULL).
pub fn matches(expr: &Expr, row: &[Value], ctx: &mut EvalCtx) -> SqlResult<bool> {
    Ok(truth(&eval(expr, row, ctx)?) == Some(true))
}

/// MySQL comparison of two non-NULL values; None when either is NULL.
pub fn compare(_a: &Value, _b: &Value, _collation: Collation) -> Option<Ordering> {
    todo!("eval helper")
}

/// Converts a value to what the column stores, as INSERT/UPDATE do. Strict
/// mode turns truncation and range problems into errors (1406, 1264, 1366);
/// otherwise the value is clipped and a warning pushed. `row` is the
/// 1-based row number used in messages.
pub fn coerce_to_column(
    _v: Value,
    _col: &ColumnDef,
    _strict: bool,
    _row: u64,
    _warnings: &mut Vec<SqlWarning>,
) -> SqlResult<Value> {
    todo!("eval helper")
}

/// The text-protocol form of a value (what `mysql` prints).
pub fn to_text(_v: &Value, _out: &mut Vec<u8>) {
    todo!("eval helper")
}
