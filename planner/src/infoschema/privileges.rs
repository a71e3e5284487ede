//! USER_PRIVILEGES and SCHEMA_PRIVILEGES from sqld's grants. sqld's one
//! privilege is ALL (on `*.*` or on `db.*`); MariaDB lists ALL as each
//! privilege it stands for, in this order, so these views do too. An
//! account without ALL on `*.*` has one USAGE row, as there.

use super::rows::Visible;
use pushdown::schema::UserDef;
use pushdown::value::{Row, Value};

/// What ALL on `*.*` grants in MariaDB 10.11, in USER_PRIVILEGES' order.
const GLOBAL: &[&str] = &[
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "CREATE",
    "DROP",
    "RELOAD",
    "SHUTDOWN",
    "PROCESS",
    "FILE",
    "REFERENCES",
    "INDEX",
    "ALTER",
    "SHOW DATABASES",
    "SUPER",
    "CREATE TEMPORARY TABLES",
    "LOCK TABLES",
    "EXECUTE",
    "REPLICATION SLAVE",
    "BINLOG MONITOR",
    "CREATE VIEW",
    "SHOW VIEW",
    "CREATE ROUTINE",
    "ALTER ROUTINE",
    "CREATE USER",
    "EVENT",
    "TRIGGER",
    "CREATE TABLESPACE",
    "DELETE HISTORY",
    "SET USER",
    "FEDERATED ADMIN",
    "CONNECTION ADMIN",
    "READ_ONLY ADMIN",
    "REPLICATION SLAVE ADMIN",
    "REPLICATION MASTER ADMIN",
    "BINLOG ADMIN",
    "BINLOG REPLAY",
    "SLAVE MONITOR",
];

/// What ALL on `db.*` grants, in SCHEMA_PRIVILEGES' order.
const DATABASE: &[&str] = &[
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "CREATE",
    "DROP",
    "REFERENCES",
    "INDEX",
    "ALTER",
    "CREATE TEMPORARY TABLES",
    "LOCK TABLES",
    "EXECUTE",
    "CREATE VIEW",
    "SHOW VIEW",
    "CREATE ROUTINE",
    "ALTER ROUTINE",
    "EVENT",
    "TRIGGER",
    "DELETE HISTORY",
];

/// 'user'@'host', as GRANTEE spells an account.
pub fn grantee(u: &UserDef) -> String {
    format!("'{}'@'{}'", u.user, u.host)
}

fn yes_no(b: bool) -> Value {
    Value::from(if b { "YES" } else { "NO" })
}

pub fn user_rows(vis: &Visible) -> Vec<Row> {
    let mut rows = Vec::new();
    for u in vis.accounts() {
        let who = grantee(u);
        match u.grants.iter().find(|g| g.db.is_none()) {
            Some(g) => rows.extend(GLOBAL.iter().map(|p| {
                vec![
                    Value::from(who.as_str()),
                    Value::from("def"),
                    Value::from(*p),
                    yes_no(g.with_grant_option),
                ]
            })),
            None => rows.push(vec![
                Value::from(who.as_str()),
                Value::from("def"),
                Value::from("USAGE"),
                yes_no(false),
            ]),
        }
    }
    rows
}

pub fn schema_rows(vis: &Visible) -> Vec<Row> {
    let mut rows = Vec::new();
    for u in vis.accounts() {
        let who = grantee(u);
        for g in &u.grants {
            let Some(db) = &g.db else { continue };
            rows.extend(DATABASE.iter().map(|p| {
                vec![
                    Value::from(who.as_str()),
                    Value::from("def"),
                    Value::from(db.as_str()),
                    Value::from(*p),
                    yes_no(g.with_grant_option),
                ]
            }));
        }
    }
    rows
}
