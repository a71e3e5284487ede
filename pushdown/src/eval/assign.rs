//! The row an UPDATE (or ON DUPLICATE KEY UPDATE) leaves: one function for
//! every data node, so the embedded engine and a remote node's
//! read-modify-write path compute the same values and warnings.

use super::{coerce_to_column, eval, implicit_default, strict_error, EvalCtx};
use crate::error::{er, SqlResult, SqlWarning};
use crate::expr::Expr;
use crate::schema::TableDef;
use crate::value::{Row, Value};

/// The row after SET: assignments run left to right, each seeing the ones
/// before it (as MySQL's single-table UPDATE does); a changed row also gets
/// its ON UPDATE CURRENT_TIMESTAMP columns refreshed. `row_no` (1-based)
/// names the row in strict-mode messages.
pub fn assign(
    table: &TableDef,
    old: &[Value],
    assignments: &[(usize, Expr)],
    ctx: &mut EvalCtx,
    strict: bool,
    row_no: u64,
) -> SqlResult<Row> {
    let mut new = old.to_vec();
    for (c, e) in assignments {
        let col = table
            .columns
            .get(*c)
            .ok_or_else(|| er::internal(format!("no column {c} in {}", table.name)))?;
        let before = ctx.warnings.len();
        let v = eval(e, &new, ctx)?;
        if strict {
            // 1292 / 1365 raised while computing the value fail the statement.
            if let Some(err) = strict_error(&ctx.warnings[before..]) {
                return Err(err);
            }
        }
        new[*c] = if v.is_null() && !col.nullable {
            // SET not_null_column = NULL: 1048, or outside strict mode (and
            // in UPDATE IGNORE) a warning and the column's implicit default.
            if strict {
                return Err(er::bad_null(&col.name));
            }
            let warning = SqlWarning::new(1048, er::bad_null(&col.name).message);
            super::cast::push_warning(&mut ctx.warnings, warning);
            implicit_default(col)
        } else {
            coerce_to_column(v, col, strict, row_no, &mut ctx.warnings)?
        };
    }
    if new != old {
        for (i, col) in table.columns.iter().enumerate() {
            if col.on_update_current_timestamp && !assignments.iter().any(|(c, _)| *c == i) {
                new[i] = Value::DateTime(now_utc());
            }
        }
    }
    Ok(new)
}

/// The current UTC time to the second (sqld keeps TIMESTAMP values in UTC).
pub fn now_utc() -> crate::value::DateTime {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    super::temporal::from_unix_seconds(secs, 0).unwrap_or_default()
}
