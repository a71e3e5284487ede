//! sqld as a child process on a scratch data directory.

use crate::process::{tail, wait_deadline, ServerProcess};
use crate::ServerOptions;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// How long sqld may take to print its ready line.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

pub struct SqldServer {
    process: ServerProcess,
    /// `--config FILE` (cluster mode) instead of `--datadir`.
    config: Option<PathBuf>,
}

impl Deref for SqldServer {
    type Target = ServerProcess;
    fn deref(&self) -> &ServerProcess {
        &self.process
    }
}

impl DerefMut for SqldServer {
    fn deref_mut(&mut self) -> &mut ServerProcess {
        &mut self.process
    }
}

/// The sqld binary: `$SQLD_BIN`, else `<target dir>/release/sqld`, where the
/// target dir is found from this test binary's own path
/// (`<target>/<profile>/deps/<test>`), so CARGO_TARGET_DIR needs no special
/// handling.
pub fn sqld_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("SQLD_BIN") {
        return PathBuf::from(bin);
    }
    let exe = std::env::current_exe().unwrap_or_default();
    let profile_dir = exe.parent().and_then(Path::parent);
    let target_dir = profile_dir.and_then(Path::parent);
    let release = target_dir.map(|t| t.join("release").join("sqld"));
    let same_profile = profile_dir.map(|p| p.join("sqld"));
    release
        .iter()
        .chain(same_profile.iter())
        .find(|p| p.exists())
        .cloned()
        .unwrap_or_else(|| PathBuf::from("target/release/sqld"))
}

/// The port in sqld's ready line:
/// `sqld: ready for connections. Version: '8.0.36-sqld'  port: 12345`.
pub fn parse_ready_line(line: &str) -> Option<u16> {
    if !line.contains("ready for connections") {
        return None;
    }
    let rest = &line[line.rfind("port: ")? + "port: ".len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

impl SqldServer {
    pub fn start() -> SqldServer {
        SqldServer::start_with(ServerOptions::default())
    }

    pub fn start_with(opts: ServerOptions) -> SqldServer {
        let mut server = SqldServer {
            process: ServerProcess::new("sqld", opts, Duration::from_secs(20)),
            config: None,
        };
        server.spawn();
        server
    }

    /// sqld with `--config FILE` (and `--port 0`): cluster mode when the
    /// file has `[[node_group]]`s. Accounts come from the file's `[[user]]`.
    pub fn start_with_config(config: &Path, opts: ServerOptions) -> SqldServer {
        let mut server = SqldServer {
            process: ServerProcess::new("sqld", opts, Duration::from_secs(20)),
            config: Some(config.to_path_buf()),
        };
        server.spawn();
        server
    }

    /// Starts sqld again on the same data directory (after `kill9` or `stop`).
    pub fn restart(&mut self) {
        self.kill9();
        self.spawn();
    }

    fn spawn(&mut self) {
        let bin = sqld_bin();
        assert!(
            bin.exists(),
            "sqld binary not found at {} (build it with `cargo build --release -p sqld` or set SQLD_BIN)",
            bin.display()
        );
        let log = File::options()
            .create(true)
            .append(true)
            .open(self.log_path())
            .unwrap_or_else(|e| panic!("cannot open {}: {e}", self.log_path().display()));
        let mut cmd = Command::new(&bin);
        match &self.config {
            Some(config) => cmd.arg("--config").arg(config),
            None => cmd.arg("--datadir").arg(self.datadir()),
        };
        cmd.args(["--port", "0", "--bind-address", "127.0.0.1"])
            .args(["--log-level", "info"]);
        if !self.opts.root_password.is_empty() && self.config.is_none() {
            cmd.args(["--initial-root-password", &self.opts.root_password]);
        }
        if let Some(n) = self.opts.max_connections {
            cmd.args(["--max-connections", &n.to_string()]);
        }
        if let Some(s) = self.opts.lock_wait_timeout {
            cmd.args(["--innodb-lock-wait-timeout", &s.to_string()]);
        }
        if let Some(f) = self.opts.flush_log_at_trx_commit {
            cmd.args(["--innodb-flush-log-at-trx-commit", &f.to_string()]);
        }
        let stderr = log
            .try_clone()
            .unwrap_or_else(|e| panic!("cannot share log file: {e}"));
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, rx) = mpsc::channel();
        // Keeps reading stdout for the server's whole life (a full pipe would
        // block it), copying every line to the log after the ready line.
        thread::spawn(move || {
            use std::io::Write;
            let mut log = log;
            let mut tx = Some(tx);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = writeln!(log, "{line}");
                if let Some(port) = parse_ready_line(&line) {
                    if let Some(tx) = tx.take() {
                        let _ = tx.send(port);
                    }
                }
            }
        });
        match rx.recv_timeout(READY_TIMEOUT) {
            Ok(port) => {
                self.port = port;
                self.child = Some(child);
            }
            Err(_) => {
                let status = wait_deadline(&mut child, Duration::ZERO);
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "sqld did not print its ready line within {READY_TIMEOUT:?} (exit: {status:?}); log:\n{}",
                    tail(&self.log_path(), 40)
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_ready_line;

    #[test]
    fn ready_line_port() {
        assert_eq!(
            parse_ready_line("sqld: ready for connections. Version: '8.0.36-sqld'  port: 12345"),
            Some(12345)
        );
        assert_eq!(parse_ready_line("port: 3306"), None);
        assert_eq!(
            parse_ready_line("sqld: ready for connections. port: x"),
            None
        );
    }
}
