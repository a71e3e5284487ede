//! Live sessions: what SHOW PROCESSLIST prints, whom KILL reaches, and the
//! connection count max_connections is checked against.

use pushdown::error::{SqlError, SqlResult};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::watch;

/// What one session is doing, as SHOW PROCESSLIST shows it.
#[derive(Debug, Clone)]
pub struct ProcState {
    pub user: String,
    pub db: Option<String>,
    /// "Sleep", "Query", "Connect", "Killed".
    pub command: &'static str,
    pub state: &'static str,
    pub info: Option<String>,
    /// When `command` last changed.
    pub since: Instant,
    /// The last statement's `info` buffer, kept for the next one so that
    /// marking a statement does not allocate.
    spare_info: String,
}

/// How many characters of a statement the process list keeps.
const INFO_CHARS: usize = 1024;

/// The first `n` characters of `s`.
fn first_chars(s: &str, n: usize) -> &str {
    if s.len() <= n {
        // No more bytes than n: no more characters either.
        return s;
    }
    match s.char_indices().nth(n) {
        Some((end, _)) => &s[..end],
        None => s,
    }
}

/// One registered session.
#[derive(Debug)]
pub struct ProcEntry {
    pub id: u32,
    pub host: String,
    state: Mutex<ProcState>,
    kill: watch::Sender<bool>,
    /// KILL QUERY (or KILL): the running statement should stop.
    query_kill: watch::Sender<bool>,
    /// The same signal for code that cannot await it: expression
    /// evaluation polls it (SLEEP). Shared with the session's `SessionCtx`.
    pub query_killed_flag: Arc<AtomicBool>,
}

impl ProcEntry {
    pub fn state(&self) -> ProcState {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
    pub fn update(&self, f: impl FnOnce(&mut ProcState)) {
        f(&mut self.state.lock().unwrap_or_else(|e| e.into_inner()));
    }
    /// Marks the session as running `sql`.
    pub fn begin_query(&self, sql: &str) {
        // Only a KILL QUERY of the previous statement left it set; waking
        // the receivers for nothing would cost every statement.
        self.query_kill
            .send_if_modified(|k| std::mem::replace(k, false));
        self.query_killed_flag.store(false, Ordering::Relaxed);
        let now = Instant::now();
        self.update(|s| {
            s.command = "Query";
            s.state = "executing";
            let mut info = std::mem::take(&mut s.spare_info);
            info.push_str(first_chars(sql, INFO_CHARS));
            s.info = Some(info);
            s.since = now;
        });
    }
    pub fn end_query(&self) {
        let now = Instant::now();
        self.update(|s| {
            if s.command != "Killed" {
                s.command = "Sleep";
            }
            s.state = "";
            if let Some(mut info) = s.info.take() {
                info.clear();
                s.spare_info = info;
            }
            s.since = now;
        });
    }
    /// Resolves when KILL QUERY (or KILL) reaches the running statement.
    pub async fn query_killed(&self) {
        let mut rx = self.query_kill.subscribe();
        if rx.wait_for(|k| *k).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
    pub fn subscribe_kill(&self) -> watch::Receiver<bool> {
        self.kill.subscribe()
    }
    pub fn is_killed(&self) -> bool {
        *self.kill.borrow()
    }
}

pub struct Registry {
    next_id: AtomicU32,
    /// Most sessions live at once (Max_used_connections).
    max_used: AtomicUsize,
    sessions: Mutex<BTreeMap<u32, Arc<ProcEntry>>>,
}

impl Default for Registry {
    fn default() -> Self {
        Registry {
            next_id: AtomicU32::new(1),
            max_used: AtomicUsize::new(0),
            sessions: Mutex::new(BTreeMap::new()),
        }
    }
}

impl Registry {
    fn map(&self) -> std::sync::MutexGuard<'_, BTreeMap<u32, Arc<ProcEntry>>> {
        self.sessions.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a connection, unless `max` sessions are already live (1040).
    pub fn register(&self, peer: SocketAddr, max: usize) -> SqlResult<Arc<ProcEntry>> {
        let mut map = self.map();
        if map.len() >= max {
            return Err(SqlError::code(1040, "Too many connections"));
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (kill, _) = watch::channel(false);
        let (query_kill, _) = watch::channel(false);
        let entry = Arc::new(ProcEntry {
            id,
            host: format!("{}:{}", plain_ip(peer.ip()), peer.port()),
            state: Mutex::new(ProcState {
                user: "unauthenticated user".into(),
                db: None,
                command: "Connect",
                state: "login",
                info: None,
                since: Instant::now(),
                spare_info: String::new(),
            }),
            kill,
            query_kill,
            query_killed_flag: Arc::new(AtomicBool::new(false)),
        });
        map.insert(id, entry.clone());
        self.max_used.fetch_max(map.len(), Ordering::Relaxed);
        Ok(entry)
    }

    pub fn deregister(&self, id: u32) {
        self.map().remove(&id);
    }

    pub fn get(&self, id: u32) -> Option<Arc<ProcEntry>> {
        self.map().get(&id).cloned()
    }

    pub fn list(&self) -> Vec<Arc<ProcEntry>> {
        self.map().values().cloned().collect()
    }

    pub fn count(&self) -> usize {
        self.map().len()
    }

    pub fn max_used(&self) -> usize {
        self.max_used.load(Ordering::Relaxed)
    }

    /// Sessions running a statement right now.
    pub fn running(&self) -> usize {
        self.map()
            .values()
            .filter(|e| e.state().command == "Query")
            .count()
    }

    /// KILL [CONNECTION] id, or KILL QUERY id when `query_only`.
    pub fn kill(&self, id: u32, query_only: bool) -> SqlResult<()> {
        let entry = self.get(id).ok_or_else(|| no_such_thread(id))?;
        if !query_only {
            entry.update(|s| s.command = "Killed");
            entry.kill.send_replace(true);
        }
        entry.query_killed_flag.store(true, Ordering::Relaxed);
        entry.query_kill.send_replace(true);
        Ok(())
    }
}

/// An IPv4 client of a dual-stack listener arrives as ::ffff:a.b.c.d.
fn plain_ip(ip: std::net::IpAddr) -> std::net::IpAddr {
    match ip {
        std::net::IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map_or(std::net::IpAddr::V6(v6), std::net::IpAddr::V4),
        v4 => v4,
    }
}

pub fn no_such_thread(id: u32) -> SqlError {
    SqlError::code(1094, format!("Unknown thread id: {id}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer() -> SocketAddr {
        "127.0.0.1:5000".parse().unwrap()
    }

    #[test]
    fn counts_and_limits() {
        let r = Registry::default();
        let a = r.register(peer(), 2).unwrap();
        let b = r.register(peer(), 2).unwrap();
        assert_ne!(a.id, b.id);
        assert_eq!(r.register(peer(), 2).unwrap_err().code, 1040);
        r.deregister(a.id);
        assert_eq!(r.count(), 1);
        assert_eq!(r.max_used(), 2);
        assert!(r.register(peer(), 2).is_ok());
    }

    #[test]
    fn info_keeps_the_first_characters() {
        assert_eq!(first_chars("select 1", 1024), "select 1");
        assert_eq!(first_chars("ééé", 2), "éé");
        assert_eq!(first_chars("aé", 5), "aé");
        let r = Registry::default();
        let a = r.register(peer(), 2).unwrap();
        a.begin_query(&"x".repeat(2000));
        assert_eq!(a.state().info.map(|i| i.len()), Some(1024));
        a.end_query();
        assert_eq!(a.state().info, None);
        a.begin_query("select 2");
        assert_eq!(a.state().info.as_deref(), Some("select 2"));
    }

    #[tokio::test]
    async fn kill_marks_the_session() {
        let r = Registry::default();
        let a = r.register(peer(), 10).unwrap();
        let rx = a.subscribe_kill();
        assert_eq!(r.kill(999, false).unwrap_err().code, 1094);
        a.begin_query("SELECT 1");
        assert_eq!(r.running(), 1);
        r.kill(a.id, true).unwrap();
        // Resolves at once: the kill is already there.
        a.query_killed().await;
        assert!(!*rx.borrow());
        r.kill(a.id, false).unwrap();
        assert!(*rx.borrow());
        assert_eq!(a.state().command, "Killed");
    }
}
