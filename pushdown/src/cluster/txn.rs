//! A transaction over the node groups it has touched so far.
//!
//! A part (a [`NodeTxn`] on one group) starts the first time a request
//! needs that group. Requests on several groups run in parallel: the parts
//! are separate objects, borrowed disjointly.
//!
//! Statement savepoints are lazy: a part gets one just before its first
//! write of the statement, and none when the statement makes a single write
//! request on one part whose node rolls a failed write back itself. A part
//! started inside a failed statement (or after a savepoint rolled back to)
//! is rolled back whole.

use super::merge::{self, RowOrder};
use super::{route, Cluster};
use crate::error::{er, SqlError, SqlResult};
use crate::node::NodeTxn;
use crate::request::{Access, OnConflict, OrderKey, PartialAgg, Read, Write, WriteOutcome};
use crate::schema::TableDef;
use crate::value::Row;
use futures_util::future::{join_all, BoxFuture};
use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

/// The savepoint that brackets a statement in an open transaction.
const STATEMENT_SAVEPOINT: &str = "__sqld_statement";

pub(super) struct Part {
    pub txn: Box<dyn NodeTxn>,
    /// `ClusterTxn::seq` when the part started: savepoints and statements
    /// numbered at or below it... began before it.
    pub born: u64,
}

/// The statement running in the transaction (see [`ClusterTxn::begin_statement`]).
struct Statement {
    seq: u64,
    /// The planner expects a single write request.
    one_request: bool,
    requests: usize,
    /// Groups whose part has the statement savepoint.
    savepointed: Vec<usize>,
}

pub struct ClusterTxn {
    pub(super) cluster: Arc<Cluster>,
    pub(super) parts: Vec<Option<Part>>,
    read_only: bool,
    /// The session's innodb_lock_wait_timeout, passed to every part.
    lock_wait_timeout: Option<Duration>,
    /// Set when the first part of a transaction that may span several
    /// groups starts: its parts are XA branches of it.
    pub(super) gtrid: Option<String>,
    /// User savepoints, oldest first, with their sequence numbers.
    savepoints: Vec<(String, u64)>,
    /// Numbers savepoints, statements and part starts.
    seq: u64,
    stmt: Option<Statement>,
    /// A lock wait timeout or deadlock on a data node rolled back every part.
    rolled_back: bool,
}

impl ClusterTxn {
    pub(super) fn new(cluster: Arc<Cluster>, read_only: bool) -> ClusterTxn {
        let n = cluster.groups.len();
        let lock_wait_timeout = cluster.lock_wait_cap();
        ClusterTxn {
            cluster,
            parts: (0..n).map(|_| None).collect(),
            read_only,
            lock_wait_timeout,
            gtrid: None,
            savepoints: Vec::new(),
            seq: 0,
            stmt: None,
            rolled_back: false,
        }
    }

    pub fn read_only(&self) -> bool {
        self.read_only
    }

    /// Whether a lock wait timeout or deadlock on a data node has rolled
    /// the whole transaction back (cluster mode: the session must drop it).
    pub fn is_rolled_back(&self) -> bool {
        self.rolled_back
    }

    /// Lock waits of this transaction end with 1205 after `timeout` (the
    /// session's innodb_lock_wait_timeout), or sooner with several node
    /// groups (`Cluster::lock_wait_cap`); set it before each statement.
    pub fn set_lock_wait_timeout(&mut self, timeout: Duration) {
        let timeout = match self.cluster.lock_wait_cap() {
            Some(cap) => timeout.min(cap),
            None => timeout,
        };
        self.lock_wait_timeout = Some(timeout);
        for p in self.parts.iter_mut().flatten() {
            p.txn.set_lock_wait_timeout(timeout);
        }
    }

    pub fn has_writes(&self) -> bool {
        self.parts.iter().flatten().any(|p| p.txn.has_writes())
    }

    /// Starts group `g`'s part if it has none yet.
    async fn start(&mut self, g: usize) -> SqlResult<()> {
        if self.parts.get(g).is_some_and(Option::is_some) {
            return Ok(());
        }
        let node = self
            .cluster
            .groups
            .get(g)
            .ok_or_else(|| er::internal(format!("no node group {g}")))?
            .clone();
        let branch = if self.cluster.groups.len() > 1 && !self.read_only {
            if self.gtrid.is_none() {
                self.gtrid = self.cluster.next_gtrid();
            }
            self.gtrid.as_deref().map(|t| super::branch_id(t, g))
        } else {
            None
        };
        let mut t = node.begin(self.read_only, branch).await?;
        if let Some(timeout) = self.lock_wait_timeout {
            t.set_lock_wait_timeout(timeout);
        }
        self.parts[g] = Some(Part {
            txn: t,
            born: self.seq,
        });
        Ok(())
    }

    async fn part(&mut self, g: usize) -> SqlResult<&mut Box<dyn NodeTxn>> {
        self.start(g).await?;
        self.parts[g]
            .as_mut()
            .map(|p| &mut p.txn)
            .ok_or_else(|| er::internal("part not started"))
    }

    fn alive(&self) -> SqlResult<()> {
        if self.rolled_back {
            return Err(er::internal("the transaction was rolled back"));
        }
        Ok(())
    }

    /// In cluster mode a lock wait timeout or deadlock on any group rolls
    /// back every group (the embedded engine keeps its own rules: the
    /// planner rolls back on 1213 only).
    async fn check<T>(&mut self, r: SqlResult<T>) -> SqlResult<T> {
        if let Err(e) = &r {
            if self.cluster.is_distributed() && (e.code == 1205 || e.code == 1213) {
                self.rollback_parts().await;
                self.rolled_back = true;
            }
        }
        r
    }

    pub(super) async fn rollback_parts(&mut self) {
        let parts: Vec<Part> = self.parts.iter_mut().filter_map(Option::take).collect();
        for r in join_all(parts.into_iter().map(|p| p.txn.rollback())).await {
            if let Err(e) = r {
                tracing::warn!("rollback: {e}");
            }
        }
    }

    pub async fn read(&mut self, req: &Read) -> SqlResult<Vec<Row>> {
        self.alive()?;
        let r = if self.cluster.groups.len() == 1 {
            match self.part(0).await {
                Ok(p) => p.read(req).await,
                Err(e) => Err(e),
            }
        } else {
            self.read_split(req).await
        };
        self.check(r).await
    }

    async fn read_split(&mut self, req: &Read) -> SqlResult<Vec<Row>> {
        let table = req.table.clone();
        match &req.access {
            Access::Keys(keys) => {
                let parts = route::split_keys(&self.cluster, &table, keys);
                match parts.len() {
                    0 => return Ok(Vec::new()),
                    1 => return self.part(parts[0].group).await?.read(req).await,
                    _ => {}
                }
                let pk = &table.primary_key;
                let w = merge::widen(&req.projection, pk);
                let subs: Vec<Read> = parts
                    .iter()
                    .map(|p| Read {
                        access: Access::Keys(p.keys.clone()),
                        projection: w.projection.clone().or_else(|| req.projection.clone()),
                        ..req.clone()
                    })
                    .collect();
                let groups: Vec<usize> = parts.iter().map(|p| p.group).collect();
                let results = self.read_groups(&groups, subs.iter().collect()).await?;
                let order = RowOrder::new(&table, pk, w.positions, false);
                let mut rows = merge::by_key_order(&parts, results, &order, keys.len());
                if let Some(l) = req.limit {
                    rows.truncate(usize::try_from(l).unwrap_or(usize::MAX));
                }
                merge::strip(&mut rows, w.strip_to);
                Ok(rows)
            }
            Access::Range { index, reverse, .. } => {
                let groups = route::range_groups(&self.cluster, &table, &req.access);
                if groups.len() == 1 {
                    return self.part(groups[0]).await?.read(req).await;
                }
                let cols = merge::order_columns(&table, *index);
                let w = merge::widen(&req.projection, &cols);
                let sub = widened(req, &w);
                let results = self
                    .read_groups(&groups, groups.iter().map(|_| sub.as_ref()).collect())
                    .await?;
                let order = RowOrder::new(&table, &cols, w.positions, *reverse);
                let mut rows = merge::merge(results, &order, req.limit);
                merge::strip(&mut rows, w.strip_to);
                Ok(rows)
            }
        }
    }

    /// A range read ordered by `order` then in index order, `req.limit`
    /// after ordering: each group it reaches sorts (and cuts) its rows, and
    /// they are merged here. None when the nodes do not sort (embedded, or
    /// a column whose order is left to sqld): read and sort the rows then.
    pub async fn read_ordered(
        &mut self,
        req: &Read,
        order: &[OrderKey],
    ) -> SqlResult<Option<Vec<Row>>> {
        let Access::Range { index, reverse, .. } = &req.access else {
            return Ok(None);
        };
        if !self.cluster.orders(&req.table, order) {
            return Ok(None);
        }
        self.alive()?;
        let table = req.table.clone();
        let groups = route::range_groups(&self.cluster, &table, &req.access);
        if groups.len() == 1 {
            let r = match self.part(groups[0]).await {
                Ok(p) => p.read_ordered(req, order).await,
                Err(e) => Err(e),
            };
            return self.check(r).await;
        }
        let (cols, desc) = merge::ordered_columns(&table, order, *index, *reverse);
        let w = merge::widen(&req.projection, &cols);
        let sub = widened(req, &w);
        let r = self
            .on_groups(&groups, |_, p| p.read_ordered(&sub, order))
            .await
            .map(|parts| parts.into_iter().collect::<Option<Vec<_>>>());
        let Some(results) = self.check(r).await? else {
            return Ok(None);
        };
        let row_order = RowOrder::directed(&table, &cols, w.positions, desc);
        let mut rows = merge::merge(results, &row_order, req.limit);
        merge::strip(&mut rows, w.strip_to);
        Ok(Some(rows))
    }

    /// Whether the node groups sort range reads of `table` by `order`
    /// themselves (see [`ClusterTxn::read_ordered`]).
    pub fn orders(&self, table: &TableDef, order: &[OrderKey]) -> bool {
        self.cluster.orders(table, order)
    }

    /// Partial aggregates of the rows `req` matches, one row per node group
    /// it reaches (groups in parallel): remote nodes compute them in SQL,
    /// the embedded engine while it scans. None when a node cannot compute
    /// them: read the rows then.
    pub async fn read_aggregates(
        &mut self,
        req: &Read,
        aggs: &[PartialAgg],
    ) -> SqlResult<Option<Vec<Row>>> {
        if req.limit.is_some() {
            return Ok(None);
        }
        self.alive()?;
        let split = route::split_read(&self.cluster, req);
        let groups: Vec<usize> = split.iter().map(|(g, _)| *g).collect();
        let r = self
            .on_groups(&groups, |i, p| {
                p.read_aggregates(split[i].1.as_ref().unwrap_or(req), aggs)
            })
            .await
            .map(|rows| rows.into_iter().collect());
        self.check(r).await
    }

    /// Runs `reqs[i]` on group `groups[i]` (ascending), in parallel.
    async fn read_groups(
        &mut self,
        groups: &[usize],
        reqs: Vec<&Read>,
    ) -> SqlResult<Vec<Vec<Row>>> {
        self.on_groups(groups, |i, p| p.read(reqs[i])).await
    }

    /// Starts the parts of `groups` (ascending) and runs `call(i, part)`
    /// on the part of `groups[i]`, all in parallel.
    async fn on_groups<'s, T>(
        &'s mut self,
        groups: &[usize],
        mut call: impl FnMut(usize, &'s mut Box<dyn NodeTxn>) -> BoxFuture<'s, SqlResult<T>>,
    ) -> SqlResult<Vec<T>> {
        for &g in groups {
            self.start(g).await?;
        }
        let futs = self.parts.iter_mut().enumerate().filter_map(|(g, p)| {
            let i = groups.iter().position(|x| *x == g)?;
            Some(call(i, &mut p.as_mut()?.txn))
        });
        collect(join_all(futs).await)
    }

    pub async fn write(&mut self, req: &Write) -> SqlResult<WriteOutcome> {
        if self.read_only {
            return Err(er::read_only_txn());
        }
        self.alive()?;
        let r = if self.cluster.is_distributed() {
            self.write_distributed(req).await
        } else {
            self.write_groups(vec![(0, Cow::Borrowed(req))], true).await
        };
        self.check(r).await
    }

    async fn write_distributed(&mut self, req: &Write) -> SqlResult<WriteOutcome> {
        let cluster = self.cluster.clone();
        match req {
            Write::Insert {
                table,
                rows,
                on_conflict,
                params,
                strict,
            } => {
                self.insert_rows(table, rows.clone(), on_conflict, params, *strict)
                    .await
            }
            Write::Update {
                table, assignments, ..
            } if cluster.groups.len() > 1
                && assignments
                    .iter()
                    .any(|(c, _)| table.primary_key.contains(c)) =>
            {
                super::move_rows::update(self, req).await
            }
            Write::Update { access, limit, .. } | Write::Delete { access, limit, .. } => {
                let reqs: Vec<(usize, Cow<Write>)> = match access {
                    _ if cluster.groups.len() == 1 => vec![(0, Cow::Borrowed(req))],
                    Access::Keys(keys) => {
                        let parts = route::split_keys(&cluster, req.table(), keys);
                        if parts.len() == 1 {
                            vec![(parts[0].group, Cow::Borrowed(req))]
                        } else {
                            parts
                                .into_iter()
                                .map(|p| {
                                    (p.group, Cow::Owned(with_access(req, Access::Keys(p.keys))))
                                })
                                .collect()
                        }
                    }
                    Access::Range { .. } => route::range_groups(&cluster, req.table(), access)
                        .into_iter()
                        .map(|g| (g, Cow::Borrowed(req)))
                        .collect(),
                };
                match limit {
                    Some(l) if reqs.len() > 1 => self.write_in_turn(reqs, *l).await,
                    _ => self.write_groups(reqs, true).await,
                }
            }
        }
    }

    /// INSERT in cluster mode: generated values filled from the cluster's
    /// counters, then the rows split by owning group (row order kept within
    /// a group), the groups in parallel.
    pub(super) async fn insert_rows(
        &mut self,
        table: &Arc<crate::schema::TableDef>,
        mut rows: Vec<Row>,
        on_conflict: &OnConflict,
        params: &[crate::value::Value],
        strict: bool,
    ) -> SqlResult<WriteOutcome> {
        let cluster = self.cluster.clone();
        let first = match &cluster.meta {
            Some(m) => m.ids.fill(m.store.as_ref(), table, &mut rows).await?,
            None => None,
        };
        if let OnConflict::Update(a) = on_conflict {
            if cluster.groups.len() > 1 && a.iter().any(|(c, _)| table.primary_key.contains(c)) {
                return Err(er::not_supported(
                    "ON DUPLICATE KEY UPDATE of primary-key columns with several node groups",
                ));
            }
        }
        let mut per: Vec<(usize, Vec<Row>)> = Vec::new();
        if cluster.groups.len() == 1 {
            per.push((0, std::mem::take(&mut rows)));
        }
        for row in rows {
            let key: Vec<_> = table
                .primary_key
                .iter()
                .map(|&c| row.get(c).cloned().unwrap_or_default())
                .collect();
            let g = cluster.map.group_of(table, &key);
            match per.iter_mut().find(|(x, _)| *x == g) {
                Some((_, rs)) => rs.push(row),
                None => per.push((g, vec![row])),
            }
        }
        per.sort_by_key(|(g, _)| *g);
        let reqs = per
            .into_iter()
            .map(|(g, rows)| {
                let w = Write::Insert {
                    table: table.clone(),
                    rows,
                    on_conflict: on_conflict.clone(),
                    params: params.to_vec(),
                    strict,
                };
                (g, Cow::Owned(w))
            })
            .collect();
        let mut out = self.write_groups(reqs, true).await?;
        if first.is_some() {
            out.first_insert_id = first;
        }
        Ok(out)
    }

    /// A scattered UPDATE/DELETE with LIMIT: one group after the other with
    /// what is left of the limit (no order is promised without ORDER BY).
    async fn write_in_turn(
        &mut self,
        reqs: Vec<(usize, Cow<'_, Write>)>,
        limit: u64,
    ) -> SqlResult<WriteOutcome> {
        let mut total = WriteOutcome::default();
        let mut remaining = limit;
        self.note_requests(reqs.len());
        for (g, w) in reqs {
            if remaining == 0 {
                break;
            }
            let w = with_limit(&w, remaining);
            self.start(g).await?;
            self.protect(g, false).await?;
            let out = self.part(g).await?.write(&w).await?;
            let used = if matches!(w, Write::Update { .. }) {
                out.matched
            } else {
                out.affected
            };
            remaining = remaining.saturating_sub(used);
            add(&mut total, out);
        }
        Ok(total)
    }

    fn note_requests(&mut self, n: usize) {
        if let Some(s) = &mut self.stmt {
            s.requests += n;
        }
    }

    /// Runs each write on its group, in parallel, and adds up the outcomes.
    pub(super) async fn write_groups(
        &mut self,
        reqs: Vec<(usize, Cow<'_, Write>)>,
        atomic_ok: bool,
    ) -> SqlResult<WriteOutcome> {
        self.note_requests(reqs.len());
        let single = reqs.len() == 1 && atomic_ok;
        for (g, _) in &reqs {
            self.start(*g).await?;
            self.protect(*g, single).await?;
        }
        if let [(g, w)] = reqs.as_slice() {
            return self.part(*g).await?.write(w).await;
        }
        let futs = self.parts.iter_mut().enumerate().filter_map(|(g, p)| {
            let (_, w) = reqs.iter().find(|(x, _)| *x == g)?;
            Some(p.as_mut()?.txn.write(w))
        });
        let mut total = WriteOutcome::default();
        for out in collect(join_all(futs).await)? {
            add(&mut total, out);
        }
        Ok(total)
    }

    /// Sets the statement savepoint on group `g`'s part before its first
    /// write of the statement, unless rolling back can do without it.
    async fn protect(&mut self, g: usize, single_request: bool) -> SqlResult<()> {
        let distributed = self.cluster.is_distributed();
        let Some(stmt) = &mut self.stmt else {
            return Ok(());
        };
        let Some(part) = self.parts.get_mut(g).and_then(Option::as_mut) else {
            return Ok(());
        };
        if stmt.savepointed.contains(&g) || (part.born >= stmt.seq && distributed) {
            // Started in this statement: a failure rolls it back whole (the
            // embedded node keeps its one transaction, and its locks, as a
            // savepoint does).
            return Ok(());
        }
        if stmt.one_request && single_request && stmt.requests == 1 && part.txn.writes_are_atomic()
        {
            return Ok(());
        }
        part.txn.savepoint(STATEMENT_SAVEPOINT).await?;
        stmt.savepointed.push(g);
        Ok(())
    }

    /// Marks the start of a writing statement in an open transaction: if it
    /// fails, [`ClusterTxn::end_statement`] undoes just it. `one_request`:
    /// the statement makes at most one write request (an INSERT, an
    /// UPDATE/DELETE with one access), so that one atomic write needs no
    /// savepoint.
    pub fn begin_statement(&mut self, one_request: bool) {
        self.seq += 1;
        self.stmt = Some(Statement {
            seq: self.seq,
            one_request,
            requests: 0,
            savepointed: Vec::new(),
        });
    }

    /// Requests a statement savepoint on every part the statement writes
    /// from now on (a statement making several requests of its own).
    pub(super) fn expect_several_requests(&mut self) {
        if let Some(s) = &mut self.stmt {
            s.one_request = false;
        }
    }

    /// Ends the statement begun with [`ClusterTxn::begin_statement`]:
    /// success releases its savepoints, failure rolls back to them (and
    /// rolls back whole the parts it started).
    pub async fn end_statement(&mut self, ok: bool) -> SqlResult<()> {
        let Some(stmt) = self.stmt.take() else {
            return Ok(());
        };
        if self.rolled_back {
            return Ok(());
        }
        if ok {
            for g in stmt.savepointed {
                if let Some(p) = self.parts.get_mut(g).and_then(Option::as_mut) {
                    // An atomic node replaces the savepoint at the next
                    // statement: save the round trip.
                    if !p.txn.writes_are_atomic() {
                        p.txn.release_savepoint(STATEMENT_SAVEPOINT).await?;
                    }
                }
            }
            return Ok(());
        }
        self.undo_since(stmt.seq, STATEMENT_SAVEPOINT, &stmt.savepointed, true)
            .await
    }

    /// Rolls back what happened since mark `seq`: parts in `marked` to
    /// `savepoint`, parts started since (without it) whole. `exact`: every
    /// part in `marked` has the savepoint, even one started since.
    async fn undo_since(
        &mut self,
        seq: u64,
        savepoint: &str,
        marked: &[usize],
        exact: bool,
    ) -> SqlResult<()> {
        let mut first_err = None;
        for g in 0..self.parts.len() {
            let Some(p) = self.parts[g].as_mut() else {
                continue;
            };
            let has_it = marked.contains(&g) && (exact || p.born < seq);
            let r = if has_it {
                p.txn.rollback_to_savepoint(savepoint).await
            } else if p.born >= seq {
                match self.parts[g].take() {
                    Some(p) => p.txn.rollback().await,
                    None => Ok(()),
                }
            } else {
                Ok(())
            };
            if let Err(e) = r {
                first_err.get_or_insert(e);
            }
        }
        first_err.map_or(Ok(()), Err)
    }

    pub async fn savepoint(&mut self, name: &str) -> SqlResult<()> {
        if !self.cluster.is_distributed() {
            // The embedded node's one part: as before, it starts here.
            self.start(0).await?;
        }
        self.seq += 1;
        for p in self.parts.iter_mut().flatten() {
            p.txn.savepoint(name).await?;
        }
        self.savepoints
            .retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.savepoints.push((name.to_string(), self.seq));
        Ok(())
    }

    fn find_savepoint(&self, name: &str) -> SqlResult<(usize, u64)> {
        self.savepoints
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|i| (i, self.savepoints[i].1))
            .ok_or_else(|| SqlError::code(1305, format!("SAVEPOINT {name} does not exist")))
    }

    pub async fn rollback_to_savepoint(&mut self, name: &str) -> SqlResult<()> {
        let (i, seq) = self.find_savepoint(name)?;
        let marked: Vec<usize> = (0..self.parts.len()).collect();
        self.undo_since(seq, name, &marked, false).await?;
        self.savepoints.truncate(i + 1);
        Ok(())
    }

    pub async fn release_savepoint(&mut self, name: &str) -> SqlResult<()> {
        let (i, seq) = self.find_savepoint(name)?;
        for p in self.parts.iter_mut().flatten() {
            if p.born < seq {
                p.txn.release_savepoint(name).await?;
            }
        }
        self.savepoints.truncate(i);
        Ok(())
    }

    pub async fn rollback(mut self) -> SqlResult<()> {
        let mut first_err = None;
        for p in self.parts.iter_mut().filter_map(Option::take) {
            if let Err(e) = p.txn.rollback().await {
                first_err.get_or_insert(e);
            }
        }
        first_err.map_or(Ok(()), Err)
    }
}

/// `req` with the projection [`merge::widen`] made, when it made one.
fn widened<'r>(req: &'r Read, w: &merge::Widened) -> Cow<'r, Read> {
    match &w.projection {
        Some(p) => Cow::Owned(Read {
            projection: Some(p.clone()),
            ..req.clone()
        }),
        None => Cow::Borrowed(req),
    }
}

/// Every result, or the first error (a deadlock or lock wait timeout
/// before any other, as it decides the transaction's fate).
fn collect<T>(results: Vec<SqlResult<T>>) -> SqlResult<Vec<T>> {
    let fatal = results
        .iter()
        .position(|r| matches!(r, Err(e) if e.code == 1205 || e.code == 1213));
    if let Some(i) = fatal {
        if let Some(Err(e)) = results.into_iter().nth(i) {
            return Err(e);
        }
        return Err(er::internal("lost error"));
    }
    results.into_iter().collect()
}

fn add(total: &mut WriteOutcome, mut out: WriteOutcome) {
    total.affected += out.affected;
    total.matched += out.matched;
    total.duplicates += out.duplicates;
    total.first_insert_id = total.first_insert_id.or(out.first_insert_id);
    total.warnings.append(&mut out.warnings);
}

fn with_access(w: &Write, access: Access) -> Write {
    let mut w = w.clone();
    match &mut w {
        Write::Update { access: a, .. } | Write::Delete { access: a, .. } => *a = access,
        Write::Insert { .. } => {}
    }
    w
}

fn with_limit(w: &Write, limit: u64) -> Write {
    let mut w = w.clone();
    match &mut w {
        Write::Update { limit: l, .. } | Write::Delete { limit: l, .. } => *l = Some(limit),
        Write::Insert { .. } => {}
    }
    w
}
