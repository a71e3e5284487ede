//! A read request as one SELECT, and its result as the embedded engine
//! would return it: rows in the order of the keys (Access::Keys) or of the
//! index (Access::Range), filtered, limited, projected.

use super::conn::Stmt;
use super::fx_hash::BuildFx;
use super::render::{self, keys_condition, ordered_by, range_condition, Scope, Sql};
use super::values::from_node;
use crate::error::SqlResult;
use crate::eval::{self, EvalCtx};
use crate::request::{Access, LockMode, OrderKey, PartialAgg, Read};
use crate::schema::{ColumnType, TableDef};
use crate::value::{Row, Value};
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Bound;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// The SELECT of a read and what is left to do locally: everything but the
/// parameters depends only on the request's shape (see [`ShapeCache`]).
#[derive(Debug)]
pub struct ReadShape {
    /// Set when the shape is kept in a node's [`ShapeCache`]: names the
    /// statement, which each connection prepares once.
    pub id: Option<u64>,
    pub text: String,
    /// Table column positions of the SELECT list, in order.
    pub fetched: Vec<usize>,
    /// The filter could not be rendered: apply it here (and the limit after).
    pub local_filter: bool,
    /// Rows come back in primary-key order: put them in the keys' order.
    pub reorder_keys: bool,
    /// Limit applied here rather than in the SQL.
    pub local_limit: Option<u64>,
}

/// A read's SELECT: its shape and this execution's parameters.
pub struct ReadPlan {
    pub shape: Arc<ReadShape>,
    pub params: Vec<mysql_common::Value>,
}

impl ReadPlan {
    pub fn stmt(&self) -> Stmt<'_> {
        Stmt {
            id: self.shape.id,
            text: &self.shape.text,
            params: &self.params,
        }
    }
}

/// Shapes of reads seen on a node: the rendered SELECT of each, so that a
/// repeated OLTP statement only collects its parameters. A shape is the
/// table (by identity: the entry keeps it alive) and every part of the
/// request that the text depends on; requests with a filter are not kept
/// (their text depends on the expression and its values' types).
#[derive(Default)]
pub struct ShapeCache {
    shapes: RwLock<HashMap<Box<[u64]>, Shape, BuildFx>>,
}

/// A kept shape, and its table (kept alive so that its address, part of
/// the key, names no other table meanwhile).
type Shape = (Arc<TableDef>, Arc<ReadShape>);

/// Shapes kept at most; past it the cache starts over (shapes are few: one
/// per statement of the application, not per execution).
const SHAPES_MAX: usize = 4096;

static NEXT_SHAPE_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// The key being looked up, reused from read to read.
    static SHAPE_KEY: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// `Bound` as the words of a shape key; false when the values make the
/// text depend on more than their nullness.
fn bound_shape(b: &Bound<Vec<Value>>, key: &mut Vec<u64>) -> bool {
    match b {
        Bound::Unbounded => {
            key.push(0);
            true
        }
        Bound::Included(v) => {
            key.push(1);
            values_shape(v, key)
        }
        Bound::Excluded(v) => {
            key.push(2);
            values_shape(v, key)
        }
    }
}

fn values_shape(vals: &[Value], key: &mut Vec<u64>) -> bool {
    key.push(vals.len() as u64);
    for v in vals {
        match v {
            Value::Null => key.push(0),
            // Rendered as CAST(? AS DECIMAL(p,s)) with p and s its own.
            Value::Decimal(_) => return false,
            _ => key.push(1),
        }
    }
    true
}

/// The words that name the SELECT `plan_ordered(req, order)` renders (the
/// table aside); false for a request not worth or not safe to cache.
fn shape_key(req: &Read, order: &[OrderKey], key: &mut Vec<u64>) -> bool {
    if req.filter.is_some() {
        return false;
    }
    key.push(Arc::as_ptr(&req.table) as usize as u64);
    key.push(order.len() as u64);
    key.extend(
        order
            .iter()
            .map(|k| ((k.column as u64) << 1) | u64::from(k.desc)),
    );
    key.push(match req.lock {
        LockMode::None => 0,
        LockMode::Shared => 1,
        LockMode::Exclusive => 2,
    });
    match req.limit {
        None => key.push(0),
        Some(l) => key.extend([1, l]),
    }
    match &req.projection {
        None => key.push(u64::MAX),
        Some(p) => {
            key.push(p.len() as u64);
            key.extend(p.iter().map(|&c| c as u64));
        }
    }
    match &req.access {
        Access::Keys(keys) => {
            key.extend([0, keys.len() as u64]);
            keys.iter().all(|k| values_shape(k, key))
        }
        Access::Range {
            index,
            lower,
            upper,
            reverse,
        } => {
            key.extend([1, index.map_or(u64::MAX, u64::from), u64::from(*reverse)]);
            bound_shape(lower, key) && bound_shape(upper, key)
        }
    }
}

impl ShapeCache {
    /// The plan of `req` ordered by `order` (see [`plan_ordered`]): its
    /// SELECT rendered once per shape, its parameters collected for this
    /// execution.
    pub fn plan(&self, req: &Read, order: &[OrderKey]) -> SqlResult<ReadPlan> {
        SHAPE_KEY.with(|key| {
            let mut key = key.borrow_mut();
            key.clear();
            if !shape_key(req, order, &mut key) {
                return plan_ordered(req, order);
            }
            let known = self
                .shapes
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .get(key.as_slice())
                .map(|(_, shape)| shape.clone());
            if let Some(shape) = known {
                // Without a filter, ORDER BY, LIMIT and the lock clause
                // take no parameters: they are all in FROM ... WHERE.
                let mut sql = Sql::params_only();
                from_where(&mut sql, req, None)?;
                return Ok(ReadPlan {
                    shape,
                    params: sql.params,
                });
            }
            let mut planned = plan_ordered(req, order)?;
            if let Some(shape) = Arc::get_mut(&mut planned.shape) {
                shape.id = Some(NEXT_SHAPE_ID.fetch_add(1, Ordering::Relaxed));
            }
            let mut shapes = self.shapes.write().unwrap_or_else(|p| p.into_inner());
            if shapes.len() >= SHAPES_MAX {
                shapes.clear();
            }
            shapes.insert(
                key.as_slice().into(),
                (req.table.clone(), planned.shape.clone()),
            );
            Ok(planned)
        })
    }
}

fn push_unique(cols: &mut Vec<usize>, c: usize) {
    if !cols.contains(&c) {
        cols.push(c);
    }
}

pub fn plan(req: &Read) -> SqlResult<ReadPlan> {
    plan_ordered(req, &[])
}

/// Whether a node orders rows of `table` by `order` exactly as sqld would:
/// on columns whose order MariaDB and sqld agree on. Left to sqld: TEXT and
/// BLOB (the server sorts on a max_sort_length prefix), BINARY (zero
/// padding), TIMESTAMP (the server sorts in UTC, sqld in the session's
/// time zone).
pub fn orderable(table: &TableDef, order: &[OrderKey]) -> bool {
    !order.is_empty()
        && order.iter().all(|k| {
            table.columns.get(k.column).is_some_and(|c| {
                !matches!(
                    c.ty,
                    ColumnType::Text(_)
                        | ColumnType::Blob(_)
                        | ColumnType::Binary(_)
                        | ColumnType::Timestamp(_)
                        | ColumnType::Null
                )
            })
        })
}

/// Whether the node sorts `req` by `order`: a range read (key batches come
/// back in the keys' order) on [`orderable`] columns.
pub fn sorts(req: &Read, order: &[OrderKey]) -> bool {
    matches!(req.access, Access::Range { .. }) && orderable(&req.table, order)
}

/// A read's SELECT, ordered by `order` before the access order (empty:
/// index order alone). With keys, `order` is not used.
pub fn plan_ordered(req: &Read, order: &[OrderKey]) -> SqlResult<ReadPlan> {
    let t = &*req.table;
    let scope = Scope {
        table: t,
        params: &req.params,
        insert_values: false,
    };
    let filter = req.filter.as_ref().map(|f| render::expr(f, &scope));
    let local_filter = matches!(filter, Some(None));
    let keys = match &req.access {
        Access::Keys(k) => Some(k),
        Access::Range { .. } => None,
    };
    let reorder_keys = keys.is_some_and(|k| k.len() > 1);
    let fetched: Vec<usize> = match &req.projection {
        None => (0..t.columns.len()).collect(),
        Some(p) => {
            let mut cols = Vec::with_capacity(p.len());
            for &c in p {
                push_unique(&mut cols, c);
            }
            if local_filter {
                if let Some(f) = &req.filter {
                    let mut used = Vec::new();
                    f.columns(&mut used);
                    for c in used {
                        push_unique(&mut cols, c);
                    }
                }
            }
            if reorder_keys {
                for &c in &t.primary_key {
                    push_unique(&mut cols, c);
                }
            }
            cols
        }
    };
    let mut sql = Sql::new("SELECT ");
    for (n, &c) in fetched.iter().enumerate() {
        if n > 0 {
            sql.push(", ");
        }
        sql.column(t, c)?;
    }
    from_where(&mut sql, req, filter.flatten())?;
    if let Access::Range { index, reverse, .. } = &req.access {
        ordered_by(&mut sql, t, order, *index, *reverse)?;
    }
    // Keys come back in key order and are reordered here, so their limit
    // is applied after that; a limit below an unrendered filter too.
    let sql_limit = !(local_filter || keys.is_some());
    let mut local_limit = None;
    if let Some(l) = req.limit {
        if sql_limit {
            sql.push(&format!(" LIMIT {l}"));
        } else {
            local_limit = Some(l);
        }
    }
    lock_clause(&mut sql, req.lock);
    Ok(ReadPlan {
        shape: Arc::new(ReadShape {
            id: None,
            text: sql.text,
            fetched,
            local_filter,
            reorder_keys,
            local_limit,
        }),
        params: sql.params,
    })
}

/// ` FROM t WHERE <access> [AND <rendered filter>]`
fn from_where(sql: &mut Sql, req: &Read, filter: Option<Sql>) -> SqlResult<()> {
    let t = &*req.table;
    sql.push(" FROM ");
    sql.table(t)?;
    sql.push(" WHERE ");
    match &req.access {
        Access::Keys(k) => keys_condition(sql, t, k)?,
        Access::Range {
            index,
            lower,
            upper,
            ..
        } => range_condition(sql, t, *index, lower, upper)?,
    }
    if let Some(f) = filter {
        sql.push(" AND ");
        sql.append(f);
    }
    Ok(())
}

fn lock_clause(sql: &mut Sql, lock: LockMode) {
    match lock {
        LockMode::None => {}
        LockMode::Shared => sql.push(" LOCK IN SHARE MODE"),
        LockMode::Exclusive => sql.push(" FOR UPDATE"),
    }
}

/// Whether SUM over the column is the exact sum sqld would compute: integers
/// and decimals (summed as DECIMAL by both) and floating point (DOUBLE).
/// Strings, temporal values and YEAR convert first: left to sqld.
fn summable(ty: ColumnType) -> bool {
    matches!(
        ty,
        ColumnType::TinyInt
            | ColumnType::SmallInt
            | ColumnType::MediumInt
            | ColumnType::Int
            | ColumnType::BigInt
            | ColumnType::Decimal { .. }
            | ColumnType::Float
            | ColumnType::Double
    )
}

/// `SELECT COUNT(*), SUM(c), ... FROM t WHERE ...` for partial aggregates;
/// None when the filter cannot be rendered or an aggregate cannot be
/// computed with sqld's semantics on the node.
pub fn plan_aggregates(req: &Read, aggs: &[PartialAgg]) -> SqlResult<Option<Sql>> {
    let t = &*req.table;
    if req.limit.is_some() || aggs.is_empty() {
        return Ok(None);
    }
    let scope = Scope {
        table: t,
        params: &req.params,
        insert_values: false,
    };
    let filter = match &req.filter {
        None => None,
        Some(f) => match render::expr(f, &scope) {
            Some(s) => Some(s),
            None => return Ok(None),
        },
    };
    let mut sql = Sql::new("SELECT ");
    for (n, a) in aggs.iter().enumerate() {
        if n > 0 {
            sql.push(", ");
        }
        let (func, col) = match *a {
            PartialAgg::CountStar => {
                sql.push("COUNT(*)");
                continue;
            }
            PartialAgg::Count(c) => ("COUNT(", c),
            PartialAgg::Sum(c) => ("SUM(", c),
            PartialAgg::Min(c) => ("MIN(", c),
            PartialAgg::Max(c) => ("MAX(", c),
        };
        let Some(def) = t.columns.get(col) else {
            return Ok(None);
        };
        if matches!(a, PartialAgg::Sum(_)) && !summable(def.ty) {
            return Ok(None);
        }
        sql.push(func);
        sql.column(t, col)?;
        sql.push(")");
    }
    from_where(&mut sql, req, filter)?;
    lock_clause(&mut sql, req.lock);
    Ok(Some(sql))
}

/// The node's one row of partial aggregates as sqld values: counts as
/// BIGINT, sums as DECIMAL (exact) or DOUBLE, MIN/MAX as column values.
pub fn finish_aggregates(
    req: &Read,
    aggs: &[PartialAgg],
    raw: Vec<Vec<mysql_common::Value>>,
) -> SqlResult<Row> {
    let t = &*req.table;
    let row = raw
        .into_iter()
        .next()
        .ok_or_else(|| crate::error::er::internal("aggregate query returned no row"))?;
    if row.len() != aggs.len() {
        return Err(crate::error::er::internal(
            "aggregate query returned a short row",
        ));
    }
    let mut out = Vec::with_capacity(aggs.len());
    for (v, a) in row.into_iter().zip(aggs) {
        out.push(match *a {
            PartialAgg::CountStar | PartialAgg::Count(_) => match v {
                mysql_common::Value::Int(i) => Value::Int(i),
                mysql_common::Value::UInt(u) => Value::Int(i64::try_from(u).unwrap_or(i64::MAX)),
                mysql_common::Value::Bytes(b) => Value::Int(
                    std::str::from_utf8(&b)
                        .ok()
                        .and_then(|s| s.parse().ok())
                        .ok_or_else(|| crate::error::er::internal("COUNT result not a number"))?,
                ),
                other => {
                    return Err(crate::error::er::internal(format!(
                        "COUNT result {other:?}"
                    )))
                }
            },
            PartialAgg::Sum(c) => match v {
                mysql_common::Value::NULL => Value::Null,
                mysql_common::Value::Double(d) => Value::Double(d),
                mysql_common::Value::Float(f) => Value::Double(f as f64),
                mysql_common::Value::Int(i) => Value::Decimal(crate::value::Decimal {
                    mantissa: i as i128,
                    scale: 0,
                }),
                mysql_common::Value::UInt(u) => Value::Decimal(crate::value::Decimal {
                    mantissa: u as i128,
                    scale: 0,
                }),
                mysql_common::Value::Bytes(b) => {
                    let is_float = matches!(
                        t.columns.get(c).map(|d| d.ty),
                        Some(ColumnType::Float | ColumnType::Double)
                    );
                    let text = Value::Bytes(b);
                    let mut w = Vec::new();
                    if is_float {
                        Value::Double(eval::to_f64(&text, &mut w).unwrap_or(0.0))
                    } else {
                        match eval::to_decimal(&text, &mut w) {
                            Some(d) => Value::Decimal(d),
                            None => {
                                return Err(crate::error::er::internal("SUM result not a number"))
                            }
                        }
                    }
                }
                other => return Err(crate::error::er::internal(format!("SUM result {other:?}"))),
            },
            PartialAgg::Min(c) | PartialAgg::Max(c) => {
                let def = t
                    .columns
                    .get(c)
                    .ok_or_else(|| crate::error::er::internal("aggregate column"))?;
                from_node(v, def)?
            }
        });
    }
    Ok(out)
}

/// A primary-key value in a form where equal keys (under the column's
/// collation, signed or not) are equal bytes.
fn key_part(v: &Value, t: &TableDef, c: usize, out: &mut Vec<u8>) {
    let col = &t.columns[c];
    match v {
        Value::Null => out.push(0),
        Value::Int(i) => {
            out.push(1);
            out.extend_from_slice(&(*i as i128).to_be_bytes());
        }
        Value::UInt(u) => {
            out.push(1);
            out.extend_from_slice(&(*u as i128).to_be_bytes());
        }
        Value::Decimal(d) => {
            // Same value at any scale: strip trailing zeros.
            let (mut m, mut s) = (d.mantissa, d.scale);
            while s > 0 && m % 10 == 0 {
                m /= 10;
                s -= 1;
            }
            if s == 0 && m.unsigned_abs() < (1u128 << 100) {
                out.push(1);
                out.extend_from_slice(&m.to_be_bytes());
            } else {
                out.push(2);
                out.extend_from_slice(&m.to_be_bytes());
                out.push(s);
            }
        }
        Value::Double(f) => {
            out.push(3);
            out.extend_from_slice(&f.to_bits().to_be_bytes());
        }
        Value::Bytes(b) if col.ty.is_text() => {
            out.push(4);
            out.extend_from_slice(&eval::sort_key(b, col.collation));
        }
        Value::Bytes(b) => {
            out.push(5);
            let trimmed = if matches!(col.ty, crate::schema::ColumnType::Binary(_)) {
                let end = b.iter().rposition(|&x| x != 0).map_or(0, |p| p + 1);
                &b[..end]
            } else {
                &b[..]
            };
            out.extend_from_slice(trimmed);
        }
        Value::Date(d) | Value::DateTime(d) => {
            out.push(6);
            out.extend_from_slice(format!("{d:?}").as_bytes());
        }
        Value::Time(x) => {
            out.push(7);
            out.extend_from_slice(format!("{x:?}").as_bytes());
        }
    }
    out.push(0xff);
}

fn key_bytes(t: &TableDef, values: impl Iterator<Item = (usize, Value)>) -> Vec<u8> {
    let mut out = Vec::with_capacity(16);
    for (c, v) in values {
        key_part(&v, t, c, &mut out);
    }
    out
}

/// Turns the node's rows into the request's result.
pub fn finish(
    req: &Read,
    plan: &ReadShape,
    raw: Vec<Vec<mysql_common::Value>>,
) -> SqlResult<Vec<Row>> {
    let t = &*req.table;
    if !plan.local_filter && !plan.reorder_keys {
        return finish_direct(req, plan, raw);
    }
    let width = t.columns.len();
    let mut rows: Vec<Row> = Vec::with_capacity(raw.len());
    for r in raw {
        let mut full = vec![Value::Null; width];
        for (v, &c) in r.into_iter().zip(&plan.fetched) {
            full[c] = from_node(v, &t.columns[c])?;
        }
        rows.push(full);
    }
    if plan.reorder_keys {
        if let Access::Keys(keys) = &req.access {
            let mut by_key: HashMap<Vec<u8>, Row> = rows
                .into_iter()
                .map(|r| {
                    let k = key_bytes(t, t.primary_key.iter().map(|&c| (c, r[c].clone())));
                    (k, r)
                })
                .collect();
            rows = Vec::with_capacity(by_key.len());
            for k in keys {
                let kb = key_bytes(t, t.primary_key.iter().copied().zip(k.iter().cloned()));
                // A key asked twice is returned once, as the embedded engine does.
                if let Some(r) = by_key.remove(&kb) {
                    rows.push(r);
                }
            }
        }
    }
    let mut ctx = EvalCtx::new(&req.params);
    let limit = plan
        .local_limit
        .map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
    let mut out = Vec::with_capacity(rows.len().min(limit));
    for r in rows {
        if out.len() >= limit {
            break;
        }
        if plan.local_filter {
            if let Some(f) = &req.filter {
                if !eval::matches(f, &r, &mut ctx)? {
                    continue;
                }
            }
        }
        out.push(match &req.projection {
            None => r,
            Some(p) => p
                .iter()
                .map(|&c| r.get(c).cloned().unwrap_or(Value::Null))
                .collect(),
        });
    }
    Ok(out)
}

/// The common case: the node did all the work, rows come back in order;
/// convert each value once, straight into the projection.
fn finish_direct(
    req: &Read,
    plan: &ReadShape,
    raw: Vec<Vec<mysql_common::Value>>,
) -> SqlResult<Vec<Row>> {
    let t = &*req.table;
    let limit = plan
        .local_limit
        .map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
    // Where each output column is in the SELECT list.
    let positions: Option<Vec<usize>> = match &req.projection {
        Some(p) if p.as_slice() != plan.fetched.as_slice() => Some(
            p.iter()
                .map(|c| {
                    plan.fetched
                        .iter()
                        .position(|f| f == c)
                        .unwrap_or(usize::MAX)
                })
                .collect(),
        ),
        _ => None,
    };
    let mut out = Vec::with_capacity(raw.len().min(limit));
    for r in raw.into_iter().take(limit) {
        let mut vals = Vec::with_capacity(r.len());
        for (v, &c) in r.into_iter().zip(&plan.fetched) {
            vals.push(from_node(v, &t.columns[c])?);
        }
        out.push(match &positions {
            None => vals,
            Some(pos) => pos
                .iter()
                .map(|&i| vals.get(i).cloned().unwrap_or(Value::Null))
                .collect(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{CmpOp, Expr};
    use crate::schema::{Collation, ColumnDef, ColumnType, IndexDef};
    use std::ops::Bound;
    use std::sync::Arc;

    /// sysbench's table: id INT PK, k INT NOT NULL (index k_1), c, pad.
    fn sbtest() -> Arc<TableDef> {
        let mut id = ColumnDef::new("id", ColumnType::Int, Collation::Utf8mb4GeneralCi);
        id.nullable = false;
        let mut k = ColumnDef::new("k", ColumnType::Int, Collation::Utf8mb4GeneralCi);
        k.nullable = false;
        let c = ColumnDef::new("c", ColumnType::Char(120), Collation::Utf8mb4GeneralCi);
        let pad = ColumnDef::new("pad", ColumnType::Char(60), Collation::Utf8mb4GeneralCi);
        Arc::new(TableDef {
            id: 1,
            db: "sbtest".into(),
            name: "sbtest1".into(),
            columns: vec![id, k, c, pad],
            primary_key: vec![0],
            indexes: vec![IndexDef {
                id: 1,
                name: "k_1".into(),
                columns: vec![1],
                unique: false,
            }],
            engine: "InnoDB".into(),
            collation: Collation::Utf8mb4GeneralCi,
            comment: String::new(),
        })
    }

    fn req(access: Access) -> Read {
        Read {
            table: sbtest(),
            access,
            filter: None,
            projection: Some(vec![2]),
            limit: None,
            lock: LockMode::None,
            params: Vec::new(),
        }
    }

    fn sql(r: &Read) -> String {
        plan(r).unwrap().shape.text.clone()
    }

    #[test]
    fn sysbench_shapes_render_as_expected() {
        let point = req(Access::Keys(vec![vec![Value::Int(7)]]));
        assert_eq!(
            sql(&point),
            "SELECT `c` FROM `sbtest`.`sbtest1` WHERE (`id` = ?)"
        );
        let batch = req(Access::Keys(vec![vec![Value::Int(7)], vec![Value::Int(3)]]));
        let p = plan(&batch).unwrap();
        assert_eq!(
            p.shape.text, "SELECT `c`, `id` FROM `sbtest`.`sbtest1` WHERE `id` IN (?, ?)",
            "the key is fetched to put rows in the order asked"
        );
        assert!(p.shape.reorder_keys);
        let mut range = req(Access::Range {
            index: None,
            lower: Bound::Included(vec![Value::Int(10)]),
            upper: Bound::Included(vec![Value::Int(109)]),
            reverse: false,
        });
        assert_eq!(
            sql(&range),
            "SELECT `c` FROM `sbtest`.`sbtest1` WHERE `id` >= ? AND `id` <= ? ORDER BY `id`"
        );
        range.limit = Some(5);
        range.lock = LockMode::Exclusive;
        assert_eq!(
            sql(&range),
            "SELECT `c` FROM `sbtest`.`sbtest1` WHERE `id` >= ? AND `id` <= ? ORDER BY `id` LIMIT 5 FOR UPDATE"
        );
        let mut by_k = req(Access::Range {
            index: Some(1),
            lower: Bound::Excluded(vec![Value::Int(10)]),
            upper: Bound::Unbounded,
            reverse: true,
        });
        by_k.filter = Some(Expr::cmp(
            CmpOp::Ne,
            Expr::col(3),
            Expr::lit("x"),
            Collation::Utf8mb4GeneralCi,
        ));
        by_k.lock = LockMode::Shared;
        assert_eq!(
            sql(&by_k),
            "SELECT `c` FROM `sbtest`.`sbtest1` WHERE `k` > ? AND (`pad` <> ?) \
             ORDER BY `k` DESC, `id` DESC LOCK IN SHARE MODE"
        );
    }

    #[test]
    fn ordered_ranges_sort_on_the_node_then_in_index_order() {
        let by_c = [OrderKey {
            column: 2,
            desc: true,
        }];
        let mut range = req(Access::Range {
            index: Some(1),
            lower: Bound::Excluded(vec![Value::Int(10)]),
            upper: Bound::Unbounded,
            reverse: false,
        });
        range.limit = Some(7);
        assert!(orderable(&range.table, &by_c));
        assert_eq!(
            plan_ordered(&range, &by_c).unwrap().shape.text,
            "SELECT `c` FROM `sbtest`.`sbtest1` WHERE `k` > ? ORDER BY `c` DESC, `k`, `id` LIMIT 7"
        );
        // A key already ordered on is not repeated.
        let by_id = [OrderKey {
            column: 0,
            desc: true,
        }];
        assert_eq!(
            plan_ordered(&range, &by_id).unwrap().shape.text,
            "SELECT `c` FROM `sbtest`.`sbtest1` WHERE `k` > ? ORDER BY `id` DESC, `k` LIMIT 7"
        );
        // The cache tells orders apart.
        let cache = ShapeCache::default();
        let plain = cache.plan(&range, &[]).unwrap().shape.clone();
        let sorted = cache.plan(&range, &by_c).unwrap().shape.clone();
        assert_ne!(plain.id, sorted.id);
        assert!(!plain.text.contains("`c` DESC"), "{}", plain.text);
        assert_eq!(cache.plan(&range, &by_c).unwrap().shape.id, sorted.id);
        // Nothing to order by; TEXT or BLOB the server would sort on a
        // prefix only.
        assert!(!orderable(&range.table, &[]));
        let mut text = (*range.table).clone();
        text.columns[2].ty = ColumnType::Text(65535);
        assert!(!orderable(&text, &by_c));
    }

    #[test]
    fn unpushable_filters_fetch_their_columns_and_drop_the_limit() {
        let mut r = req(Access::full_scan());
        r.filter = Some(Expr::cmp(
            CmpOp::Eq,
            Expr::col(3),
            Expr::lit("x"),
            Collation::Utf8mb4Bin,
        ));
        r.limit = Some(1);
        let p = plan(&r).unwrap();
        assert_eq!(
            p.shape.text,
            "SELECT `c`, `pad` FROM `sbtest`.`sbtest1` WHERE TRUE ORDER BY `id`"
        );
        assert!(p.shape.local_filter);
        assert_eq!(p.shape.local_limit, Some(1));
    }

    #[test]
    fn cached_shapes_match_a_fresh_plan() {
        let t = sbtest();
        let mut composite = (*t).clone();
        composite.primary_key = vec![0, 1];
        let composite = Arc::new(composite);
        // One table for all: a shape is per table (by identity).
        let keys = |vals: Vec<Vec<Value>>| Read {
            table: t.clone(),
            ..req(Access::Keys(vals))
        };
        let range = |lower, upper, reverse| Read {
            table: t.clone(),
            ..req(Access::Range {
                index: None,
                lower,
                upper,
                reverse,
            })
        };
        let mut on_composite = range(
            Bound::Included(vec![Value::Int(1), Value::Null]),
            Bound::Excluded(vec![Value::Int(9), Value::Int(4)]),
            true,
        );
        on_composite.table = composite.clone();
        let mut composite_keys = keys(vec![
            vec![Value::Int(1), Value::Int(2)],
            vec![Value::Int(3), Value::Null],
        ]);
        composite_keys.table = composite;
        let mut limited = range(
            Bound::Excluded(vec![Value::Int(3)]),
            Bound::Unbounded,
            false,
        );
        limited.limit = Some(10);
        limited.lock = LockMode::Exclusive;
        limited.projection = None;
        let decimal = keys(vec![vec![Value::Decimal(crate::value::Decimal {
            mantissa: 15,
            scale: 1,
        })]]);
        let requests = [
            keys(vec![vec![Value::Int(7)]]),
            keys(vec![vec![Value::Int(8)]]),
            keys(vec![vec![Value::Null]]),
            keys(vec![vec![Value::Int(7)], vec![Value::Bytes(b"3".to_vec())]]),
            keys(vec![
                vec![Value::Int(1)],
                vec![Value::Null],
                vec![Value::Int(2)],
            ]),
            range(
                Bound::Included(vec![Value::Int(10)]),
                Bound::Included(vec![Value::Int(109)]),
                false,
            ),
            range(Bound::Included(vec![Value::Null]), Bound::Unbounded, false),
            on_composite,
            composite_keys,
            limited,
            decimal.clone(),
        ];
        let cache = ShapeCache::default();
        let mut ids = Vec::new();
        for round in 0..2 {
            for (n, r) in requests.iter().enumerate() {
                let fresh = plan(r).unwrap();
                let cached = cache.plan(r, &[]).unwrap();
                assert_eq!(cached.shape.text, fresh.shape.text, "request {n}");
                assert_eq!(cached.params, fresh.params, "request {n}");
                assert_eq!(cached.shape.fetched, fresh.shape.fetched);
                assert_eq!(cached.shape.reorder_keys, fresh.shape.reorder_keys);
                assert_eq!(cached.shape.local_limit, fresh.shape.local_limit);
                if round == 0 {
                    ids.push(cached.shape.id);
                } else {
                    assert_eq!(ids[n], cached.shape.id, "request {n} kept its shape");
                }
            }
        }
        assert_eq!(ids[0], ids[1], "one shape for every point read");
        assert_ne!(ids[0], ids[2], "IS NULL is another text");
        assert_eq!(cache.plan(&decimal, &[]).unwrap().shape.id, None);
        let mut filtered = keys(vec![vec![Value::Int(7)]]);
        filtered.filter = Some(Expr::cmp(
            CmpOp::Eq,
            Expr::col(3),
            Expr::lit("x"),
            Collation::Utf8mb4GeneralCi,
        ));
        assert_eq!(cache.plan(&filtered, &[]).unwrap().shape.id, None);
        let mut replaced = keys(vec![vec![Value::Int(7)]]);
        replaced.table = Arc::new((*replaced.table).clone());
        assert_ne!(
            cache.plan(&replaced, &[]).unwrap().shape.id,
            ids[0],
            "a new table, a new shape"
        );
    }
}
