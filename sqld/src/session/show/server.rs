//! SHOW statements about the server and sessions: variables, status
//! counters, warnings, the process list.

use super::filter::{rows_result, Filter};
use super::{columns, opt, s, Col, ENGINE};
use crate::session::shared::Status;
use crate::session::vars::{self, Scope, VARS};
use crate::session::Session;
use planner::infoschema::server::{
    is_default, CHARSETS, COLLATIONS, ENGINE_COMMENT, ENGINE_FEATURES,
};
use planner::{QueryResult, VarStore};
use pushdown::error::{SqlResult, WarningLevel};
use pushdown::node::PoolStats;
use pushdown::privilege::Privileges;
use pushdown::schema::Collation;
use pushdown::value::Value;

impl Session {
    pub(super) fn show_variables(&self, global: bool, filter: &Filter) -> SqlResult<QueryResult> {
        let cols = columns(&[Col::Text("Variable_name", 64), Col::Text("Value", 1024)]);
        let mut rows = Vec::new();
        for def in VARS {
            if global && def.scope == Scope::Session {
                continue;
            }
            let v = self
                .vars
                .system_var(def.name, global || def.scope == Scope::Global);
            if let Ok(v) = v {
                rows.push(vec![s(def.name), s(vars::display(def, &v))]);
            }
        }
        rows_result(cols, rows, filter)
    }

    pub(super) fn show_status(&self, filter: &Filter) -> SqlResult<QueryResult> {
        let sh = &self.shared;
        let st = &sh.status;
        let n = |c: &std::sync::atomic::AtomicU64| Status::get(c).to_string();
        let catalog = sh.planner.catalog();
        let mut pairs: Vec<(String, String)> = [
            ("Aborted_connects", n(&st.aborted_connects)),
            ("Com_begin", n(&st.com_begin)),
            ("Com_commit", n(&st.com_commit)),
            ("Com_dealloc_sql", n(&st.com_dealloc_sql)),
            ("Com_delete", n(&st.com_delete)),
            ("Com_execute_sql", n(&st.com_execute_sql)),
            ("Com_insert", n(&st.com_insert)),
            ("Com_prepare_sql", n(&st.com_prepare_sql)),
            ("Com_replace", n(&st.com_replace)),
            ("Com_rollback", n(&st.com_rollback)),
            ("Com_select", n(&st.com_select)),
            ("Com_set_option", n(&st.com_set_option)),
            ("Com_show", n(&st.com_show)),
            ("Com_stmt_close", n(&st.com_stmt_close)),
            ("Com_stmt_execute", n(&st.com_stmt_execute)),
            ("Com_stmt_prepare", n(&st.com_stmt_prepare)),
            ("Com_update", n(&st.com_update)),
            ("Connections", n(&st.connections)),
            ("Max_used_connections", sh.registry.max_used().to_string()),
            ("Open_tables", catalog.tables.len().to_string()),
            ("Prepared_stmt_count", n(&st.prepared_stmt_count)),
            ("Queries", n(&st.questions)),
            ("Questions", n(&st.questions)),
            ("Slow_queries", n(&st.slow_queries)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        pairs.extend(pool_status(&sh.pool_stats()));
        pairs.extend(
            [
                ("Ssl_cipher", String::new()),
                ("Threads_connected", sh.registry.count().to_string()),
                ("Threads_created", n(&st.connections)),
                ("Threads_running", sh.registry.running().to_string()),
                ("Uptime", sh.uptime().to_string()),
                ("Uptime_since_flush_status", sh.uptime().to_string()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v)),
        );
        let cols = columns(&[Col::Text("Variable_name", 64), Col::Text("Value", 1024)]);
        let rows = pairs.into_iter().map(|(k, v)| vec![s(k), s(v)]).collect();
        rows_result(cols, rows, filter)
    }

    pub(super) fn show_warnings(
        &self,
        errors_only: bool,
        count: bool,
        limit: Option<(u64, u64)>,
    ) -> QueryResult {
        let list: Vec<_> = self
            .ctx
            .warnings
            .iter()
            .filter(|w| !errors_only || w.level == WarningLevel::Error)
            .collect();
        if count {
            let name = if errors_only {
                "@@session.error_count"
            } else {
                "@@session.warning_count"
            };
            return QueryResult::Rows {
                columns: columns(&[Col::Int(name)]),
                rows: vec![vec![Value::UInt(list.len() as u64)]],
            };
        }
        let (offset, n) = limit.unwrap_or((0, u64::MAX));
        let cols = columns(&[
            Col::Text("Level", 7),
            Col::Int("Code"),
            Col::Text("Message", 512),
        ]);
        let rows = list
            .into_iter()
            .skip(offset as usize)
            .take(n.min(usize::MAX as u64) as usize)
            .map(|w| {
                vec![
                    s(w.level.as_str()),
                    Value::UInt(w.code as u64),
                    s(w.message.clone()),
                ]
            })
            .collect();
        QueryResult::Rows {
            columns: cols,
            rows,
        }
    }

    pub(super) fn show_processlist(&self, full: bool) -> QueryResult {
        let cols = columns(&[
            Col::Int("Id"),
            Col::Text("User", 32),
            Col::Text("Host", 261),
            Col::Text("db", 64),
            Col::Text("Command", 16),
            Col::Int("Time"),
            Col::Text("State", 64),
            Col::Text("Info", if full { 65535 } else { 100 }),
        ]);
        let see_all = self
            .principal
            .has_global(&self.shared.planner.catalog(), Privileges::PROCESS);
        let rows = self
            .shared
            .registry
            .list()
            .into_iter()
            .filter_map(|e| {
                let st = e.state();
                if !see_all && st.user != self.principal.user {
                    return None;
                }
                let info = st.info.map(|i| {
                    if full {
                        i
                    } else {
                        i.chars().take(100).collect()
                    }
                });
                Some(vec![
                    Value::UInt(e.id as u64),
                    s(st.user),
                    s(e.host.clone()),
                    opt(st.db),
                    s(st.command),
                    Value::UInt(st.since.elapsed().as_secs()),
                    s(st.state),
                    opt(info),
                ])
            })
            .collect();
        QueryResult::Rows {
            columns: cols,
            rows,
        }
    }
}

/// SHOW ENGINES: the one engine sqld has.
pub(super) fn engines() -> QueryResult {
    let cols = columns(&[
        Col::Text("Engine", 64),
        Col::Text("Support", 8),
        Col::Text("Comment", 80),
        Col::Text("Transactions", 3),
        Col::Text("XA", 3),
        Col::Text("Savepoints", 3),
    ]);
    let [txn, xa, savepoints] = ENGINE_FEATURES;
    let rows = vec![vec![
        s(ENGINE),
        s("DEFAULT"),
        s(ENGINE_COMMENT),
        s(txn),
        s(xa),
        s(savepoints),
    ]];
    QueryResult::Rows {
        columns: cols,
        rows,
    }
}

/// SHOW COLLATION: the collations sqld compares with.
pub(super) fn collations(filter: &Filter) -> SqlResult<QueryResult> {
    let cols = columns(&[
        Col::Text("Collation", 64),
        Col::Text("Charset", 64),
        Col::Int("Id"),
        Col::Text("Default", 3),
        Col::Text("Compiled", 3),
        Col::Int("Sortlen"),
        Col::Text("Pad_attribute", 9),
    ]);
    let rows = COLLATIONS
        .iter()
        .map(|c| {
            let default = is_default(*c);
            vec![
                s(c.name()),
                s(c.charset()),
                Value::UInt(c.id() as u64),
                s(if default { "Yes" } else { "" }),
                s("Yes"),
                Value::UInt(1),
                s(if *c == Collation::Utf8mb4_0900AiCi {
                    "NO PAD"
                } else {
                    "PAD SPACE"
                }),
            ]
        })
        .collect();
    rows_result(cols, rows, filter)
}

/// SHOW CHARACTER SET
pub(super) fn charsets(filter: &Filter) -> SqlResult<QueryResult> {
    let cols = columns(&[
        Col::Text("Charset", 64),
        Col::Text("Description", 64),
        Col::Text("Default collation", 64),
        Col::Int("Maxlen"),
    ]);
    let rows = CHARSETS
        .iter()
        .map(|(cs, desc, maxlen)| {
            let d = Collation::default_for_charset(cs).map_or("", |c| c.name());
            vec![s(*cs), s(*desc), s(d), Value::UInt(*maxlen as u64)]
        })
        .collect();
    rows_result(cols, rows, filter)
}

/// `Sqld_pool_*` (totals over the data nodes) then `Sqld_pool_ng<N>_*` per
/// node group, in node-group order; nothing without a cluster.
fn pool_status(groups: &[PoolStats]) -> Vec<(String, String)> {
    if groups.is_empty() {
        return Vec::new();
    }
    let fields = |p: &PoolStats| {
        [
            ("connections_created", p.connections_created),
            ("idle", p.idle),
            ("in_use", p.in_use),
            ("max_size", p.max_size),
            ("size", p.size),
            ("waits", p.waits),
        ]
    };
    let total = groups.iter().fold(PoolStats::default(), |t, p| PoolStats {
        size: t.size + p.size,
        in_use: t.in_use + p.in_use,
        idle: t.idle + p.idle,
        max_size: t.max_size + p.max_size,
        waits: t.waits + p.waits,
        connections_created: t.connections_created + p.connections_created,
    });
    let mut out: Vec<(String, String)> = fields(&total)
        .into_iter()
        .map(|(k, v)| (format!("Sqld_pool_{k}"), v.to_string()))
        .collect();
    for (g, p) in groups.iter().enumerate() {
        out.extend(
            fields(p)
                .into_iter()
                .map(|(k, v)| (format!("Sqld_pool_ng{g}_{k}"), v.to_string())),
        );
    }
    out
}

#[cfg(test)]
mod pool_tests {
    use super::*;

    #[test]
    fn pool_variables_total_and_per_group() {
        assert!(pool_status(&[]).is_empty());
        let a = PoolStats {
            size: 3,
            in_use: 1,
            idle: 2,
            max_size: 32,
            waits: 5,
            connections_created: 4,
        };
        let b = PoolStats {
            size: 1,
            idle: 1,
            max_size: 32,
            connections_created: 1,
            ..PoolStats::default()
        };
        let vars: std::collections::HashMap<String, String> =
            pool_status(&[a, b]).into_iter().collect();
        assert_eq!(vars["Sqld_pool_size"], "4");
        assert_eq!(vars["Sqld_pool_max_size"], "64");
        assert_eq!(vars["Sqld_pool_waits"], "5");
        assert_eq!(vars["Sqld_pool_ng0_in_use"], "1");
        assert_eq!(vars["Sqld_pool_ng1_idle"], "1");
        assert_eq!(vars["Sqld_pool_ng1_connections_created"], "1");
        assert_eq!(vars.len(), 18);
    }
}
