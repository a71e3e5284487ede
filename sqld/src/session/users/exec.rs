//! Running account statements: every change is a `DdlOp::PutUser` /
//! `DropUser` on the durable catalog.

use super::parse::{GrantTarget, Identified, PrivilegeList, Secret, UserStmt};
use super::{hash_password, parse_native_hash, Principal, UserHost, CACHING_SHA2, NATIVE};
use planner::{ColumnMeta, Planner, QueryResult};
use pushdown::error::{er, SqlError, SqlResult, SqlWarning};
use pushdown::privilege::{Level, Privileges};
use pushdown::schema::{Catalog, Collation, ColumnType, DdlOp, Grant, UserDef};
use std::sync::Arc;

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

fn quote(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// The GRANT statements that recreate an account's privileges: the global
/// line first (USAGE when nothing is granted there), then database grants,
/// then table grants, as MariaDB lists them.
pub fn grant_lines(u: &UserDef) -> Vec<String> {
    let name = format!("{}@{}", quote(&u.user), quote(&u.host));
    let line = |g: &Grant, on: String| {
        format!(
            "GRANT {} ON {on} TO {name}{}",
            g.privileges.describe(g.level()),
            if g.with_grant_option {
                " WITH GRANT OPTION"
            } else {
                ""
            }
        )
    };
    let mut out = vec![match u.grants.iter().find(|g| g.db.is_none()) {
        Some(g) => line(g, "*.*".to_string()),
        None => format!("GRANT USAGE ON *.* TO {name}"),
    }];
    for level in [Level::Database, Level::Table] {
        for g in u.grants.iter().filter(|g| g.level() == level) {
            let on = match (&g.db, &g.table) {
                (Some(d), Some(t)) => format!("{}.{}", quote(d), quote(t)),
                (Some(d), None) => format!("{}.*", quote(d)),
                (None, _) => continue,
            };
            out.push(line(g, on));
        }
    }
    out
}

fn grant_at<'a>(def: &'a mut UserDef, target: &GrantTarget) -> Option<&'a mut Grant> {
    def.grants
        .iter_mut()
        .find(|g| g.db == target.db && g.table == target.table)
}

/// GRANT and REVOKE need GRANT OPTION on the target (or above it) and,
/// for what they name, the privileges themselves. MariaDB's errors: 1045
/// for `*.*`, 1044 for a database, 1142 for a table.
fn check_grantor(
    who: &Principal,
    catalog: &Catalog,
    list: &PrivilegeList,
    target: &GrantTarget,
) -> SqlResult<()> {
    let Some(def) = who.def(catalog) else {
        return Err(who.needs("GRANT OPTION"));
    };
    let wanted = list.at(target.level());
    let held = match &target.db {
        None => def.global_privileges(),
        Some(db) => def.privileges_on(db, target.table.as_deref()),
    };
    if def.can_grant_on(target.db.as_deref(), target.table.as_deref()) && held.contains(wanted) {
        return Ok(());
    }
    Err(match (&target.db, &target.table) {
        (None, _) => who.access_denied(),
        (Some(db), None) => who.db_denied(db),
        (Some(db), Some(t)) => {
            let missing = wanted.minus(held).names().next().unwrap_or("GRANT");
            who.table_denied(missing, &format!("{db}.{t}"))
        }
    })
}

/// Runs an account statement for `who`; notes go to `warnings`.
pub async fn execute(
    stmt: &UserStmt,
    planner: &Planner,
    who: &Principal,
    warnings: &mut Vec<SqlWarning>,
) -> SqlResult<QueryResult> {
    let catalog = planner.catalog();
    let admin = who.has_global(&catalog, Privileges::CREATE_USER);
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
            if Some(&target) != who.account.as_ref()
                && !who.has_global(&catalog, Privileges::SELECT)
            {
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
            privileges,
            target,
            users,
            with_grant_option,
        } => {
            check_grantor(who, &catalog, privileges, target)?;
            if let (Some(db), Some(t)) = (&target.db, &target.table) {
                if catalog.table(db, t).is_none() {
                    return Err(er::no_such_table(db, t));
                }
            }
            let wanted = privileges.at(target.level());
            let mut changes = Vec::new();
            for u in users {
                let mut def = find(&catalog, u).cloned().ok_or_else(|| {
                    SqlError::new(
                        1410,
                        "42000",
                        "You are not allowed to create a user with GRANT",
                    )
                })?;
                // GRANT USAGE on a database or table records nothing.
                if !wanted.is_empty() || *with_grant_option {
                    match grant_at(&mut def, target) {
                        Some(g) => {
                            g.privileges |= wanted;
                            g.with_grant_option |= *with_grant_option;
                        }
                        None => def.grants.push(Grant {
                            db: target.db.clone(),
                            table: target.table.clone(),
                            privileges: wanted,
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
            privileges,
            target,
            users,
        } => {
            check_grantor(who, &catalog, privileges, target)?;
            let revoked = privileges.at(target.level());
            let mut changes = Vec::new();
            for u in users {
                let no_grant = || {
                    match (&target.db, &target.table) {
                    (Some(_), Some(t)) => SqlError::code(
                        1147,
                        format!(
                            "There is no such grant defined for user '{}' on host '{}' on table '{t}'",
                            u.user, u.host
                        ),
                    ),
                    _ => SqlError::code(
                        1141,
                        format!(
                            "There is no such grant defined for user '{}' on host '{}'",
                            u.user, u.host
                        ),
                    ),
                }
                };
                let mut def = find(&catalog, u).cloned().ok_or_else(no_grant)?;
                match grant_at(&mut def, target) {
                    Some(g) => {
                        g.privileges = g.privileges.minus(revoked);
                        if privileges.grant_option {
                            g.with_grant_option = false;
                        }
                    }
                    // REVOKE on *.* of an account with no global grant
                    // is fine: its global line is USAGE.
                    None if target.db.is_none() => {}
                    None => return Err(no_grant()),
                }
                def.grants
                    .retain(|g| !g.privileges.is_empty() || g.with_grant_option);
                changes.push(def);
            }
            for def in changes {
                planner.ddl(&DdlOp::PutUser(def)).await?;
            }
        }
        UserStmt::RevokeEverything { users } => {
            if !who.has_global(&catalog, Privileges::CREATE_USER) {
                return Err(who.needs("CREATE USER"));
            }
            let mut changes = Vec::new();
            for u in users {
                let mut def = find(&catalog, u).cloned().ok_or_else(|| {
                    SqlError::code(
                        1269,
                        "Can't revoke all privileges for one or more of the requested users",
                    )
                })?;
                def.grants.clear();
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
    use crate::session::users::root_accounts;

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
    fn grant_lines_read_like_mysql() {
        let mut u = user("app", "%");
        assert_eq!(grant_lines(&u), vec!["GRANT USAGE ON *.* TO `app`@`%`"]);
        u.grants.push(Grant::all_on(Some("shop".into()), false));
        u.grants.push(Grant {
            db: Some("shop".into()),
            table: Some("orders".into()),
            privileges: Privileges::SELECT | Privileges::UPDATE,
            with_grant_option: true,
        });
        u.grants.push(Grant {
            db: None,
            table: None,
            privileges: Privileges::PROCESS | Privileges::SELECT,
            with_grant_option: false,
        });
        assert_eq!(
            grant_lines(&u),
            vec![
                "GRANT SELECT, PROCESS ON *.* TO `app`@`%`",
                "GRANT ALL PRIVILEGES ON `shop`.* TO `app`@`%`",
                "GRANT SELECT, UPDATE ON `shop`.`orders` TO `app`@`%` WITH GRANT OPTION",
            ]
        );
        let root = &root_accounts("")[0];
        assert_eq!(
            grant_lines(root),
            vec!["GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION"]
        );
    }
}
