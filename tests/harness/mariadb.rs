//! A throwaway MariaDB server (the reference implementation): its own data
//! directory, socket and port, with real authentication.

use crate::process::{current_user, free_port, run_with_timeout, tail, ServerProcess};
use crate::ServerOptions;
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

const READY_TIMEOUT: Duration = Duration::from_secs(90);
/// Small redo log: a test server does not need the default 96 MiB per copy.
const LOG_FILE_SIZE: &str = "--innodb-log-file-size=48M";

pub struct MariaDbServer {
    process: ServerProcess,
}

impl Deref for MariaDbServer {
    type Target = ServerProcess;
    fn deref(&self) -> &ServerProcess {
        &self.process
    }
}

impl DerefMut for MariaDbServer {
    fn deref_mut(&mut self) -> &mut ServerProcess {
        &mut self.process
    }
}

fn find_binary(name: &str) -> PathBuf {
    ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"]
        .iter()
        .map(|d| Path::new(d).join(name))
        .find(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from(name))
}

impl MariaDbServer {
    pub fn start() -> MariaDbServer {
        MariaDbServer::start_with(ServerOptions::default())
    }

    pub fn start_with(opts: ServerOptions) -> MariaDbServer {
        let mut server = MariaDbServer {
            process: ServerProcess::new("mariadbd", opts, Duration::from_secs(30)),
        };
        server.install();
        server.spawn();
        server.secure_root();
        server
    }

    pub fn socket(&self) -> PathBuf {
        self.dir.path().join("mysqld.sock")
    }

    pub fn restart(&mut self) {
        self.kill9();
        self.spawn();
    }

    /// Starts again on the same data directory and the same port (after
    /// `kill9` or `stop`), as a data node must: sqld's configuration names it.
    pub fn start_again(&mut self) {
        self.kill9();
        let port = self.port;
        self.spawn_on(Some(port));
    }

    /// Runs SQL as root over the unix socket with the `mariadb` CLI;
    /// returns its tab-separated output (no column names).
    pub fn sql(&self, sql: &str) -> String {
        let out = run_with_timeout(
            Command::new(find_binary("mariadb"))
                .arg("--no-defaults")
                .arg(format!("--socket={}", self.socket().display()))
                .args(["-uroot", "-N", "-B", "-e", sql])
                .env("MYSQL_PWD", &self.opts.root_password),
            None,
            Duration::from_secs(60),
        );
        assert!(out.success(), "mariadb -e {sql:?} failed: {}", out.stderr);
        out.stdout
    }

    /// A private tmpdir: mariadbd names its temporary tables after its pid,
    /// and parallel servers sharing /tmp trip over each other's files.
    fn tmpdir(&self) -> PathBuf {
        let dir = self.dir.path().join("tmp");
        let _ = std::fs::create_dir_all(&dir);
        dir
    }

    fn install(&self) {
        let out = run_with_timeout(
            Command::new(find_binary("mariadb-install-db"))
                .arg("--no-defaults")
                .arg(format!("--datadir={}", self.datadir().display()))
                .arg(format!("--user={}", current_user()))
                // root@localhost / root@127.0.0.1 with an empty password and
                // mysql_native_password, as sqld's fresh data directory.
                .arg("--auth-root-authentication-method=normal")
                .arg("--skip-test-db")
                .arg(format!("--tmpdir={}", self.tmpdir().display()))
                .arg(LOG_FILE_SIZE),
            None,
            Duration::from_secs(120),
        );
        assert!(
            out.success(),
            "mariadb-install-db failed:\n{}\n{}",
            out.stdout,
            out.stderr
        );
    }

    fn spawn(&mut self) {
        self.spawn_on(None)
    }

    /// Starts mariadbd on `port`, or on a free port when None.
    fn spawn_on(&mut self, fixed_port: Option<u16>) {
        // mariadbd cannot report an ephemeral port: pick a free one and retry
        // if someone else grabs it first. A fixed port may still be in
        // TIME_WAIT use by the previous process: retry it too.
        for _attempt in 0..20 {
            let port = fixed_port.unwrap_or_else(free_port);
            let _ = std::fs::remove_file(self.socket());
            let mut cmd = Command::new(find_binary("mariadbd"));
            cmd.arg("--no-defaults")
                .arg(format!("--user={}", current_user()))
                .arg(format!("--datadir={}", self.datadir().display()))
                .arg(format!("--socket={}", self.socket().display()))
                .arg(format!(
                    "--pid-file={}",
                    self.dir.path().join("mysqld.pid").display()
                ))
                .arg(format!("--log-error={}", self.log_path().display()))
                .arg(format!("--port={port}"))
                .arg("--bind-address=127.0.0.1")
                .arg(format!("--tmpdir={}", self.tmpdir().display()))
                // sqld's defaults: utf8mb4 with utf8mb4_general_ci.
                .arg("--character-set-server=utf8mb4")
                .arg("--collation-server=utf8mb4_general_ci")
                // Logins from 127.0.0.1 match 'user'@'127.0.0.1' or '%', as
                // they do in sqld; no reverse DNS.
                .arg("--skip-name-resolve")
                .arg("--innodb-buffer-pool-size=128M")
                .arg(LOG_FILE_SIZE)
                .arg(format!(
                    "--innodb-flush-log-at-trx-commit={}",
                    self.opts.flush_log_at_trx_commit.unwrap_or(1)
                ))
                .arg(format!(
                    "--max-connections={}",
                    self.opts.max_connections.unwrap_or(1000)
                ))
                .arg(format!(
                    "--innodb-lock-wait-timeout={}",
                    self.opts.lock_wait_timeout.unwrap_or(50)
                ))
                // MySQL 8's default, which sqld follows.
                .arg("--max-allowed-packet=64M")
                .args(self.opts.tls.iter().flat_map(|(cert, key)| {
                    [
                        format!("--ssl-cert={}", cert.display()),
                        format!("--ssl-key={}", key.display()),
                    ]
                }))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            let log_len_before = std::fs::metadata(self.log_path())
                .map(|m| m.len() as usize)
                .unwrap_or(0);
            let mut child = cmd
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start mariadbd: {e}"));
            let deadline = Instant::now() + READY_TIMEOUT;
            loop {
                let log = std::fs::read_to_string(self.log_path()).unwrap_or_default();
                let new_log = log.get(log_len_before..).unwrap_or("");
                if new_log.contains("ready for connections") {
                    self.port = port;
                    self.child = Some(child);
                    return;
                }
                if let Ok(Some(status)) = child.try_wait() {
                    if new_log.contains("Address already in use")
                        || new_log.contains("Can't start server: Bind")
                    {
                        if fixed_port.is_some() {
                            thread::sleep(Duration::from_millis(500));
                        }
                        break;
                    }
                    panic!(
                        "mariadbd exited with {status} before it was ready; log:\n{}",
                        tail(&self.log_path(), 40)
                    );
                }
                if Instant::now() >= deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!(
                        "mariadbd not ready within {READY_TIMEOUT:?}; log:\n{}",
                        tail(&self.log_path(), 40)
                    );
                }
                thread::sleep(Duration::from_millis(50));
            }
        }
        panic!("mariadbd could not bind a port in 20 attempts ({fixed_port:?})");
    }

    /// Sets the root password (if any) over the unix socket, where root
    /// can still log in without one.
    fn secure_root(&self) {
        if self.opts.root_password.is_empty() {
            return;
        }
        let pw = self
            .opts
            .root_password
            .replace('\\', "\\\\")
            .replace('\'', "\\'");
        let sql = format!(
            "ALTER USER root@'localhost' IDENTIFIED BY '{pw}';\
             ALTER USER root@'127.0.0.1' IDENTIFIED BY '{pw}';\
             ALTER USER root@'::1' IDENTIFIED BY '{pw}';"
        );
        let out = run_with_timeout(
            Command::new(find_binary("mariadb"))
                .arg("--no-defaults")
                .arg(format!("--socket={}", self.socket().display()))
                .args(["-uroot", "-e", &sql]),
            None,
            Duration::from_secs(30),
        );
        assert!(
            out.success(),
            "cannot set the root password: {}",
            out.stderr
        );
    }
}
