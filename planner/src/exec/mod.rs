//! Running plans inside the session's transaction.
//!
//! A statement outside an explicit transaction (with autocommit on) runs in
//! a transaction of its own and commits. Inside one, a writing statement is
//! bracketed ([`ClusterTxn::begin_statement`]) so that when it fails only it
//! is rolled back, as InnoDB does; a deadlock rolls back the whole
//! transaction, and so does a lock wait timeout in cluster mode (the data
//! nodes' transactions are gone: [`ClusterTxn::is_rolled_back`]).

pub mod access;
pub mod ddl;
pub mod select;
pub mod write;

use crate::context::SessionCtx;
use crate::plan::Plan;
use crate::planner::Planner;
use crate::result::QueryResult;
use pushdown::cluster::ClusterTxn;
use pushdown::error::{SqlResult, SqlWarning};
use pushdown::eval::SessionEnv;
use pushdown::expr::Expr;
use pushdown::value::Value;
use std::sync::Arc;
use std::time::Duration;

/// A copy of `e` with session values (NOW(), @x, @@var) replaced by their
/// values, so that a data node can evaluate it.
pub fn inline_session(e: &Expr, session: &dyn SessionEnv) -> SqlResult<Expr> {
    let mut out = e.clone();
    let mut err = None;
    out.walk_mut(&mut |x| {
        if let Expr::Session(r) = x {
            match session.session_value(r) {
                Ok(v) => *x = Expr::Literal(v),
                Err(e) => {
                    err.get_or_insert(e);
                    *x = Expr::Literal(Value::Null);
                }
            }
        }
    });
    match err {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

pub async fn execute(
    planner: &Planner,
    plan: &Plan,
    columns: &Arc<[crate::ColumnMeta]>,
    params: &[Value],
    ctx: &mut SessionCtx,
) -> SqlResult<QueryResult> {
    match plan {
        Plan::Ddl(d) => return ddl::run(planner, d, ctx).await,
        Plan::Explain(inner) => {
            ctx.warnings.clear();
            return Ok(crate::explain::result(inner, planner));
        }
        Plan::Select(s) if s.source.is_none() || s.reads_system_view() => {
            let mut warnings = Vec::new();
            let rows = match &s.source {
                // information_schema: made here, no transaction involved,
                // from the cluster's latest catalog (DDL by another sqld
                // shows at once, as it would on one server).
                Some(source) => {
                    if planner.cluster().is_distributed() {
                        planner.refresh().await?;
                    }
                    select::run_view(s, source, &planner.catalog(), params, ctx, &mut warnings)
                }
                None => select::run(s, params, ctx, None, &mut warnings).await,
            };
            ctx.warnings = warnings;
            let rows = rows?;
            ctx.found_rows = rows.len() as u64;
            ctx.row_count = -1;
            return Ok(QueryResult::Rows {
                columns: select::result_columns(s, columns, params),
                rows,
            });
        }
        _ => {}
    }

    let read_only = plan.is_read_only();
    let persists = ctx.explicit_txn || !ctx.autocommit;
    let mut txn = match ctx.txn.take() {
        Some(t) => t,
        None => planner.cluster().begin(read_only && !persists),
    };
    if !read_only {
        // Only writes and locking reads wait for row locks.
        if let Some(t) = lock_wait_timeout(ctx) {
            txn.set_lock_wait_timeout(t);
        }
    }
    let bracketed = persists && !read_only;
    if bracketed {
        txn.begin_statement(one_write_request(plan));
    }
    let mut warnings = Vec::new();
    let result = run_in_txn(plan, columns, params, ctx, &mut txn, &mut warnings).await;
    ctx.warnings = warnings;
    match result {
        Ok(r) => {
            if persists {
                if bracketed {
                    txn.end_statement(true).await?;
                }
                ctx.txn = Some(txn);
            } else {
                txn.commit().await?;
            }
            match &r {
                QueryResult::Rows { rows, .. } => {
                    ctx.found_rows = rows.len() as u64;
                    ctx.row_count = -1;
                }
                QueryResult::Done {
                    affected,
                    last_insert_id,
                    ..
                } => {
                    ctx.row_count = *affected as i64;
                    if *last_insert_id != 0 {
                        ctx.last_insert_id = *last_insert_id;
                    }
                }
            }
            Ok(r)
        }
        Err(e) => {
            let gone = e.code == 1213 || txn.is_rolled_back();
            if gone || !persists {
                // A deadlock victim loses its whole transaction.
                let _ = txn.rollback().await;
                if gone {
                    ctx.explicit_txn = false;
                }
            } else {
                if bracketed {
                    let _ = txn.end_statement(false).await;
                }
                ctx.txn = Some(txn);
            }
            Err(e)
        }
    }
}

/// Whether the statement makes at most one write request (so that on a data
/// node that rolls back a failed write itself, it needs no savepoint).
fn one_write_request(plan: &Plan) -> bool {
    match plan {
        Plan::Insert(_) => true,
        Plan::Update(m) | Plan::Delete(m) => !matches!(
            m.source.access,
            crate::plan::access::AccessPlan::MultiRange { .. }
        ),
        _ => false,
    }
}

/// The session's innodb_lock_wait_timeout, when it has one.
fn lock_wait_timeout(ctx: &SessionCtx) -> Option<Duration> {
    let secs = match ctx
        .vars
        .system_var("innodb_lock_wait_timeout", false)
        .ok()?
    {
        Value::Int(i) if i > 0 => i as u64,
        Value::UInt(u) if u > 0 => u,
        Value::Bytes(b) => std::str::from_utf8(&b).ok()?.trim().parse().ok()?,
        _ => return None,
    };
    Some(Duration::from_secs(secs))
}

async fn run_in_txn(
    plan: &Plan,
    columns: &Arc<[crate::ColumnMeta]>,
    params: &[Value],
    session: &SessionCtx,
    txn: &mut ClusterTxn,
    warnings: &mut Vec<SqlWarning>,
) -> SqlResult<QueryResult> {
    match plan {
        Plan::Select(s) => {
            let rows = select::run(s, params, session, Some(txn), warnings).await?;
            Ok(QueryResult::Rows {
                columns: select::result_columns(s, columns, params),
                rows,
            })
        }
        Plan::Insert(i) => write::insert(i, params, session, txn, warnings).await,
        Plan::Update(m) => write::modify(m, true, params, session, txn, warnings).await,
        Plan::Delete(m) => write::modify(m, false, params, session, txn, warnings).await,
        Plan::Ddl(_) | Plan::Explain(_) => Ok(QueryResult::ok()),
    }
}
