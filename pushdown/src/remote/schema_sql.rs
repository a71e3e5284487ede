//! Schema changes as physical DDL on a data node. Every statement is
//! idempotent (IF [NOT] EXISTS), so a DDL that failed on one node group can
//! be run again to completion.
//!
//! DDL takes no parameters: the only values rendered into it are column
//! defaults, and those are built from the typed value (digits, or a hex
//! string literal), never from user text.

use super::render::{column_type, physical_collation, quote_ident};
use crate::error::{er, SqlResult};
use crate::eval;
use crate::schema::{ColumnDef, ColumnDefault, ColumnType, DdlOp, IndexDef, TableDef};
use crate::value::Value;

/// The statements that apply `op` on one node; empty when the node has
/// nothing to do (users live in the catalog, not on the nodes).
pub fn ddl_statements(op: &DdlOp) -> SqlResult<Vec<String>> {
    Ok(match op {
        DdlOp::CreateDatabase(db) => {
            let coll = physical_collation(db.collation);
            vec![format!(
                "CREATE DATABASE IF NOT EXISTS {} CHARACTER SET {} COLLATE {}",
                quote_ident(&db.name)?,
                coll.charset(),
                coll.name()
            )]
        }
        DdlOp::DropDatabase(name) => {
            vec![format!("DROP DATABASE IF EXISTS {}", quote_ident(name)?)]
        }
        DdlOp::CreateTable(t) => vec![create_table(t)?],
        DdlOp::DropTable { db, name } => vec![format!(
            "DROP TABLE IF EXISTS {}.{}",
            quote_ident(db)?,
            quote_ident(name)?
        )],
        DdlOp::Truncate { db, name } => vec![format!(
            "TRUNCATE TABLE {}.{}",
            quote_ident(db)?,
            quote_ident(name)?
        )],
        DdlOp::AlterTable {
            old, new, sources, ..
        } => alter_table(old, new, sources)?.into_iter().collect(),
        DdlOp::Renames(ops) => {
            let mut all = Vec::new();
            for op in ops {
                all.extend(ddl_statements(op)?);
            }
            all
        }
        DdlOp::PutUser(_) | DdlOp::DropUser { .. } => Vec::new(),
    })
}

fn table_name(t: &TableDef) -> SqlResult<String> {
    Ok(format!("{}.{}", quote_ident(&t.db)?, quote_ident(&t.name)?))
}

fn column_sql(t: &TableDef, c: usize, with_default: bool) -> SqlResult<String> {
    let col = &t.columns[c];
    let mut s = format!("{} {}", quote_ident(&col.name)?, column_type(t, c)?);
    s.push_str(if col.nullable { " NULL" } else { " NOT NULL" });
    if with_default {
        if let Some(d) = default_sql(col)? {
            s.push_str(" DEFAULT ");
            s.push_str(&d);
        }
    }
    Ok(s)
}

/// A key part: TEXT and BLOB columns can only be indexed by a prefix on
/// InnoDB (767 bytes fits every row format).
fn key_part(t: &TableDef, c: usize) -> SqlResult<String> {
    let col = t
        .columns
        .get(c)
        .ok_or_else(|| er::internal(format!("no column {c} in {}", t.name)))?;
    let name = quote_ident(&col.name)?;
    Ok(match col.ty {
        ColumnType::Text(_) => {
            format!(
                "{name}({})",
                767 / col.collation.max_bytes_per_char().max(1)
            )
        }
        ColumnType::Blob(_) => format!("{name}(767)"),
        _ => name,
    })
}

fn key_list(t: &TableDef, cols: &[usize]) -> SqlResult<String> {
    let parts: SqlResult<Vec<String>> = cols.iter().map(|&c| key_part(t, c)).collect();
    Ok(parts?.join(", "))
}

fn index_sql(t: &TableDef, ix: &IndexDef) -> SqlResult<String> {
    Ok(format!(
        "{}INDEX {} ({})",
        if ix.unique { "UNIQUE " } else { "" },
        quote_ident(&ix.name)?,
        key_list(t, &ix.columns)?
    ))
}

pub fn create_table(t: &TableDef) -> SqlResult<String> {
    let mut parts = Vec::new();
    for c in 0..t.columns.len() {
        parts.push(column_sql(t, c, false)?);
    }
    parts.push(format!("PRIMARY KEY ({})", key_list(t, &t.primary_key)?));
    for ix in &t.indexes {
        parts.push(index_sql(t, ix)?);
    }
    let coll = physical_collation(t.collation);
    Ok(format!(
        "CREATE TABLE IF NOT EXISTS {} ({}) ENGINE=InnoDB DEFAULT CHARSET={} COLLATE={}",
        table_name(t)?,
        parts.join(", "),
        coll.charset(),
        coll.name()
    ))
}

/// ALTER TABLE for the difference between two definitions, `sources`
/// mapping each column of `new` to the column of `old` it continues.
/// Columns are matched by that map and indexes by name and columns; the
/// order of columns on a node does not matter (rows are read and written
/// by column name), so moves are not repeated there. A rename of the table
/// comes last in the same statement: MariaDB runs one ALTER atomically, so
/// a node either did all of it or none, and one that did answers the
/// statement run again with 1146 for the old name. None when nothing
/// differs physically.
pub fn alter_table(
    old: &TableDef,
    new: &TableDef,
    sources: &[Option<usize>],
) -> SqlResult<Option<String>> {
    // Where each column of `old` went in `new`.
    let mut moved_to: Vec<Option<usize>> = vec![None; old.columns.len()];
    for (i, s) in sources.iter().enumerate() {
        if let Some(&j) = s.as_ref() {
            if let Some(slot) = moved_to.get_mut(j) {
                *slot = Some(i);
            }
        }
    }
    let kept = |ix: &IndexDef| -> Option<Vec<usize>> {
        ix.columns
            .iter()
            .map(|&c| moved_to.get(c).copied().flatten())
            .collect()
    };
    // A data node cannot number rows as sqld numbers them (a hidden key, an
    // added AUTO_INCREMENT column: sqld hands the values out).
    let numbered = |c: usize| new.is_counted(c) && sources[c].is_none();
    if (0..new.columns.len()).any(numbered) {
        return Err(er::not_supported(
            "in cluster mode, DROP PRIMARY KEY without a new one or ADD COLUMN ... AUTO_INCREMENT",
        ));
    }
    let key_moved = old.primary_key.len() != new.primary_key.len()
        || old
            .primary_key
            .iter()
            .zip(&new.primary_key)
            .any(|(&o, &n)| moved_to[o] != Some(n));
    let mut parts = Vec::new();
    if key_moved && !old.has_hidden_pk() {
        // (A hidden key goes with its column, below.)
        parts.push("DROP PRIMARY KEY".to_string());
    }
    for ix in &old.indexes {
        let same = new.indexes.iter().any(|n| {
            n.name.eq_ignore_ascii_case(&ix.name)
                && n.unique == ix.unique
                && kept(ix).as_ref() == Some(&n.columns)
        });
        if !same {
            parts.push(format!("DROP INDEX IF EXISTS {}", quote_ident(&ix.name)?));
        }
    }
    for (j, col) in old.columns.iter().enumerate() {
        if moved_to[j].is_none() {
            parts.push(format!("DROP COLUMN IF EXISTS {}", quote_ident(&col.name)?));
        }
    }
    for (i, s) in sources.iter().enumerate() {
        match s {
            None => parts.push(format!(
                "ADD COLUMN IF NOT EXISTS {}",
                column_sql(new, i, true)?
            )),
            Some(j) => {
                let now = column_sql(new, i, false)?;
                if column_sql(old, *j, false)? != now {
                    parts.push(format!(
                        "CHANGE COLUMN IF EXISTS {} {now}",
                        quote_ident(&old.columns[*j].name)?
                    ));
                }
            }
        }
    }
    if key_moved {
        parts.push(format!(
            "ADD PRIMARY KEY ({})",
            key_list(new, &new.primary_key)?
        ));
    }
    for ix in &new.indexes {
        let existed = old.indexes.iter().any(|o| {
            o.name.eq_ignore_ascii_case(&ix.name)
                && o.unique == ix.unique
                && kept(o).as_ref() == Some(&ix.columns)
        });
        if !existed {
            let sql = index_sql(new, ix)?;
            // "UNIQUE INDEX `x` (...)" → "ADD UNIQUE INDEX IF NOT EXISTS `x` (...)"
            let sql = sql.replacen("INDEX ", "INDEX IF NOT EXISTS ", 1);
            parts.push(format!("ADD {sql}"));
        }
    }
    if old.db != new.db || old.name != new.name {
        parts.push(format!("RENAME TO {}", table_name(new)?));
    }
    if parts.is_empty() {
        return Ok(None);
    }
    Ok(Some(format!(
        "ALTER TABLE {} {}",
        table_name(old)?,
        parts.join(", ")
    )))
}

/// The DEFAULT clause that fills existing rows of an added column, built
/// from the typed value: digits for numbers, a hex string for strings and
/// dates. None: no clause (NULL, or MySQL's implicit zero / empty string,
/// which is also what the embedded engine gives existing rows).
fn default_sql(col: &ColumnDef) -> SqlResult<Option<String>> {
    let v = match &col.default {
        ColumnDefault::None => return Ok(None),
        ColumnDefault::CurrentTimestamp => {
            // Existing rows get the time of the ALTER; the session time
            // zone of data-node connections is UTC, as sqld's timestamps.
            return Ok(match col.ty {
                ColumnType::DateTime(fsp) | ColumnType::Timestamp(fsp) => {
                    Some(format!("CURRENT_TIMESTAMP({fsp})"))
                }
                _ => None,
            });
        }
        ColumnDefault::Value(v) => v,
    };
    Ok(Some(literal(v)))
}

/// A value as a SQL literal that carries no user text: numbers as digits,
/// everything else as X'hex'.
pub fn literal(v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Decimal(d) => eval::decimal::format(d),
        Value::Double(f) if f.is_finite() => format!("{f:e}"),
        Value::Double(_) => "NULL".into(),
        Value::Bytes(b) => hex(b),
        Value::Date(d) => hex(eval::temporal::format_date(d).as_bytes()),
        Value::DateTime(d) => hex(eval::temporal::format_datetime(d, 6).as_bytes()),
        Value::Time(t) => hex(eval::temporal::format_time(t, 6).as_bytes()),
    }
}

fn hex(b: &[u8]) -> String {
    if b.is_empty() {
        return "''".into();
    }
    let mut s = String::with_capacity(b.len() * 2 + 3);
    s.push_str("X'");
    for byte in b {
        s.push_str(&format!("{byte:02X}"));
    }
    s.push('\'');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Collation;
    use std::sync::Arc;

    fn table() -> TableDef {
        let mut id = ColumnDef::new("id", ColumnType::BigInt, Collation::Utf8mb4GeneralCi);
        id.nullable = false;
        id.unsigned = true;
        let name = ColumnDef::new(
            "na`me",
            ColumnType::VarChar(20),
            Collation::Utf8mb4_0900AiCi,
        );
        let ts = ColumnDef::new("ts", ColumnType::Timestamp(3), Collation::Utf8mb4GeneralCi);
        TableDef {
            id: 1,
            db: "d".into(),
            name: "t".into(),
            columns: vec![id, name, ts],
            primary_key: vec![0],
            indexes: vec![IndexDef {
                id: 1,
                name: "k".into(),
                columns: vec![1],
                unique: true,
            }],
            engine: "InnoDB".into(),
            collation: Collation::Utf8mb4GeneralCi,
            comment: String::new(),
        }
    }

    #[test]
    fn create_table_maps_types() {
        let sql = create_table(&table()).unwrap();
        assert_eq!(
            sql,
            "CREATE TABLE IF NOT EXISTS `d`.`t` (`id` BIGINT UNSIGNED NOT NULL, \
             `na``me` VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL, \
             `ts` DATETIME(3) NULL, PRIMARY KEY (`id`), UNIQUE INDEX `k` (`na``me`)) \
             ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"
        );
    }

    #[test]
    fn alter_table_is_a_diff() {
        let old = table();
        let mut new = old.clone();
        let same = crate::schema::columns_by_name(&old, &new);
        assert_eq!(alter_table(&old, &new, &same).unwrap(), None);
        let mut c = ColumnDef::new("n", ColumnType::Int, Collation::Utf8mb4GeneralCi);
        c.nullable = false;
        c.default = ColumnDefault::Value(Value::Int(-5));
        new.columns.push(c);
        let mut s = ColumnDef::new("s", ColumnType::VarChar(5), Collation::Utf8mb4GeneralCi);
        s.default = ColumnDefault::Value(Value::from("a'b"));
        new.columns.push(s);
        new.indexes = vec![IndexDef {
            id: 2,
            name: "n_ix".into(),
            columns: vec![3],
            unique: false,
        }];
        let sources = crate::schema::columns_by_name(&old, &new);
        let sql = alter_table(&old, &new, &sources).unwrap().unwrap();
        assert_eq!(
            sql,
            "ALTER TABLE `d`.`t` DROP INDEX IF EXISTS `k`, \
             ADD COLUMN IF NOT EXISTS `n` INT NOT NULL DEFAULT -5, \
             ADD COLUMN IF NOT EXISTS `s` VARCHAR(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL DEFAULT X'612762', \
             ADD INDEX IF NOT EXISTS `n_ix` (`n`)"
        );
        let op = DdlOp::alter_table(Arc::new(old), new);
        assert_eq!(ddl_statements(&op).unwrap().len(), 1);
    }

    #[test]
    fn alter_table_follows_renames_and_drops() {
        let old = table();
        let mut new = old.clone();
        // Rename `na``me` to `label` and widen it, drop `ts`, rename the
        // table.
        new.columns.truncate(2);
        new.columns[1].name = "label".into();
        new.columns[1].ty = ColumnType::VarChar(40);
        new.name = "u".into();
        let sources = vec![Some(0), Some(1)];
        let sql = alter_table(&old, &new, &sources).unwrap().unwrap();
        // The unique key `k` follows its column: not dropped and re-added.
        assert_eq!(
            sql,
            "ALTER TABLE `d`.`t` DROP COLUMN IF EXISTS `ts`, \
             CHANGE COLUMN IF EXISTS `na``me` `label` VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL, \
             RENAME TO `d`.`u`"
        );
    }

    #[test]
    fn users_are_not_on_nodes() {
        let op = DdlOp::DropUser {
            user: "u".into(),
            host: "%".into(),
        };
        assert!(ddl_statements(&op).unwrap().is_empty());
    }

    #[test]
    fn literals_carry_no_text() {
        assert_eq!(literal(&Value::from("x'); DROP")), "X'7827293B2044524F50'");
        assert_eq!(literal(&Value::Int(-3)), "-3");
        assert_eq!(literal(&Value::Double(1.5)), "1.5e0");
    }

    #[test]
    fn alter_table_changes_the_primary_key() {
        let old = table();
        let mut new = old.clone();
        new.columns[1].nullable = false;
        new.primary_key = vec![0, 1];
        let same = crate::schema::columns_by_name(&old, &new);
        assert_eq!(
            alter_table(&old, &new, &same).unwrap().unwrap(),
            "ALTER TABLE `d`.`t` DROP PRIMARY KEY, \
             CHANGE COLUMN IF EXISTS `na``me` `na``me` VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL, \
             ADD PRIMARY KEY (`id`, `na``me`)"
        );
        // A hidden key goes with its column; the new one is added.
        let mut hidden = ColumnDef::new("$PK", ColumnType::BigInt, Collation::Binary);
        hidden.nullable = false;
        hidden.unsigned = true;
        hidden.hidden = true;
        hidden.auto_increment = true;
        let mut old = table();
        old.columns.push(hidden);
        old.primary_key = vec![3];
        let mut new = old.clone();
        new.columns.pop();
        new.primary_key = vec![0];
        let sources = crate::schema::columns_by_name(&old, &new);
        assert_eq!(
            alter_table(&old, &new, &sources).unwrap().unwrap(),
            "ALTER TABLE `d`.`t` DROP COLUMN IF EXISTS `$PK`, ADD PRIMARY KEY (`id`)"
        );
        // The other way, the node would have to number the rows: refused.
        let back = crate::schema::columns_by_name(&new, &old);
        assert_eq!(alter_table(&new, &old, &back).unwrap_err().code, 1235);
    }
}
