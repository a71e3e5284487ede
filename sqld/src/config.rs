//! Command-line options, in mysqld's words: `--port 3306` and `--port=3306`
//! both work, and `_` may stand for `-` in names, as mysqld allows.
//! `--config FILE` reads a TOML file first (see [`crate::cluster_config`]);
//! options given on the command line override it.

use crate::cluster_config::{ClusterConfig, ConfigFile, UserEntry};
use std::path::PathBuf;
use std::time::Duration;

/// Everything the command line sets.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub datadir: PathBuf,
    pub port: u16,
    pub bind_address: String,
    /// Password for 'root' when the data directory is created.
    pub initial_root_password: Option<String>,
    pub log_level: String,
    pub max_connections: usize,
    /// 1: fsync the journal at every commit (default); 0: leave it to the
    /// OS and fjall's background flushing (a crash may lose the last commits).
    pub flush_log_at_trx_commit: u8,
    pub lock_wait_timeout: Duration,
    /// The file given with `--config`.
    pub config: Option<PathBuf>,
    /// `[[node_group]]`s in the config file: cluster mode. None: embedded.
    pub cluster: Option<ClusterConfig>,
    /// `[[user]]` accounts to create when missing.
    pub users: Vec<UserEntry>,
    /// caching_sha2_password's RSA key file (default: `<datadir>/
    /// rsa_private_key.pem` embedded; generated per process in cluster mode).
    pub rsa_private_key: Option<PathBuf>,
    /// How long a session alone on the server polls for its client's next
    /// command before letting its worker sleep (protocol::spin); zero
    /// disables; None: 50 µs embedded, off in cluster mode.
    pub spin_wait: Option<Duration>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            datadir: PathBuf::from("./sqld-data"),
            port: 3306,
            bind_address: "127.0.0.1".to_string(),
            initial_root_password: None,
            log_level: "info".to_string(),
            max_connections: 1000,
            flush_log_at_trx_commit: 1,
            lock_wait_timeout: Duration::from_secs(50),
            config: None,
            cluster: None,
            users: Vec::new(),
            rsa_private_key: None,
            spin_wait: None,
        }
    }
}

/// What the command line asks for.
#[derive(Debug, PartialEq)]
pub enum Command {
    Run(Box<Options>),
    Help,
    Version,
}

pub const HELP: &str = "\
sqld: a MySQL-compatible SQL front-end (embedded data node by default)

Usage: sqld [OPTIONS]

  --config FILE                      TOML configuration file (docs/configuration.md): server
                                     settings, users and [[node_group]] data nodes (cluster
                                     mode); command-line options override it
  --datadir DIR                      data directory (default ./sqld-data; created if missing)
  --port N                           TCP port (default 3306; 0 picks a free port)
  --bind-address ADDR                address to listen on (default 127.0.0.1)
  --initial-root-password PW         password of 'root' when the data directory is created
                                     (default: empty, as mysqld --initialize-insecure)
  --max-connections N                client connections allowed at once (default 1000)
  --innodb-flush-log-at-trx-commit N 1: sync the journal at every commit (default);
                                     0: do not (faster, a crash may lose recent commits)
  --innodb-lock-wait-timeout S       default lock wait timeout in seconds (default 50)
  --spin-wait-us N                   while one client has the server to itself, poll this
                                     long for its next command before sleeping (default 50
                                     embedded, 0 = never in cluster mode)
  --log-level LEVEL                  error, warn, info (default), debug or trace
  --help                             this text
  --version                          print the version and exit
";

/// Parses the arguments after the program name (and the `--config` file).
pub fn parse_args<I: IntoIterator<Item = String>>(args: I) -> Result<Command, String> {
    // Collected first and applied after the file, so the command line wins
    // wherever --config appears in it.
    let mut given: Vec<(String, String)> = Vec::new();
    let mut config = None;
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let Some(body) = arg.strip_prefix("--") else {
            return Err(format!("unexpected argument '{arg}'"));
        };
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n.replace('_', "-"), Some(v.to_string())),
            None => (body.replace('_', "-"), None),
        };
        match name.as_str() {
            "help" => return Ok(Command::Help),
            "version" => return Ok(Command::Version),
            _ => {}
        }
        if !OPTIONS.contains(&name.as_str()) {
            return Err(format!("unknown option '--{name}'"));
        }
        let value = match inline {
            Some(v) => v,
            None => it
                .next()
                .ok_or_else(|| format!("option '--{name}' requires a value"))?,
        };
        if name == "config" {
            config = Some(PathBuf::from(value));
        } else {
            given.push((name, value));
        }
    }
    let mut o = Options::default();
    if let Some(path) = config {
        apply_file(&mut o, ConfigFile::load(&path)?)?;
        o.config = Some(path);
    }
    for (name, value) in given {
        apply(&mut o, &name, &value)?;
    }
    Ok(Command::Run(Box::new(o)))
}

/// Every option that takes a value.
const OPTIONS: &[&str] = &[
    "config",
    "datadir",
    "port",
    "bind-address",
    "initial-root-password",
    "log-level",
    "max-connections",
    "innodb-flush-log-at-trx-commit",
    "innodb-lock-wait-timeout",
    "spin-wait-us",
];

fn apply(o: &mut Options, name: &str, value: &str) -> Result<(), String> {
    match name {
        "datadir" => o.datadir = PathBuf::from(value),
        "port" => o.port = number(name, value)?,
        "bind-address" => o.bind_address = value.to_string(),
        "initial-root-password" => o.initial_root_password = Some(value.to_string()),
        "log-level" => o.log_level = log_level(value)?,
        "max-connections" => o.max_connections = number(name, value)?,
        "innodb-flush-log-at-trx-commit" => {
            let v: u8 = number(name, value)?;
            if v > 2 {
                return Err(format!("--{name} takes 0, 1 or 2"));
            }
            // 2 (write, no sync) behaves as 0 here: there is no separate OS write step.
            o.flush_log_at_trx_commit = u8::from(v == 1);
        }
        "innodb-lock-wait-timeout" => {
            o.lock_wait_timeout = Duration::from_secs(number(name, value)?)
        }
        "spin-wait-us" => o.spin_wait = Some(Duration::from_micros(number(name, value)?)),
        _ => return Err(format!("unknown option '--{name}'")),
    }
    Ok(())
}

fn apply_file(o: &mut Options, f: ConfigFile) -> Result<(), String> {
    o.cluster = f.cluster()?;
    o.users = f.users()?;
    let s = f.server;
    if let Some(v) = s.bind_address {
        o.bind_address = v;
    }
    if let Some(v) = s.port {
        o.port = v;
    }
    if let Some(v) = s.max_connections {
        o.max_connections = v;
    }
    if let Some(v) = s.log_level {
        o.log_level = log_level(&v).map_err(|e| format!("server.log_level: {e}"))?;
    }
    if let Some(v) = s.datadir {
        o.datadir = v;
    }
    if let Some(v) = s.innodb_lock_wait_timeout {
        o.lock_wait_timeout = Duration::from_secs(v);
    }
    if let Some(v) = s.spin_wait_us {
        o.spin_wait = Some(Duration::from_micros(v));
    }
    o.rsa_private_key = s.rsa_private_key;
    Ok(())
}

fn log_level(v: &str) -> Result<String, String> {
    let v = v.to_ascii_lowercase();
    if !["error", "warn", "info", "debug", "trace"].contains(&v.as_str()) {
        return Err(format!("unknown log level '{v}'"));
    }
    Ok(v)
}

fn number<T: std::str::FromStr>(name: &str, v: &str) -> Result<T, String> {
    v.parse()
        .map_err(|_| format!("option '--{name}' needs a number, got '{v}'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn defaults_match_mysqld() {
        let Command::Run(o) = parse_args(args("")).unwrap() else {
            panic!()
        };
        assert_eq!(o.port, 3306);
        assert_eq!(o.bind_address, "127.0.0.1");
        assert_eq!(o.datadir, PathBuf::from("./sqld-data"));
        assert_eq!(o.max_connections, 1000);
        assert_eq!(o.flush_log_at_trx_commit, 1);
        assert_eq!(o.spin_wait, None, "chosen by mode in main");
    }

    #[test]
    fn both_value_forms_and_underscores() {
        let Command::Run(o) = parse_args(args(
            "--port=0 --datadir /tmp/x --bind_address 0.0.0.0 --innodb-flush-log-at-trx-commit=2 \
             --spin_wait_us=0",
        ))
        .unwrap() else {
            panic!()
        };
        assert_eq!(o.port, 0);
        assert_eq!(o.datadir, PathBuf::from("/tmp/x"));
        assert_eq!(o.bind_address, "0.0.0.0");
        assert_eq!(o.flush_log_at_trx_commit, 0);
        assert_eq!(o.spin_wait, Some(Duration::ZERO));
    }

    #[test]
    fn errors_are_reported() {
        assert!(parse_args(args("--port")).is_err());
        assert!(parse_args(args("--port abc")).is_err());
        assert!(parse_args(args("--nope 1")).is_err());
        assert!(parse_args(args("stray")).is_err());
        assert_eq!(parse_args(args("--help")).unwrap(), Command::Help);
        assert_eq!(parse_args(args("--version")).unwrap(), Command::Version);
        assert!(parse_args(args("--config /nonexistent/sqld.toml")).is_err());
    }

    #[test]
    fn command_line_overrides_the_file() {
        let dir = std::env::temp_dir().join(format!("sqld-config-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("cluster.toml");
        std::fs::write(
            &path,
            "[server]\nport = 4000\nlog_level = \"warn\"\nmax_connections = 10\n\
             spin_wait_us = 20\n\
             [[user]]\nname = \"root\"\npassword = \"pw\"\n\
             [[node_group]]\ndata_nodes = [\"mysql://u:p@127.0.0.1:3307\"]\n",
        )
        .unwrap();
        let Command::Run(o) = parse_args(vec![
            "--port=5000".to_string(),
            "--config".to_string(),
            path.display().to_string(),
        ])
        .unwrap() else {
            panic!()
        };
        assert_eq!(o.port, 5000);
        assert_eq!(o.log_level, "warn");
        assert_eq!(o.max_connections, 10);
        assert_eq!(o.spin_wait, Some(Duration::from_micros(20)));
        assert_eq!(o.users.len(), 1);
        assert_eq!(o.cluster.as_ref().map(|c| c.node_groups.len()), Some(1));
        assert_eq!(o.config, Some(path.clone()));
        std::fs::write(&path, "[server]\nport = 4000\nfoo = 1\n").unwrap();
        let e = parse_args(vec!["--config".to_string(), path.display().to_string()]).unwrap_err();
        assert!(e.contains("foo"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
