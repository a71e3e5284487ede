//! What every session shares: the planner, the registry of live sessions,
//! global variables, status counters and facts about the server.

use super::registry::Registry;
use super::users;
use super::vars::GlobalVars;
use super::Session;
use planner::{Planner, Process, ServerState};
use pushdown::error::SqlResult;
use pushdown::node::PoolStats;
use pushdown::schema::DdlOp;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Facts about this server process, fixed at start.
#[derive(Debug, Clone)]
pub struct ServerInfo {
    /// "8.0.36-sqld"
    pub version: String,
    pub port: u16,
    pub bind_address: String,
    pub datadir: PathBuf,
    pub max_connections: usize,
    pub started: Instant,
}

/// Server-wide counters for SHOW STATUS and COM_STATISTICS.
#[derive(Default)]
pub struct Status {
    /// Connection attempts, successful or not.
    pub connections: AtomicU64,
    pub aborted_connects: AtomicU64,
    /// Statements sent by clients (COM_QUERY statements and EXECUTEs).
    pub questions: AtomicU64,
    pub com_select: AtomicU64,
    pub com_insert: AtomicU64,
    pub com_update: AtomicU64,
    pub com_delete: AtomicU64,
    pub com_replace: AtomicU64,
    pub com_commit: AtomicU64,
    pub com_rollback: AtomicU64,
    pub com_begin: AtomicU64,
    pub com_set_option: AtomicU64,
    pub com_show: AtomicU64,
    pub com_stmt_prepare: AtomicU64,
    pub com_stmt_execute: AtomicU64,
    pub com_stmt_close: AtomicU64,
    /// SQL-level PREPARE / EXECUTE / DEALLOCATE PREPARE (which also count
    /// as Com_stmt_prepare / _execute / _close, as in MySQL).
    pub com_prepare_sql: AtomicU64,
    pub com_execute_sql: AtomicU64,
    pub com_dealloc_sql: AtomicU64,
    /// Prepared statements alive in all sessions, of both protocols.
    pub prepared_stmt_count: AtomicU64,
    pub com_other_ddl: AtomicU64,
    pub slow_queries: AtomicU64,
}

impl Status {
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

pub struct Shared {
    pub planner: Arc<Planner>,
    pub info: ServerInfo,
    pub registry: Registry,
    pub globals: Arc<GlobalVars>,
    pub status: Status,
}

impl Shared {
    pub fn new(planner: Arc<Planner>, info: ServerInfo) -> Arc<Shared> {
        let globals = Arc::new(GlobalVars::new(&info));
        Arc::new(Shared {
            planner,
            info,
            registry: Registry::default(),
            globals,
            status: Status::default(),
        })
    }

    /// Each node group's connection-pool figures, in node-group order
    /// (cluster mode; empty with the embedded data node, which has no pool).
    pub fn pool_stats(&self) -> Vec<PoolStats> {
        self.planner
            .cluster()
            .pool_stats()
            .into_iter()
            .map(|(_, stats)| stats)
            .collect()
    }

    /// Creates the `[[user]]` accounts of the configuration file that the
    /// catalog does not have yet (same name and host), with ALL PRIVILEGES
    /// ON *.* WITH GRANT OPTION, as the initial root accounts. An existing
    /// account is left as it is: its password may have been changed since.
    pub async fn ensure_users(&self, accounts: &[(String, String, String)]) -> SqlResult<()> {
        for (user, host, password) in accounts {
            let exists = self
                .planner
                .catalog()
                .users
                .iter()
                .any(|u| &u.user == user && u.host.eq_ignore_ascii_case(host));
            if exists {
                continue;
            }
            self.planner
                .ddl(&DdlOp::PutUser(pushdown::schema::UserDef {
                    user: user.clone(),
                    host: host.clone(),
                    plugin: users::NATIVE.into(),
                    auth: users::hash_password(users::NATIVE, password),
                    grants: vec![pushdown::schema::Grant::all_on(None, true)],
                }))
                .await?;
            tracing::info!(user = %user, host = %host, "created account from the configuration file");
        }
        Ok(())
    }

    /// First start: creates 'root'@'localhost', 'root'@'127.0.0.1' and
    /// 'root'@'::1' with ALL on *.* WITH GRANT OPTION and the given password
    /// (None or empty: no password), plugin mysql_native_password, when the
    /// catalog has no users yet. Like `mysqld --initialize-insecure`.
    pub async fn bootstrap_users(&self, root_password: Option<&str>) -> SqlResult<()> {
        if !self.planner.catalog().users.is_empty() {
            return Ok(());
        }
        for user in users::root_accounts(root_password.unwrap_or("")) {
            self.planner.ddl(&DdlOp::PutUser(user)).await?;
        }
        tracing::info!("created root@localhost, root@127.0.0.1, root@::1");
        Ok(())
    }

    /// Registers a new connection; 1040 "Too many connections" past
    /// max_connections.
    pub fn admit(self: &Arc<Self>, peer: SocketAddr) -> SqlResult<Session> {
        Status::bump(&self.status.connections);
        // As mysqld: one connection beyond max_connections is let through the
        // handshake, kept for an account with global privileges; anyone
        // else gets 1040 after authenticating (see `Session::login`).
        let max = self.globals.get_u64("max_connections") as usize;
        let entry = self
            .registry
            .register(peer, max.saturating_add(1))
            .inspect_err(|_| {
                Status::bump(&self.status.aborted_connects);
            })?;
        Ok(Session::new(self.clone(), entry, peer))
    }

    /// SHOW STATUS's counters (information_schema.GLOBAL_STATUS and
    /// SESSION_STATUS too), in its order.
    pub fn status_pairs(&self) -> Vec<(String, String)> {
        let st = &self.status;
        let n = |c: &AtomicU64| Status::get(c).to_string();
        let catalog = self.planner.catalog();
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
            ("Max_used_connections", self.registry.max_used().to_string()),
            ("Open_tables", catalog.tables.len().to_string()),
            ("Prepared_stmt_count", n(&st.prepared_stmt_count)),
            ("Queries", n(&st.questions)),
            ("Questions", n(&st.questions)),
            ("Slow_queries", n(&st.slow_queries)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        pairs.extend(pool_status(&self.pool_stats()));
        pairs.extend(
            [
                ("Ssl_cipher", String::new()),
                ("Threads_connected", self.registry.count().to_string()),
                ("Threads_created", n(&st.connections)),
                ("Threads_running", self.registry.running().to_string()),
                ("Uptime", self.uptime().to_string()),
                ("Uptime_since_flush_status", self.uptime().to_string()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v)),
        );
        pairs
    }

    /// Seconds since the server started.
    pub fn uptime(&self) -> u64 {
        self.info.started.elapsed().as_secs()
    }
}

/// The live sessions (SHOW PROCESSLIST, information_schema.PROCESSLIST)
/// and the status counters, as the planner asks for them.
impl ServerState for Shared {
    fn processes(&self) -> Vec<Process> {
        self.registry
            .list()
            .into_iter()
            .map(|e| {
                let st = e.state();
                Process {
                    id: e.id,
                    user: st.user,
                    host: e.host.clone(),
                    db: st.db,
                    command: st.command,
                    time: st.since.elapsed(),
                    state: st.state,
                    info: st.info,
                }
            })
            .collect()
    }

    fn status(&self) -> Vec<(String, String)> {
        self.status_pairs()
    }
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
