//! UPDATE and DELETE on one table → [`ModifyPlan`].
//!
//! The rows to change are found with the same access decider as SELECT.
//! ORDER BY ... LIMIT in the access order is pushed as it is; on other
//! columns the keys are read with an exclusive lock, sorted and cut
//! locally, then written by key.

use super::access::{decide, AccessPlan};
use super::insert::{assignment_column, is_default_keyword};
use super::select::{expr_collation, single_table};
use super::{LimitPlan, ModifyPlan, SortKey, Source};
use crate::bind::names::Scope;
use crate::bind::{and_all, conjuncts, ExprBinder};
use pushdown::error::{er, SqlResult};
use pushdown::expr::Expr;
use pushdown::expr::SessionRef;
use pushdown::request::LockMode;
use pushdown::schema::{Catalog, ColumnDef, ColumnDefault};
use pushdown::value::Value;
use sqlparser::ast::{self, FromTable};

pub struct PlannedModify {
    pub plan: ModifyPlan,
    pub params: usize,
    pub tables: Vec<(String, String)>,
    /// The first column the statement reads (WHERE, then SET expressions,
    /// then ORDER BY): reading needs SELECT on it.
    pub reads_column: Option<String>,
}

pub fn plan_update(
    up: &ast::Update,
    catalog: &Catalog,
    current_db: Option<&str>,
) -> SqlResult<PlannedModify> {
    if up.from.is_some() {
        return Err(er::not_supported("UPDATE ... FROM"));
    }
    // `UPDATE IGNORE` arrives as `UPDATE OR IGNORE` (the parser's token
    // pass); SQLite's other conflict clauses are not MySQL.
    let ignore = match &up.or {
        None => false,
        Some(ast::SqliteOnConflict::Ignore) => true,
        Some(other) => return Err(er::parse(&format!("{other} {}", up.table), 1)),
    };
    let scope = single_table(std::slice::from_ref(&up.table), catalog, current_db)?
        .ok_or_else(|| er::parse("DUAL", 1))?;
    let mut b = ExprBinder::new(Some(&scope));
    let mut assignments = Vec::with_capacity(up.assignments.len());
    for a in &up.assignments {
        let c = assignment_column(&scope, a)?;
        let e = if is_default_keyword(&a.value) {
            column_default(&scope.table.columns[c])
        } else {
            b.bind(&a.value)?
        };
        assignments.push((c, e));
    }
    finish(
        &scope,
        &mut b,
        up.selection.as_ref(),
        &up.order_by,
        up.limit.as_ref(),
        assignments,
        ignore,
    )
}

/// `SET col = DEFAULT`: the column's default as an expression.
fn column_default(col: &ColumnDef) -> Expr {
    match &col.default {
        ColumnDefault::Value(v) => Expr::Literal(v.clone()),
        ColumnDefault::CurrentTimestamp => Expr::Session(SessionRef::Now(0)),
        // No default: NULL, which a NOT NULL column refuses (or turns into
        // its implicit default when not strict), as MySQL does.
        ColumnDefault::None => Expr::Literal(Value::Null),
    }
}

pub fn plan_delete(
    del: &ast::Delete,
    catalog: &Catalog,
    current_db: Option<&str>,
) -> SqlResult<PlannedModify> {
    if !del.tables.is_empty() || del.using.is_some() {
        return Err(er::not_supported("multi-table DELETE"));
    }
    let from = match &del.from {
        FromTable::WithFromKeyword(f) | FromTable::WithoutKeyword(f) => f,
    };
    let scope = single_table(from, catalog, current_db)?.ok_or_else(|| er::parse("DUAL", 1))?;
    let mut b = ExprBinder::new(Some(&scope));
    finish(
        &scope,
        &mut b,
        del.selection.as_ref(),
        &del.order_by,
        del.limit.as_ref(),
        Vec::new(),
        false,
    )
}

fn finish(
    scope: &Scope,
    b: &mut ExprBinder,
    selection: Option<&ast::Expr>,
    order_by: &[ast::OrderByExpr],
    limit: Option<&ast::Expr>,
    assignments: Vec<(usize, Expr)>,
    ignore: bool,
) -> SqlResult<PlannedModify> {
    b.clause = "where clause";
    let mut terms = Vec::new();
    if let Some(w) = selection {
        conjuncts(b.bind(w)?, &mut terms);
    }
    b.clause = "order clause";
    let mut order = Vec::with_capacity(order_by.len());
    for o in order_by {
        let desc = matches!(o.options.sort, Some(ast::OrderBySort::Desc));
        match b.bind(&o.expr)? {
            Expr::Column(c) => order.push((c, desc)),
            _ => return Err(er::not_supported("ORDER BY an expression in UPDATE/DELETE")),
        }
    }
    b.clause = "field list";
    let limit = match limit {
        Some(l) => match b.bind(l)? {
            x @ (Expr::Param(_) | Expr::Literal(_)) => Some(LimitPlan {
                limit: Some(x),
                offset: None,
            }),
            _ => return Err(er::parse(&l.to_string(), 1)),
        },
        None => None,
    };

    let table = &scope.table;
    let mut read = Vec::new();
    for t in &terms {
        t.columns(&mut read);
    }
    for (_, e) in &assignments {
        e.columns(&mut read);
    }
    read.extend(order.iter().map(|(c, _)| *c));
    let reads_column = read.first().map(|&c| table.columns[c].name.clone());
    let decision = decide(table, &terms);
    let full_filter = and_all(terms.iter().cloned());
    let filter = and_all(
        terms
            .into_iter()
            .zip(&decision.used)
            .filter(|(_, u)| !**u)
            .map(|(t, _)| t),
    );
    let mut access = decision.access;
    let in_access_order = order.is_empty()
        || access.is_single_row()
        || (!matches!(access, AccessPlan::Keys { .. })
            && order.len() <= decision.order_columns.len()
            && order
                .iter()
                .zip(&decision.order_columns)
                .all(|((c, d), oc)| c == oc && *d == order[0].1));

    let (projection, sort) = if in_access_order {
        if let Some((_, desc)) = order.first() {
            access.set_reverse(*desc);
        }
        (None, Vec::new())
    } else {
        // Read the keys plus the sort columns, sort locally.
        let mut proj = table.primary_key.clone();
        let mut sort = Vec::with_capacity(order.len());
        for (c, desc) in &order {
            let pos = match proj.iter().position(|p| p == c) {
                Some(p) => p,
                None => {
                    proj.push(*c);
                    proj.len() - 1
                }
            };
            sort.push(SortKey {
                column: pos,
                desc: *desc,
                collation: expr_collation(Some(table), &Expr::Column(*c)),
            });
        }
        (Some(proj), sort)
    };

    let tables = vec![(scope.db.clone(), table.name.clone())];
    Ok(PlannedModify {
        plan: ModifyPlan {
            source: Source {
                scope: scope.clone(),
                access,
                filter,
                full_filter,
                projection,
                limit: None,
                lock: LockMode::Exclusive,
                order: None,
            },
            assignments,
            sort,
            limit,
            ignore,
        },
        params: b.next_param,
        tables,
        reads_column,
    })
}
