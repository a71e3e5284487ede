//! Test harness: starts sqld (or MariaDB, the reference) on loopback and
//! drives real clients against it: mysql_async, the `mariadb` CLI, sysbench.
//!
//! Every integration test starts its own server through [`TestServer::start`],
//! which picks the target from `SQLD_TEST_TARGET` (`sqld`, the default, or
//! `mariadb`): the same assertions then hold for both, which is how the suite
//! doubles as a differential test against MariaDB.

pub mod cli;
pub mod cluster;
pub mod mariadb;
pub mod process;
pub mod sqld;
pub mod sysbench;

pub use cluster::{ClusterOptions, TestCluster};
pub use mariadb::MariaDbServer;
pub use process::{heavy_lock, HeavyLock, Output, ServerProcess, TempDir};
pub use sqld::SqldServer;

use mysql_async::{Conn, Opts, OptsBuilder};
use std::path::PathBuf;
use std::process::ExitStatus;

/// Which server the integration tests talk to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Sqld,
    MariaDb,
}

impl Target {
    /// `SQLD_TEST_TARGET`: `sqld` (default) or `mariadb`. Anything else is a
    /// mistake worth stopping for, not silently testing the wrong server.
    pub fn from_env() -> Target {
        match std::env::var("SQLD_TEST_TARGET").as_deref() {
            Err(_) | Ok("") | Ok("sqld") => Target::Sqld,
            Ok("mariadb") | Ok("mysql") => Target::MariaDb,
            Ok(other) => panic!("SQLD_TEST_TARGET={other}: expected `sqld` or `mariadb`"),
        }
    }
}

/// Server settings both targets understand, rendered as each one's flags.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    /// Password of `root` in a fresh data directory (empty: none).
    pub root_password: String,
    pub max_connections: Option<u32>,
    /// innodb_lock_wait_timeout, seconds.
    pub lock_wait_timeout: Option<u32>,
    /// innodb_flush_log_at_trx_commit (1: sync on every commit).
    pub flush_log_at_trx_commit: Option<u8>,
    /// A certificate and its key (PEM files): MariaDB offers TLS with them.
    pub tls: Option<(std::path::PathBuf, std::path::PathBuf)>,
}

/// A running server of either target.
pub enum TestServer {
    Sqld(SqldServer),
    MariaDb(MariaDbServer),
}

impl TestServer {
    /// A fresh server of the target chosen by `SQLD_TEST_TARGET`.
    pub fn start() -> TestServer {
        TestServer::start_with(ServerOptions::default())
    }

    pub fn start_with(opts: ServerOptions) -> TestServer {
        match Target::from_env() {
            Target::Sqld => TestServer::Sqld(SqldServer::start_with(opts)),
            Target::MariaDb => TestServer::MariaDb(MariaDbServer::start_with(opts)),
        }
    }

    pub fn target(&self) -> Target {
        match self {
            TestServer::Sqld(_) => Target::Sqld,
            TestServer::MariaDb(_) => Target::MariaDb,
        }
    }

    pub fn is_sqld(&self) -> bool {
        self.target() == Target::Sqld
    }

    /// The server process, whichever the target.
    pub fn process(&self) -> &ServerProcess {
        match self {
            TestServer::Sqld(s) => s,
            TestServer::MariaDb(s) => s,
        }
    }

    fn process_mut(&mut self) -> &mut ServerProcess {
        match self {
            TestServer::Sqld(s) => s,
            TestServer::MariaDb(s) => s,
        }
    }

    pub fn port(&self) -> u16 {
        self.process().port()
    }

    pub fn root_password(&self) -> &str {
        &self.process().options().root_password
    }

    pub fn log_path(&self) -> PathBuf {
        self.process().log_path()
    }

    /// `mysql://root:…@127.0.0.1:port/`.
    pub fn url(&self) -> String {
        format!(
            "mysql://root:{}@127.0.0.1:{}/",
            self.root_password(),
            self.port()
        )
    }

    /// Connection options for `user`, over TCP only (mysql_async would
    /// otherwise switch to the unix socket it finds in @@socket).
    pub fn opts(&self, user: &str, password: &str, db: Option<&str>) -> Opts {
        OptsBuilder::default()
            .ip_or_hostname("127.0.0.1")
            .tcp_port(self.port())
            .user(Some(user))
            .pass(Some(password))
            .db_name(db)
            .prefer_socket(false)
            .into()
    }

    pub fn root_opts(&self, db: Option<&str>) -> Opts {
        self.opts("root", self.root_password(), db)
    }

    /// A root connection, no default database.
    pub async fn conn(&self) -> Conn {
        self.connect(self.root_opts(None)).await
    }

    /// A root connection with `db` as the default database.
    pub async fn conn_db(&self, db: &str) -> Conn {
        self.connect(self.root_opts(Some(db))).await
    }

    pub async fn connect(&self, opts: Opts) -> Conn {
        match tokio::time::timeout(std::time::Duration::from_secs(30), Conn::new(opts)).await {
            Ok(Ok(conn)) => conn,
            Ok(Err(e)) => panic!(
                "cannot connect to {:?} on port {}: {e}",
                self.target(),
                self.port()
            ),
            Err(_) => panic!("connecting to {:?} took more than 30 s", self.target()),
        }
    }

    /// SIGKILL the server.
    pub fn kill9(&mut self) {
        self.process_mut().kill9()
    }

    /// Start again on the same data directory. The port may change.
    pub fn restart(&mut self) {
        match self {
            TestServer::Sqld(s) => s.restart(),
            TestServer::MariaDb(s) => s.restart(),
        }
    }

    /// SIGTERM and wait; None if it did not exit within the grace period.
    pub fn stop(&mut self) -> Option<ExitStatus> {
        self.process_mut().stop()
    }

    pub fn is_running(&mut self) -> bool {
        self.process_mut().is_running()
    }
}

/// Runs an async test body on a multi-threaded runtime with a deadline, so a
/// hung server turns into a failed test instead of a stuck suite.
pub fn block_on_with_timeout<F: std::future::Future>(secs: u64, fut: F) -> F::Output {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("cannot build a tokio runtime: {e}"));
    rt.block_on(async {
        tokio::time::timeout(std::time::Duration::from_secs(secs), fut)
            .await
            .unwrap_or_else(|_| panic!("test did not finish within {secs} s"))
    })
}
