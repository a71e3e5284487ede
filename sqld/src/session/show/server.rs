//! SHOW statements about the server and sessions: variables, status
//! counters, warnings, the process list.

use super::filter::{rows_result, Filter};
use super::{columns, opt, s, Col, ENGINE};
use crate::session::Session;
use planner::infoschema::server::{
    is_default, CHARSETS, COLLATIONS, ENGINE_COMMENT, ENGINE_FEATURES,
};
use planner::{QueryResult, ServerState, VarStore};
use pushdown::error::{SqlResult, WarningLevel};
use pushdown::privilege::Privileges;
use pushdown::schema::Collation;
use pushdown::value::Value;

impl Session {
    pub(super) fn show_variables(&self, global: bool, filter: &Filter) -> SqlResult<QueryResult> {
        let cols = columns(&[Col::Text("Variable_name", 64), Col::Text("Value", 1024)]);
        let rows = self
            .vars
            .system_vars(global)
            .into_iter()
            .map(|(name, value)| vec![s(name), s(value)])
            .collect();
        rows_result(cols, rows, filter)
    }

    pub(super) fn show_status(&self, filter: &Filter) -> SqlResult<QueryResult> {
        let cols = columns(&[Col::Text("Variable_name", 64), Col::Text("Value", 1024)]);
        let rows = self
            .shared
            .status_pairs()
            .into_iter()
            .map(|(k, v)| vec![s(k), s(v)])
            .collect();
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
            .processes()
            .into_iter()
            .filter(|p| see_all || p.user == self.principal.user)
            .map(|p| {
                let info = p.info.map(|i| {
                    if full {
                        i
                    } else {
                        i.chars().take(100).collect()
                    }
                });
                vec![
                    Value::UInt(p.id as u64),
                    s(p.user),
                    s(p.host),
                    opt(p.db),
                    s(p.command),
                    Value::UInt(p.time.as_secs()),
                    s(p.state),
                    opt(info),
                ]
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
