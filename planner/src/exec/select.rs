//! Running a SELECT plan: read through the chosen access, then the local
//! stages (aggregate, HAVING, output, DISTINCT, sort, LIMIT).

use super::access;
use super::inline_session;
use crate::bind::types::TypeEnv;
use crate::bind::AggFunc;
use crate::context::SessionCtx;
use crate::ops;
use crate::plan::{SelectPlan, Source};
use crate::ColumnMeta;
use pushdown::cluster::ClusterTxn;
use pushdown::error::{SqlResult, SqlWarning};
use pushdown::eval::{self, EvalCtx};
use pushdown::expr::Expr;
use pushdown::request::{PartialAgg, Read};
use pushdown::value::{Row, Value};
use std::sync::Arc;

pub fn eval_ctx<'a>(params: &'a [Value], session: &'a SessionCtx) -> EvalCtx<'a> {
    EvalCtx {
        params,
        session: Some(session),
        insert_row: None,
        warnings: Vec::new(),
    }
}

/// The requests that read a source: one per access (several for a
/// multi-range), with the filter the key values allow.
fn source_reads(
    source: &Source,
    params: &[Value],
    session: &SessionCtx,
    warnings: &mut Vec<SqlWarning>,
) -> SqlResult<Vec<Read>> {
    let table = &source.scope.table;
    let mut ctx = eval_ctx(params, session);
    let accesses = access::evaluate(&source.access, table, &mut ctx)?;
    warnings.append(&mut ctx.warnings);
    let filter = if accesses.exact {
        &source.filter
    } else {
        &source.full_filter
    };
    let filter = match filter {
        Some(f) if !f.is_pushable() => Some(inline_session(f, session)?),
        Some(f) => Some(f.clone()),
        None => None,
    };
    let limit = match &source.limit {
        Some(l) => {
            let (offset, limit) = ops::limit::bounds(l, params)?;
            limit.map(|l| l.saturating_add(offset))
        }
        None => None,
    };
    // Parameters are only read by the filter.
    let read_params = if filter.is_some() {
        params.to_vec()
    } else {
        Vec::new()
    };
    Ok(accesses
        .list
        .into_iter()
        .map(|a| Read {
            table: table.clone(),
            access: a,
            filter: filter.clone(),
            projection: source.projection.clone(),
            limit,
            lock: source.lock,
            params: read_params.clone(),
        })
        .collect())
}

/// Reads the rows of a source.
pub async fn read_source(
    source: &Source,
    params: &[Value],
    session: &SessionCtx,
    txn: &mut ClusterTxn,
    warnings: &mut Vec<SqlWarning>,
) -> SqlResult<Vec<Row>> {
    let mut rows = Vec::new();
    for req in source_reads(source, params, session, warnings)? {
        let mut part = txn.read(&req).await?;
        if rows.is_empty() {
            rows = part;
        } else {
            rows.append(&mut part);
        }
    }
    Ok(rows)
}

/// The partial aggregates data nodes can compute for a plan: COUNT, SUM,
/// MIN, MAX and AVG (as SUM and COUNT) of plain columns, without GROUP BY,
/// DISTINCT aggregates or a filter left to run here. With, per aggregate
/// of the plan, the positions of its partials.
pub(crate) fn partial_aggregates(
    plan: &SelectPlan,
    source: &Source,
) -> Option<(Vec<PartialAgg>, Vec<Vec<usize>>)> {
    if !plan.aggregated
        || !plan.group_by.is_empty()
        || plan.pre_filter.is_some()
        || source.limit.is_some()
        || plan.aggregates.is_empty()
    {
        return None;
    }
    let column = |e: &Option<Expr>| match e {
        Some(Expr::Column(i)) => Some(
            source
                .projection
                .as_ref()
                .map_or(Some(*i), |p| p.get(*i).copied())?,
        ),
        _ => None,
    };
    let mut partials: Vec<PartialAgg> = Vec::new();
    let mut slot = |p: PartialAgg| match partials.iter().position(|x| *x == p) {
        Some(i) => i,
        None => {
            partials.push(p);
            partials.len() - 1
        }
    };
    let mut slots = Vec::with_capacity(plan.aggregates.len());
    for a in &plan.aggregates {
        if a.distinct {
            return None;
        }
        slots.push(match a.func {
            AggFunc::CountStar => vec![slot(PartialAgg::CountStar)],
            AggFunc::Count => vec![slot(PartialAgg::Count(column(&a.arg)?))],
            AggFunc::Sum => vec![slot(PartialAgg::Sum(column(&a.arg)?))],
            AggFunc::Min => vec![slot(PartialAgg::Min(column(&a.arg)?))],
            AggFunc::Max => vec![slot(PartialAgg::Max(column(&a.arg)?))],
            AggFunc::Avg => {
                let c = column(&a.arg)?;
                vec![slot(PartialAgg::Sum(c)), slot(PartialAgg::Count(c))]
            }
            // The others have no partial form: finished here from the rows.
            _ => return None,
        });
    }
    Some((partials, slots))
}

/// Aggregates computed on the data nodes (in SQL on remote ones, while
/// scanning in the embedded engine) and finished here, when they can
/// (None: read the rows instead).
async fn read_aggregated(
    plan: &SelectPlan,
    source: &Source,
    params: &[Value],
    session: &SessionCtx,
    txn: &mut ClusterTxn,
    warnings: &mut Vec<SqlWarning>,
    input_width: usize,
) -> SqlResult<Option<Vec<Row>>> {
    let Some((partials, slots)) = partial_aggregates(plan, source) else {
        return Ok(None);
    };
    let mut rows = Vec::new();
    let mut w = Vec::new();
    for req in source_reads(source, params, session, &mut w)? {
        match txn.read_aggregates(&req, &partials).await? {
            Some(mut r) => rows.append(&mut r),
            None => return Ok(None),
        }
    }
    warnings.append(&mut w);
    Ok(Some(vec![ops::aggregate::from_partials(
        &plan.aggregates,
        &slots,
        &rows,
        input_width,
    )]))
}

/// The rows of a source whose ORDER BY ... LIMIT the data nodes do (see
/// [`crate::plan::PushedOrder`]), sorted and cut; None when they do not
/// (embedded, several ranges, columns left to sqld): read and sort them
/// here then.
async fn read_ordered(
    source: &Source,
    params: &[Value],
    session: &SessionCtx,
    txn: &mut ClusterTxn,
    warnings: &mut Vec<SqlWarning>,
) -> SqlResult<Option<Vec<Row>>> {
    let table = &source.scope.table;
    let Some(order) = source.order.as_ref().filter(|o| txn.orders(table, &o.keys)) else {
        return Ok(None);
    };
    let mut w = Vec::new();
    let mut reads = source_reads(source, params, session, &mut w)?;
    if reads.len() != 1 {
        return Ok(None);
    }
    let mut req = reads.swap_remove(0);
    let (offset, limit) = ops::limit::bounds(&order.limit, params)?;
    req.limit = limit.map(|l| l.saturating_add(offset));
    let rows = txn.read_ordered(&req, &order.keys).await?;
    if rows.is_some() {
        warnings.append(&mut w);
    }
    Ok(rows)
}

pub async fn run(
    plan: &SelectPlan,
    params: &[Value],
    session: &SessionCtx,
    txn: Option<&mut ClusterTxn>,
    warnings: &mut Vec<SqlWarning>,
) -> SqlResult<Vec<Row>> {
    let (rows, input_width) = match (&plan.source, txn) {
        (Some(source), Some(txn)) => {
            let width = source
                .projection
                .as_ref()
                .map_or(source.scope.table.columns.len(), Vec::len);
            if let Some(rows) =
                read_aggregated(plan, source, params, session, txn, warnings, width).await?
            {
                return finish_stages(plan, rows, false, params, session, warnings);
            }
            if let Some(rows) = read_ordered(source, params, session, txn, warnings).await? {
                return finish_stages(plan, rows, true, params, session, warnings);
            }
            (
                read_source(source, params, session, txn, warnings).await?,
                width,
            )
        }
        _ => (vec![Vec::new()], 0),
    };
    finish(plan, rows, input_width, params, session, warnings)
}

/// A SELECT from an information_schema view: its rows made from `catalog`
/// for the session's grantee, then the local stages.
pub fn run_view(
    plan: &SelectPlan,
    source: &Source,
    catalog: &pushdown::schema::Catalog,
    params: &[Value],
    session: &SessionCtx,
    warnings: &mut Vec<SqlWarning>,
) -> SqlResult<Vec<Row>> {
    let width = source
        .projection
        .as_ref()
        .map_or(source.scope.table.columns.len(), Vec::len);
    let mut rows = Vec::new();
    for req in source_reads(source, params, session, warnings)? {
        let mut ctx = eval_ctx(&req.params, session);
        rows.append(&mut crate::infoschema::read(
            &req, catalog, session, &mut ctx,
        )?);
        warnings.append(&mut ctx.warnings);
    }
    finish(plan, rows, width, params, session, warnings)
}

/// The local stages, over the rows read.
pub fn finish(
    plan: &SelectPlan,
    mut rows: Vec<Row>,
    input_width: usize,
    params: &[Value],
    session: &SessionCtx,
    warnings: &mut Vec<SqlWarning>,
) -> SqlResult<Vec<Row>> {
    let mut ctx = eval_ctx(params, session);
    if let Some(f) = &plan.pre_filter {
        rows = filter(rows, f, &mut ctx)?;
    }
    if plan.aggregated {
        rows = ops::aggregate::aggregate(
            rows,
            input_width,
            &plan.group_by,
            &plan.group_collations,
            &plan.aggregates,
            &mut ctx,
        )?;
    }
    warnings.append(&mut ctx.warnings);
    finish_stages(plan, rows, false, params, session, warnings)
}

/// The stages after aggregation: HAVING, output, DISTINCT, sort (unless
/// the rows came `sorted` by the data nodes), LIMIT.
fn finish_stages(
    plan: &SelectPlan,
    mut rows: Vec<Row>,
    sorted: bool,
    params: &[Value],
    session: &SessionCtx,
    warnings: &mut Vec<SqlWarning>,
) -> SqlResult<Vec<Row>> {
    let mut ctx = eval_ctx(params, session);
    if let Some(h) = &plan.having {
        rows = filter(rows, h, &mut ctx)?;
    }
    // Each output row is built in `scratch` and then moved into the buffer
    // of the row it came from: no allocation per row. An output that is the
    // row's own columns in order (`SELECT c` of a read projected to `c`)
    // leaves rows of that width as they are.
    let identity = plan
        .output
        .iter()
        .enumerate()
        .all(|(j, e)| matches!(e, Expr::Column(i) if *i == j));
    let mut scratch: Row = Vec::with_capacity(plan.output.len());
    for r in &mut rows {
        if identity && r.len() == plan.output.len() {
            continue;
        }
        for (j, e) in plan.output.iter().enumerate() {
            let moved = plan.movable.get(j).copied().unwrap_or(false);
            scratch.push(match e {
                Expr::Column(i) if moved => r
                    .get_mut(*i)
                    .map_or(Value::Null, |v| std::mem::replace(v, Value::Null)),
                Expr::Column(i) => r.get(*i).cloned().unwrap_or(Value::Null),
                e => eval::eval(e, r, &mut ctx)?,
            });
        }
        r.clear();
        r.append(&mut scratch);
    }
    let mut out = rows;
    // Rows the data nodes sorted (and cut) need no sort here.
    let sort = if sorted { &[][..] } else { &plan.sort[..] };
    if plan.distinct {
        let collations: Vec<_> = plan.columns.iter().map(|c| c.collation).collect();
        if ops::distinct::sort_groups_duplicates(&plan.sort, &collations) {
            // SELECT DISTINCT c ... ORDER BY c: sort, then drop neighbours.
            ops::sort::sort(&mut out, sort);
            ops::distinct::distinct_sorted(&mut out, &plan.sort);
        } else {
            ops::distinct::distinct(&mut out, &collations);
            ops::sort::sort(&mut out, sort);
        }
    } else {
        ops::sort::sort(&mut out, sort);
    }
    if let Some(l) = &plan.limit {
        let (offset, limit) = ops::limit::bounds(l, params)?;
        ops::limit::apply(&mut out, offset, limit);
    }
    if plan.output.len() > plan.visible {
        for r in &mut out {
            r.truncate(plan.visible);
        }
    }
    warnings.append(&mut ctx.warnings);
    Ok(out)
}

fn filter(rows: Vec<Row>, f: &Expr, ctx: &mut EvalCtx) -> SqlResult<Vec<Row>> {
    let mut kept = Vec::with_capacity(rows.len());
    for r in rows {
        if eval::matches(f, &r, ctx)? {
            kept.push(r);
        }
    }
    Ok(kept)
}

/// The result columns of one execution: those whose type depends on a
/// parameter take the type of the bound value, as MariaDB re-types them at
/// every EXECUTE; the rest are the prepared metadata, shared.
pub fn result_columns(
    plan: &SelectPlan,
    prepared: &Arc<[ColumnMeta]>,
    params: &[Value],
) -> Arc<[ColumnMeta]> {
    if plan.param_typed.is_empty() {
        return prepared.clone();
    }
    let env = TypeEnv {
        scope: plan.source.as_ref().map(|s| &s.scope),
        aggs: &plan.aggregates,
        agg_base: plan.agg_base,
        params: Some(params),
    };
    let mut columns = prepared.to_vec();
    for (i, e) in &plan.param_typed {
        if let Some(c) = columns.get_mut(*i) {
            *c = env.meta(e, &c.name);
        }
    }
    columns.into()
}
