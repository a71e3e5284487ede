//! information_schema: views over the live catalog, as MariaDB 10.11 has
//! them.
//!
//! - [`views`]: each view's definition, a [`TableDef`] whose id lies in
//!   [`pushdown::schema::SYSTEM_VIEW_IDS`]; names resolve to it at bind
//!   time ([`resolve`]), so the planner binds, types and plans a view as
//!   any table, with a full scan as its access.
//! - [`rows`]: the rows of a view, made from the catalog snapshot for the
//!   session's grantee; [`privileges`]: USER_ / SCHEMA_PRIVILEGES from the
//!   accounts' grants.
//! - [`live`]: PROCESSLIST, the variables and the status counters, from
//!   the session and the server ([`crate::context::ServerState`]).
//! - [`read`]: answers a [`Read`] of a view (filter, projection, limit) in
//!   place of the data nodes, which never see a view; the local operators
//!   (aggregates, DISTINCT, ORDER BY) then run unchanged.
//! - [`lookup`]: `TABLE_SCHEMA = 'x'` matches the name exactly, as in
//!   MariaDB, which opens that database by name.
//! - [`describe`]: column types and defaults in text, shared with SHOW.
//! - [`server`]: engines, character sets and collations sqld has.

pub mod describe;
pub mod live;
pub mod lookup;
pub mod privileges;
pub mod rows;
pub mod server;
pub mod views;

use crate::context::SessionCtx;
use pushdown::error::{SqlError, SqlResult};
use pushdown::eval::{self, EvalCtx};
use pushdown::request::Read;
use pushdown::schema::{Catalog, TableDef};
use pushdown::value::{Row, Value};
use std::sync::Arc;
use views::View;

/// The database's name as MariaDB spells it.
pub const INFORMATION_SCHEMA: &str = "information_schema";

/// Whether `db` names information_schema (case-insensitively, as MariaDB).
pub fn is_schema(db: &str) -> bool {
    db.eq_ignore_ascii_case(INFORMATION_SCHEMA)
}

/// The view `information_schema.<name>` (any case).
pub fn resolve(name: &str) -> Option<Arc<TableDef>> {
    View::named(name).map(|v| v.def().clone())
}

/// Writes to a view: 1044, as MariaDB answers every account. sqld's
/// session refuses them before they run, naming the user; this keeps a
/// view's id out of the data nodes whoever drives the planner.
pub fn refuse_write(table: &TableDef) -> SqlResult<()> {
    if table.is_system_view() {
        return Err(SqlError::code(
            1044,
            format!("Access denied to database '{INFORMATION_SCHEMA}'"),
        ));
    }
    Ok(())
}

/// The rows `req` asks of a view: every row of the view the session's
/// grantee may see that passes the filter, then the limit and projection.
/// The access is a full scan (the planner gives a view no other).
pub fn read(
    req: &Read,
    catalog: &Catalog,
    session: &SessionCtx,
    ctx: &mut EvalCtx,
) -> SqlResult<Vec<Row>> {
    let Some(view) = View::of(&req.table) else {
        return Ok(Vec::new());
    };
    let visible = rows::Visible::new(catalog, &session.grantee);
    let all = if live::is_live(view) {
        live::rows(view, &visible, session)
    } else {
        rows::rows(view, &visible)
    };
    let limit = req
        .limit
        .map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
    let lookup = lookup::Lookup::new(view, req.filter.as_ref(), ctx.params);
    let mut out = Vec::new();
    for mut row in all {
        // The hidden key column (see `views`): NULL.
        row.push(Value::Null);
        if out.len() >= limit {
            break;
        }
        if !lookup.admits(&row) {
            continue;
        }
        if let Some(f) = &req.filter {
            if !eval::matches(f, &row, ctx)? {
                continue;
            }
        }
        out.push(match &req.projection {
            Some(p) => p
                .iter()
                .map(|&i| row.get(i).cloned().unwrap_or_default())
                .collect(),
            None => row,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
