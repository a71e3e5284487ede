//! Accounts: host matching as MySQL does it, password hashes, privilege
//! checks, and CREATE / DROP / ALTER USER, SET PASSWORD, GRANT, REVOKE,
//! SHOW GRANTS. Accounts live in the durable catalog (`DdlOp::PutUser`).
//!
//! The only privilege is ALL: on `*.*` or on `db.*`, optionally WITH GRANT
//! OPTION. `*.*` WITH GRANT OPTION is what account management requires.

use super::lex::Cursor;
use crate::protocol::Account;
use planner::{ColumnMeta, Planner, QueryResult};
use pushdown::error::{er, SqlError, SqlResult, SqlWarning};
use pushdown::schema::{Catalog, Collation, ColumnType, DdlOp, Grant, UserDef};
use sha1::{Digest, Sha1};
use sha2::Sha256;
use std::sync::Arc;

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
        catalog
            .users
            .iter()
            .find(|u| u.user == a.user && u.host == a.host)
    }
    /// ALL on `db` (or on `*.*`).
    pub fn can_use_db(&self, catalog: &Catalog, db: &str) -> bool {
        self.def(catalog).is_some_and(|u| {
            u.grants
                .iter()
                .any(|g| g.db.as_deref().is_none_or(|d| d == db))
        })
    }
    /// ALL on `*.*`.
    pub fn is_global(&self, catalog: &Catalog) -> bool {
        self.def(catalog)
            .is_some_and(|u| u.grants.iter().any(|g| g.db.is_none()))
    }
    /// ALL on `*.*` WITH GRANT OPTION: may manage accounts.
    pub fn is_admin(&self, catalog: &Catalog) -> bool {
        self.def(catalog).is_some_and(|u| {
            u.grants
                .iter()
                .any(|g| g.db.is_none() && g.with_grant_option)
        })
    }
    pub fn db_denied(&self, db: &str) -> SqlError {
        SqlError::code(
            1044,
            format!(
                "Access denied for user '{}'@'{}' to database '{db}'",
                self.user, self.host
            ),
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
    pub fn needs(&self, privilege: &str) -> SqlError {
        SqlError::code(
            1227,
            format!("Access denied; you need (at least one of) the {privilege} privilege(s) for this operation"),
        )
    }
}

/// IDENTIFIED [WITH plugin] [BY 'pw' | AS 'hash'].
#[derive(Debug, Clone, PartialEq)]
pub struct Identified {
    pub plugin: Option<String>,
    pub secret: Secret,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Secret {
    None,
    Password(String),
    /// AS '*HEX': a mysql_native_password hash as SHOW CREATE USER prints it.
    Hash(String),
}

/// What a GRANT / REVOKE applies to: `*.*` (None) or `db.*`.
pub type GrantTarget = Option<String>;

#[derive(Debug, Clone, PartialEq)]
pub enum UserStmt {
    Create {
        if_not_exists: bool,
        users: Vec<(UserHost, Option<Identified>)>,
    },
    Alter {
        if_exists: bool,
        users: Vec<(UserHost, Option<Identified>)>,
    },
    Drop {
        if_exists: bool,
        users: Vec<UserHost>,
    },
    /// SET PASSWORD [FOR u] = 'pw'; None is the current user.
    SetPassword {
        user: Option<UserHost>,
        password: String,
    },
    Grant {
        target: GrantTarget,
        users: Vec<UserHost>,
        with_grant_option: bool,
        /// GRANT USAGE: no privilege, just checks the accounts.
        usage: bool,
    },
    Revoke {
        target: GrantTarget,
        users: Vec<UserHost>,
        /// REVOKE GRANT OPTION only (keep ALL).
        grant_option_only: bool,
        /// REVOKE ALL PRIVILEGES, GRANT OPTION FROM u: every grant.
        everything: bool,
    },
    ShowGrants {
        user: Option<UserHost>,
    },
}

/// 'u'@'h', u@h, `u`@`h`, 'u' (host '%'), CURRENT_USER[()] (None).
fn user_spec(c: &mut Cursor) -> SqlResult<Option<UserHost>> {
    if c.eat_kw("CURRENT_USER") {
        if c.eat_sym("(") {
            c.expect_sym(")")?;
        }
        return Ok(None);
    }
    let user = c.name()?;
    let host = if c.eat_sym("@") {
        c.name()?
    } else {
        "%".to_string()
    };
    Ok(Some(UserHost { user, host }))
}

fn named_user(c: &mut Cursor) -> SqlResult<UserHost> {
    let at = c.offset();
    user_spec(c)?.ok_or_else(|| super::lex::near(c.sql, at))
}

fn identified(c: &mut Cursor) -> SqlResult<Option<Identified>> {
    if !c.eat_kw("IDENTIFIED") {
        return Ok(None);
    }
    let plugin = if c.eat_kw("WITH") {
        Some(c.name()?.to_ascii_lowercase())
    } else {
        None
    };
    let secret = if c.eat_kw("BY") {
        if c.eat_kw("PASSWORD") {
            Secret::Hash(c.string()?)
        } else {
            Secret::Password(c.string()?)
        }
    } else if c.eat_kw("AS") {
        Secret::Hash(c.string()?)
    } else if plugin.is_some() {
        Secret::None
    } else {
        return Err(c.error());
    };
    Ok(Some(Identified { plugin, secret }))
}

fn users_with_auth(c: &mut Cursor) -> SqlResult<Vec<(UserHost, Option<Identified>)>> {
    let mut out = Vec::new();
    loop {
        let u = named_user(c)?;
        out.push((u, identified(c)?));
        if !c.eat_sym(",") {
            break;
        }
    }
    Ok(out)
}

fn user_list(c: &mut Cursor) -> SqlResult<Vec<UserHost>> {
    let mut out = vec![named_user(c)?];
    while c.eat_sym(",") {
        out.push(named_user(c)?);
    }
    Ok(out)
}

/// Skips account options MySQL accepts after the names that sqld has no
/// use for (REQUIRE NONE, PASSWORD EXPIRE ..., ACCOUNT UNLOCK, ...).
fn skip_account_options(c: &mut Cursor) {
    while !c.at_end() {
        c.bump();
    }
}

/// ON *.* | ON db.* | ON * (current database); table grants are refused.
fn grant_target(c: &mut Cursor, current_db: Option<&str>) -> SqlResult<GrantTarget> {
    c.expect_kw("ON")?;
    c.eat_kw("TABLE");
    if c.eat_sym("*") {
        if c.eat_sym(".") {
            c.expect_sym("*")?;
            return Ok(None);
        }
        return current_db
            .map(|d| Some(d.to_string()))
            .ok_or_else(er::no_db);
    }
    let db = c.ident()?;
    c.expect_sym(".")?;
    if c.eat_sym("*") {
        Ok(Some(db))
    } else {
        Err(er::not_supported("table-level privileges"))
    }
}

/// ALL [PRIVILEGES] or USAGE; true for USAGE.
fn privileges(c: &mut Cursor) -> SqlResult<bool> {
    if c.eat_kw("USAGE") {
        return Ok(true);
    }
    if c.eat_kw("ALL") {
        c.eat_kw("PRIVILEGES");
        return Ok(false);
    }
    Err(er::not_supported(
        "privileges other than ALL and USAGE (grant ALL on db.*)",
    ))
}

/// Parses an account statement; None when `c` does not start one. The
/// cursor is at the first word.
pub fn parse(c: &mut Cursor, current_db: Option<&str>) -> SqlResult<Option<UserStmt>> {
    let stmt = if c.eat_kws(&["CREATE", "USER"]) {
        let if_not_exists = c.eat_kws(&["IF", "NOT", "EXISTS"]);
        let users = users_with_auth(c)?;
        skip_account_options(c);
        UserStmt::Create {
            if_not_exists,
            users,
        }
    } else if c.eat_kws(&["ALTER", "USER"]) {
        let if_exists = c.eat_kws(&["IF", "EXISTS"]);
        let users = users_with_auth(c)?;
        skip_account_options(c);
        UserStmt::Alter { if_exists, users }
    } else if c.eat_kws(&["DROP", "USER"]) {
        let if_exists = c.eat_kws(&["IF", "EXISTS"]);
        UserStmt::Drop {
            if_exists,
            users: user_list(c)?,
        }
    } else if c.eat_kws(&["SET", "PASSWORD"]) {
        let user = if c.eat_kw("FOR") { user_spec(c)? } else { None };
        c.expect_sym("=")?;
        let password = if c.eat_kw("PASSWORD") {
            c.expect_sym("(")?;
            let p = c.string()?;
            c.expect_sym(")")?;
            p
        } else {
            c.string()?
        };
        UserStmt::SetPassword { user, password }
    } else if c.eat_kw("GRANT") {
        let usage = privileges(c)?;
        let target = grant_target(c, current_db)?;
        c.expect_kw("TO")?;
        let users = user_list(c)?;
        let with_grant_option = c.eat_kws(&["WITH", "GRANT", "OPTION"]);
        UserStmt::Grant {
            target,
            users,
            with_grant_option,
            usage,
        }
    } else if c.eat_kw("REVOKE") {
        if c.eat_kws(&["GRANT", "OPTION"]) {
            let target = grant_target(c, current_db)?;
            c.expect_kw("FROM")?;
            UserStmt::Revoke {
                target,
                users: user_list(c)?,
                grant_option_only: true,
                everything: false,
            }
        } else {
            privileges(c)?;
            if c.eat_sym(",") {
                c.expect_kws_all(&["GRANT", "OPTION"])?;
                c.expect_kw("FROM")?;
                UserStmt::Revoke {
                    target: None,
                    users: user_list(c)?,
                    grant_option_only: false,
                    everything: true,
                }
            } else {
                let target = grant_target(c, current_db)?;
                c.expect_kw("FROM")?;
                UserStmt::Revoke {
                    target,
                    users: user_list(c)?,
                    grant_option_only: false,
                    everything: false,
                }
            }
        }
    } else if c.eat_kws(&["SHOW", "GRANTS"]) {
        let user = if c.eat_kw("FOR") { user_spec(c)? } else { None };
        UserStmt::ShowGrants { user }
    } else {
        return Ok(None);
    };
    c.end()?;
    Ok(Some(stmt))
}

impl Cursor<'_> {
    fn expect_kws_all(&mut self, kws: &[&str]) -> SqlResult<()> {
        if self.eat_kws(kws) {
            Ok(())
        } else {
            Err(self.error())
        }
    }
}

fn cannot(op: &str, u: &UserHost) -> SqlError {
    SqlError::code(1396, format!("Operation {op} failed for {u}"))
}

fn find<'a>(catalog: &'a Catalog, u: &UserHost) -> Option<&'a UserDef> {
    catalog
        .users
        .iter()
        .find(|d| d.user == u.user && d.host.eq_ignore_ascii_case(&u.host))
}

/// Plugin and stored hash for an IDENTIFIED clause.
fn credentials(id: &Identified, default_plugin: &str) -> SqlResult<(String, Vec<u8>)> {
    let plugin = id.plugin.as_deref().unwrap_or(default_plugin);
    if plugin != NATIVE && plugin != CACHING_SHA2 {
        return Err(SqlError::code(
            1524,
            format!("Plugin '{plugin}' is not loaded"),
        ));
    }
    let auth = match &id.secret {
        Secret::None => Vec::new(),
        Secret::Password(p) => hash_password(plugin, p),
        Secret::Hash(h) if plugin == NATIVE => parse_native_hash(h)
            .ok_or_else(|| er::internal("The password hash doesn't have the expected format."))?,
        Secret::Hash(_) => {
            return Err(er::not_supported(
                "IDENTIFIED WITH caching_sha2_password AS '<hash>'",
            ))
        }
    };
    Ok((plugin.to_string(), auth))
}

/// '*' followed by 40 hex digits (or empty) → the 20-byte hash.
fn parse_native_hash(h: &str) -> Option<Vec<u8>> {
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
            grants: vec![Grant {
                db: None,
                with_grant_option: true,
            }],
        })
        .collect()
}

/// The GRANT statements that recreate an account's privileges.
pub fn grant_lines(u: &UserDef) -> Vec<String> {
    let name = format!("`{}`@`{}`", u.user, u.host);
    let wgo = |g: &Grant| {
        if g.with_grant_option {
            " WITH GRANT OPTION"
        } else {
            ""
        }
    };
    let mut out = vec![match u.grants.iter().find(|g| g.db.is_none()) {
        Some(g) => format!("GRANT ALL PRIVILEGES ON *.* TO {name}{}", wgo(g)),
        None => format!("GRANT USAGE ON *.* TO {name}"),
    }];
    for g in &u.grants {
        if let Some(db) = &g.db {
            out.push(format!(
                "GRANT ALL PRIVILEGES ON `{}`.* TO {name}{}",
                db.replace('`', "``"),
                wgo(g)
            ));
        }
    }
    out
}

/// Runs an account statement for `who`; notes go to `warnings`.
pub async fn execute(
    stmt: &UserStmt,
    planner: &Planner,
    who: &Principal,
    warnings: &mut Vec<SqlWarning>,
) -> SqlResult<QueryResult> {
    let catalog = planner.catalog();
    let admin = who.is_admin(&catalog);
    let me = || -> SqlResult<UserHost> {
        who.account
            .clone()
            .ok_or_else(|| er::internal("session has no account"))
    };
    match stmt {
        UserStmt::ShowGrants { user } => {
            let target = match user {
                Some(u) => u.clone(),
                None => me()?,
            };
            if Some(&target) != who.account.as_ref() && !who.is_global(&catalog) {
                return Err(who.db_denied("mysql"));
            }
            let def = find(&catalog, &target).ok_or_else(|| {
                SqlError::code(
                    1141,
                    format!(
                        "There is no such grant defined for user '{}' on host '{}'",
                        target.user, target.host
                    ),
                )
            })?;
            let title = format!("Grants for {}@{}", target.user, target.host);
            let columns: Arc<[ColumnMeta]> = Arc::from(vec![ColumnMeta::computed(
                &title,
                ColumnType::VarChar(1024),
                Collation::Utf8mb4GeneralCi,
                4096,
            )]);
            let rows = grant_lines(def)
                .into_iter()
                .map(|l| vec![pushdown::Value::from(l)])
                .collect();
            return Ok(QueryResult::Rows { columns, rows });
        }
        UserStmt::SetPassword { user, password } => {
            let target = match user {
                Some(u) => u.clone(),
                None => me()?,
            };
            if Some(&target) != who.account.as_ref() && !admin {
                return Err(who.needs("CREATE USER"));
            }
            let mut def = find(&catalog, &target).cloned().ok_or_else(|| {
                SqlError::code(1133, "Can't find any matching row in the user table")
            })?;
            def.auth = hash_password(&def.plugin, password);
            planner.ddl(&DdlOp::PutUser(def)).await?;
        }
        UserStmt::Alter { if_exists, users } => {
            // Changing one's own password needs no privilege.
            let only_self = users.iter().all(|(u, _)| Some(u) == who.account.as_ref());
            if !admin && !only_self {
                return Err(who.needs("CREATE USER"));
            }
            let mut changes = Vec::new();
            for (u, id) in users {
                match find(&catalog, u) {
                    None if *if_exists => warnings.push(SqlWarning::note(
                        3162,
                        format!("Authorization ID {u} does not exist."),
                    )),
                    None => return Err(cannot("ALTER USER", u)),
                    Some(def) => {
                        let mut def = def.clone();
                        if let Some(id) = id {
                            let (plugin, auth) = credentials(id, &def.plugin)?;
                            def.plugin = plugin;
                            def.auth = auth;
                        }
                        changes.push(def);
                    }
                }
            }
            for def in changes {
                planner.ddl(&DdlOp::PutUser(def)).await?;
            }
        }
        UserStmt::Create {
            if_not_exists,
            users,
        } => {
            if !admin {
                return Err(who.needs("CREATE USER"));
            }
            let mut new = Vec::new();
            for (u, id) in users {
                if find(&catalog, u).is_some()
                    || new
                        .iter()
                        .any(|d: &UserDef| d.user == u.user && d.host == u.host)
                {
                    if *if_not_exists {
                        warnings.push(SqlWarning::note(
                            3163,
                            format!("Authorization ID {u} already exists."),
                        ));
                        continue;
                    }
                    return Err(cannot("CREATE USER", u));
                }
                let (plugin, auth) = match id {
                    Some(id) => credentials(id, CACHING_SHA2)?,
                    None => (CACHING_SHA2.to_string(), Vec::new()),
                };
                new.push(UserDef {
                    user: u.user.clone(),
                    host: u.host.clone(),
                    plugin,
                    auth,
                    grants: Vec::new(),
                });
            }
            for def in new {
                planner.ddl(&DdlOp::PutUser(def)).await?;
            }
        }
        UserStmt::Drop { if_exists, users } => {
            if !admin {
                return Err(who.needs("CREATE USER"));
            }
            let mut gone = Vec::new();
            for u in users {
                match find(&catalog, u) {
                    Some(d) => gone.push((d.user.clone(), d.host.clone())),
                    None if *if_exists => warnings.push(SqlWarning::note(
                        3162,
                        format!("Authorization ID {u} does not exist."),
                    )),
                    None => return Err(cannot("DROP USER", u)),
                }
            }
            for (user, host) in gone {
                planner.ddl(&DdlOp::DropUser { user, host }).await?;
            }
        }
        UserStmt::Grant {
            target,
            users,
            with_grant_option,
            usage,
        } => {
            if !admin {
                return Err(who.needs("GRANT OPTION"));
            }
            let mut changes = Vec::new();
            for u in users {
                let mut def = find(&catalog, u).cloned().ok_or_else(|| {
                    SqlError::new(
                        1410,
                        "42000",
                        "You are not allowed to create a user with GRANT",
                    )
                })?;
                if !*usage {
                    match def.grants.iter_mut().find(|g| &g.db == target) {
                        Some(g) => g.with_grant_option |= *with_grant_option,
                        None => def.grants.push(Grant {
                            db: target.clone(),
                            with_grant_option: *with_grant_option,
                        }),
                    }
                }
                changes.push(def);
            }
            for def in changes {
                planner.ddl(&DdlOp::PutUser(def)).await?;
            }
        }
        UserStmt::Revoke {
            target,
            users,
            grant_option_only,
            everything,
        } => {
            if !admin {
                return Err(who.needs("GRANT OPTION"));
            }
            let mut changes = Vec::new();
            for u in users {
                let mut def = find(&catalog, u).cloned().ok_or_else(|| {
                    SqlError::code(
                        1141,
                        format!(
                            "There is no such grant defined for user '{}' on host '{}'",
                            u.user, u.host
                        ),
                    )
                })?;
                if *everything {
                    def.grants.clear();
                } else if *grant_option_only {
                    for g in def.grants.iter_mut().filter(|g| &g.db == target) {
                        g.with_grant_option = false;
                    }
                } else {
                    def.grants.retain(|g| &g.db != target);
                }
                changes.push(def);
            }
            for def in changes {
                planner.ddl(&DdlOp::PutUser(def)).await?;
            }
        }
    }
    Ok(QueryResult::ok())
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

    fn parse_one(sql: &str) -> SqlResult<Option<UserStmt>> {
        let mut c = Cursor::new(sql)?;
        parse(&mut c, Some("shop"))
    }

    #[test]
    fn parses_account_statements() {
        assert_eq!(
            parse_one(
                "CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED WITH mysql_native_password BY 'pw'"
            )
            .unwrap()
            .unwrap(),
            UserStmt::Create {
                if_not_exists: true,
                users: vec![(
                    UserHost {
                        user: "app".into(),
                        host: "%".into()
                    },
                    Some(Identified {
                        plugin: Some(NATIVE.into()),
                        secret: Secret::Password("pw".into())
                    })
                )]
            }
        );
        assert_eq!(
            parse_one("GRANT ALL PRIVILEGES ON `shop`.* TO app@localhost WITH GRANT OPTION")
                .unwrap()
                .unwrap(),
            UserStmt::Grant {
                target: Some("shop".into()),
                users: vec![UserHost {
                    user: "app".into(),
                    host: "localhost".into()
                }],
                with_grant_option: true,
                usage: false,
            }
        );
        assert!(matches!(
            parse_one("GRANT ALL ON * TO 'u'").unwrap().unwrap(),
            UserStmt::Grant { target: Some(ref d), .. } if d == "shop"
        ));
        assert!(matches!(
            parse_one("REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'u'@'%'")
                .unwrap()
                .unwrap(),
            UserStmt::Revoke {
                everything: true,
                ..
            }
        ));
        assert_eq!(
            parse_one("GRANT SELECT ON *.* TO u").unwrap_err().code,
            1235
        );
        assert_eq!(parse_one("GRANT ALL ON db.t TO u").unwrap_err().code, 1235);
        assert!(parse_one("SELECT 1").unwrap().is_none());
        assert!(matches!(
            parse_one("SET PASSWORD = 'x'").unwrap().unwrap(),
            UserStmt::SetPassword { user: None, .. }
        ));
    }

    #[test]
    fn grant_lines_read_like_mysql() {
        let mut u = user("app", "%");
        assert_eq!(grant_lines(&u), vec!["GRANT USAGE ON *.* TO `app`@`%`"]);
        u.grants.push(Grant {
            db: Some("shop".into()),
            with_grant_option: false,
        });
        assert_eq!(
            grant_lines(&u)[1],
            "GRANT ALL PRIVILEGES ON `shop`.* TO `app`@`%`"
        );
        let root = &root_accounts("")[0];
        assert_eq!(
            grant_lines(root),
            vec!["GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION"]
        );
    }
}
