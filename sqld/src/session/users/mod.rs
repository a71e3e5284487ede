//! Accounts: host matching as MySQL does it, password hashes, privilege
//! checks, and CREATE / DROP / ALTER USER, SET PASSWORD, GRANT, REVOKE,
//! SHOW GRANTS. Accounts live in the durable catalog (`DdlOp::PutUser`).
//!
//! The only privilege is ALL: on `*.*` or on `db.*`, optionally WITH GRANT
//! OPTION. `*.*` WITH GRANT OPTION is what account management requires.
//!
//! - this module: accounts, host matching, password hashes, privileges;
//! - [`parse`]: the account statements' syntax;
//! - [`exec`]: running them against the catalog.

mod exec;
mod parse;

pub use exec::{execute, grant_lines};
pub use parse::{parse, GrantTarget, Identified, Secret, UserStmt};

use crate::protocol::Account;
use pushdown::error::{SqlError, SqlResult};
use pushdown::privilege::{Needs, Privileges};
use pushdown::schema::{Catalog, Grant, UserDef};
use sha1::{Digest, Sha1};
use sha2::Sha256;

pub const NATIVE: &str = "mysql_native_password";
pub const CACHING_SHA2: &str = "caching_sha2_password";

/// The stored authentication string for `password` under `plugin`:
/// SHA1(SHA1(pw)) or SHA256(SHA256(pw)); empty for an empty password.
pub fn hash_password(plugin: &str, password: &str) -> Vec<u8> {
    if password.is_empty() {
        return Vec::new();
    }
    if plugin == NATIVE {
        Sha1::digest(Sha1::digest(password.as_bytes())).to_vec()
    } else {
        Sha256::digest(Sha256::digest(password.as_bytes())).to_vec()
    }
}

/// `host` with an IPv4-mapped IPv6 prefix removed.
fn plain_host(host: &str) -> &str {
    host.strip_prefix("::ffff:").unwrap_or(host)
}

fn is_loopback(host: &str) -> bool {
    matches!(
        plain_host(host).to_ascii_lowercase().as_str(),
        "localhost" | "127.0.0.1" | "::1"
    )
}

/// Whether the account host `pattern` admits a client at `host`: `%` and `_`
/// wildcards, `ip/netmask`, and `localhost` for loopback connections.
pub fn host_matches(pattern: &str, host: &str) -> bool {
    let host = plain_host(host);
    if pattern.eq_ignore_ascii_case("localhost") {
        return is_loopback(host);
    }
    if let Some((net, mask)) = pattern.split_once('/') {
        let parse = |s: &str| s.parse::<std::net::Ipv4Addr>().ok().map(u32::from);
        return match (parse(net), parse(mask), parse(host)) {
            (Some(n), Some(m), Some(h)) => h & m == n,
            _ => false,
        };
    }
    like_ci(pattern.as_bytes(), host.as_bytes())
}

/// SQL LIKE with `%` and `_`, ASCII case-insensitive, `\` escapes.
pub fn like_ci(p: &[u8], s: &[u8]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some(b'%') => (0..=s.len()).any(|i| like_ci(&p[1..], &s[i..])),
        Some(b'_') => !s.is_empty() && like_ci(&p[1..], &s[1..]),
        Some(b'\\') if p.len() > 1 => {
            !s.is_empty() && p[1].eq_ignore_ascii_case(&s[0]) && like_ci(&p[2..], &s[1..])
        }
        Some(c) => !s.is_empty() && c.eq_ignore_ascii_case(&s[0]) && like_ci(&p[1..], &s[1..]),
    }
}

/// How specific a matching account entry is; smaller wins, as in MySQL's
/// sort of mysql.user (literal hosts, then patterns, then '%'; named users
/// before the anonymous one).
fn specificity(u: &UserDef, host: &str) -> (u8, u8, u8) {
    let h = &u.host;
    let host_rank = if h == "%" {
        3
    } else if h.contains(['%', '_']) || h.contains('/') {
        2
    } else if h.eq_ignore_ascii_case(plain_host(host)) {
        0
    } else {
        1
    };
    (host_rank, u8::from(u.user.is_empty()), 0)
}

/// The account entry a client `user` connecting from `host` logs in as.
pub fn find_account<'a>(catalog: &'a Catalog, user: &str, host: &str) -> Option<&'a UserDef> {
    catalog
        .users
        .iter()
        .filter(|u| (u.user == user || u.user.is_empty()) && host_matches(&u.host, host))
        .min_by_key(|u| specificity(u, host))
}

pub fn account_of(u: &UserDef) -> Account {
    Account {
        plugin: u.plugin.clone(),
        auth: u.auth.clone(),
    }
}

/// An account name: 'user'@'host'.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserHost {
    pub user: String,
    pub host: String,
}

impl std::fmt::Display for UserHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "'{}'@'{}'", self.user, self.host)
    }
}

/// Who is running a statement: the account entry they logged in as and
/// the name and host they connected with (for messages).
#[derive(Debug, Clone)]
pub struct Principal {
    pub account: Option<UserHost>,
    pub user: String,
    pub host: String,
}

impl Principal {
    fn def<'a>(&self, catalog: &'a Catalog) -> Option<&'a UserDef> {
        let a = self.account.as_ref()?;
        catalog.user(&a.user, &a.host)
    }
    /// Any privilege on `db` or on one of its tables (or a global one):
    /// USE, SHOW TABLES and SHOW DATABASES ask this.
    pub fn can_use_db(&self, catalog: &Catalog, db: &str) -> bool {
        self.def(catalog).is_some_and(|u| u.can_use_db(db))
    }
    /// Any privilege on the table: whether SHOW TABLES lists it.
    pub fn can_see_table(&self, catalog: &Catalog, db: &str, table: &str) -> bool {
        self.def(catalog)
            .is_some_and(|u| u.can_see_table(db, table))
    }
    /// Whether the account holds one of `any` on `*.*`.
    pub fn has_global(&self, catalog: &Catalog, any: Privileges) -> bool {
        self.def(catalog)
            .is_some_and(|u| u.global_privileges().intersects(any))
    }
    /// What a statement needs on `db`.`table` (on `db` when `table` is
    /// empty), with MySQL's error when it is missing: 1044 for a
    /// database, 1142 naming the first missing privilege for a table,
    /// 1143 naming the column when only SELECT for a read column is.
    pub fn check(&self, catalog: &Catalog, db: &str, table: &str, needs: &Needs) -> SqlResult<()> {
        let Some(def) = self.def(catalog) else {
            return Err(self.db_denied(db));
        };
        // The common case (an account with global grants) in one pass.
        let global = def.global_privileges();
        let mut wanted = needs.privileges;
        if needs.reads_column.is_some() {
            wanted |= Privileges::SELECT;
        }
        if global.contains(wanted) {
            return Ok(());
        }
        let held = def.privileges_on(db, (!table.is_empty()).then_some(table));
        if held.contains(wanted) {
            return Ok(());
        }
        if table.is_empty() {
            return Err(self.db_denied(db));
        }
        match (
            needs.privileges.minus(held).names().next(),
            &needs.reads_column,
        ) {
            (Some(missing), _) => Err(self.table_denied(missing, table)),
            (None, Some(column)) => Err(self.column_denied("SELECT", column, table)),
            (None, None) => Ok(()),
        }
    }
    /// user@host as 1044 and 1045 name it: the account's host pattern (MariaDB's
    /// priv_host), where 1142 / 1143 name the host connected from.
    fn account_name(&self) -> (&str, &str) {
        match &self.account {
            Some(a) => (&self.user, &a.host),
            None => (&self.user, &self.host),
        }
    }
    pub fn db_denied(&self, db: &str) -> SqlError {
        let (user, host) = self.account_name();
        SqlError::code(
            1044,
            format!("Access denied for user '{user}'@'{host}' to database '{db}'"),
        )
    }
    pub fn table_denied(&self, command: &str, table: &str) -> SqlError {
        SqlError::code(
            1142,
            format!(
                "{command} command denied to user '{}'@'{}' for table '{table}'",
                self.user, self.host
            ),
        )
    }
    pub fn column_denied(&self, command: &str, column: &str, table: &str) -> SqlError {
        SqlError::code(
            1143,
            format!(
                "{command} command denied to user '{}'@'{}' for column '{column}' in table '{table}'",
                self.user, self.host
            ),
        )
    }
    /// 1045, as MariaDB answers a GRANT on `*.*` without the right to.
    pub fn access_denied(&self) -> SqlError {
        let (user, host) = self.account_name();
        SqlError::code(
            1045,
            format!("Access denied for user '{user}'@'{host}' (using password: NO)"),
        )
    }
    pub fn needs(&self, privilege: &str) -> SqlError {
        SqlError::code(
            1227,
            format!("Access denied; you need (at least one of) the {privilege} privilege(s) for this operation"),
        )
    }
}

/// '*' followed by 40 hex digits (or empty) → the 20-byte hash.
pub(super) fn parse_native_hash(h: &str) -> Option<Vec<u8>> {
    if h.is_empty() {
        return Some(Vec::new());
    }
    let hex = h.strip_prefix('*')?;
    if hex.len() != 40 || !hex.is_ascii() {
        return None;
    }
    (0..20)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
        .collect()
}

/// The accounts `mysqld --initialize-insecure` creates: root on loopback.
pub fn root_accounts(password: &str) -> Vec<UserDef> {
    ["localhost", "127.0.0.1", "::1"]
        .into_iter()
        .map(|host| UserDef {
            user: "root".into(),
            host: host.into(),
            plugin: NATIVE.into(),
            auth: hash_password(NATIVE, password),
            grants: vec![Grant::all_on(None, true)],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(user: &str, host: &str) -> UserDef {
        UserDef {
            user: user.into(),
            host: host.into(),
            plugin: NATIVE.into(),
            auth: vec![],
            grants: vec![],
        }
    }

    #[test]
    fn password_hashes() {
        // SELECT PASSWORD('secret') in MySQL 5.7: *14E65567ABDB5135D0CFD9A70B3032C179A49EE7
        let h = hash_password(NATIVE, "secret");
        assert_eq!(
            h,
            parse_native_hash("*14E65567ABDB5135D0CFD9A70B3032C179A49EE7").unwrap()
        );
        assert_eq!(hash_password(CACHING_SHA2, "secret").len(), 32);
        assert!(hash_password(NATIVE, "").is_empty());
        assert!(parse_native_hash("*ééééééééééééééééééééééééééééééééééééééé").is_none());
        assert!(parse_native_hash("14E65567ABDB5135D0CFD9A70B3032C179A49EE7").is_none());
    }

    #[test]
    fn hosts_match_like_mysql() {
        assert!(host_matches("%", "10.1.2.3"));
        assert!(host_matches("localhost", "127.0.0.1"));
        assert!(host_matches("localhost", "::1"));
        assert!(host_matches("localhost", "::ffff:127.0.0.1"));
        assert!(!host_matches("localhost", "10.0.0.1"));
        assert!(host_matches("10.0.%", "10.0.5.1"));
        assert!(!host_matches("10.0.%", "10.1.5.1"));
        assert!(host_matches("192.168.1.0/255.255.255.0", "192.168.1.77"));
        assert!(!host_matches("192.168.1.0/255.255.255.0", "192.168.2.77"));
        assert!(host_matches("db_.example.com", "DB1.example.com"));
    }

    #[test]
    fn most_specific_account_wins() {
        let catalog = Catalog {
            users: vec![
                user("app", "%"),
                user("app", "127.0.0.1"),
                user("", "localhost"),
            ],
            ..Default::default()
        };
        assert_eq!(
            find_account(&catalog, "app", "127.0.0.1").unwrap().host,
            "127.0.0.1"
        );
        assert_eq!(find_account(&catalog, "app", "10.0.0.9").unwrap().host, "%");
        assert_eq!(find_account(&catalog, "bob", "127.0.0.1").unwrap().user, "");
        assert!(find_account(&catalog, "bob", "10.0.0.9").is_none());
    }
}
