//! A schema change applied to a catalog, without touching any data: what
//! cluster DDL stores in the cluster metadata. The checks and errors are
//! the embedded engine's (`embedded::catalog_store`), so a statement fails
//! the same way on either kind of data node.

use crate::error::{er, SqlError, SqlResult};
use crate::schema::{Catalog, DdlOp, IndexDef, TableDef};
use std::sync::Arc;

/// The outcome of [`apply`].
#[derive(Debug, Clone)]
pub struct CatalogChange {
    /// The catalog after the change.
    pub catalog: Catalog,
    /// The change as every node group must run it (table ids filled in);
    /// None when only the metadata changes (accounts).
    pub physical: Option<DdlOp>,
    /// Table ids whose rows and counters are gone (DROP, TRUNCATE).
    pub dropped_ids: Vec<u64>,
}

/// Applies `op` to `catalog`. `new_table_id` numbers a table that CREATE
/// TABLE or TRUNCATE makes (required for them); `groups` is the number of
/// node groups: with several, a UNIQUE index that does not contain the whole
/// primary key cannot be enforced by one group and is refused.
pub fn apply(
    catalog: &Catalog,
    op: &DdlOp,
    new_table_id: Option<u64>,
    groups: usize,
) -> SqlResult<CatalogChange> {
    let mut next = catalog.clone();
    let mut dropped_ids = Vec::new();
    let physical = match op {
        DdlOp::CreateDatabase(d) => {
            if next.databases.contains_key(&d.name) {
                return Err(er::db_exists(&d.name));
            }
            next.databases.insert(d.name.clone(), d.clone());
            Some(op.clone())
        }
        DdlOp::DropDatabase(name) => {
            if next.databases.remove(name).is_none() {
                return Err(SqlError::code(
                    1008,
                    format!("Can't drop database '{name}'; database doesn't exist"),
                ));
            }
            next.tables.retain(|(db, _), t| {
                if db == name {
                    dropped_ids.push(t.id);
                }
                db != name
            });
            Some(op.clone())
        }
        DdlOp::CreateTable(def) => {
            if !next.databases.contains_key(&def.db) {
                return Err(er::bad_db(&def.db));
            }
            if next.table(&def.db, &def.name).is_some() {
                return Err(er::table_exists(&def.name));
            }
            check_unique(def, &def.indexes, groups)?;
            let t = TableDef {
                id: required_id(new_table_id)?,
                ..def.clone()
            };
            next.tables
                .insert((t.db.clone(), t.name.clone()), Arc::new(t.clone()));
            Some(DdlOp::CreateTable(t))
        }
        DdlOp::DropTable { db, name } => {
            let t = next
                .tables
                .remove(&(db.clone(), name.clone()))
                .ok_or_else(|| er::bad_table(db, name))?;
            dropped_ids.push(t.id);
            Some(op.clone())
        }
        DdlOp::Truncate { db, name } => {
            // A new id gives the table fresh AUTO_INCREMENT counters.
            let key = (db.clone(), name.clone());
            let t = next
                .tables
                .get(&key)
                .cloned()
                .ok_or_else(|| er::no_such_table(db, name))?;
            dropped_ids.push(t.id);
            let fresh = TableDef {
                id: required_id(new_table_id)?,
                ..(*t).clone()
            };
            next.tables.insert(key, Arc::new(fresh));
            Some(op.clone())
        }
        DdlOp::AlterTable {
            old,
            new,
            sources,
            auto_increment,
        } => {
            if sources.len() != new.columns.len()
                || sources.iter().flatten().any(|&i| i >= old.columns.len())
            {
                return Err(er::internal(
                    "ALTER TABLE column map does not fit the table",
                ));
            }
            let cur = next
                .table(&old.db, &old.name)
                .cloned()
                .ok_or_else(|| er::no_such_table(&old.db, &old.name))?;
            // The new definition was made from `old`: if another sqld changed
            // the table since, it would undo that change. Retry on the
            // current definition instead.
            if **old
                != (TableDef {
                    id: old.id,
                    ..(*cur).clone()
                })
            {
                return Err(SqlError::code(
                    1412,
                    "Table definition has changed, please retry transaction",
                ));
            }
            let renamed = cur.db != new.db || cur.name != new.name;
            if renamed && next.table(&new.db, &new.name).is_some() {
                return Err(er::table_exists(&new.name));
            }
            if renamed && !next.databases.contains_key(&new.db) {
                return Err(er::bad_db(&new.db));
            }
            let added: Vec<IndexDef> = new
                .indexes
                .iter()
                .filter(|i| !cur.indexes.contains(i))
                .cloned()
                .collect();
            check_unique(new, &added, groups)?;
            check_key_change(&cur, new, sources, groups)?;
            let t = TableDef {
                id: cur.id,
                ..new.clone()
            };
            if renamed {
                next.tables.remove(&(cur.db.clone(), cur.name.clone()));
            }
            next.tables
                .insert((t.db.clone(), t.name.clone()), Arc::new(t.clone()));
            Some(DdlOp::AlterTable {
                old: cur,
                new: t,
                sources: sources.clone(),
                auto_increment: *auto_increment,
            })
        }
        DdlOp::Renames(ops) => {
            let mut physical = Vec::with_capacity(ops.len());
            for op in ops {
                let change = apply(&next, op, None, groups)?;
                next = change.catalog;
                physical.extend(change.physical);
            }
            Some(DdlOp::Renames(physical))
        }
        DdlOp::PutUser(u) => {
            next.users
                .retain(|x| !(x.user == u.user && x.host.eq_ignore_ascii_case(&u.host)));
            next.users.push(u.clone());
            None
        }
        DdlOp::DropUser { user, host } => {
            let before = next.users.len();
            next.users
                .retain(|x| !(x.user == *user && x.host.eq_ignore_ascii_case(host)));
            if next.users.len() == before {
                return Err(SqlError::code(
                    1396,
                    format!("Operation DROP USER failed for '{user}'@'{host}'"),
                ));
            }
            None
        }
    };
    Ok(CatalogChange {
        catalog: next,
        physical,
        dropped_ids,
    })
}

/// Whether `op` needs a new table id (see [`apply`]).
pub fn needs_table_id(op: &DdlOp) -> bool {
    matches!(op, DdlOp::CreateTable(_) | DdlOp::Truncate { .. })
}

fn required_id(id: Option<u64>) -> SqlResult<u64> {
    id.ok_or_else(|| er::internal("schema change without a table id"))
}

/// Rows live on the node group their primary key hashes to (under the key
/// columns' collations): with several groups, a new key, or a key column
/// under another collation, would move rows between groups, which a
/// schema change cannot do atomically. Refused (1235).
fn check_key_change(
    old: &TableDef,
    new: &TableDef,
    sources: &[Option<usize>],
    groups: usize,
) -> SqlResult<()> {
    if groups <= 1 {
        return Ok(());
    }
    let same_key = old.primary_key.len() == new.primary_key.len()
        && old
            .primary_key
            .iter()
            .zip(&new.primary_key)
            .all(|(&o, &n)| {
                sources.get(n).copied().flatten() == Some(o)
                    && old.columns[o].collation == new.columns[n].collation
            });
    if same_key {
        return Ok(());
    }
    Err(er::not_supported(
        "changing the primary key (or its collation) with several node groups",
    ))
}

/// With several node groups each group checks uniqueness only among its own
/// rows. An index holding every primary-key column is unique wherever the
/// primary key is; any other UNIQUE index would go unenforced: refuse it.
fn check_unique(table: &TableDef, indexes: &[IndexDef], groups: usize) -> SqlResult<()> {
    if groups <= 1 {
        return Ok(());
    }
    let local = |ix: &IndexDef| table.primary_key.iter().all(|c| ix.columns.contains(c));
    if indexes.iter().any(|ix| ix.unique && !local(ix)) {
        return Err(SqlError::code(
            1235,
            "This version of MySQL doesn't yet support 'UNIQUE keys on columns other than the primary key with several node groups'",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Collation, ColumnDef, ColumnType, DatabaseDef, UserDef};

    fn db(name: &str) -> DdlOp {
        DdlOp::CreateDatabase(DatabaseDef {
            name: name.into(),
            collation: Collation::Utf8mb4GeneralCi,
        })
    }

    fn table(name: &str, unique_on: Option<usize>) -> TableDef {
        TableDef {
            id: 0,
            db: "d".into(),
            name: name.into(),
            columns: vec![
                ColumnDef::new("id", ColumnType::Int, Collation::Utf8mb4GeneralCi),
                ColumnDef::new("v", ColumnType::Int, Collation::Utf8mb4GeneralCi),
            ],
            primary_key: vec![0],
            indexes: unique_on
                .map(|c| IndexDef {
                    id: 1,
                    name: "u".into(),
                    columns: vec![c],
                    unique: true,
                })
                .into_iter()
                .collect(),
            engine: "InnoDB".into(),
            collation: Collation::Utf8mb4GeneralCi,
            comment: String::new(),
        }
    }

    fn step(c: &Catalog, op: &DdlOp, id: Option<u64>) -> SqlResult<Catalog> {
        apply(c, op, id, 2).map(|ch| ch.catalog)
    }

    #[test]
    fn database_and_table_lifecycle_with_mysql_errors() {
        let c = step(&Catalog::default(), &db("d"), None).unwrap();
        assert_eq!(step(&c, &db("d"), None).unwrap_err().code, 1007);
        let create = DdlOp::CreateTable(table("t", None));
        let c = step(&c, &create, Some(7)).unwrap();
        assert_eq!(c.table("d", "t").unwrap().id, 7);
        assert_eq!(step(&c, &create, Some(8)).unwrap_err().code, 1050);
        let mut elsewhere = table("t", None);
        elsewhere.db = "nope".into();
        assert_eq!(
            step(&c, &DdlOp::CreateTable(elsewhere), Some(9))
                .unwrap_err()
                .code,
            1049
        );
        let trunc = DdlOp::Truncate {
            db: "d".into(),
            name: "t".into(),
        };
        let ch = apply(&c, &trunc, Some(10), 2).unwrap();
        assert_eq!(ch.dropped_ids, vec![7]);
        assert_eq!(ch.catalog.table("d", "t").unwrap().id, 10);
        let drop = DdlOp::DropTable {
            db: "d".into(),
            name: "t".into(),
        };
        let c = step(&ch.catalog, &drop, None).unwrap();
        assert_eq!(step(&c, &drop, None).unwrap_err().code, 1051);
        assert_eq!(step(&c, &trunc, Some(11)).unwrap_err().code, 1146);
        let c = step(&c, &DdlOp::DropDatabase("d".into()), None).unwrap();
        assert_eq!(
            step(&c, &DdlOp::DropDatabase("d".into()), None)
                .unwrap_err()
                .code,
            1008
        );
    }

    #[test]
    fn drop_database_drops_its_tables() {
        let c = step(&Catalog::default(), &db("d"), None).unwrap();
        let c = step(&c, &DdlOp::CreateTable(table("a", None)), Some(1)).unwrap();
        let c = step(&c, &DdlOp::CreateTable(table("b", None)), Some(2)).unwrap();
        let ch = apply(&c, &DdlOp::DropDatabase("d".into()), None, 2).unwrap();
        assert_eq!(ch.dropped_ids, vec![1, 2]);
        assert!(ch.catalog.tables.is_empty());
    }

    #[test]
    fn unique_secondary_keys_refused_with_several_groups() {
        let c = step(&Catalog::default(), &db("d"), None).unwrap();
        let op = DdlOp::CreateTable(table("t", Some(1)));
        let e = apply(&c, &op, Some(1), 2).unwrap_err();
        assert_eq!(e.code, 1235);
        assert!(e.message.contains("several node groups"), "{}", e.message);
        // One group enforces it; a unique key holding the primary key is
        // unique on every group.
        assert!(apply(&c, &op, Some(1), 1).is_ok());
        assert!(apply(&c, &DdlOp::CreateTable(table("t", Some(0))), Some(1), 2).is_ok());
        // ALTER ... ADD UNIQUE as well.
        let c = step(&c, &DdlOp::CreateTable(table("t", None)), Some(1)).unwrap();
        let old = c.table("d", "t").unwrap().clone();
        let alter = DdlOp::alter_table(old, table("t", Some(1)));
        assert_eq!(apply(&c, &alter, None, 2).unwrap_err().code, 1235);
    }

    #[test]
    fn alter_keeps_the_id_and_renames() {
        let c = step(&Catalog::default(), &db("d"), None).unwrap();
        let c = step(&c, &DdlOp::CreateTable(table("t", None)), Some(5)).unwrap();
        let old = c.table("d", "t").unwrap().clone();
        let mut new = table("u", None);
        new.id = 99;
        let ch = apply(&c, &DdlOp::alter_table(old, new), None, 2).unwrap();
        assert!(ch.catalog.table("d", "t").is_none());
        assert_eq!(ch.catalog.table("d", "u").unwrap().id, 5);
        match ch.physical {
            Some(DdlOp::AlterTable { old, new, .. }) => {
                assert_eq!((old.id, new.id), (5, 5));
                assert_eq!(old.name, "t");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn alter_from_a_stale_definition_is_refused() {
        let c = step(&Catalog::default(), &db("d"), None).unwrap();
        let c = step(&c, &DdlOp::CreateTable(table("t", None)), Some(5)).unwrap();
        let mut stale = (**c.table("d", "t").unwrap()).clone();
        stale.columns.pop();
        let op = DdlOp::alter_table(Arc::new(stale), table("t", None));
        assert_eq!(apply(&c, &op, None, 2).unwrap_err().code, 1412);
    }

    #[test]
    fn accounts_change_only_the_metadata() {
        let u = UserDef {
            user: "u".into(),
            host: "%".into(),
            plugin: "mysql_native_password".into(),
            auth: Vec::new(),
            grants: Vec::new(),
        };
        let ch = apply(&Catalog::default(), &DdlOp::PutUser(u), None, 2).unwrap();
        assert!(ch.physical.is_none());
        assert_eq!(ch.catalog.users.len(), 1);
        let drop = DdlOp::DropUser {
            user: "u".into(),
            host: "%".into(),
        };
        let c = step(&ch.catalog, &drop, None).unwrap();
        assert_eq!(step(&c, &drop, None).unwrap_err().code, 1396);
    }
}
