//! The `mariadb` command-line client (Debian's `mysql`), fed a script.

use crate::process::{run_with_timeout, Output};
use crate::TestServer;
use std::process::Command;
use std::time::Duration;

/// The client binary: `mariadb`, or `mysql` where only that exists.
pub fn client_binary() -> &'static str {
    let on_path = |name: &str| {
        std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).any(|d| d.join(name).exists()))
            .unwrap_or(false)
    };
    if on_path("mariadb") {
        "mariadb"
    } else {
        "mysql"
    }
}

/// Runs `script` through the CLI as root over TCP, with `args` added
/// (e.g. `--table`, `--force`, a database name). Fails the test after 120 s.
pub fn run_script(server: &TestServer, args: &[&str], script: &str) -> Output {
    run_as(server, "root", server.root_password(), args, script)
}

pub fn run_as(
    server: &TestServer,
    user: &str,
    password: &str,
    args: &[&str],
    script: &str,
) -> Output {
    let mut cmd = Command::new(client_binary());
    cmd.arg("--no-defaults")
        .arg("--protocol=TCP")
        .arg("-h127.0.0.1")
        .arg(format!("-P{}", server.port()))
        .arg(format!("-u{user}"))
        .arg(format!("--password={password}"))
        .args(args);
    run_with_timeout(&mut cmd, Some(script.as_bytes()), Duration::from_secs(120))
}
