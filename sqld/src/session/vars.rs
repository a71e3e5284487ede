//! System variables: one table of every variable sqld knows (scope, type,
//! default), the global store shared by all sessions, and each session's
//! store (which is the planner's [`VarStore`]).
//!
//! A session starts with a copy of the global values of every variable that
//! has session scope, as in MySQL.

use super::shared::ServerInfo;
use planner::VarStore;
use pushdown::error::{SqlError, SqlResult, SqlWarning};
use pushdown::schema::Collation;
use pushdown::value::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Global,
    Session,
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// ON/OFF, stored as Int 1/0.
    Bool,
    /// Unsigned integer within bounds, stored as UInt.
    Int {
        min: u64,
        max: u64,
    },
    Str,
    /// One of these words (upper case), stored as given in the list.
    Enum(&'static [&'static str]),
    SqlMode,
    Charset,
    Collation,
}

/// One system variable.
#[derive(Debug, Clone, Copy)]
pub struct VarDef {
    pub name: &'static str,
    pub scope: Scope,
    pub kind: Kind,
    /// Cannot be SET at all.
    pub read_only: bool,
    /// The session value cannot be SET (max_allowed_packet): SET GLOBAL only.
    pub session_read_only: bool,
    /// Another name for `alias_of` (tx_isolation → transaction_isolation).
    pub alias_of: Option<&'static str>,
}

pub const DEFAULT_SQL_MODE: &str = "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION";
const ISOLATION: &[&str] = &[
    "READ-UNCOMMITTED",
    "READ-COMMITTED",
    "REPEATABLE-READ",
    "SERIALIZABLE",
];
const SQL_MODES: &[&str] = &[
    "REAL_AS_FLOAT",
    "PIPES_AS_CONCAT",
    "ANSI_QUOTES",
    "IGNORE_SPACE",
    "ONLY_FULL_GROUP_BY",
    "NO_UNSIGNED_SUBTRACTION",
    "NO_DIR_IN_CREATE",
    "NO_AUTO_VALUE_ON_ZERO",
    "NO_BACKSLASH_ESCAPES",
    "STRICT_TRANS_TABLES",
    "STRICT_ALL_TABLES",
    "NO_ZERO_IN_DATE",
    "NO_ZERO_DATE",
    "ALLOW_INVALID_DATES",
    "ERROR_FOR_DIVISION_BY_ZERO",
    "HIGH_NOT_PRECEDENCE",
    "NO_ENGINE_SUBSTITUTION",
    "PAD_CHAR_TO_FULL_LENGTH",
    "TIME_TRUNCATE_FRACTIONAL",
    // Accepted as MariaDB accepts them (dumps of older servers set them);
    // they change nothing in sqld.
    "NO_AUTO_CREATE_USER",
    "NO_FIELD_OPTIONS",
    "NO_KEY_OPTIONS",
    "NO_TABLE_OPTIONS",
];
const ON_OFF_DISABLED: &[&str] = &["ON", "OFF", "DISABLED"];
const COMPLETION: &[&str] = &["NO_CHAIN", "CHAIN", "RELEASE"];

const fn v(name: &'static str, scope: Scope, kind: Kind) -> VarDef {
    VarDef {
        name,
        scope,
        kind,
        read_only: false,
        session_read_only: false,
        alias_of: None,
    }
}
const fn ro(name: &'static str, scope: Scope, kind: Kind) -> VarDef {
    VarDef {
        read_only: true,
        ..v(name, scope, kind)
    }
}
const fn alias(name: &'static str, of: &'static str, scope: Scope, kind: Kind) -> VarDef {
    VarDef {
        alias_of: Some(of),
        ..v(name, scope, kind)
    }
}
const fn int(min: u64, max: u64) -> Kind {
    Kind::Int { min, max }
}

use Kind::{Bool, Str};
use Scope::{Both, Global, Session};
const U32: u64 = u32::MAX as u64;

/// Every system variable, sorted by name (SHOW VARIABLES order).
pub static VARS: &[VarDef] = &[
    v("auto_increment_increment", Both, int(1, 65535)),
    v("auto_increment_offset", Both, int(1, 65535)),
    v("autocommit", Both, Bool),
    ro("basedir", Global, Str),
    v("big_tables", Both, Bool),
    ro("bind_address", Global, Str),
    v("character_set_client", Both, Kind::Charset),
    v("character_set_connection", Both, Kind::Charset),
    v("character_set_database", Both, Kind::Charset),
    v("character_set_filesystem", Both, Kind::Charset),
    v("character_set_results", Both, Kind::Charset),
    v("character_set_server", Both, Kind::Charset),
    ro("character_set_system", Global, Kind::Charset),
    v("collation_connection", Both, Kind::Collation),
    v("collation_database", Both, Kind::Collation),
    v("collation_server", Both, Kind::Collation),
    v("completion_type", Both, Kind::Enum(COMPLETION)),
    v("connect_timeout", Global, int(2, 31536000)),
    ro("datadir", Global, Str),
    ro("default_authentication_plugin", Global, Str),
    v("default_storage_engine", Both, Str),
    v("default_tmp_storage_engine", Both, Str),
    v("default_week_format", Both, int(0, 7)),
    v("div_precision_increment", Both, int(0, 30)),
    ro("error_count", Session, int(0, U32)),
    v("event_scheduler", Global, Kind::Enum(ON_OFF_DISABLED)),
    v("explicit_defaults_for_timestamp", Both, Bool),
    v("foreign_key_checks", Both, Bool),
    v("general_log", Global, Bool),
    v("group_concat_max_len", Both, int(4, u64::MAX)),
    ro("have_openssl", Global, Str),
    ro("have_ssl", Global, Str),
    ro("hostname", Global, Str),
    alias("identity", "last_insert_id", Session, int(0, u64::MAX)),
    v("information_schema_stats_expiry", Both, int(0, 31536000)),
    v("init_connect", Global, Str),
    v("innodb_lock_wait_timeout", Both, int(1, 1073741824)),
    v("insert_id", Session, int(0, u64::MAX)),
    v("interactive_timeout", Both, int(1, 31536000)),
    v("last_insert_id", Session, int(0, u64::MAX)),
    v("lc_messages", Both, Str),
    v("lc_time_names", Both, Str),
    ro("license", Global, Str),
    v("local_infile", Global, Bool),
    v("lock_wait_timeout", Both, int(1, 31536000)),
    ro("log_bin", Global, Bool),
    ro("lower_case_file_system", Global, Bool),
    ro("lower_case_table_names", Global, int(0, 2)),
    VarDef {
        session_read_only: true,
        ..v("max_allowed_packet", Both, int(1024, 1073741824))
    },
    v("max_connections", Global, int(1, 100000)),
    v("max_execution_time", Both, int(0, U32)),
    v("max_heap_table_size", Both, int(16384, u64::MAX)),
    v("max_join_size", Both, int(1, u64::MAX)),
    v("max_sort_length", Both, int(4, 8388608)),
    v("max_user_connections", Both, int(0, U32)),
    v("net_buffer_length", Both, int(1024, 1048576)),
    v("net_read_timeout", Both, int(1, 31536000)),
    v("net_retry_count", Both, int(1, U32)),
    v("net_write_timeout", Both, int(1, 31536000)),
    ro("open_files_limit", Global, int(0, U32)),
    ro("performance_schema", Global, Bool),
    ro("pid_file", Global, Str),
    ro("port", Global, int(0, 65535)),
    v("profiling", Session, Bool),
    ro("protocol_version", Global, int(0, 255)),
    v("query_cache_size", Global, int(0, 0)),
    v(
        "query_cache_type",
        Both,
        Kind::Enum(&["OFF", "ON", "DEMAND"]),
    ),
    v("read_only", Global, Bool),
    ro("secure_file_priv", Global, Str),
    v("server_id", Global, int(0, U32)),
    ro("skip_name_resolve", Global, Bool),
    ro("skip_networking", Global, Bool),
    v("slow_query_log", Global, Bool),
    ro("socket", Global, Str),
    v("sql_auto_is_null", Both, Bool),
    v("sql_big_selects", Both, Bool),
    v("sql_buffer_result", Both, Bool),
    v("sql_log_bin", Session, Bool),
    v("sql_mode", Both, Kind::SqlMode),
    v("sql_notes", Both, Bool),
    v("sql_quote_show_create", Both, Bool),
    v("sql_require_primary_key", Both, Bool),
    v("sql_safe_updates", Both, Bool),
    v("sql_select_limit", Both, int(0, u64::MAX)),
    v("sql_warnings", Both, Bool),
    v("super_read_only", Global, Bool),
    ro("system_time_zone", Global, Str),
    v("table_open_cache", Global, int(1, 524288)),
    v("time_zone", Both, Str),
    v("tmp_table_size", Both, int(1024, u64::MAX)),
    ro("tmpdir", Global, Str),
    v("transaction_isolation", Both, Kind::Enum(ISOLATION)),
    v("transaction_read_only", Both, Bool),
    alias(
        "tx_isolation",
        "transaction_isolation",
        Both,
        Kind::Enum(ISOLATION),
    ),
    alias("tx_read_only", "transaction_read_only", Both, Bool),
    v("unique_checks", Both, Bool),
    ro("version", Global, Str),
    ro("version_comment", Global, Str),
    ro("version_compile_machine", Global, Str),
    ro("version_compile_os", Global, Str),
    v("wait_timeout", Both, int(1, 31536000)),
    ro("warning_count", Session, int(0, U32)),
];

/// The definition of `name` (case-insensitive).
pub fn lookup(name: &str) -> Option<&'static VarDef> {
    // Names in VARS are lower case: compare folding only `name`, so a
    // lookup allocates nothing.
    let folded = name.bytes().map(|b| b.to_ascii_lowercase());
    VARS.binary_search_by(|d| d.name.bytes().cmp(folded.clone()))
        .ok()
        .map(|i| &VARS[i])
}

/// The variable that stores `def`'s value (itself, or what it aliases).
fn target(def: &'static VarDef) -> &'static VarDef {
    def.alias_of.and_then(lookup).unwrap_or(def)
}

pub fn unknown(name: &str) -> SqlError {
    SqlError::code(1193, format!("Unknown system variable '{name}'"))
}
pub fn wrong_value(name: &str, value: &str) -> SqlError {
    SqlError::code(
        1231,
        format!("Variable '{name}' can't be set to the value of '{value}'"),
    )
}
fn wrong_type(name: &str) -> SqlError {
    SqlError::code(
        1232,
        format!("Incorrect argument type to variable '{name}'"),
    )
}

fn default_values(info: &ServerInfo) -> HashMap<&'static str, Value> {
    let s = |x: &str| Value::from(x);
    let u = Value::UInt;
    let on = Value::Int(1);
    let off = Value::Int(0);
    let hostname = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "localhost".into());
    let datadir = format!("{}/", info.datadir.display());
    let coll = Collation::Utf8mb4GeneralCi.name();
    let engine = "EMBEDDED";
    let pairs: Vec<(&'static str, Value)> = vec![
        ("auto_increment_increment", u(1)),
        ("auto_increment_offset", u(1)),
        ("autocommit", on.clone()),
        ("basedir", s("/usr/")),
        ("bind_address", s(&info.bind_address)),
        ("big_tables", off.clone()),
        ("character_set_client", s("utf8mb4")),
        ("character_set_connection", s("utf8mb4")),
        ("character_set_database", s("utf8mb4")),
        ("character_set_filesystem", s("binary")),
        ("character_set_results", s("utf8mb4")),
        ("character_set_server", s("utf8mb4")),
        ("character_set_system", s("utf8mb3")),
        ("collation_connection", s(coll)),
        ("collation_database", s(coll)),
        ("collation_server", s(coll)),
        ("completion_type", s("NO_CHAIN")),
        ("connect_timeout", u(10)),
        ("datadir", s(&datadir)),
        ("default_authentication_plugin", s("caching_sha2_password")),
        ("default_storage_engine", s(engine)),
        ("default_tmp_storage_engine", s(engine)),
        ("default_week_format", u(0)),
        ("div_precision_increment", u(4)),
        ("error_count", u(0)),
        ("event_scheduler", s("OFF")),
        ("explicit_defaults_for_timestamp", on.clone()),
        ("foreign_key_checks", on.clone()),
        ("general_log", off.clone()),
        ("group_concat_max_len", u(1024)),
        ("have_openssl", s("DISABLED")),
        ("have_ssl", s("DISABLED")),
        ("hostname", s(&hostname)),
        ("information_schema_stats_expiry", u(86400)),
        ("init_connect", s("")),
        ("innodb_lock_wait_timeout", u(50)),
        ("insert_id", u(0)),
        ("interactive_timeout", u(28800)),
        ("last_insert_id", u(0)),
        ("lc_messages", s("en_US")),
        ("lc_time_names", s("en_US")),
        ("license", s("Apache-2.0")),
        ("local_infile", off.clone()),
        ("lock_wait_timeout", u(31536000)),
        ("log_bin", off.clone()),
        ("lower_case_file_system", off.clone()),
        ("lower_case_table_names", u(0)),
        ("max_allowed_packet", u(64 * 1024 * 1024)),
        ("max_connections", u(info.max_connections as u64)),
        ("max_execution_time", u(0)),
        ("max_heap_table_size", u(16777216)),
        ("max_join_size", u(u64::MAX)),
        ("max_sort_length", u(1024)),
        ("max_user_connections", u(0)),
        ("net_buffer_length", u(16384)),
        ("net_read_timeout", u(30)),
        ("net_retry_count", u(10)),
        ("net_write_timeout", u(60)),
        ("open_files_limit", u(1048576)),
        ("performance_schema", off.clone()),
        ("pid_file", s("")),
        ("port", u(info.port as u64)),
        ("profiling", off.clone()),
        ("protocol_version", u(10)),
        ("query_cache_size", u(0)),
        ("query_cache_type", s("OFF")),
        ("read_only", off.clone()),
        ("secure_file_priv", Value::Null),
        ("server_id", u(1)),
        ("skip_name_resolve", on.clone()),
        ("skip_networking", off.clone()),
        ("slow_query_log", off.clone()),
        ("socket", s("")),
        ("sql_auto_is_null", off.clone()),
        ("sql_big_selects", on.clone()),
        ("sql_buffer_result", off.clone()),
        ("sql_log_bin", on.clone()),
        ("sql_mode", s(DEFAULT_SQL_MODE)),
        ("sql_notes", on.clone()),
        ("sql_quote_show_create", on.clone()),
        ("sql_require_primary_key", off.clone()),
        ("sql_safe_updates", off.clone()),
        ("sql_select_limit", u(u64::MAX)),
        ("sql_warnings", off.clone()),
        ("super_read_only", off.clone()),
        ("system_time_zone", s("UTC")),
        ("table_open_cache", u(4000)),
        ("time_zone", s("SYSTEM")),
        ("tmp_table_size", u(16777216)),
        ("tmpdir", s("/tmp")),
        ("transaction_isolation", s("READ-COMMITTED")),
        ("transaction_read_only", off.clone()),
        ("unique_checks", on),
        ("version", s(&info.version)),
        (
            "version_comment",
            s("sqld, a MySQL-compatible SQL front-end over NDB-style data nodes (Apache-2.0)"),
        ),
        ("version_compile_machine", s(std::env::consts::ARCH)),
        ("version_compile_os", s(std::env::consts::OS)),
        ("wait_timeout", u(28800)),
        ("warning_count", u(0)),
    ];
    pairs.into_iter().collect()
}

/// Global values, shared by every session (SET GLOBAL changes them for
/// sessions that start afterwards, as in MySQL).
pub struct GlobalVars {
    values: RwLock<HashMap<&'static str, Value>>,
}

impl GlobalVars {
    pub fn new(info: &ServerInfo) -> GlobalVars {
        GlobalVars {
            values: RwLock::new(default_values(info)),
        }
    }

    /// Compile-time default of a variable (SET x = DEFAULT for globals).
    pub fn get(&self, name: &str) -> Option<Value> {
        let def = lookup(name)?;
        let def = target(def);
        self.values
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(def.name)
            .cloned()
    }

    pub fn get_u64(&self, name: &str) -> u64 {
        match self.get(name) {
            Some(Value::UInt(u)) => u,
            Some(Value::Int(i)) => i.max(0) as u64,
            _ => 0,
        }
    }

    pub fn set(&self, def: &'static VarDef, value: Value) {
        self.values
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(target(def).name, value);
    }

    /// Session values to start a session with.
    fn session_defaults(&self) -> HashMap<&'static str, Value> {
        let g = self.values.read().unwrap_or_else(|e| e.into_inner());
        VARS.iter()
            .filter(|d| d.scope != Scope::Global && d.alias_of.is_none())
            .filter_map(|d| g.get(d.name).map(|v| (d.name, v.clone())))
            .collect()
    }
}

/// State the session keeps in its variables that other code updates.
#[derive(Default)]
struct SessionState {
    values: HashMap<&'static str, Value>,
    user: HashMap<String, Value>,
    last_insert_id: u64,
    warning_count: u64,
    error_count: u64,
    /// 'user@host-pattern' of the authenticated account.
    account: Option<String>,
    /// `StatementVars` decoded from `values`; None after any change.
    statement_vars: Option<StatementVars>,
}

/// The variables every statement (or command) reads, decoded once per
/// change instead of looked up by name each time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StatementVars {
    pub max_allowed_packet: u64,
    pub wait_timeout: u64,
    /// net_write_timeout, seconds.
    pub net_write_timeout: u64,
    /// innodb_lock_wait_timeout, seconds.
    pub lock_wait_timeout: u64,
    pub transaction_read_only: bool,
    /// time_zone as seconds east of UTC (0 when it is not an offset).
    pub tz_offset_secs: i64,
}

impl StatementVars {
    fn decode(values: &HashMap<&'static str, Value>) -> StatementVars {
        let num = |name: &str| match values.get(name) {
            Some(Value::UInt(u)) => *u,
            Some(Value::Int(i)) => (*i).max(0) as u64,
            _ => 0,
        };
        let tz = match values.get("time_zone") {
            Some(Value::Bytes(b)) => std::str::from_utf8(b).ok().and_then(tz_offset_secs),
            _ => None,
        };
        StatementVars {
            max_allowed_packet: num("max_allowed_packet"),
            wait_timeout: num("wait_timeout"),
            net_write_timeout: num("net_write_timeout"),
            lock_wait_timeout: num("innodb_lock_wait_timeout"),
            transaction_read_only: num("transaction_read_only") != 0,
            tz_offset_secs: tz.unwrap_or(0),
        }
    }
}

/// One session's variables. Cloning shares the same store: the session
/// keeps one handle and gives another to the planner's `SessionCtx`.
#[derive(Clone)]
pub struct SessionVars {
    state: Arc<Mutex<SessionState>>,
    globals: Arc<GlobalVars>,
}

impl SessionVars {
    pub fn new(globals: Arc<GlobalVars>) -> SessionVars {
        let state = SessionState {
            values: globals.session_defaults(),
            ..Default::default()
        };
        SessionVars {
            state: Arc::new(Mutex::new(state)),
            globals,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, SessionState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn globals(&self) -> &Arc<GlobalVars> {
        &self.globals
    }

    /// Back to the global values; user variables dropped (COM_RESET_CONNECTION).
    /// The account stays.
    pub fn reset(&self) {
        let mut s = self.state();
        let account = s.account.take();
        *s = SessionState {
            values: self.globals.session_defaults(),
            account,
            ..Default::default()
        };
    }

    /// The account CURRENT_USER() reports.
    pub fn set_account(&self, account: Option<String>) {
        self.state().account = account;
    }

    /// Values the session tracks elsewhere, copied in before each statement.
    pub fn sync(&self, last_insert_id: u64, warnings: &[SqlWarning]) {
        let mut s = self.state();
        s.last_insert_id = last_insert_id;
        s.warning_count = warnings.len() as u64;
        s.error_count = warnings
            .iter()
            .filter(|w| w.level == pushdown::error::WarningLevel::Error)
            .count() as u64;
    }

    /// Session value of a variable with session scope.
    pub fn session_value(&self, name: &str) -> Option<Value> {
        let def = target(lookup(name)?);
        let s = self.state();
        match def.name {
            "last_insert_id" => Some(Value::UInt(s.last_insert_id)),
            "warning_count" => Some(Value::UInt(s.warning_count)),
            "error_count" => Some(Value::UInt(s.error_count)),
            n => s.values.get(n).cloned(),
        }
    }

    pub fn get_u64(&self, name: &str) -> u64 {
        match self.session_value(name).or_else(|| self.globals.get(name)) {
            Some(Value::UInt(u)) => u,
            Some(Value::Int(i)) => i.max(0) as u64,
            _ => 0,
        }
    }

    /// The variables every statement reads (one lock, no lookups by name
    /// unless a variable changed since the last call).
    pub fn statement_vars(&self) -> StatementVars {
        let mut s = self.state();
        if let Some(v) = s.statement_vars {
            return v;
        }
        let v = StatementVars::decode(&s.values);
        s.statement_vars = Some(v);
        v
    }

    pub fn get_str(&self, name: &str) -> String {
        match self.session_value(name).or_else(|| self.globals.get(name)) {
            Some(Value::Bytes(b)) => String::from_utf8_lossy(&b).into_owned(),
            _ => String::new(),
        }
    }

    /// Stores an already validated session value.
    pub fn set_session(&self, def: &'static VarDef, value: Value) {
        let def = target(def);
        let mut s = self.state();
        if def.name == "last_insert_id" {
            if let Value::UInt(u) = value {
                s.last_insert_id = u;
            }
        }
        s.values.insert(def.name, value);
        s.statement_vars = None;
    }

    /// Every user variable (for tests and diagnostics).
    pub fn user_vars(&self) -> Vec<(String, Value)> {
        let mut v: Vec<_> = self
            .state()
            .user
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }
}

impl VarStore for SessionVars {
    fn system_var(&self, name: &str, global: bool) -> SqlResult<Value> {
        let def = lookup(name).ok_or_else(|| unknown(name))?;
        if global {
            if def.scope == Scope::Session {
                return Err(SqlError::code(
                    1238,
                    format!("Variable '{}' is a SESSION variable", def.name),
                ));
            }
            return self.globals.get(def.name).ok_or_else(|| unknown(name));
        }
        match def.scope {
            Scope::Global => self.globals.get(def.name).ok_or_else(|| unknown(name)),
            _ => self.session_value(def.name).ok_or_else(|| unknown(name)),
        }
    }

    fn user_var(&self, name: &str) -> Value {
        self.state()
            .user
            .get(&name.to_ascii_lowercase())
            .cloned()
            .unwrap_or(Value::Null)
    }

    fn set_user_var(&mut self, name: &str, value: Value) {
        self.state().user.insert(name.to_ascii_lowercase(), value);
    }

    fn current_user(&self) -> Option<String> {
        self.state().account.clone()
    }

    /// SHOW [GLOBAL] VARIABLES' list: without `global`, each variable's
    /// session value (the global one for global-only variables); with it,
    /// the variables that have a global value.
    fn system_vars(&self, global: bool) -> Vec<(&'static str, String)> {
        VARS.iter()
            .filter(|def| !(global && def.scope == Scope::Session))
            .filter_map(|def| {
                let v = self.system_var(def.name, global || def.scope == Scope::Global);
                v.ok().map(|v| (def.name, display(def, &v)))
            })
            .collect()
    }
}

/// Text of a variable value as SHOW VARIABLES prints it.
pub fn display(def: &VarDef, v: &Value) -> String {
    match (def.kind, v) {
        (Kind::Bool, Value::Int(i)) => if *i != 0 { "ON" } else { "OFF" }.to_string(),
        (_, Value::Null) => String::new(),
        (_, Value::Int(i)) => i.to_string(),
        (_, Value::UInt(u)) => u.to_string(),
        (_, Value::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
        (_, other) => format!("{other:?}"),
    }
}

/// A value being assigned: what SET parsed or evaluated.
#[derive(Debug, Clone, PartialEq)]
pub enum SetValue {
    Default,
    Value(Value),
}

/// Validates and normalises a value for `def`; `global` selects the
/// default used by `DEFAULT`.
pub fn check_value(
    def: &'static VarDef,
    value: SetValue,
    globals: &GlobalVars,
    global: bool,
) -> SqlResult<Value> {
    let def = target(def);
    let v = match value {
        SetValue::Default => {
            return Ok(if global {
                default_of(def)
            } else {
                globals.get(def.name).unwrap_or(Value::Null)
            })
        }
        SetValue::Value(v) => v,
    };
    let text = |v: &Value| match v {
        Value::Bytes(b) => Some(String::from_utf8_lossy(b).into_owned()),
        _ => None,
    };
    match def.kind {
        Kind::Bool => match &v {
            Value::Int(0) | Value::UInt(0) => Ok(Value::Int(0)),
            Value::Int(1) | Value::UInt(1) => Ok(Value::Int(1)),
            Value::Bytes(_) => match text(&v).unwrap_or_default().to_ascii_uppercase().as_str() {
                "ON" | "TRUE" | "1" => Ok(Value::Int(1)),
                "OFF" | "FALSE" | "0" => Ok(Value::Int(0)),
                other => Err(wrong_value(def.name, other)),
            },
            Value::Null => Err(wrong_value(def.name, "NULL")),
            Value::Int(i) => Err(wrong_value(def.name, &i.to_string())),
            Value::UInt(u) => Err(wrong_value(def.name, &u.to_string())),
            _ => Err(wrong_type(def.name)),
        },
        Kind::Int { min, max } => {
            let n: u64 = match &v {
                Value::Int(i) if *i < 0 => min,
                Value::Int(i) => *i as u64,
                Value::UInt(u) => *u,
                Value::Double(d) if *d >= 0.0 => d.round() as u64,
                Value::Decimal(d) if d.mantissa >= 0 => 10i128
                    .checked_pow(d.scale as u32)
                    .map_or(0, |p| u64::try_from(d.mantissa / p).unwrap_or(u64::MAX)),
                _ => return Err(wrong_type(def.name)),
            };
            // Out-of-range numbers are clipped, with a warning, as MySQL does;
            // the caller adds the warning when the stored value differs.
            Ok(Value::UInt(n.clamp(min, max)))
        }
        Kind::Str => match v {
            Value::Bytes(_) => Ok(v),
            Value::Null if def.name == "init_connect" => Ok(Value::from("")),
            Value::Int(_) | Value::UInt(_) | Value::Null => Err(wrong_type(def.name)),
            _ => Err(wrong_type(def.name)),
        },
        Kind::Enum(words) => {
            let s = match &v {
                Value::Int(i) if *i >= 0 => return index_word(def, words, *i as u64),
                Value::UInt(u) => return index_word(def, words, *u),
                Value::Bytes(_) => text(&v).unwrap_or_default(),
                Value::Null => return Err(wrong_value(def.name, "NULL")),
                _ => return Err(wrong_type(def.name)),
            };
            let norm = s.to_ascii_uppercase().replace(' ', "-");
            words
                .iter()
                .find(|w| **w == norm)
                .map(|w| Value::from(*w))
                .ok_or_else(|| wrong_value(def.name, &s))
        }
        Kind::SqlMode => match &v {
            Value::Bytes(_) => normalize_sql_mode(&text(&v).unwrap_or_default())
                .map(Value::from)
                .map_err(|bad| wrong_value(def.name, &bad)),
            Value::Null => Err(wrong_value(def.name, "NULL")),
            _ => Err(wrong_type(def.name)),
        },
        Kind::Charset => match &v {
            Value::Null if def.name == "character_set_results" => Ok(Value::Null),
            Value::Bytes(_) => {
                let s = text(&v).unwrap_or_default().to_ascii_lowercase();
                match Collation::default_for_charset(&s) {
                    Some(c) => Ok(Value::from(c.charset())),
                    None => Err(SqlError::new(
                        1115,
                        "42000",
                        format!("Unknown character set: '{s}'"),
                    )),
                }
            }
            Value::Null => Err(wrong_value(def.name, "NULL")),
            _ => Err(wrong_type(def.name)),
        },
        Kind::Collation => match &v {
            Value::Bytes(_) => {
                let s = text(&v).unwrap_or_default();
                Collation::from_name(&s)
                    .map(|c| Value::from(c.name()))
                    .ok_or_else(|| SqlError::code(1273, format!("Unknown collation: '{s}'")))
            }
            Value::Null => Err(wrong_value(def.name, "NULL")),
            _ => Err(wrong_type(def.name)),
        },
    }
}

fn index_word(def: &VarDef, words: &[&'static str], i: u64) -> SqlResult<Value> {
    words
        .get(i as usize)
        .map(|w| Value::from(*w))
        .ok_or_else(|| wrong_value(def.name, &i.to_string()))
}

/// The compiled-in default (SET GLOBAL x = DEFAULT).
fn default_of(def: &VarDef) -> Value {
    let info = ServerInfo {
        version: String::new(),
        port: 0,
        bind_address: String::new(),
        datadir: Default::default(),
        max_connections: 1000,
        started: std::time::Instant::now(),
    };
    default_values(&info)
        .remove(def.name)
        .unwrap_or(Value::Null)
}

/// Upper-cases, expands the combination modes, drops duplicates; the name of
/// the first unknown mode on error.
pub fn normalize_sql_mode(s: &str) -> Result<String, String> {
    let mut out: Vec<&'static str> = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let up = part.to_ascii_uppercase();
        let expanded: &[&str] = match up.as_str() {
            "ANSI" => &[
                "REAL_AS_FLOAT",
                "PIPES_AS_CONCAT",
                "ANSI_QUOTES",
                "IGNORE_SPACE",
                "ONLY_FULL_GROUP_BY",
            ],
            "TRADITIONAL" => &[
                "STRICT_TRANS_TABLES",
                "STRICT_ALL_TABLES",
                "NO_ZERO_IN_DATE",
                "NO_ZERO_DATE",
                "ERROR_FOR_DIVISION_BY_ZERO",
                "NO_ENGINE_SUBSTITUTION",
            ],
            _ => match SQL_MODES.iter().find(|m| **m == up) {
                Some(m) => std::slice::from_ref(m),
                None => return Err(part.to_string()),
            },
        };
        for m in expanded {
            if let Some(known) = SQL_MODES.iter().find(|k| *k == m) {
                if !out.contains(known) {
                    out.push(known);
                }
            }
        }
    }
    // MySQL prints modes in their bit order.
    out.sort_by_key(|m| SQL_MODES.iter().position(|k| k == m));
    Ok(out.join(","))
}

/// The UTC offset of a time_zone value: SYSTEM and UTC (the server runs
/// in UTC) or `+HH:MM` between -13:59 and +14:00. Named zones need time
/// zone tables sqld does not have: None.
pub fn tz_offset_secs(tz: &str) -> Option<i64> {
    if tz.eq_ignore_ascii_case("SYSTEM") || tz.eq_ignore_ascii_case("UTC") {
        return Some(0);
    }
    let (sign, rest) = match tz.as_bytes().first()? {
        b'+' => (1, &tz[1..]),
        b'-' => (-1, &tz[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    let secs = sign * (h * 3600 + m * 60);
    (m < 60 && (-(13 * 3600 + 59 * 60)..=14 * 3600).contains(&secs)).then_some(secs)
}

/// Whether a sql_mode value makes the session strict.
pub fn is_strict(sql_mode: &str) -> bool {
    sql_mode
        .split(',')
        .any(|m| m == "STRICT_TRANS_TABLES" || m == "STRICT_ALL_TABLES")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> ServerInfo {
        ServerInfo {
            version: "8.0.36-sqld".into(),
            port: 3306,
            bind_address: "127.0.0.1".into(),
            datadir: "/tmp/d".into(),
            max_connections: 1000,
            started: std::time::Instant::now(),
        }
    }

    #[test]
    fn table_is_sorted_and_complete() {
        assert!(VARS.windows(2).all(|w| w[0].name < w[1].name));
        let defaults = default_values(&info());
        for d in VARS.iter().filter(|d| d.alias_of.is_none()) {
            assert!(defaults.contains_key(d.name), "no default for {}", d.name);
        }
    }

    #[test]
    fn session_and_global_reads() {
        let g = Arc::new(GlobalVars::new(&info()));
        let mut s = SessionVars::new(g.clone());
        assert_eq!(s.system_var("autocommit", false).unwrap(), Value::Int(1));
        assert_eq!(
            s.system_var("TX_ISOLATION", false).unwrap(),
            Value::from("READ-COMMITTED")
        );
        assert_eq!(
            s.system_var("max_allowed_packet", true).unwrap(),
            Value::UInt(64 << 20)
        );
        assert_eq!(s.system_var("nope", false).unwrap_err().code, 1193);
        assert_eq!(s.system_var("last_insert_id", true).unwrap_err().code, 1238);
        s.sync(42, &[]);
        assert_eq!(s.system_var("identity", false).unwrap(), Value::UInt(42));
        assert_eq!(s.user_var("x"), Value::Null);
        s.set_user_var("X", Value::Int(3));
        assert_eq!(s.user_var("x"), Value::Int(3));
        assert_eq!(s.system_var("port", false).unwrap(), Value::UInt(3306));
    }

    #[test]
    fn statement_vars_follow_every_change() {
        let g = Arc::new(GlobalVars::new(&info()));
        let s = SessionVars::new(g);
        let v = s.statement_vars();
        assert_eq!(v.max_allowed_packet, 64 << 20);
        assert_eq!(v.lock_wait_timeout, 50);
        assert!(!v.transaction_read_only);
        assert_eq!(v.tz_offset_secs, 0);
        s.set_session(lookup("Time_Zone").unwrap(), Value::from("+05:30"));
        s.set_session(lookup("tx_read_only").unwrap(), Value::Int(1));
        s.set_session(lookup("innodb_lock_wait_timeout").unwrap(), Value::UInt(7));
        let v = s.statement_vars();
        assert_eq!(v.tz_offset_secs, 19800);
        assert!(v.transaction_read_only);
        assert_eq!(v.lock_wait_timeout, 7);
        s.reset();
        assert_eq!(s.statement_vars().tz_offset_secs, 0);
        assert_eq!(s.statement_vars().lock_wait_timeout, 50);
    }

    #[test]
    fn values_are_checked() {
        let g = GlobalVars::new(&info());
        let ac = lookup("autocommit").unwrap();
        let on = |s: &str| check_value(ac, SetValue::Value(Value::from(s)), &g, false);
        assert_eq!(on("on").unwrap(), Value::Int(1));
        assert_eq!(on("OFF").unwrap(), Value::Int(0));
        assert_eq!(on("maybe").unwrap_err().code, 1231);
        let iso = lookup("transaction_isolation").unwrap();
        assert_eq!(
            check_value(
                iso,
                SetValue::Value(Value::from("repeatable read")),
                &g,
                false
            )
            .unwrap(),
            Value::from("REPEATABLE-READ")
        );
        let wt = lookup("wait_timeout").unwrap();
        assert_eq!(
            check_value(wt, SetValue::Value(Value::Int(0)), &g, false).unwrap(),
            Value::UInt(1)
        );
        assert_eq!(
            check_value(wt, SetValue::Value(Value::from("x")), &g, false)
                .unwrap_err()
                .code,
            1232
        );
    }

    #[test]
    fn time_zones() {
        assert_eq!(tz_offset_secs("SYSTEM"), Some(0));
        assert_eq!(tz_offset_secs("+05:30"), Some(19800));
        assert_eq!(tz_offset_secs("-08:00"), Some(-28800));
        assert_eq!(tz_offset_secs("+14:01"), None);
        assert_eq!(tz_offset_secs("Europe/Paris"), None);
        assert_eq!(tz_offset_secs("+5:3"), None);
    }

    #[test]
    fn sql_mode_normalises() {
        assert_eq!(
            normalize_sql_mode("no_engine_substitution, strict_trans_tables").unwrap(),
            "STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION"
        );
        assert_eq!(normalize_sql_mode("").unwrap(), "");
        assert_eq!(normalize_sql_mode("bogus").unwrap_err(), "bogus");
        assert!(is_strict(&normalize_sql_mode("TRADITIONAL").unwrap()));
        assert!(!is_strict("ANSI_QUOTES"));
    }
}
