//! The embedded data node: an in-process, durable storage engine on fjall.
//!
//! - `keys`: memcomparable keys for rows and secondary indexes
//! - `rows`: row values on disk
//! - `writeset` / `view`: a transaction's own writes over committed data
//! - `locks`: row locks, lock-wait timeout, deadlock detection
//! - `txn`: the `NodeTxn`: reads, writes, savepoints
//! - `catalog_store`: durable catalog, users, auto-increment counters
//! - `commit`: the writer thread: group commit and DDL
//!
//! Every write to fjall goes through the writer thread, one batch per
//! commit group, so commits and DDL are serialised without a global lock
//! on the readers' path.
//!
//! The session's `innodb_lock_wait_timeout` reaches a transaction through
//! `ClusterTxn::set_lock_wait_timeout` → `NodeTxn::set_lock_wait_timeout`;
//! transactions that never get one use [`EmbeddedOptions::lock_wait_timeout`]
//! (changeable with [`EmbeddedNode::set_lock_wait_timeout`]).

mod aggregates;
mod catalog_store;
mod commit;
mod keys;
mod locks;
mod rows;
mod txn;
mod view;
mod writeset;

use crate::error::{er, SqlResult};
use crate::node::{DataNode, NodeTxn};
use crate::schema::{Catalog, DdlOp, TableDef};
use async_trait::async_trait;
use fjall::{Database, Keyspace, KeyspaceCreateOptions};
use locks::LockManager;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use writeset::Space;

pub use txn::EmbeddedTxn;

#[derive(Debug, Clone)]
pub struct EmbeddedOptions {
    /// fsync the journal before a commit returns (group-committed). Off,
    /// a commit survives a crash of sqld but not of the machine.
    pub sync_on_commit: bool,
    /// innodb_lock_wait_timeout for transactions that do not set their own.
    pub lock_wait_timeout: Duration,
    /// Block cache of the storage engine (the innodb_buffer_pool_size of
    /// sqld): data and index blocks kept in memory.
    pub cache_bytes: u64,
    /// Write buffer of the row and index keyspaces, for data directories
    /// created with these options. Small on purpose: every version of a
    /// row stays in the memtable until it is flushed, and a range scan
    /// steps over all of them, so a hot row updated thousands of times
    /// (sysbench's default key distribution) slows every scan through it.
    pub memtable_bytes: u64,
}

impl Default for EmbeddedOptions {
    fn default() -> Self {
        EmbeddedOptions {
            sync_on_commit: true,
            lock_wait_timeout: Duration::from_secs(50),
            cache_bytes: 256 << 20,
            memtable_bytes: 1 << 20,
        }
    }
}

/// See [`EmbeddedNode::storage_stats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StorageStats {
    pub rows: KeyspaceStats,
    pub index: KeyspaceStats,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyspaceStats {
    /// Bytes in the active memtable.
    pub memtable_bytes: u64,
    /// Memtables sealed and waiting for their flush.
    pub sealed_memtables: usize,
    /// Level-0 tables: each may span the whole key range, so every range
    /// scan merges each of them.
    pub l0_tables: usize,
    /// Tables on disk, all levels.
    pub tables: usize,
}

impl KeyspaceStats {
    fn of(ks: &Keyspace) -> KeyspaceStats {
        use fjall::AbstractTree;
        KeyspaceStats {
            memtable_bytes: ks.tree.active_memtable().size(),
            sealed_memtables: ks.sealed_memtable_count(),
            l0_tables: ks.l0_table_count(),
            tables: ks.table_count(),
        }
    }
}

/// The fjall database and its keyspaces.
pub(crate) struct Store {
    db: Database,
    rows: Keyspace,
    index: Keyspace,
    meta: Keyspace,
}

impl Store {
    fn keyspace(&self, space: Space) -> &Keyspace {
        match space {
            Space::Rows => &self.rows,
            Space::Index => &self.index,
        }
    }
}

/// The schema as the engine knows it, by name and by table id.
#[derive(Default)]
pub(crate) struct CatalogState {
    catalog: Catalog,
    by_id: HashMap<u64, Arc<TableDef>>,
    next_table_id: u64,
}

/// AUTO_INCREMENT counters: the last value handed out, per (table, column).
pub(crate) type Counters = Mutex<HashMap<(u64, usize), Arc<AtomicU64>>>;

/// State shared by the node, its transactions and the writer thread.
pub(crate) struct Shared {
    store: Store,
    locks: Arc<LockManager>,
    catalog: RwLock<CatalogState>,
    counters: Counters,
    next_txn: AtomicU64,
    lock_wait_ms: AtomicU64,
    sync_on_commit: bool,
    /// When the node opened; [`Shared::last_sync_us`] counts from here.
    opened: std::time::Instant,
    /// When the writer last synced the journal for a commit, in µs since
    /// `opened` (0: never).
    last_sync_us: AtomicU64,
}

impl Shared {
    fn catalog(&self) -> std::sync::RwLockReadGuard<'_, CatalogState> {
        self.catalog.read().unwrap_or_else(|p| p.into_inner())
    }

    fn catalog_mut(&self) -> std::sync::RwLockWriteGuard<'_, CatalogState> {
        self.catalog.write().unwrap_or_else(|p| p.into_inner())
    }

    /// The counter of an auto-increment column, created at 0 on first use.
    fn counter(&self, table: u64, column: usize) -> Arc<AtomicU64> {
        let mut c = self.counters.lock().unwrap_or_else(|p| p.into_inner());
        c.entry((table, column)).or_default().clone()
    }
}

pub struct EmbeddedNode {
    shared: Arc<Shared>,
    writer: commit::Writer,
}

/// fjall's flush and compaction threads. One, because with more fjall
/// 3.1's first worker hands every compaction request back to the queue for
/// the others (so as to stay free for flushes) and takes the next message
/// itself: when the other workers are busy or not yet scheduled, it spins
/// on that queue. Under callgrind, 20 s of sysbench oltp_read_write spent
/// 80 M instructions per transaction in that loop, against 2 M for the
/// transaction itself.
const BACKGROUND_WORKERS: usize = 1;

/// Block layout of the row keyspace, whose hot path is the primary-key
/// point get (a block index seek, then a seek inside one data block) and
/// the short primary-key range. Measured with callgrind on sysbench
/// (oltp_point_select, oltp_read_only; 1 thread, 10k rows):
/// - a hash index in each data block (8 buckets per entry, one byte each:
///   at 2 per entry 37% of gets still collided and fell back to a binary
///   search) finds a key's entry without searching the block;
/// - a restart point at every entry, so the entry the hash index names is
///   read directly instead of decoding its restart interval (keys are a
///   dozen bytes, so prefix truncation saved little);
/// - 16 KiB data blocks, InnoDB's page size: a quarter of the block index
///   entries to search, and fewer block changes per range.
///
/// Together -2.6K instructions per point select and -8% per read-only
/// transaction. fjall stores a keyspace's layout when it creates it, so
/// this applies to data directories created from now on; older ones keep
/// (and stay readable with) the layout they were made with.
fn row_keyspace_options(base: KeyspaceCreateOptions) -> KeyspaceCreateOptions {
    use fjall::config::{BlockSizePolicy, HashRatioPolicy, RestartIntervalPolicy};
    base.data_block_hash_ratio_policy(HashRatioPolicy::all(8.0))
        .data_block_restart_interval_policy(RestartIntervalPolicy::all(1))
        .data_block_size_policy(BlockSizePolicy::all(16 << 10))
}

/// Compaction of the row and index keyspaces: fjall's leveled compaction,
/// with level 0 merged into level 1 from 2 tables on instead of 4.
///
/// Random writes (sysbench's updates, deletes and inserts spread over the
/// key space) flush into level-0 tables that each span the whole key range,
/// so every range scan merges every one of them, and a row written since
/// the last compaction costs each scan through it an extra heap step.
/// Measured (4 x 100k rows; 25 s of oltp_read_write at 16 threads, then
/// oltp_read_only): callgrind 2.49M -> 2.00M instructions per read-only
/// transaction (1 thread); at 16 threads server CPU per read-only
/// transaction 709 -> 564 µs (medians of 5 and 4 rounds); the extra
/// compaction costs 999 -> 1083 µs per read-write transaction, TPS within
/// the noise. Like the block layout, it is stored when the keyspace is
/// created: older data directories keep their threshold of 4.
fn compaction_strategy() -> fjall::compaction::Leveled {
    fjall::compaction::Leveled::default().with_l0_threshold(2)
}

impl EmbeddedNode {
    /// Syncs the journal to disk: the last step of a clean shutdown (commits
    /// are already synced when `sync_on_commit` is on).
    pub fn persist(&self) -> SqlResult<()> {
        self.shared
            .store
            .db
            .persist(fjall::PersistMode::SyncAll)
            .map_err(view::storage_error)
    }

    /// Opens (or creates) the data directory `dir` and recovers it: fjall
    /// replays its journal, so every batch acknowledged before a crash is
    /// there and no partial one is.
    pub fn open(dir: &Path, opts: EmbeddedOptions) -> SqlResult<Arc<EmbeddedNode>> {
        std::fs::create_dir_all(dir)
            .map_err(|e| er::internal(format!("cannot create {}: {e}", dir.display())))?;
        let db = Database::builder(dir)
            .cache_size(opts.cache_bytes)
            .worker_threads(BACKGROUND_WORKERS)
            .open()
            .map_err(view::storage_error)?;
        let index = || {
            KeyspaceCreateOptions::default()
                .max_memtable_size(opts.memtable_bytes)
                .compaction_strategy(Arc::new(compaction_strategy()))
        };
        let rows = || row_keyspace_options(index());
        let ks = |name: &str, create: &dyn Fn() -> KeyspaceCreateOptions| {
            db.keyspace(name, create).map_err(view::storage_error)
        };
        let store = Store {
            rows: ks("rows", &rows)?,
            index: ks("index", &index)?,
            meta: ks("meta", &KeyspaceCreateOptions::default)?,
            db,
        };
        let (mut catalog, counters) = catalog_store::load(&store)?;
        catalog_store::upgrade_key_format(&store, &mut catalog)?;
        let shared = Arc::new(Shared {
            store,
            locks: LockManager::new(),
            catalog: RwLock::new(catalog),
            counters: Mutex::new(counters),
            next_txn: AtomicU64::new(1),
            lock_wait_ms: AtomicU64::new(opts.lock_wait_timeout.as_millis() as u64),
            sync_on_commit: opts.sync_on_commit,
            opened: std::time::Instant::now(),
            last_sync_us: AtomicU64::new(0),
        });
        let writer = commit::Writer::start(shared.clone())?;
        Ok(Arc::new(EmbeddedNode { shared, writer }))
    }

    /// Whether a commit synced the journal within `window`: the disk and
    /// the kernel's journal threads are then busy on behalf of writers,
    /// which is what the front end's adaptive polling must not compete
    /// with.
    pub fn synced_within(&self, window: Duration) -> bool {
        let last = self.shared.last_sync_us.load(Ordering::Relaxed);
        last != 0
            && (self.shared.opened.elapsed().as_micros() as u64).saturating_sub(last)
                < window.as_micros() as u64
    }

    /// Changes the lock wait timeout of transactions begun from now on.
    pub fn set_lock_wait_timeout(&self, timeout: Duration) {
        self.shared
            .lock_wait_ms
            .store(timeout.as_millis() as u64, Ordering::Relaxed);
    }

    /// Starts a transaction with its own lock wait timeout (the session's
    /// innodb_lock_wait_timeout).
    pub fn begin_txn(&self, read_only: bool, lock_wait_timeout: Duration) -> EmbeddedTxn {
        let id = self.shared.next_txn.fetch_add(1, Ordering::Relaxed);
        EmbeddedTxn::new(
            self.shared.clone(),
            self.writer.handle(),
            id,
            read_only,
            lock_wait_timeout,
        )
    }

    /// The shape of the row and index keyspaces, for diagnostics (how many
    /// tables a range scan merges) and tests.
    pub fn storage_stats(&self) -> StorageStats {
        let store = &self.shared.store;
        StorageStats {
            rows: KeyspaceStats::of(&store.rows),
            index: KeyspaceStats::of(&store.index),
        }
    }

    /// Seals the row and index memtables and waits until they are on disk
    /// as level-0 tables, so that tests can give the tree a known shape.
    /// Blocks the calling thread.
    pub fn flush_memtables(&self) -> SqlResult<()> {
        let store = &self.shared.store;
        for ks in [&store.rows, &store.index] {
            ks.rotate_memtable_and_wait().map_err(view::storage_error)?;
        }
        Ok(())
    }

    fn default_lock_wait(&self) -> Duration {
        Duration::from_millis(self.shared.lock_wait_ms.load(Ordering::Relaxed))
    }
}

#[async_trait]
impl DataNode for EmbeddedNode {
    async fn load_catalog(&self) -> SqlResult<Catalog> {
        Ok(self.shared.catalog().catalog.clone())
    }

    async fn ddl(&self, op: &DdlOp) -> SqlResult<Catalog> {
        self.writer.handle().ddl(op.clone()).await
    }

    async fn begin(
        &self,
        read_only: bool,
        _xa_branch: Option<String>,
    ) -> SqlResult<Box<dyn NodeTxn>> {
        Ok(Box::new(
            self.begin_txn(read_only, self.default_lock_wait()),
        ))
    }

    fn name(&self) -> String {
        "embedded".to_string()
    }
}
