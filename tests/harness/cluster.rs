//! A cluster on loopback: N MariaDB data nodes (one per node group), the
//! TOML configuration naming them, and one or more sqld processes started
//! with `--config`.
//!
//! sqld logs in to the data nodes as `sqld` with [`DATA_NODE_PASSWORD`], a
//! password full of characters a URL must percent-encode, so every start
//! also checks that the URL is decoded and the password never printed.

use crate::process::TempDir;
use crate::{MariaDbServer, ServerOptions, SqldServer};
use mysql_async::{Conn, Opts, OptsBuilder};
use std::path::PathBuf;
use std::time::Duration;

/// The data-node account's password: quotes, backslash, URL delimiters.
pub const DATA_NODE_PASSWORD: &str = "s'q\"l\\d@:/%?#&= x";
/// The data-node account's name.
pub const DATA_NODE_USER: &str = "sqld";

/// How a test cluster is laid out.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    pub groups: usize,
    /// Password of sqld's `root`@`%` (from `[[user]]`) and of the data
    /// nodes' own root.
    pub root_password: String,
    pub partitions: Option<usize>,
    pub pool_size: Option<u32>,
    pub connect_timeout_ms: Option<u64>,
    pub recovery_interval_ms: Option<u64>,
    pub catalog_poll_ms: Option<u64>,
    /// innodb_lock_wait_timeout of the data nodes, seconds.
    pub lock_wait_timeout: Option<u32>,
    pub max_connections: Option<u32>,
    /// The data nodes offer TLS with a self-signed certificate, sqld's
    /// account on them requires it, and sqld's URLs ask for it (without
    /// verifying the certificate).
    pub tls: bool,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            groups: 2,
            root_password: "rootpw".to_string(),
            partitions: None,
            pool_size: None,
            connect_timeout_ms: None,
            recovery_interval_ms: None,
            catalog_poll_ms: None,
            lock_wait_timeout: None,
            max_connections: None,
            tls: false,
        }
    }
}

pub struct TestCluster {
    /// Data node of node group g.
    pub nodes: Vec<MariaDbServer>,
    /// sqld processes on the cluster (the first one started with it).
    pub sqlds: Vec<SqldServer>,
    pub opts: ClusterOptions,
    dir: TempDir,
}

/// A self-signed certificate for `localhost` and its key, made with the
/// `openssl` command in `dir`.
pub fn self_signed_certificate(dir: &TempDir) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let out = std::process::Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ])
        .args(["-subj", "/CN=localhost", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap_or_else(|e| panic!("cannot run openssl: {e}"));
    assert!(
        out.status.success(),
        "openssl failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (cert, key)
}

/// Percent-encodes everything but unreserved characters (RFC 3986), as a
/// URL's userinfo needs.
pub fn url_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A MariaDB string literal.
pub fn sql_str(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

impl TestCluster {
    /// Starts the data nodes (in parallel), creates sqld's account on each,
    /// writes the configuration and starts one sqld.
    pub fn start(opts: ClusterOptions) -> TestCluster {
        let dir = TempDir::new("sqld-test-cluster");
        let node_opts = ServerOptions {
            root_password: opts.root_password.clone(),
            max_connections: opts.max_connections,
            lock_wait_timeout: opts.lock_wait_timeout,
            flush_log_at_trx_commit: Some(1),
            tls: opts.tls.then(|| self_signed_certificate(&dir)),
        };
        let nodes: Vec<MariaDbServer> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..opts.groups)
                .map(|_| {
                    let o = node_opts.clone();
                    s.spawn(move || MariaDbServer::start_with(o))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| panic!("a data node failed to start"))
                })
                .collect()
        });
        let pw = sql_str(DATA_NODE_PASSWORD);
        let require = if opts.tls { "REQUIRE SSL" } else { "" };
        for node in &nodes {
            node.sql(&format!(
                "CREATE USER '{DATA_NODE_USER}'@'%' IDENTIFIED BY {pw} {require};\
                 GRANT ALL PRIVILEGES ON *.* TO '{DATA_NODE_USER}'@'%' WITH GRANT OPTION;"
            ));
        }
        let mut cluster = TestCluster {
            nodes,
            sqlds: Vec::new(),
            opts,
            dir,
        };
        std::fs::write(cluster.config_path(), cluster.config_toml())
            .unwrap_or_else(|e| panic!("cannot write the cluster config: {e}"));
        cluster.start_sqld();
        cluster
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("cluster.toml")
    }

    /// The URL sqld uses for node group g's data node.
    pub fn node_url(&self, g: usize) -> String {
        format!(
            "mysql://{DATA_NODE_USER}:{}@127.0.0.1:{}{}",
            url_encode(DATA_NODE_PASSWORD),
            self.nodes[g].port(),
            if self.opts.tls {
                "/?require_ssl=true&verify_ca=false"
            } else {
                ""
            }
        )
    }

    /// The configuration file's text.
    pub fn config_toml(&self) -> String {
        let o = &self.opts;
        let mut t = String::from("[server]\nbind_address = \"127.0.0.1\"\nport = 0\n");
        t.push_str("[cluster]\n");
        let mut key = |k: &str, v: Option<u64>| {
            if let Some(v) = v {
                t.push_str(&format!("{k} = {v}\n"));
            }
        };
        key("partitions", o.partitions.map(|v| v as u64));
        key("pool_size", o.pool_size.map(u64::from));
        key("connect_timeout_ms", o.connect_timeout_ms);
        key("recovery_interval_ms", o.recovery_interval_ms);
        key("catalog_poll_ms", o.catalog_poll_ms);
        t.push_str(&format!(
            "[[user]]\nname = \"root\"\nhost = \"%\"\npassword = {}\n",
            toml_str(&o.root_password)
        ));
        for g in 0..self.nodes.len() {
            t.push_str(&format!(
                "[[node_group]]\ndata_nodes = [{}]\n",
                toml_str(&self.node_url(g))
            ));
        }
        t
    }

    /// Starts one more sqld on the cluster; returns its index.
    pub fn start_sqld(&mut self) -> usize {
        let opts = ServerOptions {
            root_password: self.opts.root_password.clone(),
            // Room for the 1,000-client test plus its observers.
            max_connections: Some(2000),
            ..ServerOptions::default()
        };
        self.sqlds
            .push(SqldServer::start_with_config(&self.config_path(), opts));
        self.sqlds.len() - 1
    }

    pub fn sqld(&self, i: usize) -> &SqldServer {
        &self.sqlds[i]
    }

    /// kill -9 sqld i.
    pub fn kill_sqld(&mut self, i: usize) {
        self.sqlds[i].kill9();
    }

    /// Starts sqld i again (its port may change).
    pub fn restart_sqld(&mut self, i: usize) {
        self.sqlds[i].restart();
    }

    /// kill -9 the data node of node group g.
    pub fn kill_node(&mut self, g: usize) {
        self.nodes[g].kill9();
    }

    /// SIGSTOP node group g's data node: it keeps its port and its TCP
    /// connections but answers nothing (a hung or unreachable host).
    pub fn pause_node(&mut self, g: usize) {
        let pid = self.signal_node(g, "-STOP");
        // kill(2) only queues the signal: the process stops once one of its
        // threads is scheduled to take it, and until then the others keep
        // answering (seen on a loaded 2-core machine, a point get "on the
        // hung node" succeeded). Wait until every thread has stopped.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !all_threads_stopped(pid) {
            assert!(
                std::time::Instant::now() < deadline,
                "ng{g} (pid {pid}) did not stop within 10 s of SIGSTOP"
            );
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
    }

    /// SIGCONT after [`TestCluster::pause_node`].
    pub fn resume_node(&mut self, g: usize) {
        self.signal_node(g, "-CONT");
    }

    /// Sends `signal` to group g's data node; returns its pid.
    fn signal_node(&mut self, g: usize, signal: &str) -> u32 {
        let pid = self.nodes[g]
            .child
            .as_ref()
            .map(|c| c.id())
            .unwrap_or_else(|| panic!("ng{g} is not running"));
        let ok = std::process::Command::new("kill")
            .args([signal, &pid.to_string()])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok, "kill {signal} {pid} failed");
        pid
    }

    /// Starts node group g's data node again, on its port.
    pub fn start_node(&mut self, g: usize) {
        self.nodes[g].start_again();
    }

    /// Client options for sqld i as `root`.
    pub fn sqld_opts(&self, i: usize, db: Option<&str>) -> Opts {
        tcp_opts(self.sqlds[i].port(), "root", &self.opts.root_password, db)
    }

    /// A root connection to sqld i.
    pub async fn conn(&self, i: usize, db: Option<&str>) -> Conn {
        connect(self.sqld_opts(i, db)).await
    }

    /// A root connection straight to node group g's MariaDB.
    pub async fn node_conn(&self, g: usize, db: Option<&str>) -> Conn {
        connect(tcp_opts(
            self.nodes[g].port(),
            "root",
            &self.opts.root_password,
            db,
        ))
        .await
    }

    /// Log text of sqld i so far.
    pub fn sqld_log(&self, i: usize) -> String {
        std::fs::read_to_string(self.sqlds[i].log_path()).unwrap_or_default()
    }
}

/// TCP-only options (mysql_async would otherwise use @@socket).
pub fn tcp_opts(port: u16, user: &str, password: &str, db: Option<&str>) -> Opts {
    OptsBuilder::default()
        .ip_or_hostname("127.0.0.1")
        .tcp_port(port)
        .user(Some(user))
        .pass(Some(password))
        .db_name(db)
        .prefer_socket(false)
        .into()
}

/// Connects within 30 s or panics.
pub async fn connect(opts: Opts) -> Conn {
    let port = opts.tcp_port();
    match tokio::time::timeout(Duration::from_secs(30), Conn::new(opts)).await {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => panic!("cannot connect to port {port}: {e}"),
        Err(_) => panic!("connecting to port {port} took more than 30 s"),
    }
}

/// Whether every thread of process `pid` is stopped (state `T` in
/// /proc/<pid>/task/<tid>/stat).
fn all_threads_stopped(pid: u32) -> bool {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return false;
    };
    let mut any = false;
    for t in tasks.flatten() {
        let Ok(stat) = std::fs::read_to_string(t.path().join("stat")) else {
            continue;
        };
        // "tid (comm) S ...": the state follows the last ')'.
        let state = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.trim_start().chars().next());
        if !matches!(state, Some('T' | 't')) {
            return false;
        }
        any = true;
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        assert_eq!(url_encode("a b@:/%"), "a%20b%40%3A%2F%25");
        assert_eq!(url_encode("ü"), "%C3%BC");
        assert_eq!(toml_str("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(sql_str("it's \\"), "'it\\'s \\\\'");
    }
}
