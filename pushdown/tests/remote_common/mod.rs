//! A throwaway MariaDB server for the remote data-node tests: its own data
//! directory under the system temp dir, 127.0.0.1 on a free port, root
//! without a password. Stopped and removed on drop.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn find(name: &str) -> Option<PathBuf> {
    ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"]
        .iter()
        .map(|d| Path::new(d).join(name))
        .find(|p| p.exists())
}

/// None (with the reason printed) when MariaDB is not installed: the
/// tests then skip.
pub fn mariadb_available() -> bool {
    let ok = find("mariadbd").is_some() && find("mariadb-install-db").is_some();
    if !ok {
        eprintln!("skipped: mariadbd / mariadb-install-db not installed");
    }
    ok
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free port")
}

fn user() -> String {
    std::env::var("USER").unwrap_or_else(|_| "root".into())
}

pub struct Mariadb {
    dir: PathBuf,
    pub port: u16,
    child: Option<Child>,
    tls: bool,
}

impl Mariadb {
    pub fn start() -> Mariadb {
        Mariadb::start_with(false)
    }

    /// With `tls`, the server gets a self-signed certificate (made with
    /// the openssl command) and accepts TLS connections.
    pub fn start_with(tls: bool) -> Mariadb {
        let unique = format!(
            "sqld-remote-test-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        );
        let dir = std::env::temp_dir().join(unique);
        std::fs::create_dir_all(dir.join("tmp")).expect("temp dir");
        let install = Command::new(find("mariadb-install-db").expect("mariadb-install-db"))
            .arg("--no-defaults")
            .arg(format!("--datadir={}", dir.join("data").display()))
            .arg(format!("--user={}", user()))
            .arg("--auth-root-authentication-method=normal")
            .arg("--skip-test-db")
            .arg(format!("--tmpdir={}", dir.join("tmp").display()))
            .stdin(Stdio::null())
            .output()
            .expect("mariadb-install-db");
        assert!(
            install.status.success(),
            "mariadb-install-db failed: {}",
            String::from_utf8_lossy(&install.stderr)
        );
        if tls {
            let out = Command::new("openssl")
                .args([
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                ])
                .args(["-subj", "/CN=127.0.0.1"])
                .arg("-keyout")
                .arg(dir.join("key.pem"))
                .arg("-out")
                .arg(dir.join("cert.pem"))
                .stdin(Stdio::null())
                .output()
                .expect("openssl");
            assert!(
                out.status.success(),
                "openssl failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let mut m = Mariadb {
            dir,
            port: 0,
            child: None,
            tls,
        };
        m.spawn(None);
        m
    }

    fn log(&self) -> PathBuf {
        self.dir.join("mariadb.log")
    }

    /// Starts mariadbd (on `port`, or a free one) and waits until it is
    /// ready for connections.
    fn spawn(&mut self, port: Option<u16>) {
        for _attempt in 0..5 {
            let port = port.unwrap_or_else(free_port);
            let before = std::fs::metadata(self.log())
                .map(|m| m.len() as usize)
                .unwrap_or(0);
            let mut cmd = Command::new(find("mariadbd").expect("mariadbd"));
            // --no-defaults must come first.
            cmd.arg("--no-defaults");
            if self.tls {
                cmd.arg(format!(
                    "--ssl-cert={}",
                    self.dir.join("cert.pem").display()
                ))
                .arg(format!("--ssl-key={}", self.dir.join("key.pem").display()));
            }
            let mut child = cmd
                .arg(format!("--user={}", user()))
                .arg(format!("--datadir={}", self.dir.join("data").display()))
                .arg(format!(
                    "--socket={}",
                    self.dir.join("mysqld.sock").display()
                ))
                .arg(format!(
                    "--pid-file={}",
                    self.dir.join("mysqld.pid").display()
                ))
                .arg(format!("--log-error={}", self.log().display()))
                .arg(format!("--tmpdir={}", self.dir.join("tmp").display()))
                .arg(format!("--port={port}"))
                .arg("--bind-address=127.0.0.1")
                .arg("--skip-name-resolve")
                .arg("--character-set-server=utf8mb4")
                .arg("--collation-server=utf8mb4_general_ci")
                .arg("--innodb-buffer-pool-size=64M")
                .arg("--innodb-log-file-size=48M")
                .arg("--innodb-flush-log-at-trx-commit=2")
                .arg("--max-connections=300")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("cannot start mariadbd");
            let deadline = Instant::now() + Duration::from_secs(60);
            loop {
                let log = std::fs::read_to_string(self.log()).unwrap_or_default();
                let new = log.get(before..).unwrap_or("");
                if new.contains("ready for connections") {
                    self.port = port;
                    self.child = Some(child);
                    return;
                }
                if let Ok(Some(_)) = child.try_wait() {
                    if new.contains("Address already in use") || new.contains("Bind") {
                        break;
                    }
                    panic!("mariadbd exited early:\n{new}");
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("mariadbd not ready:\n{new}");
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            if port != 0 && self.port == port {
                std::thread::sleep(Duration::from_millis(500));
            }
        }
        panic!("mariadbd could not bind a port");
    }

    pub fn url(&self) -> String {
        format!("mysql://root@127.0.0.1:{}", self.port)
    }

    /// kill -9: connections drop, unprepared transactions are lost.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts again on the same port.
    pub fn restart(&mut self) {
        self.kill();
        let port = self.port;
        self.spawn(Some(port));
    }
}

impl Drop for Mariadb {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
