//! SELECT on at most one table → [`SelectPlan`].

use super::access::{decide, AccessPlan};
use super::{LimitPlan, PushedOrder, SelectPlan, SortKey, Source};
use crate::bind::names::Scope;
use crate::bind::types::{table_column_meta, TypeEnv};
use crate::bind::{and_all, conjuncts, remap_columns, resolve_table, AggCall, AggFunc, ExprBinder};
use crate::result::ColumnMeta;
use pushdown::error::{er, SqlError, SqlResult};
use pushdown::expr::Expr;
use pushdown::request::{LockMode, OrderKey};
use pushdown::schema::{Catalog, Collation, TableDef};
use sqlparser::ast::{
    self, GroupByExpr, LimitClause, OrderByKind, SelectItem, SetExpr, TableFactor,
};
use std::sync::Arc;

/// A planned SELECT and its placeholder count.
pub struct PlannedSelect {
    pub plan: SelectPlan,
    pub params: usize,
    pub tables: Vec<(String, String)>,
}

/// The single table of a FROM clause, or None for no FROM / FROM DUAL.
pub fn single_table(
    from: &[ast::TableWithJoins],
    catalog: &Catalog,
    current_db: Option<&str>,
) -> SqlResult<Option<Scope>> {
    let twj = match from {
        [] => return Ok(None),
        [one] => one,
        _ => return Err(er::not_supported("JOIN")),
    };
    if !twj.joins.is_empty() {
        return Err(er::not_supported("JOIN"));
    }
    match &twj.relation {
        TableFactor::Table {
            name, alias, args, ..
        } => {
            if args.is_some() {
                return Err(er::not_supported("table functions"));
            }
            if let [ast::ObjectNamePart::Identifier(id)] = name.0.as_slice() {
                if id.quote_style.is_none() && id.value.eq_ignore_ascii_case("DUAL") {
                    return Ok(None);
                }
            }
            let (db, table) = resolve_table(catalog, name, current_db)?;
            Ok(Some(Scope::new(db, table, alias.as_ref().map(|a| &a.name))))
        }
        TableFactor::Derived { .. } => Err(er::not_supported("subqueries in FROM")),
        TableFactor::NestedJoin { .. } => Err(er::not_supported("JOIN")),
        other => Err(er::not_supported(&format!("FROM {other}"))),
    }
}

/// The collation rows are sorted / grouped by for an expression over full
/// table rows.
pub fn expr_collation(table: Option<&TableDef>, e: &Expr) -> Collation {
    match (e, table) {
        (Expr::Column(c), Some(t)) => match t.columns.get(*c) {
            Some(col) if col.ty.is_text() => col.collation,
            Some(_) => Collation::Binary,
            None => Collation::default(),
        },
        _ => Collation::default(),
    }
}

pub fn plan_select(
    query: &ast::Query,
    catalog: &Catalog,
    current_db: Option<&str>,
) -> SqlResult<PlannedSelect> {
    if query.with.is_some() {
        return Err(er::not_supported("WITH"));
    }
    let select = match &*query.body {
        SetExpr::Select(s) => s,
        SetExpr::SetOperation { op, .. } => return Err(er::not_supported(&op.to_string())),
        SetExpr::Query(_) => return Err(er::not_supported("subqueries")),
        other => return Err(er::not_supported(&format!("{other}"))),
    };
    if select.into.is_some() {
        return Err(er::not_supported("SELECT ... INTO"));
    }
    let scope = single_table(&select.from, catalog, current_db)?;
    let scope_ref = scope.as_ref();
    let table = scope_ref.map(|s| &*s.table);
    let mut b = ExprBinder::new(scope_ref);
    let agg_base = b.agg_base;

    // Select list.
    b.aggs = Some(Vec::new());
    let mut output: Vec<Expr> = Vec::new();
    let mut names: Vec<(String, Option<String>)> = Vec::new(); // (name, alias)
    for item in &select.projection {
        match item {
            SelectItem::Wildcard(_) => {
                let s = scope_ref.ok_or_else(|| SqlError::code(1096, "No tables used"))?;
                for (i, c) in s.table.visible_columns() {
                    output.push(Expr::Column(i));
                    names.push((c.name.clone(), None));
                }
            }
            SelectItem::QualifiedWildcard(kind, _) => {
                let q = kind.to_string();
                let q = q.trim_end_matches(".*").to_string();
                let parts: Vec<String> = q
                    .split('.')
                    .map(|p| p.trim_matches('`').to_string())
                    .collect();
                let s = match scope_ref {
                    Some(s) if s.matches(&parts) => s,
                    _ => return Err(SqlError::code(1051, format!("Unknown table '{q}'"))),
                };
                for (i, c) in s.table.visible_columns() {
                    output.push(Expr::Column(i));
                    names.push((c.name.clone(), None));
                }
            }
            SelectItem::UnnamedExpr(e) => {
                output.push(b.bind(e)?);
                names.push((display_name(e), None));
            }
            SelectItem::ExprWithAlias { expr, alias } => {
                output.push(b.bind(expr)?);
                names.push((alias.value.clone(), Some(alias.value.clone())));
            }
            SelectItem::ExprWithAliases { .. } => return Err(er::not_supported("aliases list")),
        }
    }
    let visible = output.len();

    // WHERE: aggregates are not allowed there.
    let aggs_so_far = b.aggs.take();
    b.clause = "where clause";
    let where_expr = match &select.selection {
        Some(w) => Some(b.bind(w)?),
        None => None,
    };

    // GROUP BY: columns first, then select-list aliases and positions.
    b.clause = "group statement";
    let mut group_by = Vec::new();
    match &select.group_by {
        GroupByExpr::Expressions(exprs, mods) => {
            if !mods.is_empty() {
                return Err(er::not_supported("GROUP BY modifiers"));
            }
            for e in exprs {
                let g = resolve_item(&mut b, e, &output[..visible], &names, false)?;
                // A position or alias naming an aggregate.
                let mut on_agg = false;
                g.walk(&mut |x| on_agg |= matches!(x, Expr::Column(c) if *c >= b.agg_base));
                if on_agg {
                    let name = output[..visible]
                        .iter()
                        .position(|x| *x == g)
                        .map_or_else(|| e.to_string(), |i| names[i].0.clone());
                    return Err(SqlError::new(
                        1056,
                        "42000",
                        format!("Can't group on '{name}'"),
                    ));
                }
                group_by.push(g);
            }
        }
        GroupByExpr::All(_) => return Err(er::not_supported("GROUP BY ALL")),
    }
    b.aggs = aggs_so_far;
    let group_collations: Vec<Collation> =
        group_by.iter().map(|e| expr_collation(table, e)).collect();

    // HAVING.
    b.clause = "having clause";
    b.aliases = names
        .iter()
        .zip(&output)
        .filter_map(|((_, alias), e)| alias.as_ref().map(|a| (a.clone(), e.clone())))
        .collect();
    // Without GROUP BY, HAVING names a select-list alias before a column
    // of the same name, as MariaDB does (Connector/J's getTables filters
    // `HAVING TABLE_TYPE IN (...)` on its `CASE ... AS TABLE_TYPE`): bind
    // it with the shadowed columns out of sight.
    let having_scope = match (scope_ref, &select.having) {
        (Some(s), Some(_)) if group_by.is_empty() => shadowed_by_aliases(s, &b.aliases),
        _ => None,
    };
    if having_scope.is_some() {
        b.scope = having_scope.as_ref();
    }
    let having = match &select.having {
        // `HAVING 1` is a condition, not a position.
        Some(h @ ast::Expr::Value(_)) => Some(b.bind(h)?),
        Some(h) => Some(resolve_item(
            &mut b,
            h,
            &output[..visible],
            &names,
            having_scope.is_some(),
        )?),
        None => None,
    };
    b.scope = scope_ref;

    // ORDER BY: aliases and positions first.
    b.clause = "order clause";
    let mut sort = Vec::new();
    if let Some(ob) = &query.order_by {
        let exprs = match &ob.kind {
            OrderByKind::Expressions(e) => e,
            OrderByKind::All(_) => return Err(er::not_supported("ORDER BY ALL")),
        };
        for o in exprs {
            let e = resolve_item(&mut b, &o.expr, &output[..visible], &names, true)?;
            let desc = matches!(o.options.sort, Some(ast::OrderBySort::Desc));
            let collation = expr_collation(table, &e);
            let column = match output.iter().position(|x| *x == e) {
                Some(i) => i,
                None => {
                    output.push(e);
                    output.len() - 1
                }
            };
            sort.push(SortKey {
                column,
                desc,
                collation,
            });
        }
    }

    let aggs = b.aggs.take().unwrap_or_default();
    let aggregated = !aggs.is_empty() || !group_by.is_empty();
    if query.order_by.is_none() && !group_by.is_empty() {
        // GROUP BY without ORDER BY returns groups in key order, as
        // MariaDB (and MySQL before 8.0) do.
        for (g, collation) in group_by.iter().zip(&group_collations) {
            let column = match output.iter().position(|x| x == g) {
                Some(i) => i,
                None => {
                    output.push(g.clone());
                    output.len() - 1
                }
            };
            sort.push(SortKey {
                column,
                desc: false,
                collation: *collation,
            });
        }
    }

    // LIMIT / OFFSET.
    b.clause = "field list";
    let limit = match &query.limit_clause {
        None => None,
        Some(LimitClause::LimitOffset {
            limit,
            offset,
            limit_by,
        }) => {
            if !limit_by.is_empty() {
                return Err(er::not_supported("LIMIT BY"));
            }
            let limit = limit.as_ref().map(|l| limit_expr(&mut b, l)).transpose()?;
            let offset = offset
                .as_ref()
                .map(|o| limit_expr(&mut b, &o.value))
                .transpose()?;
            Some(LimitPlan { limit, offset })
        }
        Some(LimitClause::OffsetCommaLimit { offset, limit }) => {
            let offset = Some(limit_expr(&mut b, offset)?);
            let limit = Some(limit_expr(&mut b, limit)?);
            Some(LimitPlan { limit, offset })
        }
    };
    let params = b.next_param;

    let lock = match query.locks.first().map(|l| &l.lock_type) {
        Some(ast::LockType::Update) => LockMode::Exclusive,
        Some(ast::LockType::Share) => LockMode::Shared,
        None => LockMode::None,
    };

    // Result metadata, from the expressions over full rows.
    let env = TypeEnv {
        scope: scope_ref,
        aggs: &aggs,
        agg_base,
        params: None,
    };
    let columns: Vec<ColumnMeta> = output[..visible]
        .iter()
        .zip(&names)
        .map(|(e, (name, _))| match (e, scope_ref) {
            (Expr::Column(c), Some(s)) if *c < agg_base => table_column_meta(s, *c, name),
            _ => env.meta(e, name),
        })
        .collect();

    let param_typed: Vec<(usize, Expr)> = output[..visible]
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            let mut has_param = false;
            e.walk(&mut |x| has_param |= matches!(x, Expr::Param(_)));
            has_param
        })
        .map(|(i, e)| (i, e.clone()))
        .collect();
    let mut plan = SelectPlan {
        source: None,
        pre_filter: None,
        group_by,
        group_collations,
        aggregates: aggs,
        aggregated,
        having,
        output,
        movable: Vec::new(),
        visible,
        distinct: matches!(select.distinct, Some(ast::Distinct::Distinct)),
        sort,
        order_satisfied: false,
        limit,
        columns: columns.into(),
        param_typed,
        agg_base,
    };

    let tables = match &scope {
        Some(s) => vec![(s.db.clone(), s.table.name.clone())],
        None => Vec::new(),
    };
    match scope {
        None => {
            plan.pre_filter = where_expr;
        }
        Some(scope) => {
            let source = plan_source(&mut plan, scope, where_expr, lock, agg_base);
            plan.source = Some(source);
        }
    }
    plan.movable = movable_outputs(&plan.output);
    Ok(PlannedSelect {
        plan,
        params,
        tables,
    })
}

/// Chooses the access, splits the filter, narrows the projection and
/// decides whether ORDER BY and LIMIT can be left to the data nodes.
fn plan_source(
    plan: &mut SelectPlan,
    scope: Scope,
    where_expr: Option<Expr>,
    lock: LockMode,
    agg_base: usize,
) -> Source {
    let mut terms = Vec::new();
    if let Some(w) = where_expr {
        conjuncts(w, &mut terms);
    }
    let decision = decide(&scope.table, &terms);
    let full_filter = and_all(terms.iter().cloned());
    let filter = and_all(
        terms
            .into_iter()
            .zip(&decision.used)
            .filter(|(_, used)| !**used)
            .map(|(t, _)| t),
    );
    let mut access = decision.access;

    // ORDER BY on the access order needs no sort.
    if !plan.sort.is_empty() && !plan.aggregated {
        let satisfied = if access.is_single_row() {
            true
        } else if matches!(access, AccessPlan::Keys { .. }) {
            false
        } else {
            let desc = plan.sort[0].desc;
            plan.sort.len() <= decision.order_columns.len()
                && plan
                    .sort
                    .iter()
                    .zip(&decision.order_columns)
                    .all(|(k, &c)| k.desc == desc && plan.output[k.column] == Expr::Column(c))
        };
        if satisfied {
            let desc = plan.sort[0].desc;
            access.set_reverse(desc);
            plan.sort.clear();
            plan.order_satisfied = true;
        }
    }

    let order = pushed_order(plan, &scope.table, &access);

    // Columns the local stages read.
    let mut needed = Vec::new();
    let mut collect = |e: &Expr| {
        e.walk(&mut |x| {
            if let Expr::Column(c) = x {
                if *c < agg_base && !needed.contains(c) {
                    needed.push(*c);
                }
            }
        })
    };
    plan.output.iter().for_each(&mut collect);
    plan.group_by.iter().for_each(&mut collect);
    plan.aggregates
        .iter()
        .flat_map(|a| a.exprs())
        .for_each(&mut collect);
    plan.having.iter().for_each(&mut collect);
    if needed.is_empty() {
        needed.push(scope.table.primary_key[0]);
    }
    needed.sort_unstable();
    let width = needed.len();
    let all = width == scope.table.columns.len();
    let map = |c: usize| -> usize {
        if c < agg_base {
            needed.iter().position(|&n| n == c).unwrap_or(0)
        } else {
            width + (c - agg_base)
        }
    };
    for e in plan
        .output
        .iter_mut()
        .chain(plan.group_by.iter_mut())
        .chain(plan.having.iter_mut())
        .chain(plan.aggregates.iter_mut().flat_map(|a| a.exprs_mut()))
    {
        remap_columns(e, &map);
    }

    // LIMIT goes down when nothing local needs more rows than it returns.
    let limit = if !plan.aggregated
        && !plan.distinct
        && plan.sort.is_empty()
        && plan.having.is_none()
        && !matches!(access, AccessPlan::MultiRange { .. })
    {
        plan.limit.clone()
    } else {
        None
    };

    Source {
        scope,
        access,
        filter,
        full_filter,
        projection: if all { None } else { Some(needed) },
        limit,
        lock,
        order,
    }
}

/// The ORDER BY a single range read with a LIMIT can leave to data nodes
/// that sort: every key a plain column compared under its own collation,
/// no aggregation, HAVING or DISTINCT in between, so that each node group
/// returns only its first OFFSET + LIMIT rows. Without a LIMIT every row
/// crosses the network anyway, and sorting here costs less than the
/// server's filesort (oltp_read_write on one MariaDB node, 16 threads:
/// the node's CPU per transaction rose by 120 µs with the sort pushed,
/// sqld's fell by 10).
fn pushed_order(plan: &SelectPlan, table: &TableDef, access: &AccessPlan) -> Option<PushedOrder> {
    let limit = plan.limit.as_ref()?;
    if plan.sort.is_empty()
        || plan.aggregated
        || plan.having.is_some()
        || plan.distinct
        || !matches!(access, AccessPlan::Range { .. })
    {
        return None;
    }
    let mut keys = Vec::with_capacity(plan.sort.len());
    for k in &plan.sort {
        let Some(Expr::Column(c)) = plan.output.get(k.column) else {
            return None;
        };
        let col = table.columns.get(*c)?;
        if col.ty.is_text() && k.collation != col.collation {
            return None;
        }
        keys.push(OrderKey {
            column: *c,
            desc: k.desc,
        });
    }
    Some(PushedOrder {
        keys,
        limit: limit.clone(),
    })
}

/// `scope` with the columns that a select-list alias names hidden, so that
/// the binder finds the alias; None when no alias shadows a column.
fn shadowed_by_aliases(scope: &Scope, aliases: &[(String, Expr)]) -> Option<Scope> {
    let shadowed: Vec<usize> = aliases
        .iter()
        .filter_map(|(a, _)| scope.table.column_index(a))
        .collect();
    if shadowed.is_empty() {
        return None;
    }
    let mut table = (*scope.table).clone();
    for c in shadowed {
        table.columns[c].hidden = true;
    }
    Some(Scope {
        table: Arc::new(table),
        ..scope.clone()
    })
}

/// A GROUP BY / HAVING / ORDER BY item: a position (`ORDER BY 2`), a
/// select-list alias, or an expression. ORDER BY looks at aliases before
/// columns; GROUP BY and HAVING at columns first, as MySQL does.
fn resolve_item(
    b: &mut ExprBinder,
    e: &ast::Expr,
    output: &[Expr],
    names: &[(String, Option<String>)],
    alias_first: bool,
) -> SqlResult<Expr> {
    if let ast::Expr::Value(v) = e {
        // Only an integer is a position: `GROUP BY 0.5`, or a number past
        // BIGINT UNSIGNED (a DECIMAL), is a constant, as in MySQL.
        let position = match &v.value {
            ast::Value::Number(n, _) if n.bytes().all(|c| c.is_ascii_digit()) => {
                n.parse::<u64>().ok().map(|p| (n, p))
            }
            _ => None,
        };
        if let Some((n, pos)) = position {
            let pos = usize::try_from(pos).unwrap_or(0);
            return match output.get(pos.wrapping_sub(1)) {
                Some(x) => Ok(x.clone()),
                None => Err(er::bad_field(n, b.clause)),
            };
        }
    }
    let alias = |name: &str| {
        names
            .iter()
            .position(|(_, a)| a.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(name)))
    };
    if let ast::Expr::Identifier(id) = e {
        if alias_first {
            if let Some(i) = alias(&id.value) {
                return Ok(output[i].clone());
            }
        } else {
            match b.bind(e) {
                Ok(x) => return Ok(x),
                Err(err) if err.code == 1054 => {
                    return alias(&id.value).map(|i| output[i].clone()).ok_or(err)
                }
                Err(err) => return Err(err),
            }
        }
    }
    b.bind(e)
}

fn limit_expr(b: &mut ExprBinder, e: &ast::Expr) -> SqlResult<Expr> {
    match b.bind(e)? {
        x @ (Expr::Param(_) | Expr::Literal(_)) => Ok(x),
        _ => Err(er::parse(&e.to_string(), 1)),
    }
}

/// The column name MySQL shows for an unaliased select expression.
pub fn display_name(e: &ast::Expr) -> String {
    match e {
        ast::Expr::Identifier(id) => id.value.clone(),
        ast::Expr::CompoundIdentifier(ids) => {
            ids.last().map(|i| i.value.clone()).unwrap_or_default()
        }
        ast::Expr::Prefixed { value, .. } => display_name(value),
        ast::Expr::Value(v) => match &v.value {
            ast::Value::SingleQuotedString(s) | ast::Value::DoubleQuotedString(s) => s.clone(),
            ast::Value::Null => "NULL".to_string(),
            other => other.to_string(),
        },
        other => other.to_string(),
    }
}

/// For EXPLAIN and tests: aggregates by name.
pub fn agg_name(a: &AggCall) -> &'static str {
    match a.func {
        AggFunc::CountStar | AggFunc::Count => "COUNT",
        AggFunc::Sum => "SUM",
        AggFunc::Avg => "AVG",
        AggFunc::Min => "MIN",
        AggFunc::Max => "MAX",
        AggFunc::AnyValue => "ANY_VALUE",
        AggFunc::GroupConcat => "GROUP_CONCAT",
        AggFunc::BitAnd => "BIT_AND",
        AggFunc::BitOr => "BIT_OR",
        AggFunc::BitXor => "BIT_XOR",
        AggFunc::StdPop => "STD",
        AggFunc::StdSamp => "STDDEV_SAMP",
        AggFunc::VarPop => "VARIANCE",
        AggFunc::VarSamp => "VAR_SAMP",
    }
}

/// Which outputs are a bare column no other output reads: those move their
/// value out of the input row instead of cloning it (a string column would
/// otherwise be copied once per row).
fn movable_outputs(output: &[Expr]) -> Vec<bool> {
    output
        .iter()
        .enumerate()
        .map(|(j, e)| match e {
            Expr::Column(i) => output.iter().enumerate().all(|(k, other)| {
                if k == j {
                    return true;
                }
                let mut cols = Vec::new();
                other.columns(&mut cols);
                !cols.contains(i)
            }),
            _ => false,
        })
        .collect()
}
