//! The writer thread: the only place that writes to fjall.
//!
//! Committers send their write sets over a channel and await a oneshot, so
//! no runtime worker blocks on disk. The thread takes every commit that is
//! waiting, writes them as one atomic batch, fsyncs the journal once for the
//! whole group (group commit: 16 committers pay for one fsync), then answers
//! them all. DDL runs here too, between groups, so that an index build sees
//! every committed row and no commit slips in beside it.

use super::view::storage_error;
use super::writeset::Writes;
use super::{catalog_store, Shared};
use crate::error::{er, SqlError, SqlResult};
use crate::schema::{Catalog, DdlOp, TableDef};
use fjall::{OwnedWriteBatch, PersistMode};
use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;
use tokio::sync::oneshot;

/// Commits written per batch at most; the rest wait for the next group.
const MAX_GROUP: usize = 256;

pub(crate) struct CommitRequest {
    pub rows: Writes,
    pub index: Writes,
    /// Definitions the writes were made under: the commit fails if one
    /// changed meanwhile (DDL ran), since its index entries would be wrong.
    pub tables: Vec<Arc<TableDef>>,
    /// Auto-increment counters this transaction advanced.
    pub counters: Vec<(u64, usize)>,
}

enum Job {
    Commit(CommitRequest, oneshot::Sender<SqlResult<()>>),
    Ddl(DdlOp, oneshot::Sender<SqlResult<Catalog>>),
    Shutdown,
}

pub(crate) struct Writer {
    tx: mpsc::Sender<Job>,
    thread: Option<JoinHandle<()>>,
}

#[derive(Clone)]
pub(crate) struct WriterHandle {
    tx: mpsc::Sender<Job>,
}

fn gone() -> SqlError {
    SqlError::code(1053, "Server shutdown in progress")
}

impl Writer {
    pub fn start(shared: Arc<Shared>) -> SqlResult<Writer> {
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("sqld-embedded-writer".into())
            .spawn(move || run(&shared, &rx))
            .map_err(|e| er::internal(format!("cannot start writer thread: {e}")))?;
        Ok(Writer {
            tx,
            thread: Some(thread),
        })
    }

    pub fn handle(&self) -> WriterHandle {
        WriterHandle {
            tx: self.tx.clone(),
        }
    }
}

impl Drop for Writer {
    /// Finishes the commits already queued, then stops; commits sent after
    /// this get "Server shutdown in progress".
    fn drop(&mut self) {
        let _ = self.tx.send(Job::Shutdown);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl WriterHandle {
    pub async fn commit(&self, req: CommitRequest) -> SqlResult<()> {
        let (tx, rx) = oneshot::channel();
        self.tx.send(Job::Commit(req, tx)).map_err(|_| gone())?;
        rx.await.map_err(|_| gone())?
    }

    pub async fn ddl(&self, op: DdlOp) -> SqlResult<Catalog> {
        let (tx, rx) = oneshot::channel();
        self.tx.send(Job::Ddl(op, tx)).map_err(|_| gone())?;
        rx.await.map_err(|_| gone())?
    }
}

fn run(shared: &Shared, rx: &mpsc::Receiver<Job>) {
    while let Ok(first) = rx.recv() {
        let mut group = Group::new(shared);
        let mut next = Some(first);
        while let Some(job) = next.take() {
            match job {
                Job::Commit(req, reply) => group.add(req, reply),
                Job::Ddl(op, reply) => {
                    group.flush();
                    let _ = reply.send(catalog_store::apply_ddl(shared, &op));
                }
                Job::Shutdown => {
                    group.flush();
                    return;
                }
            }
            if group.replies.len() < MAX_GROUP {
                next = rx.try_recv().ok();
            }
        }
        group.flush();
    }
}

struct Group<'a> {
    shared: &'a Shared,
    batch: OwnedWriteBatch,
    replies: Vec<oneshot::Sender<SqlResult<()>>>,
    counters: BTreeSet<(u64, usize)>,
}

impl<'a> Group<'a> {
    fn new(shared: &'a Shared) -> Group<'a> {
        Group {
            shared,
            batch: shared.store.db.batch(),
            replies: Vec::new(),
            counters: BTreeSet::new(),
        }
    }

    fn add(&mut self, req: CommitRequest, reply: oneshot::Sender<SqlResult<()>>) {
        if let Err(e) = self.check_tables(&req.tables) {
            let _ = reply.send(Err(e));
            return;
        }
        let store = &self.shared.store;
        for (space, writes) in [(&store.rows, req.rows), (&store.index, req.index)] {
            for (k, v) in writes {
                match v {
                    Some(v) => self.batch.insert(space, k, v),
                    None => self.batch.remove(space, k),
                }
            }
        }
        self.counters.extend(req.counters);
        self.replies.push(reply);
    }

    /// A transaction's writes are valid only under the definitions it wrote
    /// with (same indexes, same columns).
    fn check_tables(&self, tables: &[Arc<TableDef>]) -> SqlResult<()> {
        let cat = self.shared.catalog();
        for t in tables {
            let same = match cat.by_id.get(&t.id) {
                Some(cur) => {
                    Arc::ptr_eq(cur, t)
                        || (cur.indexes == t.indexes
                            && cur.primary_key == t.primary_key
                            && cur.columns.len() == t.columns.len())
                }
                None => false,
            };
            if !same {
                return Err(SqlError::code(
                    1412,
                    "Table definition has changed, please retry transaction",
                ));
            }
        }
        Ok(())
    }

    /// Writes the group as one batch, makes it durable, answers everyone.
    fn flush(&mut self) {
        if self.replies.is_empty() {
            return;
        }
        let shared = self.shared;
        // Counter values are read here, on the one writer thread, so the
        // value stored never goes backwards and covers every id written.
        for &(table, column) in &self.counters {
            let v = shared.counter(table, column).load(Ordering::SeqCst);
            self.batch.insert(
                &shared.store.meta,
                catalog_store::counter_key(table, column),
                v.to_be_bytes().to_vec(),
            );
        }
        self.counters.clear();
        let batch = std::mem::replace(&mut self.batch, shared.store.db.batch());
        let mut result = batch.commit().map_err(storage_error);
        if result.is_ok() && shared.sync_on_commit {
            result = shared
                .store
                .db
                .persist(PersistMode::SyncAll)
                .map_err(storage_error);
            let now = shared.opened.elapsed().as_micros() as u64;
            shared.last_sync_us.store(now.max(1), Ordering::Relaxed);
        }
        for reply in self.replies.drain(..) {
            let _ = reply.send(result.clone());
        }
    }
}
