//! The configuration file (`sqld --config cluster.toml`): TOML with a
//! `[server]` section (what the command line also sets), a `[cluster]`
//! section, `[[user]]` accounts and `[[node_group]]` data nodes.
//!
//! Every key is checked: an unknown key is an error naming it, so a typo
//! never silently falls back to a default. Keys are documented in
//! docs/configuration.md.

use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The file as written; every field optional so that the command line and
/// the defaults fill the gaps.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub server: ServerSection,
    #[serde(default)]
    pub cluster: ClusterSection,
    #[serde(default)]
    pub user: Vec<UserEntry>,
    #[serde(default)]
    pub node_group: Vec<NodeGroupEntry>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSection {
    pub bind_address: Option<String>,
    pub port: Option<u16>,
    pub max_connections: Option<usize>,
    pub log_level: Option<String>,
    /// caching_sha2_password's RSA key (PEM); created there if missing.
    pub rsa_private_key: Option<PathBuf>,
    /// Only without `[[node_group]]`: the embedded data node's directory.
    pub datadir: Option<PathBuf>,
    pub innodb_lock_wait_timeout: Option<u64>,
    pub spin_wait_us: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterSection {
    pub partitions: Option<usize>,
    pub pool_size: Option<u32>,
    pub connect_timeout_ms: Option<u64>,
    pub recovery_interval_ms: Option<u64>,
    pub catalog_poll_ms: Option<u64>,
    pub deadlock_timeout_secs: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserEntry {
    pub name: String,
    #[serde(default = "any_host")]
    pub host: String,
    #[serde(default)]
    pub password: String,
}

fn any_host() -> String {
    "%".to_string()
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeGroupEntry {
    pub data_nodes: Vec<String>,
}

/// What cluster mode needs, checked and with defaults applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterConfig {
    /// Used only when the cluster is created (first start).
    pub partitions: usize,
    pub pool_size: u32,
    pub connect_timeout: Duration,
    pub recovery_interval: Duration,
    pub catalog_poll: Duration,
    /// With two or more node groups, the longest lock wait.
    pub deadlock_timeout: Duration,
    /// One mysql:// URL per node group (one data node per group for now).
    pub node_groups: Vec<String>,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            partitions: 64,
            pool_size: 32,
            connect_timeout: Duration::from_millis(2000),
            recovery_interval: Duration::from_millis(5000),
            catalog_poll: Duration::from_millis(1000),
            deadlock_timeout: Duration::from_secs(2),
            node_groups: Vec::new(),
        }
    }
}

/// A partition map past this size buys nothing and costs catalog space.
const MAX_PARTITIONS: usize = 65_536;

impl ConfigFile {
    pub fn load(path: &Path) -> Result<ConfigFile, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        ConfigFile::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<ConfigFile, String> {
        // toml's message names the unknown key and where it is; it may span
        // several lines (a source excerpt), which is fine on stderr.
        toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())
    }

    /// The cluster settings, None when no `[[node_group]]` is configured
    /// (sqld then runs the embedded data node).
    pub fn cluster(&self) -> Result<Option<ClusterConfig>, String> {
        if self.node_group.is_empty() {
            return Ok(None);
        }
        let d = ClusterConfig::default();
        let c = &self.cluster;
        let ms = Duration::from_millis;
        let mut node_groups = Vec::with_capacity(self.node_group.len());
        for (i, g) in self.node_group.iter().enumerate() {
            match g.data_nodes.as_slice() {
                [url] => {
                    check_url(url).map_err(|e| format!("node_group {i}: {e}"))?;
                    node_groups.push(url.clone());
                }
                [] => return Err(format!("node_group {i}: data_nodes is empty")),
                _ => {
                    return Err(format!(
                        "node_group {i}: one data node per node group is supported for now, got {}",
                        g.data_nodes.len()
                    ))
                }
            }
        }
        let cfg = ClusterConfig {
            partitions: c.partitions.unwrap_or(d.partitions),
            pool_size: c.pool_size.unwrap_or(d.pool_size),
            connect_timeout: c.connect_timeout_ms.map(ms).unwrap_or(d.connect_timeout),
            recovery_interval: c
                .recovery_interval_ms
                .map(ms)
                .unwrap_or(d.recovery_interval),
            catalog_poll: c.catalog_poll_ms.map(ms).unwrap_or(d.catalog_poll),
            deadlock_timeout: c
                .deadlock_timeout_secs
                .map(Duration::from_secs)
                .unwrap_or(d.deadlock_timeout),
            node_groups,
        };
        if cfg.partitions < cfg.node_groups.len() || cfg.partitions > MAX_PARTITIONS {
            return Err(format!(
                "cluster.partitions must be between the number of node groups ({}) and {MAX_PARTITIONS}, got {}",
                cfg.node_groups.len(),
                cfg.partitions
            ));
        }
        if cfg.pool_size == 0 {
            return Err("cluster.pool_size must be at least 1".to_string());
        }
        for (key, v) in [
            ("connect_timeout_ms", cfg.connect_timeout),
            ("recovery_interval_ms", cfg.recovery_interval),
            ("catalog_poll_ms", cfg.catalog_poll),
            ("deadlock_timeout_secs", cfg.deadlock_timeout),
        ] {
            if v.is_zero() {
                return Err(format!("cluster.{key} must be greater than 0"));
            }
        }
        Ok(Some(cfg))
    }

    /// The `[[user]]` accounts, checked.
    pub fn users(&self) -> Result<Vec<UserEntry>, String> {
        for u in &self.user {
            if u.name.is_empty() {
                return Err("user: name must not be empty".to_string());
            }
            if u.name.chars().count() > 32 || u.host.chars().count() > 255 {
                return Err(format!("user '{}': name or host too long", u.name));
            }
        }
        Ok(self.user.clone())
    }
}

fn check_url(url: &str) -> Result<(), String> {
    let Some(rest) = url.strip_prefix("mysql://") else {
        return Err(format!(
            "data node URL must start with mysql:// ({})",
            redact_url(url)
        ));
    };
    if authority(rest).rsplit('@').next().unwrap_or("").is_empty() {
        return Err(format!("data node URL has no host ({})", redact_url(url)));
    }
    Ok(())
}

/// `user:password@host:port` of a URL body (after `scheme://`).
fn authority(rest: &str) -> &str {
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    &rest[..end]
}

/// The URL without its password, for logs, errors and names:
/// `mysql://sqld:pw@h:3307/?x=1` → `mysql://sqld@h:3307/?x=1`.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(i) => (&url[..i + 3], &url[i + 3..]),
        None => ("", url),
    };
    let auth = authority(rest);
    let tail = &rest[auth.len()..];
    let Some(at) = auth.rfind('@') else {
        return url.to_string();
    };
    let (userinfo, host) = (&auth[..at], &auth[at..]);
    let user = userinfo.split(':').next().unwrap_or("");
    format!("{scheme}{user}{host}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = r#"
[server]
bind_address = "0.0.0.0"
port = 3310
max_connections = 500
log_level = "debug"
rsa_private_key = "/tmp/key.pem"
[cluster]
partitions = 16
pool_size = 8
connect_timeout_ms = 500
recovery_interval_ms = 1000
catalog_poll_ms = 200
deadlock_timeout_secs = 3
[[user]]
name = "root"
host = "%"
password = "secret"
[[user]]
name = "app"
[[node_group]]
data_nodes = ["mysql://sqld:pw@127.0.0.1:3307"]
[[node_group]]
data_nodes = ["mysql://sqld:pw@127.0.0.1:3308/?require_ssl=true"]
"#;

    #[test]
    fn every_key_is_read() {
        let f = ConfigFile::parse(FULL).unwrap();
        assert_eq!(f.server.port, Some(3310));
        assert_eq!(f.server.bind_address.as_deref(), Some("0.0.0.0"));
        assert_eq!(f.server.max_connections, Some(500));
        assert_eq!(f.server.log_level.as_deref(), Some("debug"));
        assert_eq!(
            f.server.rsa_private_key,
            Some(PathBuf::from("/tmp/key.pem"))
        );
        let c = f.cluster().unwrap().unwrap();
        assert_eq!(c.partitions, 16);
        assert_eq!(c.pool_size, 8);
        assert_eq!(c.connect_timeout, Duration::from_millis(500));
        assert_eq!(c.recovery_interval, Duration::from_secs(1));
        assert_eq!(c.catalog_poll, Duration::from_millis(200));
        assert_eq!(c.deadlock_timeout, Duration::from_secs(3));
        assert_eq!(c.node_groups.len(), 2);
        let users = f.users().unwrap();
        assert_eq!(users[0].password, "secret");
        assert_eq!(users[1].host, "%");
        assert_eq!(users[1].password, "");
    }

    #[test]
    fn defaults_without_cluster_section() {
        let f = ConfigFile::parse("[[node_group]]\ndata_nodes = [\"mysql://h:1\"]\n").unwrap();
        let c = f.cluster().unwrap().unwrap();
        assert_eq!(
            c,
            ClusterConfig {
                node_groups: vec!["mysql://h:1".into()],
                ..ClusterConfig::default()
            }
        );
        assert_eq!(ConfigFile::parse("").unwrap().cluster().unwrap(), None);
    }

    #[test]
    fn unknown_keys_are_named() {
        for (text, key) in [
            ("[server]\nprot = 1\n", "prot"),
            ("[cluster]\npool = 1\n", "pool"),
            ("[servr]\n", "servr"),
            ("[[node_group]]\ndata_node = []\n", "data_node"),
            ("[[user]]\nname = \"a\"\npasswd = \"x\"\n", "passwd"),
        ] {
            let e = ConfigFile::parse(text).unwrap_err();
            assert!(e.contains(key), "{text:?}: {e}");
        }
        assert!(ConfigFile::parse("[server]\nport = \"x\"\n").is_err());
    }

    #[test]
    fn bad_cluster_settings_are_refused() {
        let bad = [
            "[[node_group]]\ndata_nodes = []\n",
            "[[node_group]]\ndata_nodes = [\"mysql://a:1\", \"mysql://b:1\"]\n",
            "[[node_group]]\ndata_nodes = [\"http://a:1\"]\n",
            "[cluster]\npool_size = 0\n[[node_group]]\ndata_nodes = [\"mysql://a:1\"]\n",
            "[cluster]\npartitions = 1\n[[node_group]]\ndata_nodes = [\"mysql://a:1\"]\n[[node_group]]\ndata_nodes = [\"mysql://b:1\"]\n",
            "[cluster]\ncatalog_poll_ms = 0\n[[node_group]]\ndata_nodes = [\"mysql://a:1\"]\n",
        ];
        for text in bad {
            assert!(
                ConfigFile::parse(text).unwrap().cluster().is_err(),
                "{text}"
            );
        }
        let e = ConfigFile::parse("[[node_group]]\ndata_nodes = [\"http://u:hunter2@a:1\"]\n")
            .unwrap()
            .cluster()
            .unwrap_err();
        assert!(!e.contains("hunter2"), "{e}");
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("mysql://sqld:p%40ss@127.0.0.1:3307/?ssl=1"),
            "mysql://sqld@127.0.0.1:3307/?ssl=1"
        );
        assert_eq!(redact_url("mysql://u:a@b@h:1"), "mysql://u@h:1");
        assert_eq!(redact_url("mysql://h:1/db"), "mysql://h:1/db");
        assert_eq!(redact_url("mysql://u@h"), "mysql://u@h");
    }
}
