//! A transaction on the embedded node: READ COMMITTED reads over its own
//! write set, row locks held to the end, writes that keep indexes and
//! uniqueness, savepoints as lengths of the undo log.

use super::aggregates::Partials;
use super::commit::{CommitRequest, WriterHandle};
use super::keys::{
    self, encode_value, index_entry_key, index_prefix, prefix_successor, row_key, row_key_of,
    table_prefix, unique_prefix, Fit, Round,
};
use super::locks::TxnId;
use super::rows::{decode_projected, decode_row, decode_row_into, encode_row, Columns};
use super::view::{storage_error, View};
use super::writeset::{Space, WriteSet};
use super::Shared;
use crate::error::{er, SqlError, SqlResult, SqlWarning};
use crate::eval::{self, assign, EvalCtx};
use crate::expr::Expr;
use crate::node::NodeTxn;
use crate::request::{Access, LockMode, OnConflict, PartialAgg, Read, Write, WriteOutcome};
use crate::schema::{IndexDef, TableDef};
use crate::value::{Row, Value};
use async_trait::async_trait;
use std::collections::{HashMap, HashSet};
use std::ops::Bound;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// Rows a locking scan reads ahead before it locks them one by one.
const LOCK_CHUNK: usize = 128;

/// A long scan gives its runtime worker back this often, so that one full
/// table scan does not stall the point gets of other sessions.
const SCAN_YIELD_ROWS: usize = 2048;

type KeyBounds = (Bound<Vec<u8>>, Bound<Vec<u8>>);

/// A key a row would duplicate: its name, its columns, the other row's key.
type Conflict<'t> = (&'t str, &'t [usize], Vec<u8>);

pub struct EmbeddedTxn {
    shared: Arc<Shared>,
    writer: WriterHandle,
    id: TxnId,
    read_only: bool,
    lock_wait: Duration,
    ws: WriteSet,
    /// Lock keys held (`r` + row key, `u` + unique value), with their mode.
    held: HashMap<Vec<u8>, LockMode>,
    /// Definitions written under, checked again at commit.
    tables: Vec<Arc<TableDef>>,
    /// Auto-increment counters advanced, stored with the commit.
    counters: Vec<(u64, usize)>,
    savepoints: Vec<(String, usize)>,
}

fn row_lock(row_key: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(row_key.len() + 1);
    k.push(b'r');
    k.extend_from_slice(row_key);
    k
}

fn unique_lock(prefix: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(prefix.len() + 1);
    k.push(b'u');
    k.extend_from_slice(prefix);
    k
}

/// The projected columns of `row` (all of them without a projection).
fn project(mut row: Row, projection: &Option<Vec<usize>>) -> Row {
    match projection {
        None => row,
        Some(p) => project_from(&mut row, p),
    }
}

/// The projected columns of a decoded row, taken out of it (the buffer is
/// reused for the next row): each is moved unless the projection names it
/// again later (then it is cloned).
fn project_from(row: &mut [Value], projection: &[usize]) -> Row {
    projection
        .iter()
        .enumerate()
        .map(|(j, &i)| match row.get_mut(i) {
            Some(v) if projection[j + 1..].contains(&i) => v.clone(),
            Some(v) => std::mem::replace(v, Value::Null),
            None => Value::Null,
        })
        .collect()
}

/// The projection of a read whose rows can be decoded straight into their
/// projected form (no table-wide row in between, nothing to copy out of
/// it): no filter to run over the table's columns, and the columns in
/// table order, each once, as sysbench's `SELECT c ... WHERE id ...` are.
fn direct_projection(req: &Read) -> Option<&[usize]> {
    match (&req.projection, &req.filter) {
        (Some(p), None) if p.windows(2).all(|w| w[0] < w[1]) => Some(p),
        _ => None,
    }
}

/// Which columns a read must decode: those the filter reads and those it
/// returns (all of them without a projection).
fn wanted_columns(req: &Read) -> Columns {
    let Some(projection) = &req.projection else {
        return Columns::ALL;
    };
    let mut wanted = Columns::NONE;
    for &i in projection {
        wanted.add(i);
    }
    if let Some(f) = &req.filter {
        let mut cols = Vec::new();
        f.columns(&mut cols);
        for i in cols {
            wanted.add(i);
        }
    }
    wanted
}

fn passes(filter: Option<&Expr>, row: &[Value], ctx: &mut EvalCtx) -> SqlResult<bool> {
    match filter {
        Some(f) => eval::matches(f, row, ctx),
        None => Ok(true),
    }
}

fn limit_of(limit: Option<u64>) -> usize {
    limit.map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX))
}

fn in_bounds(key: &[u8], (lo, hi): &KeyBounds) -> bool {
    let above = match lo {
        Bound::Included(l) => key >= l.as_slice(),
        Bound::Excluded(l) => key > l.as_slice(),
        Bound::Unbounded => true,
    };
    let below = match hi {
        Bound::Included(h) => key <= h.as_slice(),
        Bound::Excluded(h) => key < h.as_slice(),
        Bound::Unbounded => true,
    };
    above && below
}

fn find_index(table: &TableDef, id: u32) -> SqlResult<&IndexDef> {
    table
        .indexes
        .iter()
        .find(|i| i.id == id)
        .ok_or_else(|| er::internal(format!("table {} has no index {id}", table.name)))
}

/// Encodes a prefix bound of the `cols` of an index. A value the columns
/// cannot hold exactly moves the bound inward and makes it inclusive.
fn encode_bound(
    prefix: &[u8],
    vals: &[Value],
    cols: &[usize],
    table: &TableDef,
    round: Round,
) -> (Vec<u8>, Fit) {
    let mut out = prefix.to_vec();
    for (v, &c) in vals.iter().zip(cols) {
        let Some(def) = table.columns.get(c) else {
            return (out, Fit::Impossible);
        };
        match encode_value(&mut out, v, def, round) {
            Fit::Exact => {}
            other => return (out, other),
        }
    }
    (out, Fit::Exact)
}

/// Storage key bounds of a range access; None when nothing can match.
fn scan_bounds(
    table: &TableDef,
    index: Option<u32>,
    lower: &Bound<Vec<Value>>,
    upper: &Bound<Vec<Value>>,
) -> SqlResult<Option<KeyBounds>> {
    let mut prefix = Vec::with_capacity(12);
    let cols: &[usize] = match index {
        None => {
            table_prefix(&mut prefix, table.id);
            &table.primary_key
        }
        Some(id) => {
            index_prefix(&mut prefix, table.id, id);
            &find_index(table, id)?.columns
        }
    };
    let lo = match lower {
        Bound::Unbounded => Bound::Included(prefix.clone()),
        Bound::Included(vals) | Bound::Excluded(vals) => {
            match encode_bound(&prefix, vals, cols, table, Round::Up) {
                (_, Fit::Impossible) => return Ok(None),
                (k, Fit::Rounded) => Bound::Included(k),
                (k, Fit::Exact) if matches!(lower, Bound::Included(_)) => Bound::Included(k),
                (k, Fit::Exact) => match prefix_successor(&k) {
                    Some(s) => Bound::Included(s),
                    None => return Ok(None),
                },
            }
        }
    };
    let after = |k: &[u8]| prefix_successor(k).map_or(Bound::Unbounded, Bound::Excluded);
    let hi = match upper {
        Bound::Unbounded => after(&prefix),
        Bound::Included(vals) | Bound::Excluded(vals) => {
            match encode_bound(&prefix, vals, cols, table, Round::Down) {
                (_, Fit::Impossible) => return Ok(None),
                (k, Fit::Exact) if matches!(upper, Bound::Excluded(_)) => Bound::Excluded(k),
                (k, _) => after(&k),
            }
        }
    };
    Ok(Some((lo, hi)))
}

/// Encodes the row key of the primary-key values `key` into `out`; false
/// when no row can have that key (a NULL, or a value the key column cannot
/// hold exactly).
fn encode_key(out: &mut Vec<u8>, table: &TableDef, key: &[Value]) -> SqlResult<bool> {
    if key.len() != table.primary_key.len() {
        return Err(er::internal(format!(
            "key of {} values for a primary key of {}",
            key.len(),
            table.primary_key.len()
        )));
    }
    out.clear();
    table_prefix(out, table.id);
    for (v, &c) in key.iter().zip(&table.primary_key) {
        let Some(def) = table.columns.get(c) else {
            return Ok(false);
        };
        if v.is_null() || encode_value(out, v, def, Round::Exact) != Fit::Exact {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The row keys of a batch of primary-key values, in the order given, each
/// once; values no row can have are left out. Each key is encoded into one
/// reused buffer (a lending iterator: `while let Some(rk) = keys.next()?`).
struct RowKeys<'a> {
    table: &'a TableDef,
    keys: std::slice::Iter<'a, Vec<Value>>,
    buf: Vec<u8>,
    /// Keys returned so far; only kept for batches of several.
    seen: Option<HashSet<Vec<u8>>>,
}

impl<'a> RowKeys<'a> {
    fn new(table: &'a TableDef, keys: &'a [Vec<Value>]) -> Self {
        RowKeys {
            table,
            keys: keys.iter(),
            buf: Vec::with_capacity(24),
            seen: (keys.len() > 1).then(HashSet::new),
        }
    }

    fn next(&mut self) -> SqlResult<Option<&[u8]>> {
        for k in self.keys.by_ref() {
            if !encode_key(&mut self.buf, self.table, k)? {
                continue;
            }
            if let Some(seen) = &mut self.seen {
                if !seen.insert(self.buf.clone()) {
                    continue;
                }
            }
            return Ok(Some(&self.buf));
        }
        Ok(None)
    }
}

/// Key batches from this size on are read with one range iterator when
/// their keys come in ascending order (`ascending_row_keys`): a point get
/// costs about 6,300 instructions in fjall, half of them the block index
/// seek, a step of an iterator a fifth of that.
const KEY_BATCH_SCAN: usize = 8;

/// The row keys of a batch, encoded, when they come strictly ascending
/// (the planner sorts and dedups IN lists): then reading them in key order
/// returns the rows in the order asked. None otherwise, or when a value can
/// be no key at all.
fn ascending_row_keys(table: &TableDef, keys: &[Vec<Value>]) -> SqlResult<Option<Vec<Vec<u8>>>> {
    let mut out: Vec<Vec<u8>> = Vec::with_capacity(keys.len());
    let mut buf = Vec::with_capacity(24);
    for k in keys {
        if !encode_key(&mut buf, table, k)? {
            return Ok(None);
        }
        if out
            .last()
            .is_some_and(|prev| prev.as_slice() >= buf.as_slice())
        {
            return Ok(None);
        }
        out.push(buf.clone());
    }
    Ok((!out.is_empty()).then_some(out))
}

/// A value of an auto-increment column that asks for a generated one.
fn asks_for_auto(v: &Value) -> bool {
    matches!(v, Value::Null | Value::Int(0) | Value::UInt(0))
}

impl EmbeddedTxn {
    pub(crate) fn new(
        shared: Arc<Shared>,
        writer: WriterHandle,
        id: TxnId,
        read_only: bool,
        lock_wait: Duration,
    ) -> EmbeddedTxn {
        EmbeddedTxn {
            shared,
            writer,
            id,
            read_only,
            lock_wait,
            ws: WriteSet::default(),
            held: HashMap::new(),
            tables: Vec::new(),
            counters: Vec::new(),
            savepoints: Vec::new(),
        }
    }

    async fn lock(&mut self, key: Vec<u8>, mode: LockMode) -> SqlResult<()> {
        if let Some(&m) = self.held.get(&key) {
            if m == LockMode::Exclusive || m == mode {
                return Ok(());
            }
        }
        self.shared
            .locks
            .lock(self.id, &key, mode, self.lock_wait)
            .await?;
        self.held.insert(key, mode);
        Ok(())
    }

    fn release_locks(&mut self) {
        let held = std::mem::take(&mut self.held);
        if !held.is_empty() {
            self.shared.locks.release(self.id, held.into_keys());
        }
    }

    fn touch(&mut self, table: &Arc<TableDef>) {
        if !self.tables.iter().any(|t| t.id == table.id) {
            self.tables.push(table.clone());
        }
    }

    /// The latest committed row (or this transaction's version of it).
    fn latest_row(&self, table: &TableDef, rk: &[u8]) -> SqlResult<Option<Row>> {
        let view = View::latest(&self.shared.store, &self.ws);
        match view.get(Space::Rows, rk)? {
            Some(v) => Ok(Some(decode_row(&v, table)?)),
            None => Ok(None),
        }
    }

    /// A plain READ COMMITTED read: one snapshot, no locks, no waiting.
    /// Each stored row is decoded into one reused buffer (only the columns
    /// the filter and the projection use), and only a row the filter keeps
    /// is copied out: one allocation per returned row, none per key.
    async fn read_plain(&self, req: &Read) -> SqlResult<Vec<Row>> {
        let limit = limit_of(req.limit);
        if limit == 0 {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        let direct = direct_projection(req);
        self.scan_plain(req, direct, |row| {
            out.push(match &req.projection {
                Some(p) if direct.is_none() => project_from(row, p),
                _ => std::mem::replace(row, Vec::with_capacity(row.len())),
            });
            Ok(out.len() < limit)
        })
        .await?;
        Ok(out)
    }

    /// Runs [`EmbeddedTxn::read_plain`]'s scan, handing each row the filter
    /// keeps (table positions, the wanted columns decoded) to `sink` until
    /// it answers false. With a `direct` projection (see
    /// [`direct_projection`]) the rows handed over hold just its columns.
    async fn scan_plain(
        &self,
        req: &Read,
        direct: Option<&[usize]>,
        mut sink: impl FnMut(&mut Row) -> SqlResult<bool> + Send,
    ) -> SqlResult<()> {
        let table = &*req.table;
        // A read of one row by its key makes a single storage read, which
        // sees one committed state on its own; opening a snapshot for it
        // (a tracker entry taken and released under a shared lock) would
        // only add cost and contention between concurrent point selects.
        let view = match &req.access {
            Access::Keys(keys) if keys.len() == 1 => View::latest(&self.shared.store, &self.ws),
            _ => View::snapshot(&self.shared.store, &self.ws),
        };
        let mut ctx = EvalCtx::new(&req.params);
        let filter = req.filter.as_ref();
        let wanted = wanted_columns(req);
        let mut row: Row = Vec::with_capacity(direct.map_or(table.columns.len(), <[usize]>::len));
        // Decodes a stored row; false once the sink has had enough.
        let mut emit = |stored: &[u8], row: &mut Row, ctx: &mut EvalCtx| -> SqlResult<bool> {
            if let Some(p) = direct {
                decode_projected(stored, table, p, row)?;
                return sink(row);
            }
            decode_row_into(stored, table, wanted, row)?;
            if passes(filter, row, ctx)? {
                return sink(row);
            }
            Ok(true)
        };
        match &req.access {
            Access::Keys(keys) => {
                let batch = if keys.len() >= KEY_BATCH_SCAN {
                    ascending_row_keys(table, keys)?
                } else {
                    None
                };
                match batch {
                    Some(wanted) => {
                        // One pass of a range iterator over the keys' span
                        // instead of a point get (a block index seek) per
                        // key; given up for point gets once the span shows
                        // many more rows than were asked for.
                        let (first, last) = (&wanted[0], &wanted[wanted.len() - 1]);
                        let span = view.range(
                            Space::Rows,
                            Bound::Included(first.clone()),
                            Bound::Included(last.clone()),
                            false,
                        );
                        let budget = 2 * wanted.len() + 16;
                        let (mut next, mut scanned) = (0, 0);
                        let mut rest = false;
                        for item in span {
                            let (k, v) = item?;
                            while wanted.get(next).is_some_and(|w| w.as_slice() < &*k) {
                                next += 1;
                            }
                            if wanted.get(next).is_some_and(|w| w.as_slice() == &*k) {
                                next += 1;
                                if !emit(&v, &mut row, &mut ctx)? {
                                    break;
                                }
                            }
                            scanned += 1;
                            if next == wanted.len() {
                                break;
                            }
                            if scanned >= budget {
                                rest = true;
                                break;
                            }
                            if scanned.is_multiple_of(SCAN_YIELD_ROWS) {
                                tokio::task::yield_now().await;
                            }
                        }
                        if rest {
                            for rk in &wanted[next..] {
                                if let Some(v) = view.get(Space::Rows, rk)? {
                                    if !emit(&v, &mut row, &mut ctx)? {
                                        break;
                                    }
                                }
                            }
                        }
                    }
                    None => {
                        let mut keys = RowKeys::new(table, keys);
                        while let Some(rk) = keys.next()? {
                            if let Some(v) = view.get(Space::Rows, rk)? {
                                if !emit(&v, &mut row, &mut ctx)? {
                                    break;
                                }
                            }
                        }
                    }
                }
            }
            Access::Range {
                index,
                lower,
                upper,
                reverse,
            } => {
                let Some((lo, hi)) = scan_bounds(table, *index, lower, upper)? else {
                    return Ok(());
                };
                let space = if index.is_some() {
                    Space::Index
                } else {
                    Space::Rows
                };
                let mut rk = Vec::with_capacity(24);
                // One entry in the range: false once the sink has had enough.
                let mut step = |v: &[u8]| -> SqlResult<bool> {
                    match index {
                        None => emit(v, &mut row, &mut ctx),
                        Some(_) => {
                            row_key_of(&mut rk, table.id, v);
                            match view.get(Space::Rows, &rk)? {
                                Some(r) => emit(&r, &mut row, &mut ctx),
                                None => Ok(true),
                            }
                        }
                    }
                };
                let mut scanned = 0usize;
                let mut merged = view.range(space, lo, hi, *reverse);
                match merged.take_stored() {
                    // No own writes in the range (a read-only transaction's
                    // case): storage's iterator, stepped here directly,
                    // about 100 instructions per row fewer than through
                    // the merge.
                    Some(stored) => {
                        let Some(mut it) = stored else {
                            return Ok(());
                        };
                        loop {
                            let next = if *reverse { it.next_back() } else { it.next() };
                            let Some(guard) = next else { break };
                            let v = guard.value().map_err(storage_error)?;
                            if !step(&v)? {
                                break;
                            }
                            scanned += 1;
                            if scanned.is_multiple_of(SCAN_YIELD_ROWS) {
                                tokio::task::yield_now().await;
                            }
                        }
                    }
                    None => {
                        for item in merged {
                            let (_, v) = item?;
                            if !step(&v)? {
                                break;
                            }
                            scanned += 1;
                            if scanned.is_multiple_of(SCAN_YIELD_ROWS) {
                                tokio::task::yield_now().await;
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Rows the access finds and the filter keeps, each locked in `mode`
    /// and read again after locking (the latest committed version is the
    /// one that counts once the lock is held), with their row keys.
    async fn scan_locked(
        &mut self,
        table: &TableDef,
        access: &Access,
        filter: Option<&Expr>,
        params: &[Value],
        limit: Option<u64>,
        mode: LockMode,
    ) -> SqlResult<Vec<(Vec<u8>, Row)>> {
        let limit = limit_of(limit);
        let mut out = Vec::new();
        if limit == 0 {
            return Ok(out);
        }
        let mut ctx = EvalCtx::new(params);
        match access {
            Access::Keys(keys) => {
                let mut keys = RowKeys::new(table, keys);
                while let Some(rk) = keys.next()? {
                    let rk = rk.to_vec();
                    self.lock(row_lock(&rk), mode).await?;
                    if let Some(row) = self.latest_row(table, &rk)? {
                        if passes(filter, &row, &mut ctx)? {
                            out.push((rk, row));
                            if out.len() >= limit {
                                break;
                            }
                        }
                    }
                }
            }
            Access::Range {
                index,
                lower,
                upper,
                reverse,
            } => {
                let Some(bounds) = scan_bounds(table, *index, lower, upper)? else {
                    return Ok(out);
                };
                let ix = index.map(|id| find_index(table, id)).transpose()?;
                let space = if ix.is_some() {
                    Space::Index
                } else {
                    Space::Rows
                };
                let (mut lo, mut hi) = bounds.clone();
                let mut entry = Vec::new();
                // A row another transaction moved ahead of the cursor (its
                // index value changed before we locked it) shows up again.
                let mut taken: HashSet<Vec<u8>> = HashSet::new();
                loop {
                    // Read ahead without locks; rows the filter rejects now
                    // are not locked (as InnoDB's semi-consistent read).
                    let mut chunk = Vec::new();
                    let mut last = None;
                    {
                        let view = View::snapshot(&self.shared.store, &self.ws);
                        for item in view.range(space, lo.clone(), hi.clone(), *reverse) {
                            let (k, v) = item?;
                            last = Some(k.to_vec());
                            let rk = match ix {
                                None => k.to_vec(),
                                Some(_) => {
                                    let mut rk = Vec::with_capacity(24);
                                    row_key_of(&mut rk, table.id, &v);
                                    rk
                                }
                            };
                            let row = match ix {
                                None => decode_row(&v, table)?,
                                Some(_) => match view.get(Space::Rows, &rk)? {
                                    Some(r) => decode_row(&r, table)?,
                                    None => continue,
                                },
                            };
                            if passes(filter, &row, &mut ctx)? {
                                chunk.push(rk);
                                if chunk.len() >= LOCK_CHUNK {
                                    break;
                                }
                            }
                        }
                    }
                    let exhausted = chunk.len() < LOCK_CHUNK;
                    for rk in chunk {
                        self.lock(row_lock(&rk), mode).await?;
                        let Some(row) = self.latest_row(table, &rk)? else {
                            continue;
                        };
                        // The row may have left the scanned index range
                        // while we waited for it.
                        if let Some(ix) = ix {
                            index_entry_key(&mut entry, table, ix, &row, &rk);
                            if !in_bounds(&entry, &bounds) || taken.contains(&rk) {
                                continue;
                            }
                        }
                        if passes(filter, &row, &mut ctx)? {
                            if ix.is_some() {
                                taken.insert(rk.clone());
                            }
                            out.push((rk, row));
                            if out.len() >= limit {
                                return Ok(out);
                            }
                        }
                    }
                    match (exhausted, last) {
                        (false, Some(k)) if *reverse => hi = Bound::Excluded(k),
                        (false, Some(k)) => lo = Bound::Excluded(k),
                        _ => break,
                    }
                }
            }
        }
        Ok(out)
    }

    /// The first key a row would duplicate: PRIMARY, then unique indexes in
    /// order. `own` is the row's previous key (an UPDATE may keep its
    /// values); `only` limits the unique indexes checked.
    fn find_conflict<'t>(
        &self,
        table: &'t TableDef,
        row: &[Value],
        rk: &[u8],
        own: Option<&[u8]>,
        only: Option<&[u32]>,
    ) -> SqlResult<Option<Conflict<'t>>> {
        let view = View::latest(&self.shared.store, &self.ws);
        if Some(rk) != own && view.exists(Space::Rows, rk)? {
            return Ok(Some(("PRIMARY", &table.primary_key, rk.to_vec())));
        }
        let mut other = Vec::with_capacity(24);
        for ix in table.indexes.iter().filter(|i| i.unique) {
            if only.is_some_and(|o| !o.contains(&ix.id)) {
                continue;
            }
            let Some(u) = unique_prefix(table, ix, row) else {
                continue;
            };
            let hi = prefix_successor(&u).map_or(Bound::Unbounded, Bound::Excluded);
            for item in view.range(Space::Index, Bound::Included(u), hi, false) {
                let (_, pk) = item?;
                row_key_of(&mut other, table.id, &pk);
                if other.as_slice() != rk && Some(other.as_slice()) != own {
                    return Ok(Some((&ix.name, &ix.columns, other)));
                }
            }
        }
        Ok(None)
    }

    fn put_row(&mut self, table: &TableDef, rk: &[u8], row: &[Value]) {
        let mut buf = Vec::with_capacity(64);
        encode_row(&mut buf, row);
        self.ws.put(Space::Rows, rk, Some(buf));
        let mut entry = Vec::with_capacity(32);
        for ix in &table.indexes {
            index_entry_key(&mut entry, table, ix, row, rk);
            self.ws
                .put(Space::Index, &entry, Some(keys::pk_suffix(rk).to_vec()));
        }
    }

    fn delete_row(&mut self, table: &TableDef, rk: &[u8], row: &[Value]) {
        self.ws.put(Space::Rows, rk, None);
        let mut entry = Vec::with_capacity(32);
        for ix in &table.indexes {
            index_entry_key(&mut entry, table, ix, row, rk);
            self.ws.put(Space::Index, &entry, None);
        }
    }

    /// Locks the unique values of a row (so that a concurrent insert of the
    /// same value waits for this transaction's outcome).
    async fn lock_unique_values(
        &mut self,
        table: &TableDef,
        row: &[Value],
        only: Option<&[u32]>,
    ) -> SqlResult<()> {
        for ix in table.indexes.iter().filter(|i| i.unique) {
            if only.is_some_and(|o| !o.contains(&ix.id)) {
                continue;
            }
            if let Some(u) = unique_prefix(table, ix, row) {
                self.lock(unique_lock(&u), LockMode::Exclusive).await?;
            }
        }
        Ok(())
    }

    /// Replaces row `old` (key `old_rk`) by `new`, moving it if its primary
    /// key changed and touching only the index entries that changed.
    async fn update_row(
        &mut self,
        table: &TableDef,
        old_rk: &[u8],
        old: &[Value],
        new: &[Value],
    ) -> SqlResult<()> {
        let mut new_rk = Vec::with_capacity(old_rk.len());
        row_key(&mut new_rk, table, new);
        let moved = new_rk != old_rk;
        if moved {
            self.lock(row_lock(&new_rk), LockMode::Exclusive).await?;
        }
        let changed_unique: Vec<u32> = table
            .indexes
            .iter()
            .filter(|ix| {
                ix.unique && unique_prefix(table, ix, old) != unique_prefix(table, ix, new)
            })
            .map(|ix| ix.id)
            .collect();
        self.lock_unique_values(table, old, Some(&changed_unique))
            .await?;
        self.lock_unique_values(table, new, Some(&changed_unique))
            .await?;
        if let Some((name, cols, _)) =
            self.find_conflict(table, new, &new_rk, Some(old_rk), Some(&changed_unique))?
        {
            return Err(er::dup_entry(&keys::display_key(new, cols), name));
        }
        let (mut old_entry, mut new_entry) = (Vec::new(), Vec::new());
        for ix in &table.indexes {
            index_entry_key(&mut old_entry, table, ix, old, old_rk);
            index_entry_key(&mut new_entry, table, ix, new, &new_rk);
            if old_entry != new_entry {
                self.ws.put(Space::Index, &old_entry, None);
                self.ws.put(
                    Space::Index,
                    &new_entry,
                    Some(keys::pk_suffix(&new_rk).to_vec()),
                );
            }
        }
        if moved {
            self.ws.put(Space::Rows, old_rk, None);
        }
        let mut buf = Vec::with_capacity(64);
        encode_row(&mut buf, new);
        self.ws.put(Space::Rows, &new_rk, Some(buf));
        Ok(())
    }

    async fn write_inner(&mut self, req: &Write) -> SqlResult<WriteOutcome> {
        self.touch(req.table());
        match req {
            Write::Insert {
                table,
                rows,
                on_conflict,
                params,
                strict,
            } => self.insert(table, rows, on_conflict, params, *strict).await,
            Write::Update {
                table,
                access,
                filter,
                assignments,
                limit,
                params,
                strict,
                ignore,
            } => {
                let targets = self
                    .scan_locked(
                        table,
                        access,
                        filter.as_ref(),
                        params,
                        *limit,
                        LockMode::Exclusive,
                    )
                    .await?;
                let mut out = WriteOutcome::default();
                let mut ctx = EvalCtx::new(params);
                for (rk, old) in targets {
                    out.matched += 1;
                    let new = assign(table, &old, assignments, &mut ctx, *strict, out.matched)?;
                    if new != old {
                        match self.update_row(table, &rk, &old, &new).await {
                            Ok(()) => out.affected += 1,
                            // update_row checks for a conflict before it
                            // writes anything.
                            Err(e) if *ignore && e.code == 1062 => {}
                            Err(e) => return Err(e),
                        }
                    }
                }
                out.warnings = ctx.warnings;
                Ok(out)
            }
            Write::Delete {
                table,
                access,
                filter,
                limit,
                params,
            } => {
                let targets = self
                    .scan_locked(
                        table,
                        access,
                        filter.as_ref(),
                        params,
                        *limit,
                        LockMode::Exclusive,
                    )
                    .await?;
                let mut out = WriteOutcome::default();
                for (rk, row) in targets {
                    self.lock_unique_values(table, &row, None).await?;
                    self.delete_row(table, &rk, &row);
                    out.affected += 1;
                }
                Ok(out)
            }
        }
    }

    async fn insert(
        &mut self,
        table: &TableDef,
        rows: &[Row],
        on_conflict: &OnConflict,
        params: &[Value],
        strict: bool,
    ) -> SqlResult<WriteOutcome> {
        let mut out = WriteOutcome::default();
        // The hidden primary key of a table declared without one is numbered
        // like an AUTO_INCREMENT column, but never reported to the client.
        let auto = table.auto_increment_column();
        let hidden = table
            .has_hidden_pk()
            .then(|| table.primary_key[0])
            .filter(|&c| Some(c) != auto);
        let counters: Vec<(usize, bool, Arc<std::sync::atomic::AtomicU64>)> = auto
            .map(|c| (c, true))
            .into_iter()
            .chain(hidden.map(|c| (c, false)))
            .map(|(c, visible)| {
                let visible = visible && !table.columns[c].hidden;
                (c, visible, self.shared.counter(table.id, c))
            })
            .collect();
        for &(c, _, _) in &counters {
            if !self.counters.contains(&(table.id, c)) {
                self.counters.push((table.id, c));
            }
        }
        for (n, row) in rows.iter().enumerate() {
            let mut row = row.clone();
            if row.len() != table.columns.len() {
                return Err(er::internal(format!(
                    "insert row of {} values into {} columns",
                    row.len(),
                    table.columns.len()
                )));
            }
            for (c, visible, counter) in &counters {
                if asks_for_auto(&row[*c]) {
                    let v = counter.fetch_add(1, Ordering::SeqCst) + 1;
                    row[*c] = if table.columns[*c].unsigned {
                        Value::UInt(v)
                    } else {
                        Value::Int(i64::try_from(v).unwrap_or(i64::MAX))
                    };
                    if *visible && out.first_insert_id.is_none() {
                        out.first_insert_id = Some(v);
                    }
                } else {
                    let explicit = match row[*c] {
                        Value::Int(i) if i > 0 => Some(i as u64),
                        Value::UInt(u) => Some(u),
                        _ => None,
                    };
                    if let Some(v) = explicit {
                        counter.fetch_max(v, Ordering::SeqCst);
                    }
                }
            }
            self.insert_row(
                table,
                row,
                on_conflict,
                params,
                strict,
                n as u64 + 1,
                &mut out,
            )
            .await?;
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    async fn insert_row(
        &mut self,
        table: &TableDef,
        row: Row,
        on_conflict: &OnConflict,
        params: &[Value],
        strict: bool,
        row_no: u64,
        out: &mut WriteOutcome,
    ) -> SqlResult<()> {
        let mut rk = Vec::with_capacity(24);
        row_key(&mut rk, table, &row);
        self.lock(row_lock(&rk), LockMode::Exclusive).await?;
        self.lock_unique_values(table, &row, None).await?;
        loop {
            let Some((name, cols, other)) = self.find_conflict(table, &row, &rk, None, None)?
            else {
                self.put_row(table, &rk, &row);
                out.affected += 1;
                return Ok(());
            };
            let dup = || er::dup_entry(&keys::display_key(&row, cols), name);
            match on_conflict {
                OnConflict::Error => return Err(dup()),
                OnConflict::Ignore => {
                    out.warnings.push(SqlWarning::new(1062, dup().message));
                    out.duplicates += 1;
                    return Ok(());
                }
                OnConflict::Replace => {
                    self.lock(row_lock(&other), LockMode::Exclusive).await?;
                    let Some(old) = self.latest_row(table, &other)? else {
                        return Err(dangling(table, name));
                    };
                    self.lock_unique_values(table, &old, None).await?;
                    self.delete_row(table, &other, &old);
                    out.affected += 1;
                }
                OnConflict::Update(assignments) => {
                    self.lock(row_lock(&other), LockMode::Exclusive).await?;
                    let Some(old) = self.latest_row(table, &other)? else {
                        return Err(dangling(table, name));
                    };
                    let mut ctx = EvalCtx::new(params);
                    ctx.insert_row = Some(&row);
                    let new = assign(table, &old, assignments, &mut ctx, strict, row_no)?;
                    out.warnings.append(&mut ctx.warnings);
                    if new != old {
                        self.update_row(table, &other, &old, &new).await?;
                        out.affected += 2;
                    }
                    return Ok(());
                }
            }
        }
    }
}

fn dangling(table: &TableDef, key: &str) -> SqlError {
    er::internal(format!(
        "index '{key}' of table {}.{} points to a missing row",
        table.db, table.name
    ))
}

#[async_trait]
impl NodeTxn for EmbeddedTxn {
    /// Partial aggregates of a plain read, computed while it scans (see
    /// `aggregates.rs`); locking reads and sums of non-numbers are left to
    /// the planner.
    async fn read_aggregates(&mut self, req: &Read, aggs: &[PartialAgg]) -> SqlResult<Option<Row>> {
        if req.lock != LockMode::None || req.limit.is_some() {
            return Ok(None);
        }
        let Some(mut partials) = Partials::new(&req.table, aggs) else {
            return Ok(None);
        };
        let mut exact = true;
        self.scan_plain(req, None, |row| {
            exact = partials.add(row);
            Ok(exact)
        })
        .await?;
        Ok(exact.then(|| partials.finish()))
    }

    async fn read(&mut self, req: &Read) -> SqlResult<Vec<Row>> {
        if req.lock == LockMode::None {
            return self.read_plain(req).await;
        }
        let found = self
            .scan_locked(
                &req.table,
                &req.access,
                req.filter.as_ref(),
                &req.params,
                req.limit,
                req.lock,
            )
            .await?;
        Ok(found
            .into_iter()
            .map(|(_, row)| project(row, &req.projection))
            .collect())
    }

    /// A failed statement leaves no writes behind (its locks stay, as in
    /// InnoDB); the transaction stays open.
    async fn write(&mut self, req: &Write) -> SqlResult<WriteOutcome> {
        if self.read_only {
            return Err(er::read_only_txn());
        }
        let mark = self.ws.mark();
        let result = self.write_inner(req).await;
        if result.is_err() {
            self.ws.rollback_to(mark);
        }
        result
    }

    async fn savepoint(&mut self, name: &str) -> SqlResult<()> {
        self.savepoints
            .retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.savepoints.push((name.to_string(), self.ws.mark()));
        Ok(())
    }

    async fn rollback_to_savepoint(&mut self, name: &str) -> SqlResult<()> {
        let pos = self.savepoint_position(name)?;
        self.ws.rollback_to(self.savepoints[pos].1);
        self.savepoints.truncate(pos + 1);
        Ok(())
    }

    async fn release_savepoint(&mut self, name: &str) -> SqlResult<()> {
        let pos = self.savepoint_position(name)?;
        self.savepoints.truncate(pos);
        Ok(())
    }

    fn has_writes(&self) -> bool {
        !self.ws.is_empty()
    }

    fn set_lock_wait_timeout(&mut self, timeout: Duration) {
        self.lock_wait = timeout;
    }

    async fn commit(mut self: Box<Self>) -> SqlResult<()> {
        let ws = std::mem::take(&mut self.ws);
        let result = if ws.is_empty() {
            Ok(())
        } else {
            let (rows, index) = ws.into_writes();
            let req = CommitRequest {
                rows,
                index,
                tables: std::mem::take(&mut self.tables),
                counters: std::mem::take(&mut self.counters),
            };
            self.writer.commit(req).await
        };
        self.release_locks();
        result
    }

    async fn rollback(mut self: Box<Self>) -> SqlResult<()> {
        self.ws = WriteSet::default();
        self.release_locks();
        Ok(())
    }
}

impl EmbeddedTxn {
    fn savepoint_position(&self, name: &str) -> SqlResult<usize> {
        self.savepoints
            .iter()
            .rposition(|(n, _)| n.eq_ignore_ascii_case(name))
            .ok_or_else(|| SqlError::code(1305, format!("SAVEPOINT {name} does not exist")))
    }
}

/// A transaction dropped without COMMIT or ROLLBACK (connection gone, task
/// cancelled) rolls back: its writes were never sent, its locks go now.
impl Drop for EmbeddedTxn {
    fn drop(&mut self) {
        self.release_locks();
    }
}
