//! Running account statements: every change is a `DdlOp::PutUser` /
//! `DropUser` on the durable catalog.

use super::parse::{Identified, Secret, UserStmt};
use super::{hash_password, parse_native_hash, Principal, UserHost, CACHING_SHA2, NATIVE};
use planner::{ColumnMeta, Planner, QueryResult};
use pushdown::error::{er, SqlError, SqlResult, SqlWarning};
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
