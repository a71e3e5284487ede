//! Sessions: the state of one client connection (user, database, variables,
//! transaction, prepared statements) and the statements that act on it.
//!
//! - [`dispatch`]: which statement goes where (session or planner), and
//!   the privilege check in front of the planner.
//! - [`set`], [`show`], [`txn`], [`users`]: the session's own statements;
//!   [`sqlprep`]: PREPARE / EXECUTE / DEALLOCATE PREPARE sent as text.
//! - [`vars`]: system variables; [`registry`]: live sessions;
//!   [`shared`]: what all sessions share.

pub mod dispatch;
pub mod lex;
pub mod registry;
pub mod set;
pub mod shared;
pub mod show;
pub mod sqlprep;
pub mod txn;
pub mod users;
pub mod vars;

pub use shared::{ServerInfo, Shared};

use crate::protocol::{Account, ClientOptions, Handler, PreparedInfo, StmtMap};
use async_trait::async_trait;
use dispatch::Stmt;
use planner::{ColumnMeta, Grantee, QueryResult, SessionCtx};
use pushdown::error::{er, SqlError, SqlResult, SqlWarning};
use pushdown::privilege::Privileges;
use pushdown::schema::Collation;
use pushdown::value::{DateTime, Value};
use registry::ProcEntry;
use shared::Status;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::watch;
use users::{Principal, UserHost};
use vars::SessionVars;

/// SERVER_STATUS_* flags.
pub mod status_flags {
    pub const IN_TRANS: u16 = 0x0001;
    pub const AUTOCOMMIT: u16 = 0x0002;
    pub const IN_TRANS_READONLY: u16 = 0x2000;
}

/// A statement prepared with COM_STMT_PREPARE or SQL PREPARE: its parsed
/// (and, for the planner, planned) form, so EXECUTE never parses again.
struct PreparedStmt {
    stmt: Arc<Stmt>,
    plan: Option<Arc<planner::Prepared>>,
    param_count: u16,
}

/// One client connection.
pub struct Session {
    shared: Arc<Shared>,
    entry: Arc<ProcEntry>,
    kill_rx: watch::Receiver<bool>,
    ctx: SessionCtx,
    vars: SessionVars,
    principal: Principal,
    stmts: StmtMap<PreparedStmt>,
    next_stmt_id: u32,
    /// SQL-level prepared statements, by lower-cased name.
    sql_stmts: HashMap<String, PreparedStmt>,
    txn: txn::TxnState,
    client: ClientOptions,
    /// The statement being run is a whole COM_QUERY piece: its plan may go
    /// to the planner's text-keyed cache.
    cache_next_plan: bool,
}

/// The current time at `offset_secs` from UTC, as a DATETIME with
/// microseconds.
pub fn now_at_offset(offset_secs: i64) -> DateTime {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs() as i64 + offset_secs;
    let days = secs.div_euclid(86400);
    let rem = secs.rem_euclid(86400);
    // Days since 1970-01-01 to civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
    DateTime {
        year,
        month,
        day,
        hour: (rem / 3600) as u8,
        minute: (rem / 60 % 60) as u8,
        second: (rem % 60) as u8,
        micro: now.subsec_micros(),
    }
}

pub fn utc_now() -> DateTime {
    now_at_offset(0)
}

impl Session {
    pub(crate) fn new(shared: Arc<Shared>, entry: Arc<ProcEntry>, peer: SocketAddr) -> Session {
        let vars = SessionVars::new(shared.globals.clone());
        let host = match peer.ip() {
            std::net::IpAddr::V6(v6) => v6
                .to_ipv4_mapped()
                .map_or(v6.to_string(), |v4| v4.to_string()),
            v4 => v4.to_string(),
        };
        let ctx = SessionCtx {
            connection_id: entry.id,
            user: String::new(),
            host: host.clone(),
            grantee: Grantee::Nobody,
            current_db: None,
            txn: None,
            explicit_txn: false,
            autocommit: true,
            strict: true,
            last_insert_id: 0,
            row_count: -1,
            found_rows: 0,
            client_found_rows: false,
            warnings: Vec::new(),
            statement_time: utc_now(),
            vars: Box::new(vars.clone()),
            server: shared.clone(),
            requested_last_insert_id: Default::default(),
            query_killed: entry.query_killed_flag.clone(),
        };
        let kill_rx = entry.subscribe_kill();
        let mut s = Session {
            shared,
            entry,
            kill_rx,
            ctx,
            vars,
            principal: Principal {
                account: None,
                user: String::new(),
                host,
            },
            stmts: StmtMap::default(),
            next_stmt_id: 1,
            sql_stmts: HashMap::new(),
            txn: txn::TxnState::default(),
            client: ClientOptions {
                multi_statements: true,
                found_rows: false,
                interactive: false,
            },
            cache_next_plan: false,
        };
        s.load_session_flags();
        s
    }

    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// The planner's view of this session (tests and the integrator).
    pub fn ctx(&self) -> &SessionCtx {
        &self.ctx
    }

    /// ctx fields that mirror variables: autocommit, strict.
    fn load_session_flags(&mut self) {
        self.ctx.autocommit = self.vars.get_u64("autocommit") != 0;
        self.ctx.strict = vars::is_strict(&self.vars.get_str("sql_mode"));
    }

    /// Back to a fresh session for the same connection: open transaction
    /// rolled back, prepared statements and variables dropped.
    async fn reset_state(&mut self) {
        let _ = self.rollback_txn().await;
        self.forget_statements();
        self.vars.reset();
        self.ctx.last_insert_id = 0;
        self.ctx.row_count = -1;
        self.ctx.found_rows = 0;
        self.ctx.warnings.clear();
        self.txn = txn::TxnState::default();
        self.load_session_flags();
    }

    /// USE db on the latest catalog: in cluster mode another sqld may have
    /// created or dropped the database a moment ago (one round trip to the
    /// cluster metadata; nothing with the embedded node).
    async fn use_db_fresh(&mut self, db: &str) -> SqlResult<()> {
        if let Err(e) = self.shared.planner.refresh().await {
            tracing::warn!("catalog refresh: {e}");
        }
        self.use_db(db)
    }

    /// USE db: 1102 too long, 1049 unknown, 1044 without a grant on it.
    fn use_db(&mut self, db: &str) -> SqlResult<()> {
        planner::bind::names::check_db_name(db)?;
        if db.eq_ignore_ascii_case(show::INFORMATION_SCHEMA) {
            // Every account may use it, as in MySQL (it has no tables yet).
            self.ctx.current_db = Some(show::INFORMATION_SCHEMA.to_string());
            self.entry
                .update(|s| s.db = Some(show::INFORMATION_SCHEMA.to_string()));
            return Ok(());
        }
        let catalog = self.shared.planner.catalog();
        if !self.principal.can_use_db(&catalog, db) {
            return Err(self.principal.db_denied(db));
        }
        let def = catalog.database(db).ok_or_else(|| er::bad_db(db))?;
        self.ctx.current_db = Some(def.name.clone());
        self.vars.set_session(
            vars::lookup("character_set_database").expect("known variable"),
            Value::from(def.collation.charset()),
        );
        self.vars.set_session(
            vars::lookup("collation_database").expect("known variable"),
            Value::from(def.collation.name()),
        );
        let name = def.name.clone();
        self.entry.update(|s| s.db = Some(name));
        Ok(())
    }

    /// Sets the connection character set from a handshake collation id.
    fn set_client_collation(&mut self, id: u16) {
        let Some(c) = Collation::from_id(id) else {
            return;
        };
        for (name, value) in [
            ("character_set_client", c.charset()),
            ("character_set_connection", c.charset()),
            ("character_set_results", c.charset()),
            ("collation_connection", c.name()),
        ] {
            if let Some(def) = vars::lookup(name) {
                self.vars.set_session(def, Value::from(value));
            }
        }
    }

    /// Runs one parsed statement with its bookkeeping: counters, process
    /// list, statement time, warnings.
    async fn run_stmt(
        &mut self,
        stmt: &Stmt,
        plan: Option<&Arc<planner::Prepared>>,
        params: &[Value],
        text: &str,
    ) -> SqlResult<QueryResult> {
        Status::bump(&self.shared.status.questions);
        self.entry.begin_query(text);
        self.vars.sync(self.ctx.last_insert_id, &self.ctx.warnings);
        if !stmt.is_diagnostic() && !self.executes_diagnostic(stmt) {
            self.ctx.warnings.clear();
        }
        self.ctx.statement_time = now_at_offset(self.vars.statement_vars().tz_offset_secs);
        let had_txn = self.ctx.txn.is_some() || self.ctx.explicit_txn;
        let entry = self.entry.clone();
        // KILL QUERY / KILL stop the statement where it waits (a row lock,
        // a commit): the future is dropped, and with it the statement's
        // uncommitted writes and locks.
        let result = tokio::select! {
            r = self.execute_stmt(stmt, plan, params) => r,
            _ = entry.query_killed() => Err(SqlError::new(1317, "70100", "Query execution was interrupted")),
        };
        if result.as_ref().is_err_and(|e| e.code == 1317) && had_txn && self.ctx.txn.is_none() {
            // The transaction went with the statement: say so, and stop
            // pretending one is open.
            self.ctx.explicit_txn = false;
            self.ctx.warnings.push(SqlWarning::new(
                1105,
                "the interrupted statement's transaction was rolled back",
            ));
        }
        if self.ctx.txn.is_none() {
            self.txn.savepoints.clear();
        }
        if let Err(e) = &result {
            self.ctx.warnings.push(e.warning());
        }
        self.entry.end_query();
        result
    }

    /// Rolls back the open transaction, if any.
    async fn rollback_txn(&mut self) -> SqlResult<()> {
        txn::rollback(&mut self.ctx, &mut self.txn).await
    }

    /// Drops every prepared statement, of both protocols.
    fn forget_statements(&mut self) {
        let n = self.stmts.len() + self.sql_stmts.len();
        self.stmts.clear();
        self.sql_stmts.clear();
        self.shared
            .status
            .prepared_stmt_count
            .fetch_sub(n as u64, Ordering::Relaxed);
    }

    /// Parses and plans one statement's text for later EXECUTEs (both
    /// protocols): the prepared form and its result columns.
    async fn prepare_text(&mut self, sql: &str) -> SqlResult<(PreparedStmt, Vec<ColumnMeta>)> {
        let pieces = lex::split_statements(sql);
        let [piece] = pieces.as_slice() else {
            return Err(match pieces.get(1) {
                None => SqlError::code(1065, "Query was empty"),
                Some(second) => {
                    let second = second.trim_start();
                    lex::near(sql, second.as_ptr() as usize - sql.as_ptr() as usize)
                }
            });
        };
        let mut stmts = dispatch::parse(piece, self.ctx.current_db.as_deref())?;
        if stmts.len() != 1 {
            return Err(lex::near(sql, 0));
        }
        let stmt = stmts.remove(0);
        if stmt.is_prepared_statement_command() {
            return Err(SqlError::code(
                1295,
                "This command is not supported in the prepared statement protocol yet",
            ));
        }
        let (plan, param_count, columns) = self.describe(&stmt, piece).await?;
        let param_count = u16::try_from(param_count).map_err(|_| {
            SqlError::code(1390, "Prepared statement contains too many placeholders")
        })?;
        let prepared = PreparedStmt {
            stmt: Arc::new(stmt),
            plan,
            param_count,
        };
        Ok((prepared, columns))
    }

    fn lookup_stmt(&self, id: u32) -> SqlResult<&PreparedStmt> {
        self.stmts.get(&id).ok_or_else(|| {
            SqlError::code(
                1243,
                format!("Unknown prepared statement handler ({id}) given to mysqld_stmt_execute"),
            )
        })
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.shared.registry.deregister(self.entry.id);
        self.forget_statements();
        if let Some(t) = self.ctx.txn.take() {
            // Dropped without disconnect(): roll back in the background so
            // locks are released.
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                rt.spawn(async move {
                    let _ = t.rollback().await;
                });
            }
        }
    }
}

impl Session {
    /// COM_STMT_EXECUTE (see [`Handler::execute`]).
    async fn execute_prepared(&mut self, id: u32, params: Vec<Value>) -> SqlResult<QueryResult> {
        Status::bump(&self.shared.status.com_stmt_execute);
        let p = self.lookup_stmt(id)?;
        if params.len() != p.param_count as usize {
            return Err(SqlError::code(
                1210,
                "Incorrect arguments to mysqld_stmt_execute",
            ));
        }
        // The statement stays in the map while it runs: clone the cheap
        // parts (Arc'd plan, parsed statement).
        let stmt = p.stmt.clone();
        let plan = p.plan.clone();
        self.run_stmt(&stmt, plan.as_ref(), &params, stmt.text())
            .await
    }
}

#[async_trait]
impl Handler for Session {
    fn account(&self, user: &str, host: &str) -> Option<Account> {
        let catalog = self.shared.planner.catalog();
        users::find_account(&catalog, user, host).map(users::account_of)
    }

    async fn login(
        &mut self,
        user: &str,
        host: &str,
        db: Option<&str>,
        collation: u16,
    ) -> SqlResult<()> {
        self.reset_state().await;
        self.client.interactive = false;
        let catalog = self.shared.planner.catalog();
        let account = users::find_account(&catalog, user, host).map(|u| UserHost {
            user: u.user.clone(),
            host: u.host.clone(),
        });
        self.vars
            .set_account(account.as_ref().map(|a| format!("{}@{}", a.user, a.host)));
        self.ctx.grantee = account
            .as_ref()
            .map_or(Grantee::Nobody, |a| Grantee::Account {
                user: a.user.clone(),
                host: a.host.clone(),
            });
        self.principal = Principal {
            account,
            user: user.to_string(),
            host: host.to_string(),
        };
        let max = self.shared.globals.get_u64("max_connections") as usize;
        if self.shared.registry.count() > max
            && !self
                .principal
                .has_global(&catalog, Privileges::SUPER | Privileges::CONNECTION_ADMIN)
        {
            Status::bump(&self.shared.status.aborted_connects);
            return Err(SqlError::code(1040, "Too many connections"));
        }
        self.ctx.user = user.to_string();
        self.ctx.host = host.to_string();
        self.ctx.current_db = None;
        self.set_client_collation(collation);
        let shown = user.to_string();
        self.entry.update(|s| {
            s.user = shown;
            s.db = None;
            s.command = "Sleep";
            s.state = "";
        });
        if let Some(db) = db.filter(|d| !d.is_empty()) {
            if self.shared.planner.catalog().database(db).is_none() {
                // Cluster mode: another sqld may have just created it.
                if let Err(e) = self.shared.planner.refresh().await {
                    tracing::warn!("catalog refresh: {e}");
                }
            }
            self.use_db(db)?;
        }
        Ok(())
    }

    fn set_client_options(&mut self, options: ClientOptions) {
        if options.interactive && !self.client.interactive {
            // As mysqld does for CLIENT_INTERACTIVE: the session's
            // wait_timeout starts as interactive_timeout.
            let v = Value::UInt(self.vars.get_u64("interactive_timeout"));
            self.vars
                .set_session(vars::lookup("wait_timeout").expect("known variable"), v);
        }
        self.ctx.client_found_rows = options.found_rows;
        self.client = options;
    }

    async fn query(&mut self, sql: &str) -> Vec<SqlResult<QueryResult>> {
        let pieces = lex::split_statements(sql);
        if pieces.is_empty() {
            return vec![Err(SqlError::code(1065, "Query was empty"))];
        }
        if pieces.len() > 1 && !self.client.multi_statements {
            // Without CLIENT_MULTI_STATEMENTS the server sees one statement
            // with trailing text: a syntax error at the second statement.
            let at = pieces[1].as_ptr() as usize - sql.as_ptr() as usize;
            return vec![Err(lex::near(sql, at))];
        }
        let mut out = Vec::new();
        for piece in pieces {
            let text = piece.trim();
            // A statement text planned before runs without parsing.
            if let Some(plan) = self.shared.planner.cached(text, &self.ctx) {
                let stmt = Stmt::Planned {
                    text: text.to_string(),
                };
                let r = self.run_stmt(&stmt, Some(&plan), &[], text).await;
                let failed = r.is_err();
                out.push(r);
                if failed {
                    return out;
                }
                continue;
            }
            let stmts = match dispatch::parse(piece, self.ctx.current_db.as_deref()) {
                Ok(s) => s,
                Err(e) => {
                    Status::bump(&self.shared.status.questions);
                    self.ctx.warnings = vec![e.warning()];
                    out.push(Err(e));
                    return out;
                }
            };
            self.cache_next_plan = stmts.len() == 1;
            for stmt in stmts {
                let r = self.run_stmt(&stmt, None, &[], text).await;
                let failed = r.is_err();
                out.push(r);
                if failed {
                    self.cache_next_plan = false;
                    return out;
                }
            }
            self.cache_next_plan = false;
        }
        out
    }

    async fn prepare(&mut self, sql: &str) -> SqlResult<PreparedInfo> {
        Status::bump(&self.shared.status.com_stmt_prepare);
        let (prepared, columns) = self.prepare_text(sql).await?;
        let id = self.next_stmt_id;
        self.next_stmt_id = self.next_stmt_id.wrapping_add(1).max(1);
        let param_count = prepared.param_count;
        self.stmts.insert(id, prepared);
        self.shared
            .status
            .prepared_stmt_count
            .fetch_add(1, Ordering::Relaxed);
        Ok(PreparedInfo {
            id,
            param_count,
            columns,
        })
    }

    fn execute(
        &mut self,
        id: u32,
        params: Vec<Value>,
    ) -> impl std::future::Future<Output = SqlResult<QueryResult>> + Send {
        self.execute_prepared(id, params)
    }

    fn param_count(&self, id: u32) -> Option<u16> {
        self.stmts.get(&id).map(|p| p.param_count)
    }

    fn close_statement(&mut self, id: u32) {
        Status::bump(&self.shared.status.com_stmt_close);
        if self.stmts.remove(&id).is_some() {
            self.shared
                .status
                .prepared_stmt_count
                .fetch_sub(1, Ordering::Relaxed);
        }
    }

    async fn init_db(&mut self, db: &str) -> SqlResult<()> {
        Status::bump(&self.shared.status.questions);
        self.use_db_fresh(db).await
    }

    async fn field_list(&mut self, table: &str, pattern: &str) -> SqlResult<Vec<ColumnMeta>> {
        let db = self.ctx.current_db.clone().ok_or_else(er::no_db)?;
        let catalog = self.shared.planner.catalog();
        if !self.principal.can_see_table(&catalog, &db, table) {
            return Err(self.principal.table_denied("SELECT", table));
        }
        let def = catalog
            .table(&db, table)
            .ok_or_else(|| er::no_such_table(&db, table))?;
        Ok(def
            .visible_columns()
            .filter(|(_, c)| {
                pattern.is_empty() || users::like_ci(pattern.as_bytes(), c.name.as_bytes())
            })
            .map(|(i, _)| show::column_meta(def, i))
            .collect())
    }

    async fn reset_connection(&mut self) {
        self.reset_state().await;
    }

    fn statistics(&self) -> String {
        let s = &self.shared;
        let uptime = s.uptime();
        let questions = Status::get(&s.status.questions);
        let qps = if uptime == 0 {
            0.0
        } else {
            questions as f64 / uptime as f64
        };
        let tables = s.planner.catalog().tables.len();
        format!(
            "Uptime: {uptime}  Threads: {}  Questions: {questions}  Slow queries: {}  Opens: {tables}  Open tables: {tables}  Queries per second avg: {qps:.3}",
            s.registry.count(),
            Status::get(&s.status.slow_queries),
        )
    }

    fn status_flags(&self) -> u16 {
        let mut flags = 0;
        if self.ctx.autocommit {
            flags |= status_flags::AUTOCOMMIT;
        }
        if let Some(t) = &self.ctx.txn {
            if self.ctx.explicit_txn || !self.ctx.autocommit || t.has_writes() {
                flags |= status_flags::IN_TRANS;
                if t.read_only() {
                    flags |= status_flags::IN_TRANS_READONLY;
                }
            }
        } else if self.ctx.explicit_txn {
            flags |= status_flags::IN_TRANS;
        }
        flags
    }

    fn warning_count(&self) -> u16 {
        self.ctx.warnings.len().min(u16::MAX as usize) as u16
    }

    fn max_allowed_packet(&self) -> usize {
        self.vars.statement_vars().max_allowed_packet as usize
    }

    fn wait_timeout(&self) -> u64 {
        self.vars.statement_vars().wait_timeout
    }

    fn net_write_timeout(&self) -> u64 {
        self.vars.statement_vars().net_write_timeout
    }

    fn connection_id(&self) -> u32 {
        self.entry.id
    }

    async fn killed(&self) {
        let mut rx = self.kill_rx.clone();
        if rx.wait_for(|k| *k).await.is_err() {
            // The registry entry lives as long as the session: unreachable,
            // but never resolve spuriously.
            std::future::pending::<()>().await;
        }
    }

    fn is_killed(&self) -> bool {
        *self.kill_rx.borrow()
    }

    async fn disconnect(&mut self) {
        let _ = self.rollback_txn().await;
        self.forget_statements();
        self.shared.registry.deregister(self.entry.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_is_send_and_sync() {
        // The protocol's Connection requires `Handler + Sync`.
        fn check<T: Send + Sync>() {}
        check::<Session>();
    }

    #[test]
    fn clock_converts_to_civil_time() {
        let now = utc_now();
        assert!(now.year >= 2024 && (1..=12).contains(&now.month) && (1..=31).contains(&now.day));
        let ahead = now_at_offset(14 * 3600);
        let behind = now_at_offset(-13 * 3600);
        assert_ne!((ahead.day, ahead.hour), (behind.day, behind.hour));
    }
}
