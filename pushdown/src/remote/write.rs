//! Write requests as SQL on a held connection. Each request is atomic on
//! failure: one statement (InnoDB rolls a failed statement back), or
//! several inside an internal savepoint rolled back on error.

use super::conn::matched_changed;
use super::error::NodeLabel;
use super::pool::NodeConn;
use super::read;
use super::render::{self, keys_condition, order_by, range_condition, Scope, Sql};
use crate::error::SqlResult;
use crate::eval::{self, EvalCtx};
use crate::expr::Expr;
use crate::request::{Access, LockMode, OnConflict, Read, Write, WriteOutcome};
use crate::schema::TableDef;
use crate::value::{Row, Value};
use std::sync::Arc;

/// MySQL's limit on placeholders in one prepared statement.
const MAX_PLACEHOLDERS: usize = 65_535;
/// Rows per INSERT statement: large enough for bulk loads, small enough to
/// keep statement texts (and the prepared-statement cache) reasonable.
const MAX_INSERT_ROWS: usize = 1_000;
/// Keys per DELETE/UPDATE by key of the read-modify-write paths.
const MAX_KEYS: usize = 1_000;

/// The savepoint wrapped around writes of several statements.
const WRITE_SAVEPOINT: &str = "sqld_write";

/// A request that SQL expresses in one statement.
pub enum Plan {
    Single(Sql, Kind),
    /// Several statements, or evaluation here: run inside a savepoint.
    Multi,
}

#[derive(Clone, Copy)]
pub enum Kind {
    Insert { rows: u64, ignore: bool },
    Update,
    Delete,
}

/// Runs `req` on `conn`.
pub async fn write(conn: &mut NodeConn, label: &NodeLabel, req: &Write) -> SqlResult<WriteOutcome> {
    if let Write::Insert { rows, .. } = req {
        if rows.is_empty() {
            return Ok(WriteOutcome::default());
        }
    }
    if let Plan::Single(sql, kind) = plan(req)? {
        let ok = conn.exec(label, &sql).await?;
        let mut out = WriteOutcome::default();
        match kind {
            Kind::Insert { rows, ignore } => {
                out.affected = ok.affected;
                if ignore {
                    out.duplicates = rows.saturating_sub(ok.affected);
                }
            }
            Kind::Update => {
                let (matched, changed) =
                    matched_changed(&ok.info).unwrap_or((ok.affected, ok.affected));
                out.matched = matched;
                out.affected = changed;
            }
            Kind::Delete => out.affected = ok.affected,
        }
        if ok.warnings > 0 {
            out.warnings = conn.warnings(label).await?;
        }
        return Ok(out);
    }
    conn.run(label, &format!("SAVEPOINT {WRITE_SAVEPOINT}"))
        .await?;
    match write_steps(conn, label, req).await {
        Ok(out) => {
            conn.run(label, &format!("RELEASE SAVEPOINT {WRITE_SAVEPOINT}"))
                .await?;
            Ok(out)
        }
        Err(e) => {
            // After a deadlock the transaction is gone, savepoint with it;
            // the caller discards the connection.
            if e.code != 1213 && !conn.broken {
                conn.run(label, &format!("ROLLBACK TO SAVEPOINT {WRITE_SAVEPOINT}"))
                    .await?;
            }
            Err(e)
        }
    }
}

/// The single statement of a request, when there is one; also what
/// EXPLAIN of a write would show.
pub fn plan(req: &Write) -> SqlResult<Plan> {
    match req {
        Write::Insert {
            table,
            rows,
            on_conflict,
            params,
            strict,
        } => {
            if rows.is_empty() || rows.len() > chunk_rows(table) {
                return Ok(Plan::Multi);
            }
            let Some(sql) = insert_sql(table, rows, on_conflict, params, *strict)? else {
                return Ok(Plan::Multi);
            };
            Ok(Plan::Single(
                sql,
                Kind::Insert {
                    rows: rows.len() as u64,
                    ignore: *on_conflict == OnConflict::Ignore,
                },
            ))
        }
        Write::Update {
            table,
            access,
            filter,
            assignments,
            limit,
            params,
            strict,
            ignore,
        } => {
            let scope = Scope {
                table,
                params,
                insert_values: false,
            };
            let refreshes = table.columns.iter().any(|c| c.on_update_current_timestamp);
            // UPDATE IGNORE is never strict: it runs row by row too.
            if !*strict
                || *ignore
                || refreshes
                || (matches!(access, Access::Keys(_)) && limit.is_some())
            {
                return Ok(Plan::Multi);
            }
            let mut sets = Vec::with_capacity(assignments.len());
            for (c, e) in assignments {
                let Some(v) = render::expr(e, &scope) else {
                    return Ok(Plan::Multi);
                };
                sets.push((*c, v));
            }
            let Some(cond) = condition(table, access, filter.as_ref(), &scope)? else {
                return Ok(Plan::Multi);
            };
            let mut sql = Sql::new("UPDATE ");
            sql.table(table)?;
            sql.push(" SET ");
            for (n, (c, v)) in sets.into_iter().enumerate() {
                if n > 0 {
                    sql.push(", ");
                }
                sql.column(table, c)?;
                sql.push(" = ");
                sql.append(v);
            }
            sql.push(" WHERE ");
            sql.append(cond);
            order_and_limit(&mut sql, table, access, *limit)?;
            Ok(Plan::Single(sql, Kind::Update))
        }
        Write::Delete {
            table,
            access,
            filter,
            limit,
            params,
        } => {
            let scope = Scope {
                table,
                params,
                insert_values: false,
            };
            if matches!(access, Access::Keys(_)) && limit.is_some() {
                return Ok(Plan::Multi);
            }
            let Some(cond) = condition(table, access, filter.as_ref(), &scope)? else {
                return Ok(Plan::Multi);
            };
            let mut sql = Sql::new("DELETE FROM ");
            sql.table(table)?;
            sql.push(" WHERE ");
            sql.append(cond);
            order_and_limit(&mut sql, table, access, *limit)?;
            Ok(Plan::Single(sql, Kind::Delete))
        }
    }
}

/// The WHERE of an access and a filter; None when the filter cannot be
/// rendered.
fn condition(
    t: &TableDef,
    access: &Access,
    filter: Option<&Expr>,
    scope: &Scope,
) -> SqlResult<Option<Sql>> {
    let mut sql = Sql::default();
    match access {
        Access::Keys(k) => keys_condition(&mut sql, t, k)?,
        Access::Range {
            index,
            lower,
            upper,
            ..
        } => range_condition(&mut sql, t, *index, lower, upper)?,
    }
    if let Some(f) = filter {
        let Some(f) = render::expr(f, scope) else {
            return Ok(None);
        };
        sql.push(" AND ");
        sql.append(f);
    }
    Ok(Some(sql))
}

/// A LIMIT takes the first rows in index order, as the embedded engine's
/// scan does.
fn order_and_limit(
    sql: &mut Sql,
    t: &TableDef,
    access: &Access,
    limit: Option<u64>,
) -> SqlResult<()> {
    if let Some(l) = limit {
        if let Access::Range { index, reverse, .. } = access {
            order_by(sql, t, *index, *reverse)?;
        }
        sql.push(&format!(" LIMIT {l}"));
    }
    Ok(())
}

fn chunk_rows(t: &TableDef) -> usize {
    (MAX_PLACEHOLDERS / t.columns.len().max(1)).clamp(1, MAX_INSERT_ROWS)
}

/// INSERT / INSERT IGNORE / REPLACE / INSERT ... ON DUPLICATE KEY UPDATE of
/// complete rows; None when the ON DUPLICATE KEY UPDATE assignments cannot
/// be rendered (or the statement is not strict) and are evaluated here.
fn insert_sql(
    t: &TableDef,
    rows: &[Row],
    on_conflict: &OnConflict,
    params: &[Value],
    strict: bool,
) -> SqlResult<Option<Sql>> {
    let mut odku = None;
    if let OnConflict::Update(assignments) = on_conflict {
        if !strict || t.columns.iter().any(|c| c.on_update_current_timestamp) {
            return Ok(None);
        }
        let scope = Scope {
            table: t,
            params,
            insert_values: true,
        };
        let mut s = Sql::new(" ON DUPLICATE KEY UPDATE ");
        for (n, (c, e)) in assignments.iter().enumerate() {
            let Some(v) = render::expr(e, &scope) else {
                return Ok(None);
            };
            if n > 0 {
                s.push(", ");
            }
            s.column(t, *c)?;
            s.push(" = ");
            s.append(v);
        }
        odku = Some(s);
    }
    let mut sql = Sql::new(match on_conflict {
        OnConflict::Error | OnConflict::Update(_) => "INSERT INTO ",
        OnConflict::Ignore => "INSERT IGNORE INTO ",
        OnConflict::Replace => "REPLACE INTO ",
    });
    sql.table(t)?;
    sql.push(" (");
    for c in 0..t.columns.len() {
        if c > 0 {
            sql.push(", ");
        }
        sql.column(t, c)?;
    }
    sql.push(") VALUES ");
    for (n, row) in rows.iter().enumerate() {
        if row.len() != t.columns.len() {
            return Err(crate::error::er::internal(format!(
                "insert row of {} values into {} columns",
                row.len(),
                t.columns.len()
            )));
        }
        if n > 0 {
            sql.push(", ");
        }
        sql.push("(");
        for (m, v) in row.iter().enumerate() {
            if m > 0 {
                sql.push(", ");
            }
            sql.value(v);
        }
        sql.push(")");
    }
    if let Some(s) = odku {
        sql.append(s);
    }
    Ok(Some(sql))
}

/// The statements of a request that is not one statement.
async fn write_steps(
    conn: &mut NodeConn,
    label: &NodeLabel,
    req: &Write,
) -> SqlResult<WriteOutcome> {
    match req {
        Write::Insert {
            table,
            rows,
            on_conflict,
            params,
            strict,
        } => {
            let mut out = WriteOutcome::default();
            if let OnConflict::Update(assignments) = on_conflict {
                if insert_sql(
                    table,
                    &rows[..rows.len().min(1)],
                    on_conflict,
                    params,
                    *strict,
                )?
                .is_none()
                {
                    for (n, row) in rows.iter().enumerate() {
                        upsert_row(
                            conn,
                            label,
                            table,
                            row,
                            assignments,
                            params,
                            *strict,
                            n as u64 + 1,
                            &mut out,
                        )
                        .await?;
                    }
                    return Ok(out);
                }
            }
            for chunk in rows.chunks(chunk_rows(table)) {
                let Some(sql) = insert_sql(table, chunk, on_conflict, params, *strict)? else {
                    continue;
                };
                let ok = conn.exec(label, &sql).await?;
                out.affected += ok.affected;
                if *on_conflict == OnConflict::Ignore {
                    out.duplicates += (chunk.len() as u64).saturating_sub(ok.affected);
                }
                if ok.warnings > 0 {
                    out.warnings.extend(conn.warnings(label).await?);
                }
            }
            Ok(out)
        }
        Write::Update {
            table,
            access,
            filter,
            assignments,
            limit,
            params,
            strict,
            ignore,
        } => {
            let old_rows =
                locked_rows(conn, label, table, access, filter, *limit, params, None).await?;
            let mut out = WriteOutcome::default();
            let mut ctx = EvalCtx::new(params);
            for old in old_rows {
                out.matched += 1;
                let new = eval::assign(table, &old, assignments, &mut ctx, *strict, out.matched)?;
                if new != old && update_by_key(conn, label, table, &old, &new, *ignore).await? {
                    out.affected += 1;
                }
            }
            out.warnings = ctx.warnings;
            Ok(out)
        }
        Write::Delete {
            table,
            access,
            filter,
            limit,
            params,
        } => {
            let pk = table.primary_key.clone();
            let found = locked_rows(
                conn,
                label,
                table,
                access,
                filter,
                *limit,
                params,
                Some(pk.clone()),
            )
            .await?;
            let mut out = WriteOutcome::default();
            for chunk in found.chunks(MAX_KEYS) {
                let keys: Vec<Vec<Value>> = chunk.to_vec();
                let mut sql = Sql::new("DELETE FROM ");
                sql.table(table)?;
                sql.push(" WHERE ");
                keys_condition(&mut sql, table, &keys)?;
                out.affected += conn.exec(label, &sql).await?.affected;
            }
            Ok(out)
        }
    }
}

/// The rows an UPDATE or DELETE touches, locked FOR UPDATE (full rows, or
/// the `projection`).
#[allow(clippy::too_many_arguments)]
async fn locked_rows(
    conn: &mut NodeConn,
    label: &NodeLabel,
    table: &Arc<TableDef>,
    access: &Access,
    filter: &Option<Expr>,
    limit: Option<u64>,
    params: &[Value],
    projection: Option<Vec<usize>>,
) -> SqlResult<Vec<Row>> {
    let req = Read {
        table: table.clone(),
        access: access.clone(),
        filter: filter.clone(),
        projection,
        limit,
        lock: LockMode::Exclusive,
        params: params.to_vec(),
    };
    let plan = read::plan(&req)?;
    let raw = conn.stmt_rows(label, plan.stmt()).await?;
    read::finish(&req, &plan.shape, raw)
}

/// `UPDATE t SET <changed columns> WHERE <old primary key>`.
async fn update_by_key(
    conn: &mut NodeConn,
    label: &NodeLabel,
    t: &TableDef,
    old: &[Value],
    new: &[Value],
    ignore: bool,
) -> SqlResult<bool> {
    // With IGNORE the node leaves the row when its new key is taken, and
    // reports no affected row.
    let mut sql = Sql::new(if ignore { "UPDATE IGNORE " } else { "UPDATE " });
    sql.table(t)?;
    sql.push(" SET ");
    let mut first = true;
    for (c, (o, n)) in old.iter().zip(new).enumerate() {
        if o != n {
            if !first {
                sql.push(", ");
            }
            first = false;
            sql.column(t, c)?;
            sql.push(" = ");
            sql.value(n);
        }
    }
    sql.push(" WHERE ");
    let key: Vec<Value> = t.primary_key.iter().map(|&c| old[c].clone()).collect();
    keys_condition(&mut sql, t, &[key])?;
    Ok(conn.exec(label, &sql).await?.affected > 0)
}

/// INSERT ... ON DUPLICATE KEY UPDATE of one row, evaluated here: the
/// conflicting row is the first found by PRIMARY then each UNIQUE index
/// (MySQL's order), locked, updated with the shared `assign`.
#[allow(clippy::too_many_arguments)]
async fn upsert_row(
    conn: &mut NodeConn,
    label: &NodeLabel,
    t: &Arc<TableDef>,
    row: &Row,
    assignments: &[(usize, Expr)],
    params: &[Value],
    strict: bool,
    row_no: u64,
    out: &mut WriteOutcome,
) -> SqlResult<()> {
    let mut keys: Vec<&[usize]> = vec![&t.primary_key];
    keys.extend(
        t.indexes
            .iter()
            .filter(|i| i.unique)
            .map(|i| i.columns.as_slice()),
    );
    let mut existing = None;
    for cols in keys {
        let vals: Vec<Value> = cols
            .iter()
            .map(|&c| row.get(c).cloned().unwrap_or_default())
            .collect();
        if vals.iter().any(Value::is_null) {
            continue;
        }
        let mut sql = Sql::new("SELECT ");
        for c in 0..t.columns.len() {
            if c > 0 {
                sql.push(", ");
            }
            sql.column(t, c)?;
        }
        sql.push(" FROM ");
        sql.table(t)?;
        sql.push(" WHERE (");
        for (n, (&c, v)) in cols.iter().zip(&vals).enumerate() {
            if n > 0 {
                sql.push(" AND ");
            }
            sql.column(t, c)?;
            sql.push(" = ");
            sql.value(v);
        }
        sql.push(") LIMIT 1 FOR UPDATE");
        let mut raw = conn.rows(label, &sql).await?;
        if let Some(r) = raw.pop() {
            let mut full = Vec::with_capacity(r.len());
            for (v, col) in r.into_iter().zip(&t.columns) {
                full.push(super::values::from_node(v, col)?);
            }
            existing = Some(full);
            break;
        }
    }
    let Some(old) = existing else {
        let Some(sql) = insert_sql(
            t,
            std::slice::from_ref(row),
            &OnConflict::Error,
            params,
            strict,
        )?
        else {
            return Ok(());
        };
        out.affected += conn.exec(label, &sql).await?.affected;
        return Ok(());
    };
    let mut ctx = EvalCtx::new(params);
    ctx.insert_row = Some(row);
    let new = eval::assign(t, &old, assignments, &mut ctx, strict, row_no)?;
    out.warnings.append(&mut ctx.warnings);
    if new != old {
        update_by_key(conn, label, t, &old, &new, false).await?;
        out.affected += 2;
    }
    Ok(())
}
