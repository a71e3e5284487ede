//! The syntax of CREATE / ALTER / DROP USER, SET PASSWORD, GRANT, REVOKE
//! and SHOW GRANTS.

use super::UserHost;
use crate::session::lex::Cursor;
use pushdown::error::{er, SqlResult};

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
    user_spec(c)?.ok_or_else(|| crate::session::lex::near(c.sql, at))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::users::NATIVE;

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
}
