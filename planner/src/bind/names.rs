//! Table and column names: `db.table`, aliases, `t.col`, `db.t.col`.

use pushdown::error::{er, SqlError, SqlResult, MAX_IDENT_CHARS};
use pushdown::schema::{Catalog, TableDef};
use sqlparser::ast::{Ident, ObjectName, ObjectNamePart};
use std::sync::Arc;

/// The one table a fast-path statement reads or writes, as the statement
/// names it.
#[derive(Debug, Clone)]
pub struct Scope {
    pub db: String,
    pub table: Arc<TableDef>,
    /// The alias if the statement gave one, else the table name.
    pub alias: String,
}

/// The identifiers of an object name (`db.t` → ["db", "t"]).
pub fn name_parts(name: &ObjectName) -> SqlResult<Vec<String>> {
    name.0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(i) => Ok(i.value.clone()),
            other => Err(er::not_supported(&format!("name '{other}'"))),
        })
        .collect()
}

/// A one-part name (database, index) as the client meant it: backticks
/// removed and doubled backticks inside undone, by the tokenizer.
pub fn simple_name(name: &ObjectName) -> SqlResult<String> {
    match name_parts(name)?.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(er::parse(&name.to_string(), 1)),
    }
}

/// (database, table) of a possibly qualified name; 1046 when unqualified
/// and no database is selected, 1102 / 1103 for a name too long to exist.
pub fn qualify(name: &ObjectName, current_db: Option<&str>) -> SqlResult<(String, String)> {
    let parts = name_parts(name)?;
    let (db, t) = match parts.as_slice() {
        [t] => match current_db {
            Some(db) => (db.to_string(), t.clone()),
            None => return Err(er::no_db()),
        },
        [db, t] => (check_db_name(db)?.to_string(), t.clone()),
        _ => return Err(er::parse(&name.to_string(), 1)),
    };
    check_table_name(&t)?;
    Ok((db, t))
}

fn too_long(name: &str) -> bool {
    name.len() > MAX_IDENT_CHARS && name.chars().count() > MAX_IDENT_CHARS
}

/// A database name, or 1102 when longer than 64 characters (MariaDB checks
/// every statement that names one, before looking it up).
pub fn check_db_name(name: &str) -> SqlResult<&str> {
    if too_long(name) {
        return Err(er::wrong_db_name(name));
    }
    Ok(name)
}

/// A table name, or 1103 when longer than 64 characters.
pub fn check_table_name(name: &str) -> SqlResult<&str> {
    if too_long(name) {
        return Err(er::wrong_table_name(name));
    }
    Ok(name)
}

/// A column, index or constraint name being defined, or 1059 when longer
/// than 64 characters. (Names that are only looked up are not checked:
/// a long one is simply unknown, as in MariaDB.)
pub fn check_ident(name: &str) -> SqlResult<&str> {
    if too_long(name) {
        return Err(er::too_long_ident(name));
    }
    Ok(name)
}

/// The table a name refers to: 1046 without a database, 1146 if unknown.
pub fn resolve_table(
    catalog: &Catalog,
    name: &ObjectName,
    current_db: Option<&str>,
) -> SqlResult<(String, Arc<TableDef>)> {
    let (db, t) = qualify(name, current_db)?;
    if crate::infoschema::is_schema(&db) {
        return match crate::infoschema::resolve(&t) {
            Some(view) => Ok((crate::infoschema::INFORMATION_SCHEMA.to_string(), view)),
            None => Err(er::unknown_table_in(
                &t,
                crate::infoschema::INFORMATION_SCHEMA,
            )),
        };
    }
    match catalog.table(&db, &t) {
        Some(def) => Ok((db, def.clone())),
        None => Err(er::no_such_table(&db, &t)),
    }
}

impl Scope {
    pub fn new(db: String, table: Arc<TableDef>, alias: Option<&Ident>) -> Scope {
        let alias = alias.map_or_else(|| table.name.clone(), |a| a.value.clone());
        Scope { db, table, alias }
    }

    /// Whether `qualifier` (`t` or `db.t`) names this table.
    pub fn matches(&self, qualifier: &[String]) -> bool {
        match qualifier {
            [] => true,
            [t] => *t == self.alias,
            [db, t] => *db == self.db && *t == self.table.name && self.alias == self.table.name,
            _ => false,
        }
    }

    /// Position of a (possibly qualified) column; 1054 naming the clause.
    pub fn column(&self, parts: &[String], clause: &str) -> SqlResult<usize> {
        let (name, qualifier) = match parts.split_last() {
            Some(x) => x,
            None => return Err(er::internal("empty column name")),
        };
        if self.matches(qualifier) {
            if let Some(i) = self.table.column_index(name) {
                return Ok(i);
            }
        }
        Err(bad_field(parts, clause))
    }
}

pub fn bad_field(parts: &[String], clause: &str) -> SqlError {
    er::bad_field(&parts.join("."), clause)
}
