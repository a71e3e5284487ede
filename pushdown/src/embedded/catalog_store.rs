//! The durable catalog: databases, tables, users and auto-increment counters
//! in the `meta` keyspace, and DDL applied to it and to the data in one
//! atomic, synced batch.
//!
//! Meta keys: `db\0<name>`, `tb\0<table id>`, `us\0<user>\0<host>` hold JSON
//! definitions; `seq\0table` the next table id; `ai\0<table id><column>` the
//! last AUTO_INCREMENT value handed out; `fmt\0keys` the key format of the
//! row and index keyspaces.

use super::keys::{self, index_entry_key, table_prefix, unique_prefix};
use super::rows::{decode_row, encode_row};
use super::view::storage_error;
use super::{CatalogState, Shared, Store};
use crate::error::{er, SqlError, SqlResult};
use crate::schema::{Catalog, DatabaseDef, DdlOp, IndexDef, TableDef, UserDef};
use crate::value::{Row, Value};
use fjall::{OwnedWriteBatch, PersistMode};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

const DB: &[u8] = b"db\0";
const TABLE: &[u8] = b"tb\0";
const USER: &[u8] = b"us\0";
const COUNTER: &[u8] = b"ai\0";
const TABLE_SEQ: &[u8] = b"seq\0table";
const KEY_FORMAT: &[u8] = b"fmt\0keys";

/// The key format written (keys.rs). 2: text under PAD SPACE collations
/// sorts a character below the space before the end of a string. Format 1
/// (data directories without the marker) put it after.
const CURRENT_KEY_FORMAT: u64 = 2;

fn key(prefix: &[u8], rest: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(prefix.len() + rest.len());
    k.extend_from_slice(prefix);
    k.extend_from_slice(rest);
    k
}

fn table_key(id: u64) -> Vec<u8> {
    key(TABLE, &id.to_be_bytes())
}

fn user_key(user: &str, host: &str) -> Vec<u8> {
    key(
        USER,
        format!("{user}\0{}", host.to_ascii_lowercase()).as_bytes(),
    )
}

pub fn counter_key(table: u64, column: usize) -> Vec<u8> {
    let mut k = key(COUNTER, &table.to_be_bytes());
    k.extend_from_slice(&(column as u32).to_be_bytes());
    k
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> SqlError {
    er::internal(format!("embedded catalog: bad {what}: {e}"))
}

fn json<T: serde::Serialize>(v: &T) -> SqlResult<Vec<u8>> {
    serde_json::to_vec(v).map_err(|e| er::internal(format!("catalog encoding: {e}")))
}

fn u64_of(v: &[u8]) -> SqlResult<u64> {
    let a: [u8; 8] = v.try_into().map_err(|_| corrupt("counter", "length"))?;
    Ok(u64::from_be_bytes(a))
}

type Counters = HashMap<(u64, usize), Arc<AtomicU64>>;

/// Reads the catalog and counters at startup.
pub fn load(store: &Store) -> SqlResult<(CatalogState, Counters)> {
    let mut state = CatalogState {
        next_table_id: 1,
        ..CatalogState::default()
    };
    let mut counters = Counters::new();
    for item in store.meta.iter() {
        let (k, v) = item.into_inner().map_err(storage_error)?;
        if let Some(_name) = k.strip_prefix(DB) {
            let d: DatabaseDef = serde_json::from_slice(&v).map_err(|e| corrupt("database", e))?;
            state.catalog.databases.insert(d.name.clone(), d);
        } else if k.starts_with(TABLE) {
            let t: TableDef = serde_json::from_slice(&v).map_err(|e| corrupt("table", e))?;
            let t = Arc::new(t);
            state.by_id.insert(t.id, t.clone());
            state
                .catalog
                .tables
                .insert((t.db.clone(), t.name.clone()), t);
        } else if k.starts_with(USER) {
            let u: UserDef = serde_json::from_slice(&v).map_err(|e| corrupt("user", e))?;
            state.catalog.users.push(u);
        } else if let Some(rest) = k.strip_prefix(COUNTER) {
            if rest.len() == 12 {
                let table = u64_of(&rest[..8])?;
                let mut c = [0u8; 4];
                c.copy_from_slice(&rest[8..]);
                let column = u32::from_be_bytes(c) as usize;
                counters.insert((table, column), Arc::new(AtomicU64::new(u64_of(&v)?)));
            }
        } else if &*k == TABLE_SEQ {
            state.next_table_id = u64_of(&v)?;
        }
    }
    Ok((state, counters))
}

/// Brings a data directory's keys to [`CURRENT_KEY_FORMAT`] at start-up.
/// Format 1 keys differ from format 2 only for text (under a collation
/// other than `binary`) holding a character below the space, so the rows
/// and indexes of tables with such key columns are re-keyed, in one
/// synced batch with the marker; other tables are left as they are. A
/// data directory from a newer sqld is refused.
pub fn upgrade_key_format(store: &Store, state: &mut CatalogState) -> SqlResult<()> {
    let format = match store.meta.get(KEY_FORMAT).map_err(storage_error)? {
        Some(v) => u64_of(&v)?,
        None => 1,
    };
    if format == CURRENT_KEY_FORMAT {
        return Ok(());
    }
    if format > CURRENT_KEY_FORMAT {
        return Err(er::internal(format!(
            "the data directory's key format is {format}; this sqld reads up to {CURRENT_KEY_FORMAT}"
        )));
    }
    let padded_text = |t: &TableDef, c: usize| {
        t.columns
            .get(c)
            .is_some_and(|c| c.ty.is_text() && c.collation.pads_space())
    };
    let tables: Vec<Arc<TableDef>> = state
        .by_id
        .values()
        .filter(|t| {
            t.primary_key
                .iter()
                .chain(t.indexes.iter().flat_map(|i| &i.columns))
                .any(|&c| padded_text(t, c))
        })
        .cloned()
        .collect();
    let mut ddl = Ddl {
        store,
        batch: store.db.batch(),
        state,
        dropped_tables: Vec::new(),
        counter_sets: Vec::new(),
    };
    for t in &tables {
        for ix in &t.indexes {
            let mut prefix = Vec::new();
            keys::index_prefix(&mut prefix, t.id, ix.id);
            ddl.remove_prefix(&store.index, &prefix)?;
        }
        let rekey_rows = t.primary_key.iter().any(|&c| padded_text(t, c));
        let all: Vec<&IndexDef> = t.indexes.iter().collect();
        let same: Vec<Option<usize>> = (0..t.columns.len()).map(Some).collect();
        ddl.rebuild(t, t, &same, &all, rekey_rows, &mut Numbering::default())?;
    }
    let mut batch = ddl.batch;
    batch.insert(&store.meta, KEY_FORMAT, CURRENT_KEY_FORMAT.to_be_bytes());
    batch.commit().map_err(storage_error)?;
    store
        .db
        .persist(PersistMode::SyncAll)
        .map_err(storage_error)?;
    if !tables.is_empty() {
        tracing::info!(
            tables = tables.len(),
            "re-keyed tables with text keys to key format {CURRENT_KEY_FORMAT}"
        );
    }
    Ok(())
}

/// Applies a schema change: metadata and data in one batch, synced, then
/// the in-memory catalog. Runs on the writer thread.
pub fn apply_ddl(shared: &Shared, op: &DdlOp) -> SqlResult<Catalog> {
    let mut next = {
        let cur = shared.catalog();
        CatalogState {
            catalog: cur.catalog.clone(),
            by_id: cur.by_id.clone(),
            next_table_id: cur.next_table_id,
        }
    };
    let store = &shared.store;
    let mut ddl = Ddl {
        store,
        batch: store.db.batch(),
        state: &mut next,
        dropped_tables: Vec::new(),
        counter_sets: Vec::new(),
    };
    ddl.apply(op)?;
    let Ddl {
        mut batch,
        dropped_tables,
        counter_sets,
        ..
    } = ddl;
    // Counters follow their column to its new position.
    let moves: Vec<(u64, usize, usize, u64)> = {
        let counters = shared.counters.lock().unwrap_or_else(|p| p.into_inner());
        op.moved_counters()
            .into_iter()
            .map(|(t, from, to)| {
                let v = counters
                    .get(&(t, from))
                    .map_or(0, |c| c.load(std::sync::atomic::Ordering::SeqCst));
                (t, from, to, v)
            })
            .collect()
    };
    for &(t, from, _, _) in &moves {
        batch.remove(&store.meta, counter_key(t, from));
    }
    for &(t, _, to, v) in &moves {
        batch.insert(&store.meta, counter_key(t, to), v.to_be_bytes());
    }
    for &(t, c, v) in &counter_sets {
        batch.insert(&store.meta, counter_key(t, c), v.to_be_bytes());
    }
    batch.commit().map_err(storage_error)?;
    store
        .db
        .persist(PersistMode::SyncAll)
        .map_err(storage_error)?;
    {
        let mut counters = shared.counters.lock().unwrap_or_else(|p| p.into_inner());
        counters.retain(|(t, _), _| !dropped_tables.contains(t));
        for &(t, from, _, _) in &moves {
            counters.remove(&(t, from));
        }
        for &(t, _, to, v) in &moves {
            counters.insert((t, to), Arc::new(AtomicU64::new(v)));
        }
        for &(t, c, v) in &counter_sets {
            // Stored, not replaced: transactions hold the counter's Arc.
            counters
                .entry((t, c))
                .or_insert_with(|| Arc::new(AtomicU64::new(0)))
                .store(v, std::sync::atomic::Ordering::SeqCst);
        }
    }
    let catalog = next.catalog.clone();
    *shared.catalog_mut() = next;
    Ok(catalog)
}

struct Ddl<'a> {
    store: &'a Store,
    batch: OwnedWriteBatch,
    state: &'a mut CatalogState,
    /// Table ids whose data and counters are gone.
    dropped_tables: Vec<u64>,
    /// Counters an ALTER TABLE sets: (table id, column, last value).
    counter_sets: Vec<(u64, usize, u64)>,
}

impl Ddl<'_> {
    fn apply(&mut self, op: &DdlOp) -> SqlResult<()> {
        match op {
            DdlOp::CreateDatabase(d) => {
                if self.state.catalog.databases.contains_key(&d.name) {
                    return Err(er::db_exists(&d.name));
                }
                self.batch
                    .insert(&self.store.meta, key(DB, d.name.as_bytes()), json(d)?);
                self.state
                    .catalog
                    .databases
                    .insert(d.name.clone(), d.clone());
            }
            DdlOp::DropDatabase(name) => {
                if self.state.catalog.databases.remove(name).is_none() {
                    return Err(SqlError::code(
                        1008,
                        format!("Can't drop database '{name}'; database doesn't exist"),
                    ));
                }
                self.batch
                    .remove(&self.store.meta, key(DB, name.as_bytes()));
                let tables: Vec<Arc<TableDef>> =
                    self.state.catalog.tables_in(name).cloned().collect();
                for t in tables {
                    self.drop_table(&t)?;
                }
            }
            DdlOp::CreateTable(def) => {
                if !self.state.catalog.databases.contains_key(&def.db) {
                    return Err(er::bad_db(&def.db));
                }
                if self.state.catalog.table(&def.db, &def.name).is_some() {
                    return Err(er::table_exists(&def.name));
                }
                let t = TableDef {
                    id: self.allocate_table_id(),
                    ..def.clone()
                };
                self.put_table(Arc::new(t))?;
            }
            DdlOp::DropTable { db, name } => {
                let t = self.existing(db, name, er::bad_table(db, name))?;
                self.drop_table(&t)?;
            }
            DdlOp::Truncate { db, name } => {
                // A new id makes the old rows unreachable at once, and fails
                // the commit of any transaction still writing the old ones.
                let t = self.existing(db, name, er::no_such_table(db, name))?;
                self.drop_table(&t)?;
                let fresh = TableDef {
                    id: self.allocate_table_id(),
                    ..(*t).clone()
                };
                self.put_table(Arc::new(fresh))?;
            }
            op @ DdlOp::AlterTable { .. } => self.alter(op)?,
            // One batch: every pair or none.
            DdlOp::Renames(ops) => {
                for op in ops {
                    self.apply(op)?;
                }
            }
            DdlOp::PutUser(u) => {
                let users = &mut self.state.catalog.users;
                users.retain(|x| !(x.user == u.user && x.host.eq_ignore_ascii_case(&u.host)));
                users.push(u.clone());
                self.batch
                    .insert(&self.store.meta, user_key(&u.user, &u.host), json(u)?);
            }
            DdlOp::DropUser { user, host } => {
                let users = &mut self.state.catalog.users;
                let before = users.len();
                users.retain(|x| !(x.user == *user && x.host.eq_ignore_ascii_case(host)));
                if users.len() == before {
                    return Err(SqlError::code(
                        1396,
                        format!("Operation DROP USER failed for '{user}'@'{host}'"),
                    ));
                }
                self.batch.remove(&self.store.meta, user_key(user, host));
            }
        }
        Ok(())
    }

    fn existing(&self, db: &str, name: &str, missing: SqlError) -> SqlResult<Arc<TableDef>> {
        self.state.catalog.table(db, name).cloned().ok_or(missing)
    }

    fn allocate_table_id(&mut self) -> u64 {
        let id = self.state.next_table_id;
        self.state.next_table_id += 1;
        self.batch.insert(
            &self.store.meta,
            TABLE_SEQ.to_vec(),
            self.state.next_table_id.to_be_bytes().to_vec(),
        );
        id
    }

    fn put_table(&mut self, t: Arc<TableDef>) -> SqlResult<()> {
        self.batch
            .insert(&self.store.meta, table_key(t.id), json(&*t)?);
        self.state.by_id.insert(t.id, t.clone());
        self.state
            .catalog
            .tables
            .insert((t.db.clone(), t.name.clone()), t);
        Ok(())
    }

    /// Removes the definition, every row and index entry, and the counters.
    fn drop_table(&mut self, t: &TableDef) -> SqlResult<()> {
        self.state
            .catalog
            .tables
            .remove(&(t.db.clone(), t.name.clone()));
        self.state.by_id.remove(&t.id);
        self.batch.remove(&self.store.meta, table_key(t.id));
        let mut prefix = Vec::with_capacity(8);
        table_prefix(&mut prefix, t.id);
        self.remove_prefix(&self.store.rows.clone(), &prefix)?;
        self.remove_prefix(&self.store.index.clone(), &prefix)?;
        self.remove_prefix(&self.store.meta.clone(), &key(COUNTER, &prefix))?;
        self.dropped_tables.push(t.id);
        Ok(())
    }

    fn remove_prefix(&mut self, ks: &fjall::Keyspace, prefix: &[u8]) -> SqlResult<()> {
        for item in ks.prefix(prefix) {
            let k = item.key().map_err(storage_error)?;
            self.batch.remove(ks, k);
        }
        Ok(())
    }

    /// ALTER TABLE: added columns need nothing (old rows read them as their
    /// default); other column changes and a new primary key rewrite the
    /// rows; indexes whose definition changed are dropped and built from
    /// the rows. Counters of columns that became counted start above the
    /// rows' values (`AUTO_INCREMENT=N`: at N, or there).
    fn alter(&mut self, op: &DdlOp) -> SqlResult<()> {
        let DdlOp::AlterTable {
            old,
            new,
            sources,
            auto_increment,
        } = op
        else {
            return Err(er::internal("not an ALTER TABLE"));
        };
        let cur = self.existing(&old.db, &old.name, er::no_such_table(&old.db, &old.name))?;
        let renamed = cur.db != new.db || cur.name != new.name;
        if renamed && self.state.catalog.table(&new.db, &new.name).is_some() {
            return Err(er::table_exists(&new.name));
        }
        if sources.len() != new.columns.len()
            || sources.iter().flatten().any(|&i| i >= cur.columns.len())
        {
            return Err(er::internal(
                "ALTER TABLE column map does not fit the table",
            ));
        }
        let fresh = op.new_counters();
        let appended = rows_stay(&cur, new, sources) && fresh.is_empty();
        let next = Arc::new(TableDef {
            id: cur.id,
            ..new.clone()
        });
        // Indexes to drop and to build.
        let (dropped, built): (Vec<&IndexDef>, Vec<&IndexDef>) = if appended {
            (
                cur.indexes
                    .iter()
                    .filter(|i| !next.indexes.contains(i))
                    .collect(),
                next.indexes
                    .iter()
                    .filter(|i| !cur.indexes.contains(i))
                    .collect(),
            )
        } else {
            (cur.indexes.iter().collect(), next.indexes.iter().collect())
        };
        for ix in &dropped {
            let mut prefix = Vec::new();
            keys::index_prefix(&mut prefix, cur.id, ix.id);
            self.remove_prefix(&self.store.index.clone(), &prefix)?;
        }
        // The AUTO_INCREMENT column's counter, when AUTO_INCREMENT=N sets it.
        let auto = auto_increment.and(
            next.auto_increment_column()
                .filter(|&c| !next.columns[c].hidden),
        );
        let mut counters = Numbering::new(&fresh, auto, auto_increment.unwrap_or(1));
        if !appended || !built.is_empty() || auto.is_some() {
            self.rebuild(&cur, &next, sources, &built, !appended, &mut counters)?;
        }
        for (c, v) in counters.finish() {
            self.counter_sets.push((cur.id, c, v));
        }
        if renamed {
            self.state
                .catalog
                .tables
                .remove(&(cur.db.clone(), cur.name.clone()));
        }
        self.put_table(next.clone())
    }

    /// Reads every row under `cur`; writes it back under `next` when
    /// `rewrite` (column `i` of `next` taking the value of column
    /// `sources[i]` of `cur`, the columns `counters` numbers taking their
    /// number), and adds its entries of the `built` indexes.
    fn rebuild(
        &mut self,
        cur: &TableDef,
        next: &TableDef,
        sources: &[Option<usize>],
        built: &[&IndexDef],
        rewrite: bool,
        counters: &mut Numbering,
    ) -> SqlResult<()> {
        let mut seen: Vec<HashSet<Vec<u8>>> = built.iter().map(|_| HashSet::new()).collect();
        let mut prefix = Vec::with_capacity(8);
        table_prefix(&mut prefix, cur.id);
        let mut entry = Vec::new();
        let mut buf = Vec::new();
        let mut new_key = Vec::new();
        let mut warnings = Vec::new();
        let mut keys_seen = HashSet::new();
        let rows = self.store.rows.clone();
        for (n, item) in rows.prefix(&prefix).enumerate() {
            let (k, v) = item.into_inner().map_err(storage_error)?;
            let row: Row = if rewrite {
                // Values move to their column's new position and type, as
                // a strict-mode ALTER converts them (too long, out of range
                // and bad values fail it).
                let old = decode_row(&v, cur)?;
                let mut row = Vec::with_capacity(next.columns.len());
                for (pos, (m, c)) in sources.iter().zip(&next.columns).enumerate() {
                    let v = match m {
                        Some(i) => crate::eval::coerce_to_column(
                            old[*i].clone(),
                            c,
                            true,
                            n as u64 + 1,
                            &mut warnings,
                        )
                        .map_err(|e| altered_value_error(e, c, n + 1))?,
                        None => super::rows::default_of(c),
                    };
                    let v = counters.number(pos, c, v)?;
                    if v.is_null() && !c.nullable {
                        // As a strict-mode ALTER in MariaDB.
                        return Err(SqlError::code(
                            1265,
                            format!("Data truncated for column '{}' at row {}", c.name, n + 1),
                        ));
                    }
                    row.push(v);
                }
                row
            } else {
                let row = decode_row(&v, next)?;
                counters.observe(&row);
                row
            };
            let k: Vec<u8> = if rewrite {
                // A changed key column type may change the key's bytes.
                keys::row_key(&mut new_key, next, &row);
                if !keys_seen.insert(new_key.clone()) {
                    return Err(er::dup_entry(
                        &keys::display_key(&row, &next.primary_key),
                        "PRIMARY",
                    ));
                }
                // The old key goes, unless a row already moved onto it
                // (the batch applies in order).
                if new_key.as_slice() != &*k && !keys_seen.contains(&*k) {
                    self.batch.remove(&rows, k.to_vec());
                }
                buf.clear();
                encode_row(&mut buf, &row);
                self.batch.insert(&rows, new_key.clone(), buf.clone());
                new_key.clone()
            } else {
                k.to_vec()
            };
            for (ix, seen) in built.iter().zip(seen.iter_mut()) {
                if ix.unique {
                    if let Some(u) = unique_prefix(next, ix, &row) {
                        if !seen.insert(u) {
                            return Err(er::dup_entry(
                                &keys::display_key(&row, &ix.columns),
                                &ix.name,
                            ));
                        }
                    }
                }
                index_entry_key(&mut entry, next, ix, &row, &k);
                self.batch.insert(
                    &self.store.index,
                    entry.clone(),
                    keys::pk_suffix(&k).to_vec(),
                );
            }
        }
        Ok(())
    }
}

/// The counters an ALTER TABLE starts: columns that became counted, whose
/// rows holding 0 or NULL are numbered in key order, as MariaDB's copying
/// ALTER inserts them (a value in the rows moves the counter past it), and
/// the AUTO_INCREMENT column of `AUTO_INCREMENT=N`, which only looks.
#[derive(Default)]
struct Numbering {
    /// (column, last value, numbers rows).
    columns: Vec<(usize, u64, bool)>,
}

impl Numbering {
    fn new(fresh: &[usize], auto: Option<usize>, start: u64) -> Numbering {
        let start_of = |c: usize| {
            if Some(c) == auto {
                start.saturating_sub(1)
            } else {
                0
            }
        };
        let mut columns: Vec<(usize, u64, bool)> =
            fresh.iter().map(|&c| (c, start_of(c), true)).collect();
        if let Some(a) = auto.filter(|a| !fresh.contains(a)) {
            columns.push((a, start_of(a), false));
        }
        Numbering { columns }
    }

    /// The value column `pos` holds: its number when it asks for one.
    fn number(&mut self, pos: usize, col: &crate::schema::ColumnDef, v: Value) -> SqlResult<Value> {
        let Some((_, last, numbers)) = self.columns.iter_mut().find(|(c, ..)| *c == pos) else {
            return Ok(v);
        };
        let explicit = match &v {
            Value::Int(i) if *i > 0 => Some(*i as u64),
            Value::UInt(u) if *u > 0 => Some(*u),
            Value::Null | Value::Int(0) | Value::UInt(0) => None,
            _ => return Ok(v),
        };
        match explicit {
            Some(x) => {
                *last = (*last).max(x);
                Ok(v)
            }
            None if *numbers => {
                *last += 1;
                Ok(if col.unsigned {
                    Value::UInt(*last)
                } else {
                    Value::Int(i64::try_from(*last).unwrap_or(i64::MAX))
                })
            }
            None => Ok(v),
        }
    }

    /// Moves the counters past the values a row kept as it was.
    fn observe(&mut self, row: &Row) {
        for (c, last, _) in &mut self.columns {
            match row.get(*c) {
                Some(Value::Int(i)) if *i > 0 => *last = (*last).max(*i as u64),
                Some(Value::UInt(u)) => *last = (*last).max(*u),
                _ => {}
            }
        }
    }

    /// (column, last value) of each counter.
    fn finish(self) -> impl Iterator<Item = (usize, u64)> {
        self.columns.into_iter().map(|(c, last, _)| (c, last))
    }
}

/// Whether the rows stored under `cur` read correctly under `new` as they
/// are: every existing column keeps its position, stored form and default,
/// and added columns come last. Rows store their values by position and a
/// row written before a column was added reads that column's default, so
/// a changed default, a moved or retyped column, or a new primary key means
/// rewriting every row. A column that becomes NOT NULL does too, as every
/// row must be checked for a NULL.
fn rows_stay(cur: &TableDef, new: &TableDef, sources: &[Option<usize>]) -> bool {
    new.columns.len() >= cur.columns.len()
        && cur.columns.iter().enumerate().all(|(i, a)| {
            let b = &new.columns[i];
            sources[i] == Some(i)
                && a.ty == b.ty
                && a.unsigned == b.unsigned
                && a.collation == b.collation
                && a.default == b.default
                && (b.nullable || !a.nullable)
        })
        && sources[cur.columns.len()..].iter().all(Option::is_none)
        && cur.primary_key == new.primary_key
}

/// MariaDB's ALTER reports a string cut short as 1265 "Data truncated",
/// where an INSERT says 1406 "Data too long".
fn altered_value_error(e: SqlError, col: &crate::schema::ColumnDef, row: usize) -> SqlError {
    if e.code == 1406 {
        return SqlError::code(
            1265,
            format!("Data truncated for column '{}' at row {row}", col.name),
        );
    }
    e
}
