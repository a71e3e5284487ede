//! USER_PRIVILEGES, SCHEMA_PRIVILEGES and TABLE_PRIVILEGES from sqld's
//! grants: one row per privilege held at that level, in MariaDB's order.
//! An account with nothing on `*.*` has one USAGE row in USER_PRIVILEGES,
//! as there.

use super::rows::Visible;
use pushdown::schema::{Grant, UserDef};
use pushdown::value::{Row, Value};

/// 'user'@'host', as GRANTEE spells an account.
pub fn grantee(u: &UserDef) -> String {
    format!("'{}'@'{}'", u.user, u.host)
}

fn yes_no(b: bool) -> Value {
    Value::from(if b { "YES" } else { "NO" })
}

/// One row per privilege of `g`: GRANTEE, TABLE_CATALOG, `place` (the
/// schema, or schema and table), PRIVILEGE_TYPE, IS_GRANTABLE.
fn privilege_rows(who: &str, g: &Grant, place: &[&str], rows: &mut Vec<Row>) {
    for name in g.privileges.names() {
        let mut row = vec![Value::from(who), Value::from("def")];
        row.extend(place.iter().map(|p| Value::from(*p)));
        row.push(Value::from(name));
        row.push(yes_no(g.with_grant_option));
        rows.push(row);
    }
}

pub fn user_rows(vis: &Visible) -> Vec<Row> {
    let mut rows = Vec::new();
    for u in vis.accounts() {
        let who = grantee(u);
        match u
            .grants
            .iter()
            .find(|g| g.db.is_none() && !g.privileges.is_empty())
        {
            Some(g) => privilege_rows(&who, g, &[], &mut rows),
            None => rows.push(vec![
                Value::from(who.as_str()),
                Value::from("def"),
                Value::from("USAGE"),
                yes_no(
                    u.grants
                        .iter()
                        .any(|g| g.db.is_none() && g.with_grant_option),
                ),
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
            if let (Some(db), None) = (&g.db, &g.table) {
                privilege_rows(&who, g, &[db], &mut rows);
            }
        }
    }
    rows
}

pub fn table_rows(vis: &Visible) -> Vec<Row> {
    let mut rows = Vec::new();
    for u in vis.accounts() {
        let who = grantee(u);
        for g in &u.grants {
            if let (Some(db), Some(table)) = (&g.db, &g.table) {
                privilege_rows(&who, g, &[db, table], &mut rows);
            }
        }
    }
    rows
}
