//! OFFSET / LIMIT.

use crate::plan::LimitPlan;
use pushdown::error::{SqlError, SqlResult};
use pushdown::expr::Expr;
use pushdown::value::{Row, Value};

/// (offset, limit) of a LIMIT clause with the parameters bound.
pub fn bounds(plan: &LimitPlan, params: &[Value]) -> SqlResult<(u64, Option<u64>)> {
    let offset = match &plan.offset {
        Some(e) => count(e, params)?,
        None => 0,
    };
    let limit = match &plan.limit {
        Some(e) => Some(count(e, params)?),
        None => None,
    };
    Ok((offset, limit))
}

fn count(e: &Expr, params: &[Value]) -> SqlResult<u64> {
    let v = match e {
        Expr::Literal(v) => v,
        Expr::Param(i) => params.get(*i).unwrap_or(&Value::Null),
        _ => &Value::Null,
    };
    match v {
        Value::Int(i) if *i >= 0 => Ok(*i as u64),
        Value::UInt(u) => Ok(*u),
        Value::Bytes(b) => std::str::from_utf8(b)
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .ok_or_else(bad),
        _ => Err(bad()),
    }
}

fn bad() -> SqlError {
    SqlError::code(1210, "Incorrect arguments to LIMIT")
}

/// Keeps rows `offset .. offset + limit`.
pub fn apply(rows: &mut Vec<Row>, offset: u64, limit: Option<u64>) {
    let offset = offset.min(rows.len() as u64) as usize;
    if offset > 0 {
        rows.drain(..offset);
    }
    if let Some(l) = limit {
        rows.truncate(l.min(rows.len() as u64) as usize);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_and_limit() {
        let mut rows: Vec<Row> = (0..10).map(|i| vec![Value::Int(i)]).collect();
        apply(&mut rows, 8, Some(5));
        assert_eq!(rows, vec![vec![Value::Int(8)], vec![Value::Int(9)]]);
        let plan = LimitPlan {
            limit: Some(Expr::Param(0)),
            offset: Some(Expr::Literal(Value::Int(2))),
        };
        assert_eq!(bounds(&plan, &[Value::Int(3)]).unwrap(), (2, Some(3)));
        assert_eq!(bounds(&plan, &[Value::Int(-1)]).unwrap_err().code, 1210);
    }
}
