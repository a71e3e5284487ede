//! Command-line options, in mysqld's words: `--port 3306` and `--port=3306`
//! both work, and `_` may stand for `-` in names, as mysqld allows.

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
        }
    }
}

/// What the command line asks for.
#[derive(Debug, PartialEq)]
pub enum Command {
    Run(Options),
    Help,
    Version,
}

pub const HELP: &str = "\
sqld: a MySQL-compatible SQL front-end (embedded data node by default)

Usage: sqld [OPTIONS]

  --datadir DIR                      data directory (default ./sqld-data; created if missing)
  --port N                           TCP port (default 3306; 0 picks a free port)
  --bind-address ADDR                address to listen on (default 127.0.0.1)
  --initial-root-password PW         password of 'root' when the data directory is created
                                     (default: empty, as mysqld --initialize-insecure)
  --max-connections N                client connections allowed at once (default 1000)
  --innodb-flush-log-at-trx-commit N 1: sync the journal at every commit (default);
                                     0: do not (faster, a crash may lose recent commits)
  --innodb-lock-wait-timeout S       default lock wait timeout in seconds (default 50)
  --log-level LEVEL                  error, warn, info (default), debug or trace
  --help                             this text
  --version                          print the version and exit
";

/// Parses the arguments after the program name.
pub fn parse_args<I: IntoIterator<Item = String>>(args: I) -> Result<Command, String> {
    let mut o = Options::default();
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
        let mut value = || -> Result<String, String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => it
                    .next()
                    .ok_or_else(|| format!("option '--{name}' requires a value")),
            }
        };
        match name.as_str() {
            "datadir" => o.datadir = PathBuf::from(value()?),
            "port" => o.port = number(&name, &value()?)?,
            "bind-address" => o.bind_address = value()?,
            "initial-root-password" => o.initial_root_password = Some(value()?),
            "log-level" => {
                let v = value()?.to_ascii_lowercase();
                if !["error", "warn", "info", "debug", "trace"].contains(&v.as_str()) {
                    return Err(format!("unknown log level '{v}'"));
                }
                o.log_level = v;
            }
            "max-connections" => o.max_connections = number(&name, &value()?)?,
            "innodb-flush-log-at-trx-commit" => {
                let v: u8 = number(&name, &value()?)?;
                if v > 2 {
                    return Err(format!("--{name} takes 0, 1 or 2"));
                }
                // 2 (write, no sync) behaves as 0 here: there is no separate OS write step.
                o.flush_log_at_trx_commit = u8::from(v == 1);
            }
            "innodb-lock-wait-timeout" => {
                o.lock_wait_timeout = Duration::from_secs(number(&name, &value()?)?)
            }
            _ => return Err(format!("unknown option '--{name}'")),
        }
    }
    Ok(Command::Run(o))
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
    }

    #[test]
    fn both_value_forms_and_underscores() {
        let Command::Run(o) = parse_args(args(
            "--port=0 --datadir /tmp/x --bind_address 0.0.0.0 --innodb-flush-log-at-trx-commit=2",
        ))
        .unwrap() else {
            panic!()
        };
        assert_eq!(o.port, 0);
        assert_eq!(o.datadir, PathBuf::from("/tmp/x"));
        assert_eq!(o.bind_address, "0.0.0.0");
        assert_eq!(o.flush_log_at_trx_commit, 0);
    }

    #[test]
    fn errors_are_reported() {
        assert!(parse_args(args("--port")).is_err());
        assert!(parse_args(args("--port abc")).is_err());
        assert!(parse_args(args("--nope 1")).is_err());
        assert!(parse_args(args("stray")).is_err());
        assert_eq!(parse_args(args("--help")).unwrap(), Command::Help);
        assert_eq!(parse_args(args("--version")).unwrap(), Command::Version);
    }
}
