//! Running INSERT, UPDATE and DELETE plans.

use super::select::{eval_ctx, read_source};
use super::{access, inline_session};
use crate::context::SessionCtx;
use crate::ops;
use crate::plan::{InsertPlan, InsertValue, ModifyPlan};
use crate::result::QueryResult;
use pushdown::cluster::ClusterTxn;
use pushdown::error::{er, SqlError, SqlResult, SqlWarning};
use pushdown::eval::{self, EvalCtx};
use pushdown::expr::Expr;
use pushdown::request::{Access, OnConflict, Write, WriteOutcome};
use pushdown::schema::{ColumnDef, ColumnDefault};
use pushdown::value::{Row, Value};
use std::borrow::Cow;

/// A column's value when the statement gives none (or DEFAULT).
fn default_value(
    col: &ColumnDef,
    session: &SessionCtx,
    strict: bool,
    warnings: &mut Vec<SqlWarning>,
) -> SqlResult<Value> {
    Ok(match &col.default {
        ColumnDefault::Value(v) => v.clone(),
        ColumnDefault::CurrentTimestamp => Value::DateTime(session.statement_time),
        ColumnDefault::None if col.nullable || col.auto_increment || col.hidden => Value::Null,
        ColumnDefault::None => {
            let msg = format!("Field '{}' doesn't have a default value", col.name);
            if strict {
                return Err(SqlError::code(1364, msg));
            }
            warnings.push(SqlWarning::new(1364, msg));
            eval::implicit_default(col)
        }
    })
}

pub async fn insert(
    plan: &InsertPlan,
    params: &[Value],
    session: &SessionCtx,
    txn: &mut ClusterTxn,
    warnings: &mut Vec<SqlWarning>,
) -> SqlResult<QueryResult> {
    let table = &plan.scope.table;
    crate::infoschema::refuse_write(table)?;
    let strict = session.strict && !plan.ignore;
    let mut ctx = eval_ctx(params, session);
    let mut rows: Vec<Row> = Vec::with_capacity(plan.rows.len());
    for (r, values) in plan.rows.iter().enumerate() {
        let row_no = r as u64 + 1;
        // Defaults first: a value may name a column set before it in the
        // row (`VALUES (1, a + 1)`), or one still at its default.
        let mut row = Vec::with_capacity(values.len());
        for (v, col) in values.iter().zip(&table.columns) {
            row.push(match v {
                InsertValue::Default => default_value(col, session, strict, &mut ctx.warnings)?,
                // Until its value is computed, a column reads as its default.
                InsertValue::Expr(_) => {
                    default_value(col, session, false, &mut Vec::new()).unwrap_or(Value::Null)
                }
            });
        }
        for (i, (v, col)) in values.iter().zip(&table.columns).enumerate() {
            let InsertValue::Expr(e) = v else {
                continue;
            };
            let before = ctx.warnings.len();
            let value = eval::eval(e, &row, &mut ctx)?;
            if strict {
                // As MariaDB: a warning raised while computing a stored
                // value ('1' + 'a' → 1292, 1/0 → 1365) is an error.
                if let Some(err) = eval::strict_error(&ctx.warnings[before..]) {
                    return Err(err);
                }
            }
            row[i] = if value.is_null() {
                if col.nullable || col.auto_increment || col.hidden {
                    Value::Null
                } else if strict || (!plan.multi_row && !plan.ignore) {
                    // A single-row INSERT refuses NULL even when not strict
                    // (INSERT IGNORE stores the implicit default).
                    return Err(er::bad_null(&col.name));
                } else {
                    ctx.warnings.push(SqlWarning::new(
                        1048,
                        format!("Column '{}' cannot be null", col.name),
                    ));
                    eval::implicit_default(col)
                }
            } else {
                eval::coerce_to_column(value, col, strict, row_no, &mut ctx.warnings)?
            };
        }
        rows.push(row);
    }
    let on_conflict = match &plan.on_conflict {
        OnConflict::Update(assignments) => OnConflict::Update(
            assignments
                .iter()
                .map(|(c, e)| Ok((*c, pushable(e, session)?.into_owned())))
                .collect::<SqlResult<Vec<_>>>()?,
        ),
        other => other.clone(),
    };
    let n = rows.len() as u64;
    warnings.append(&mut ctx.warnings);
    let out = txn
        .write(&Write::Insert {
            table: table.clone(),
            rows,
            on_conflict,
            params: params.to_vec(),
            strict,
        })
        .await?;
    let first_id = match table.auto_increment_column() {
        Some(c) if !table.columns[c].hidden => out.first_insert_id,
        _ => None,
    };
    let mut all_warnings = out.warnings;
    warnings.append(&mut all_warnings);
    // REPLACE counts a replaced row twice in affected rows: those are its
    // duplicates.
    let duplicates = match plan.on_conflict {
        OnConflict::Replace if out.duplicates == 0 => out.affected.saturating_sub(n),
        _ => out.duplicates,
    };
    let info = if plan.multi_row {
        format!(
            "Records: {n}  Duplicates: {duplicates}  Warnings: {}",
            warnings.len()
        )
    } else {
        String::new()
    };
    Ok(QueryResult::Done {
        affected: out.affected,
        last_insert_id: first_id.unwrap_or(0),
        info,
    })
}

/// The expression itself when a data node can evaluate it; otherwise a
/// copy with the session's values filled in.
fn pushable<'e>(e: &'e Expr, session: &SessionCtx) -> SqlResult<Cow<'e, Expr>> {
    if e.is_pushable() {
        Ok(Cow::Borrowed(e))
    } else {
        Ok(Cow::Owned(inline_session(e, session)?))
    }
}

/// UPDATE (with assignments) or DELETE.
pub async fn modify(
    plan: &ModifyPlan,
    is_update: bool,
    params: &[Value],
    session: &SessionCtx,
    txn: &mut ClusterTxn,
    warnings: &mut Vec<SqlWarning>,
) -> SqlResult<QueryResult> {
    let source = &plan.source;
    let table = &source.scope.table;
    crate::infoschema::refuse_write(table)?;
    let limit = match &plan.limit {
        Some(l) => ops::limit::bounds(l, params)?.1,
        None => None,
    };
    let assignments = plan
        .assignments
        .iter()
        .map(|(c, e)| Ok((*c, pushable(e, session)?.into_owned())))
        .collect::<SqlResult<Vec<_>>>()?;

    // Which rows, and with which filter.
    let (accesses, filter, limit) = if plan.sort.is_empty() {
        let mut ctx: EvalCtx = eval_ctx(params, session);
        let acc = access::evaluate(&source.access, table, &mut ctx)?;
        warnings.append(&mut ctx.warnings);
        let filter = if acc.exact {
            &source.filter
        } else {
            &source.full_filter
        };
        let filter = match filter {
            Some(f) => Some(pushable(f, session)?.into_owned()),
            None => None,
        };
        (acc.list, filter, limit)
    } else {
        // ORDER BY outside the access order: lock and read the keys, sort,
        // cut, then write by key.
        let mut rows = read_source(source, params, session, txn, warnings).await?;
        ops::sort::sort(&mut rows, &plan.sort);
        if let Some(l) = limit {
            rows.truncate(l.min(rows.len() as u64) as usize);
        }
        let pk = table.primary_key.len();
        let keys: Vec<Vec<Value>> = rows
            .into_iter()
            .map(|mut r| {
                r.truncate(pk);
                r
            })
            .collect();
        if keys.is_empty() {
            (Vec::new(), None, None)
        } else {
            (vec![Access::Keys(keys)], None, None)
        }
    };

    let mut total = WriteOutcome::default();
    let mut remaining = limit;
    for a in accesses {
        if remaining == Some(0) {
            break;
        }
        let req = if is_update {
            Write::Update {
                table: table.clone(),
                access: a,
                filter: filter.clone(),
                assignments: assignments.clone(),
                limit: remaining,
                params: params.to_vec(),
                strict: session.strict && !plan.ignore,
                ignore: plan.ignore,
            }
        } else {
            Write::Delete {
                table: table.clone(),
                access: a,
                filter: filter.clone(),
                limit: remaining,
                params: params.to_vec(),
            }
        };
        let mut out = txn.write(&req).await?;
        total.affected += out.affected;
        total.matched += out.matched;
        total.warnings.append(&mut out.warnings);
        if let Some(r) = &mut remaining {
            let used = if is_update { out.matched } else { out.affected };
            *r = r.saturating_sub(used);
        }
    }
    warnings.append(&mut total.warnings);
    let info = if is_update {
        format!(
            "Rows matched: {}  Changed: {}  Warnings: {}",
            total.matched,
            total.affected,
            warnings.len()
        )
    } else {
        String::new()
    };
    let affected = if is_update && session.client_found_rows {
        total.matched
    } else {
        total.affected
    };
    Ok(QueryResult::Done {
        affected,
        last_insert_id: 0,
        info,
    })
}
