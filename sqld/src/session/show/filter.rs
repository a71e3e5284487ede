//! LIKE and WHERE on SHOW output. LIKE applies to the first column; WHERE
//! supports `col = 'x'`, `col LIKE 'x'`, `col IN (...)`, negations, joined
//! by AND / OR: what drivers send.

use crate::session::users::like_ci;
use planner::{ColumnMeta, QueryResult};
use pushdown::error::{er, SqlResult};
use pushdown::value::Value;
use std::sync::Arc;

/// A filter on SHOW output.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    None,
    /// LIKE on the first column.
    Like(String),
    /// WHERE: OR of ANDs of conditions.
    Where(Vec<Vec<Cond>>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cond {
    pub column: String,
    pub op: CondOp,
    pub negated: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CondOp {
    Eq(String),
    Like(String),
    In(Vec<String>),
}

/// Text of a value for comparisons in LIKE / WHERE.
pub(super) fn cell_text(v: &Value) -> String {
    match v {
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Null => String::new(),
        other => format!("{other:?}"),
    }
}

pub(super) fn apply_filter(
    f: &Filter,
    cols: &[ColumnMeta],
    rows: Vec<Vec<Value>>,
) -> SqlResult<Vec<Vec<Value>>> {
    match f {
        Filter::None => Ok(rows),
        Filter::Like(p) => Ok(rows
            .into_iter()
            .filter(|r| {
                r.first()
                    .is_some_and(|v| like_ci(p.as_bytes(), cell_text(v).as_bytes()))
            })
            .collect()),
        Filter::Where(ors) => {
            for c in ors.iter().flatten() {
                if !cols.iter().any(|m| m.name.eq_ignore_ascii_case(&c.column)) {
                    return Err(er::bad_field(&c.column, "where clause"));
                }
            }
            let holds = |row: &[Value], c: &Cond| {
                let i = cols
                    .iter()
                    .position(|m| m.name.eq_ignore_ascii_case(&c.column))
                    .unwrap_or(0);
                let v = row.get(i).map(cell_text).unwrap_or_default();
                let r = match &c.op {
                    CondOp::Eq(x) => v.eq_ignore_ascii_case(x),
                    CondOp::Like(p) => like_ci(p.as_bytes(), v.as_bytes()),
                    CondOp::In(xs) => xs.iter().any(|x| v.eq_ignore_ascii_case(x)),
                };
                r != c.negated
            };
            Ok(rows
                .into_iter()
                .filter(|r| ors.iter().any(|ands| ands.iter().all(|c| holds(r, c))))
                .collect())
        }
    }
}

pub(super) fn rows_result(
    cols: Arc<[ColumnMeta]>,
    rows: Vec<Vec<Value>>,
    f: &Filter,
) -> SqlResult<QueryResult> {
    let rows = apply_filter(f, &cols, rows)?;
    Ok(QueryResult::Rows {
        columns: cols,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::show::{columns, s, Col};

    #[test]
    fn filters_rows() {
        let cols = columns(&[Col::Text("Variable_name", 64), Col::Text("Value", 64)]);
        let rows = vec![vec![s("autocommit"), s("ON")], vec![s("sql_mode"), s("")]];
        let f = Filter::Where(vec![vec![Cond {
            column: "value".into(),
            op: CondOp::Eq("on".into()),
            negated: false,
        }]]);
        assert_eq!(apply_filter(&f, &cols, rows.clone()).unwrap().len(), 1);
        let f = Filter::Like("SQL\\_%".into());
        assert_eq!(
            apply_filter(&f, &cols, rows.clone()).unwrap()[0][0],
            s("sql_mode")
        );
        let f = Filter::Where(vec![vec![Cond {
            column: "nope".into(),
            op: CondOp::Eq("x".into()),
            negated: false,
        }]]);
        assert_eq!(apply_filter(&f, &cols, rows).unwrap_err().code, 1054);
    }
}
