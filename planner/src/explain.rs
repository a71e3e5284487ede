//! EXPLAIN: one row per access, saying what reaches the data nodes (access,
//! pushed filter, projection, limit, node groups) and what runs locally.

use crate::plan::{AccessPlan, Plan, RangeBound, SelectPlan, Source};
use crate::planner::Planner;
use crate::result::{ColumnMeta, QueryResult};
use pushdown::eval::EvalCtx;
use pushdown::expr::{CmpOp, Expr, UnaryOp};
use pushdown::request::Read;
use pushdown::schema::{Collation, ColumnType, TableDef};
use pushdown::value::Value;
use std::sync::Arc;

const COLUMNS: [&str; 7] = [
    "table",
    "access",
    "pushed_filter",
    "projection",
    "pushed_limit",
    "node_groups",
    "local",
];

pub fn columns() -> Arc<[ColumnMeta]> {
    COLUMNS
        .iter()
        .map(|n| {
            ColumnMeta::computed(
                n,
                ColumnType::VarChar(255),
                Collation::Utf8mb4GeneralCi,
                1020,
            )
        })
        .collect()
}

pub fn result(plan: &Plan, planner: &Planner) -> QueryResult {
    let (groups, ordered) = node_groups(plan, planner);
    let rows = lines(plan, &groups, ordered)
        .into_iter()
        .map(|l| l.into_iter().map(Value::from).collect())
        .collect();
    QueryResult::Rows {
        columns: columns(),
        rows,
    }
}

/// The node groups a plan reaches and, for a read, the SQL each is sent
/// ("ng0 (host:port): SELECT ..."). A read whose keys need parameter values
/// is shown on every group. With whether the groups sort the rows (the
/// plan's ORDER BY pushed, see `select::read_ordered`).
fn node_groups(plan: &Plan, planner: &Planner) -> (String, bool) {
    let cluster = planner.cluster();
    let every = || {
        (0..cluster.group_count())
            .map(|g| cluster.group_name(g))
            .collect::<Vec<_>>()
            .join(",")
    };
    let (src, is_read) = match plan {
        Plan::Select(s) => match &s.source {
            Some(src) => (src, true),
            None => return (every(), false),
        },
        Plan::Update(m) | Plan::Delete(m) => (&m.source, false),
        _ => return (every(), false),
    };
    let table = &src.scope.table;
    if table.is_system_view() {
        // information_schema: rows made by this sqld from its catalog.
        return ("none (information_schema)".to_string(), false);
    }
    let mut ctx = EvalCtx::new(&[]);
    let Ok(accesses) = crate::exec::access::evaluate(&src.access, table, &mut ctx) else {
        return (every(), false);
    };
    let filter = if accesses.exact {
        &src.filter
    } else {
        &src.full_filter
    };
    let rows_needed = |l: Option<&crate::plan::LimitPlan>| {
        l.and_then(|l| crate::ops::limit::bounds(l, &[]).ok())
            .and_then(|(offset, limit)| limit.map(|l| l.saturating_add(offset)))
    };
    let mut limit = rows_needed(src.limit.as_ref());
    // The ORDER BY the groups would sort by: what `select::run` pushes.
    let order = match &src.order {
        Some(o) if is_read && accesses.list.len() == 1 && cluster.orders(table, &o.keys) => {
            limit = rows_needed(Some(&o.limit));
            &o.keys[..]
        }
        _ => &[],
    };
    // Aggregates the nodes compute: only what `select::run` pushes.
    let aggs = match plan {
        Plan::Select(s) if cluster.is_distributed() => {
            crate::exec::select::partial_aggregates(s, src).map_or(Vec::new(), |(a, _)| a)
        }
        _ => Vec::new(),
    };
    let mut seen: Vec<(String, Option<String>)> = Vec::new();
    for access in accesses.list {
        let read = Read {
            table: table.clone(),
            access,
            filter: filter.clone().filter(|f| f.is_pushable()),
            projection: src.projection.clone(),
            limit,
            lock: src.lock,
            params: Vec::new(),
        };
        for (name, sql) in cluster.describe_read(&read, &aggs, order) {
            if !seen.iter().any(|(n, _)| *n == name) {
                seen.push((name, sql.filter(|_| is_read)));
            }
        }
    }
    if seen.is_empty() {
        return (every(), false);
    }
    let groups = seen
        .into_iter()
        .map(|(name, sql)| match sql {
            Some(sql) => format!("{name}: {sql}"),
            None => name,
        })
        .collect::<Vec<_>>()
        .join("; ");
    (groups, !order.is_empty())
}

/// The EXPLAIN rows of a plan, as text cells (also used by the golden
/// plan tests). `ordered`: the node groups sort the rows (ORDER BY pushed).
pub fn lines(plan: &Plan, groups: &str, ordered: bool) -> Vec<Vec<String>> {
    match plan {
        Plan::Select(s) => match &s.source {
            Some(src) => {
                let mut l = source_line(src, groups, &select_local(s, ordered));
                if let Some(o) = src.order.as_ref().filter(|_| ordered) {
                    l[4] = limit_text(&o.limit, &src.scope.table);
                }
                vec![l]
            }
            None => vec![vec![
                String::new(),
                "no table".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                select_local(s, false),
            ]],
        },
        Plan::Insert(i) => vec![vec![
            i.scope.table.name.clone(),
            format!(
                "insert ({} rows, {:?})",
                i.rows.len(),
                conflict_name(&i.on_conflict)
            ),
            String::new(),
            String::new(),
            String::new(),
            groups.to_string(),
            String::new(),
        ]],
        Plan::Update(m) | Plan::Delete(m) => {
            let verb = if matches!(plan, Plan::Update(_)) {
                "update"
            } else {
                "delete"
            };
            let mut local = Vec::new();
            if !m.sort.is_empty() {
                local.push("read keys locked, sort, write by key".to_string());
            }
            if m.limit.is_some() {
                local.push("limit".into());
            }
            let mut l = source_line(&m.source, groups, &local.join(", "));
            l[1] = format!("{verb} via {}", l[1]);
            vec![l]
        }
        Plan::Ddl(_) | Plan::Explain(_) => Vec::new(),
    }
}

fn conflict_name(c: &pushdown::request::OnConflict) -> &'static str {
    use pushdown::request::OnConflict as O;
    match c {
        O::Error => "error on duplicate",
        O::Ignore => "ignore duplicates",
        O::Replace => "replace",
        O::Update(_) => "on duplicate key update",
    }
}

fn select_local(s: &SelectPlan, ordered: bool) -> String {
    let mut ops = Vec::new();
    if s.aggregated {
        let aggs: Vec<&str> = s
            .aggregates
            .iter()
            .filter(|a| a.func != crate::bind::AggFunc::AnyValue)
            .map(crate::plan::select::agg_name)
            .collect();
        if s.group_by.is_empty() {
            ops.push(format!("aggregate [{}]", aggs.join(", ")));
        } else {
            ops.push(format!(
                "group by {} [{}]",
                s.group_by.len(),
                aggs.join(", ")
            ));
        }
    }
    if s.having.is_some() || s.pre_filter.is_some() {
        ops.push("filter".into());
    }
    if s.distinct {
        ops.push("distinct".into());
    }
    if !s.sort.is_empty() && ordered {
        ops.push(format!("merge sorted {}", s.sort.len()));
    } else if !s.sort.is_empty() {
        ops.push(format!("sort {}", s.sort.len()));
    } else if s.order_satisfied {
        ops.push("order by access".into());
    }
    if s.limit.is_some() {
        ops.push("limit".into());
    }
    ops.join(", ")
}

fn source_line(src: &Source, groups: &str, local: &str) -> Vec<String> {
    let t = &src.scope.table;
    let projection = match &src.projection {
        None => "*".to_string(),
        Some(p) => p
            .iter()
            .map(|&c| t.columns[c].name.clone())
            .collect::<Vec<_>>()
            .join(","),
    };
    let lock = match src.lock {
        pushdown::request::LockMode::None => "",
        pushdown::request::LockMode::Shared => " lock shared",
        pushdown::request::LockMode::Exclusive => " lock exclusive",
    };
    vec![
        t.name.clone(),
        format!("{}{lock}", access_text(&src.access, t)),
        src.filter
            .as_ref()
            .map_or(String::new(), |f| expr_text(f, t)),
        projection,
        src.limit
            .as_ref()
            .map_or(String::new(), |l| limit_text(l, t)),
        groups.to_string(),
        local.to_string(),
    ]
}

fn limit_text(l: &crate::plan::LimitPlan, t: &TableDef) -> String {
    let e = |x: &Option<Expr>| x.as_ref().map(|x| expr_text(x, t));
    match (e(&l.limit), e(&l.offset)) {
        (Some(l), Some(o)) => format!("{o}+{l}"),
        (Some(l), None) => l,
        (None, Some(o)) => format!("offset {o}"),
        (None, None) => String::new(),
    }
}

fn index_name(t: &TableDef, index: Option<u32>) -> String {
    match index {
        None => "PRIMARY".into(),
        Some(id) => t
            .indexes
            .iter()
            .find(|i| i.id == id)
            .map_or_else(|| format!("#{id}"), |i| i.name.clone()),
    }
}

fn access_text(a: &AccessPlan, t: &TableDef) -> String {
    let bound = |b: &Option<RangeBound>, lower: bool| -> String {
        match b {
            None => String::new(),
            Some(b) => {
                let op = match (lower, b.inclusive) {
                    (true, true) => ">=",
                    (true, false) => ">",
                    (false, true) => "<=",
                    (false, false) => "<",
                };
                format!("{op} {}", expr_text(&b.value, t))
            }
        }
    };
    match a {
        AccessPlan::Keys { columns } => {
            let n: usize = columns.iter().map(Vec::len).product();
            let keys = columns
                .iter()
                .map(|c| {
                    c.iter()
                        .map(|e| expr_text(e, t))
                        .collect::<Vec<_>>()
                        .join("|")
                })
                .collect::<Vec<_>>()
                .join(",");
            if n == 1 {
                format!("point get PRIMARY ({keys})")
            } else {
                format!("batched get PRIMARY ({n} keys: {keys})")
            }
        }
        AccessPlan::Range {
            index,
            prefix,
            lower,
            upper,
            reverse,
        } => {
            if a.is_full_scan() {
                return format!("full scan{}", if *reverse { " reverse" } else { "" });
            }
            let mut parts: Vec<String> = prefix
                .iter()
                .map(|e| format!("= {}", expr_text(e, t)))
                .collect();
            let range: Vec<String> = [bound(lower, true), bound(upper, false)]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect();
            if !range.is_empty() {
                parts.push(range.join(" and "));
            }
            format!(
                "range scan {} ({}){}",
                index_name(t, *index),
                parts.join(", "),
                if *reverse { " reverse" } else { "" }
            )
        }
        AccessPlan::MultiRange {
            index,
            ranges,
            reverse,
        } => {
            let rs: Vec<String> = ranges
                .iter()
                .map(|(l, u)| {
                    if let (Some(l), Some(u)) = (l, u) {
                        if l == u {
                            return format!("= {}", expr_text(&l.value, t));
                        }
                    }
                    [bound(l, true), bound(u, false)]
                        .into_iter()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(" and ")
                })
                .collect();
            format!(
                "multi-range scan {} ({} ranges: {}){}",
                index_name(t, *index),
                rs.len(),
                rs.join("; "),
                if *reverse { " reverse" } else { "" }
            )
        }
    }
}

/// SQL-like text of a bound expression, with column names.
pub fn expr_text(e: &Expr, t: &TableDef) -> String {
    let x = |e: &Expr| expr_text(e, t);
    match e {
        Expr::Column(c) => t
            .columns
            .get(*c)
            .map_or_else(|| format!("#{c}"), |c| c.name.clone()),
        Expr::Literal(v) => match v {
            Value::Null => "NULL".into(),
            Value::Bytes(b) => format!("'{}'", String::from_utf8_lossy(b)),
            other => {
                let mut out = Vec::new();
                pushdown::eval::to_text(other, &mut out);
                String::from_utf8_lossy(&out).into_owned()
            }
        },
        Expr::Param(i) => format!("?{}", i + 1),
        Expr::InsertValue(c) => format!(
            "VALUES({})",
            t.columns.get(*c).map_or("?", |c| c.name.as_str())
        ),
        Expr::Unary { op, arg } => match op {
            UnaryOp::Neg => format!("-{}", x(arg)),
            UnaryOp::Not => format!("NOT {}", x(arg)),
            UnaryOp::BitNot => format!("~{}", x(arg)),
        },
        Expr::Binary { op, left, right } => {
            let o = op.symbol();
            format!("({} {o} {})", x(left), x(right))
        }
        Expr::Compare {
            op, left, right, ..
        } => {
            let o = match op {
                CmpOp::Eq => "=",
                CmpOp::NullSafeEq => "<=>",
                CmpOp::Ne => "<>",
                CmpOp::Lt => "<",
                CmpOp::Le => "<=",
                CmpOp::Gt => ">",
                CmpOp::Ge => ">=",
            };
            format!("{} {o} {}", x(left), x(right))
        }
        Expr::IsNull { arg, negated } => {
            format!("{} IS {}NULL", x(arg), if *negated { "NOT " } else { "" })
        }
        Expr::IsBool {
            arg,
            value,
            negated,
        } => format!(
            "{} IS {}{}",
            x(arg),
            if *negated { "NOT " } else { "" },
            if *value { "TRUE" } else { "FALSE" }
        ),
        Expr::Like {
            arg,
            pattern,
            negated,
            ..
        } => {
            format!(
                "{} {}LIKE {}",
                x(arg),
                if *negated { "NOT " } else { "" },
                x(pattern)
            )
        }
        Expr::InList {
            arg, list, negated, ..
        } => format!(
            "{} {}IN ({})",
            x(arg),
            if *negated { "NOT " } else { "" },
            list.iter().map(x).collect::<Vec<_>>().join(", ")
        ),
        Expr::Between {
            arg,
            low,
            high,
            negated,
            ..
        } => format!(
            "{} {}BETWEEN {} AND {}",
            x(arg),
            if *negated { "NOT " } else { "" },
            x(low),
            x(high)
        ),
        Expr::Case { .. } => "CASE ...".into(),
        Expr::Cast { arg, to } => format!("CAST({} AS {to:?})", x(arg)),
        Expr::Func { name, args, .. } => {
            format!(
                "{name}({})",
                args.iter().map(x).collect::<Vec<_>>().join(", ")
            )
        }
        Expr::Session(s) => format!("{s:?}"),
    }
}
