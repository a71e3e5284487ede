//! What a statement needs from its session: current database, transaction,
//! variables, and the values functions like LAST_INSERT_ID() report.

use pushdown::cluster::ClusterTxn;
use pushdown::error::{SqlResult, SqlWarning};
use pushdown::eval::SessionEnv;
use pushdown::expr::SessionRef;
use pushdown::value::{DateTime, Value};

/// System and user variables, owned by the sqld session.
pub trait VarStore: Send + Sync {
    /// @@name / @@global.name; error 1193 for an unknown variable.
    fn system_var(&self, name: &str, global: bool) -> SqlResult<Value>;
    /// @name; NULL when never set.
    fn user_var(&self, name: &str) -> Value;
    fn set_user_var(&mut self, name: &str, value: Value);
    /// CURRENT_USER(): the account the session authenticated as
    /// ('app@%'), when it differs from USER()'s user@client-host.
    fn current_user(&self) -> Option<String> {
        None
    }
    /// Every system variable as SHOW [GLOBAL] VARIABLES lists it: name
    /// (lower case) and value as text, session values unless `global`
    /// (information_schema.SESSION_VARIABLES / GLOBAL_VARIABLES).
    fn system_vars(&self, _global: bool) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// One live session, as SHOW PROCESSLIST and
/// information_schema.PROCESSLIST show it.
#[derive(Debug, Clone)]
pub struct Process {
    pub id: u32,
    /// The user name it logged in with.
    pub user: String,
    /// Client address and port.
    pub host: String,
    pub db: Option<String>,
    /// "Sleep", "Query", "Connect", "Killed".
    pub command: &'static str,
    /// How long it has been in `command`.
    pub time: std::time::Duration,
    pub state: &'static str,
    /// The running statement's text (its first 1024 characters).
    pub info: Option<String>,
}

/// What information_schema shows of the server beyond the catalog: the
/// live sessions and the status counters. sqld's sessions share one
/// (this sqld's sessions and counters, in cluster mode too).
pub trait ServerState: Send + Sync {
    /// Every live session of this server, by id.
    fn processes(&self) -> Vec<Process>;
    /// SHOW STATUS's (name, value) pairs, in its order.
    fn status(&self) -> Vec<(String, String)>;
}

/// No server around the planner (tools and tests driving it directly):
/// no sessions, no counters.
pub struct NoServer;

impl ServerState for NoServer {
    fn processes(&self) -> Vec<Process> {
        Vec::new()
    }
    fn status(&self) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// Whose grants decide which databases information_schema shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Grantee {
    /// No account (not authenticated): information_schema only.
    #[default]
    Nobody,
    /// The account entry the session authenticated as (user, host pattern
    /// as stored in the catalog): the databases it has a grant on.
    Account { user: String, host: String },
    /// Every database: the planner driven directly (tools, tests).
    Everyone,
}

pub struct SessionCtx {
    pub connection_id: u32,
    /// Authenticated user and the host it connected from.
    pub user: String,
    pub host: String,
    pub grantee: Grantee,
    pub current_db: Option<String>,
    /// The open transaction, if any statement has started one.
    pub txn: Option<ClusterTxn>,
    /// BEGIN / START TRANSACTION is in effect (until COMMIT / ROLLBACK).
    pub explicit_txn: bool,
    pub autocommit: bool,
    /// sql_mode has STRICT_TRANS_TABLES or STRICT_ALL_TABLES.
    pub strict: bool,
    pub last_insert_id: u64,
    /// ROW_COUNT(): affected rows of the last DML, -1 after a SELECT.
    pub row_count: i64,
    /// FOUND_ROWS(): rows the last SELECT returned.
    pub found_rows: u64,
    /// The client asked for CLIENT_FOUND_ROWS (Connector/J does by default):
    /// UPDATE reports the rows it matched, not the rows it changed.
    pub client_found_rows: bool,
    /// Warnings of the last statement (SHOW WARNINGS).
    pub warnings: Vec<SqlWarning>,
    /// Time the current statement started (NOW()).
    pub statement_time: DateTime,
    pub vars: Box<dyn VarStore>,
    /// Sessions and status counters (information_schema.PROCESSLIST,
    /// GLOBAL_STATUS).
    pub server: std::sync::Arc<dyn ServerState>,
    /// Set while a statement evaluates `LAST_INSERT_ID(expr)`; applied to
    /// `last_insert_id` when the statement succeeds. A mutex because
    /// expressions see the session only by shared reference.
    pub requested_last_insert_id: std::sync::Mutex<Option<u64>>,
    /// Raised by KILL QUERY for the running statement, cleared when the next
    /// one starts (the session's registry entry holds the other end).
    pub query_killed: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl SessionCtx {
    /// The LAST_INSERT_ID(expr) a statement asked for, if any (and forgets it).
    pub fn take_requested_last_insert_id(&mut self) -> Option<u64> {
        self.requested_last_insert_id
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }
}

impl SessionEnv for SessionCtx {
    fn is_killed(&self) -> bool {
        self.query_killed.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn set_last_insert_id(&self, id: u64) {
        *self
            .requested_last_insert_id
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(id);
    }

    fn session_value(&self, r: &SessionRef) -> SqlResult<Value> {
        Ok(match r {
            SessionRef::SystemVar { name, global } => return self.vars.system_var(name, *global),
            SessionRef::UserVar(name) => self.vars.user_var(name),
            SessionRef::Database => match &self.current_db {
                Some(db) => Value::from(db.as_str()),
                None => Value::Null,
            },
            SessionRef::User => Value::from(format!("{}@{}", self.user, self.host)),
            SessionRef::CurrentUser => match self.vars.current_user() {
                Some(account) => Value::from(account),
                None => Value::from(format!("{}@{}", self.user, self.host)),
            },
            SessionRef::ConnectionId => Value::UInt(self.connection_id as u64),
            SessionRef::LastInsertId => Value::UInt(self.last_insert_id),
            SessionRef::RowCount => Value::Int(self.row_count),
            SessionRef::FoundRows => Value::UInt(self.found_rows),
            SessionRef::Version => return self.vars.system_var("version", false),
            SessionRef::Now(_) | SessionRef::UtcTimestamp(_) => {
                Value::DateTime(self.statement_time)
            }
            SessionRef::CurDate => Value::Date(DateTime {
                hour: 0,
                minute: 0,
                second: 0,
                micro: 0,
                ..self.statement_time
            }),
            SessionRef::CurTime(_) => Value::Time(pushdown::value::Time {
                negative: false,
                hours: self.statement_time.hour as u32,
                minute: self.statement_time.minute,
                second: self.statement_time.second,
                micro: 0,
            }),
            SessionRef::UnixTimestamp => {
                let secs = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0);
                Value::UInt(secs)
            }
        })
    }
}
