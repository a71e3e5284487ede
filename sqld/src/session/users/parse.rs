//! The syntax of CREATE / ALTER / DROP USER, SET PASSWORD, GRANT, REVOKE
//! and SHOW GRANTS.

use super::UserHost;
use crate::session::lex::{Cursor, Tok};
use pushdown::error::{er, SqlError, SqlResult};
use pushdown::privilege::{Level, Privileges};

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

/// What a GRANT / REVOKE applies to: `*.*`, `db.*` or `db.table`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantTarget {
    pub db: Option<String>,
    pub table: Option<String>,
}

impl GrantTarget {
    pub fn level(&self) -> Level {
        Level::of(self.db.as_deref(), self.table.as_deref())
    }
}

/// The privilege list of GRANT / REVOKE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrivilegeList {
    /// ALL [PRIVILEGES]: everything grantable at the target's level.
    pub all: bool,
    /// The privileges named (empty for USAGE or GRANT OPTION alone).
    pub named: Privileges,
    /// GRANT OPTION named in the list.
    pub grant_option: bool,
}

impl PrivilegeList {
    /// The privileges the list stands for at `level`.
    pub fn at(&self, level: Level) -> Privileges {
        if self.all {
            Privileges::all_at(level)
        } else {
            self.named
        }
    }
}

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
        privileges: PrivilegeList,
        target: GrantTarget,
        users: Vec<UserHost>,
        with_grant_option: bool,
    },
    Revoke {
        privileges: PrivilegeList,
        target: GrantTarget,
        users: Vec<UserHost>,
    },
    /// REVOKE ALL PRIVILEGES, GRANT OPTION FROM u: every grant.
    RevokeEverything {
        users: Vec<UserHost>,
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

/// ON *.* | ON db.* | ON * (current database) | ON [db.]table.
fn grant_target(c: &mut Cursor, current_db: Option<&str>) -> SqlResult<GrantTarget> {
    c.expect_kw("ON")?;
    c.eat_kw("TABLE");
    let current = || current_db.map(str::to_string).ok_or_else(er::no_db);
    if c.eat_sym("*") {
        if c.eat_sym(".") {
            c.expect_sym("*")?;
            return Ok(GrantTarget {
                db: None,
                table: None,
            });
        }
        return Ok(GrantTarget {
            db: Some(current()?),
            table: None,
        });
    }
    let first = c.ident()?;
    if !c.eat_sym(".") {
        return Ok(GrantTarget {
            db: Some(current()?),
            table: Some(first),
        });
    }
    if c.eat_sym("*") {
        return Ok(GrantTarget {
            db: Some(first),
            table: None,
        });
    }
    Ok(GrantTarget {
        db: Some(first),
        table: Some(c.ident()?),
    })
}

/// One privilege name, which may be several words (CREATE TEMPORARY
/// TABLES): the longest name that the next words spell.
fn privilege_name(c: &mut Cursor) -> SqlResult<Privileges> {
    let first = match c.peek() {
        Some(Tok::Word(w)) => w.to_ascii_uppercase(),
        _ => return Err(c.error()),
    };
    let mut names: Vec<&str> = Privileges::names_starting(&first).collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.split(' ').count()));
    for name in names {
        let words: Vec<&str> = name.split(' ').collect();
        if c.eat_kws(&words) {
            return Privileges::by_name(name).ok_or_else(|| c.error());
        }
    }
    Err(c.error())
}

/// ALL [PRIVILEGES] | USAGE | priv [(columns)] [, priv ...], where a priv
/// may be GRANT OPTION.
fn privileges(c: &mut Cursor) -> SqlResult<PrivilegeList> {
    let mut list = PrivilegeList {
        all: false,
        named: Privileges::NONE,
        grant_option: false,
    };
    loop {
        if c.eat_kw("ALL") {
            c.eat_kw("PRIVILEGES");
            list.all = true;
        } else if c.eat_kw("USAGE") {
        } else if c.eat_kws(&["GRANT", "OPTION"]) {
            list.grant_option = true;
        } else {
            list.named |= privilege_name(c)?;
            if c.eat_sym("(") {
                return Err(er::not_supported("column-level privileges"));
            }
        }
        if !c.eat_sym(",") {
            return Ok(list);
        }
    }
}

/// 1221 / 1144: a privilege granted at a level it does not exist at.
fn check_level(list: &PrivilegeList, target: &GrantTarget) -> SqlResult<()> {
    let level = target.level();
    if list.named.grantable_at(level) {
        return Ok(());
    }
    Err(if level == Level::Database {
        SqlError::new(
            1221,
            "HY000",
            "Incorrect usage of DB GRANT and GLOBAL PRIVILEGES",
        )
    } else {
        SqlError::new(
            1144,
            "42000",
            "Illegal GRANT/REVOKE command; please consult the manual to see which privileges can be used",
        )
    })
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
        let privileges = privileges(c)?;
        let target = grant_target(c, current_db)?;
        check_level(&privileges, &target)?;
        c.expect_kw("TO")?;
        let users = user_list(c)?;
        let with_grant_option = c.eat_kws(&["WITH", "GRANT", "OPTION"]) || privileges.grant_option;
        UserStmt::Grant {
            privileges,
            target,
            users,
            with_grant_option,
        }
    } else if c.eat_kw("REVOKE") {
        let privileges = privileges(c)?;
        if privileges.all && privileges.grant_option && c.peek().is_some_and(|t| t.is_kw("FROM")) {
            c.expect_kw("FROM")?;
            UserStmt::RevokeEverything {
                users: user_list(c)?,
            }
        } else {
            let target = grant_target(c, current_db)?;
            check_level(&privileges, &target)?;
            c.expect_kw("FROM")?;
            UserStmt::Revoke {
                privileges,
                target,
                users: user_list(c)?,
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
        let app = UserHost {
            user: "app".into(),
            host: "localhost".into(),
        };
        let db = |d: &str| GrantTarget {
            db: Some(d.into()),
            table: None,
        };
        assert_eq!(
            parse_one("GRANT ALL PRIVILEGES ON `shop`.* TO app@localhost WITH GRANT OPTION")
                .unwrap()
                .unwrap(),
            UserStmt::Grant {
                privileges: PrivilegeList {
                    all: true,
                    named: Privileges::NONE,
                    grant_option: false
                },
                target: db("shop"),
                users: vec![app.clone()],
                with_grant_option: true,
            }
        );
        match parse_one(
            "GRANT select, INSERT, create temporary tables, REPLICATION CLIENT ON *.* TO app@localhost",
        )
        .unwrap()
        .unwrap()
        {
            UserStmt::Grant {
                privileges, target, ..
            } => {
                assert_eq!(target.level(), Level::Global);
                assert_eq!(
                    privileges.named.describe(Level::Global),
                    "SELECT, INSERT, CREATE TEMPORARY TABLES, BINLOG MONITOR"
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse_one("GRANT ALL ON * TO 'u'").unwrap().unwrap(),
            UserStmt::Grant { target, .. } if target == db("shop")
        ));
        assert!(matches!(
            parse_one("GRANT UPDATE ON t TO 'u'").unwrap().unwrap(),
            UserStmt::Grant { target, .. } if target.db.as_deref() == Some("shop") && target.table.as_deref() == Some("t")
        ));
        assert!(matches!(
            parse_one("REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'u'@'%'")
                .unwrap()
                .unwrap(),
            UserStmt::RevokeEverything { .. }
        ));
        assert!(matches!(
            parse_one("REVOKE GRANT OPTION ON shop.* FROM 'u'")
                .unwrap()
                .unwrap(),
            UserStmt::Revoke { privileges, .. } if privileges.grant_option && privileges.named.is_empty()
        ));
        assert_eq!(
            parse_one("GRANT PROCESS ON shop.* TO u").unwrap_err().code,
            1221
        );
        assert_eq!(
            parse_one("GRANT EXECUTE ON shop.t TO u").unwrap_err().code,
            1144
        );
        assert_eq!(
            parse_one("GRANT SELECT (a) ON shop.t TO u")
                .unwrap_err()
                .code,
            1235
        );
        assert_eq!(parse_one("GRANT SELEC ON *.* TO u").unwrap_err().code, 1064);
        assert!(parse_one("SELECT 1").unwrap().is_none());
        assert!(matches!(
            parse_one("SET PASSWORD = 'x'").unwrap().unwrap(),
            UserStmt::SetPassword { user: None, .. }
        ));
    }
}
