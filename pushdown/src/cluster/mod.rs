//! The node groups behind one sqld, and a transaction that spans them.
//!
//! - `route`: which node groups a request reaches, key batches split by group
//! - `merge`: results of several groups put back in key or index order
//! - `txn`: [`ClusterTxn`]: parts per group started lazily, reads, writes,
//!   statement and user savepoints
//! - `ids`: AUTO_INCREMENT and hidden-key values from ranges reserved in the
//!   cluster metadata
//! - `move_rows`: an UPDATE of primary-key columns, which may move rows
//!   between groups
//! - `two_phase`: commit: one phase on one writer, XA two-phase on several
//! - `recovery`: prepared XA branches resolved from the decision log
//! - `ddl`: schema changes under the cluster's DDL lock
//! - `memory_meta`: an in-memory [`ClusterMeta`] (tests, one-process use)
//!
//! [`Cluster::single`] is the embedded default: one group, no metadata
//! store, every request straight through to the node.

mod ddl;
mod ids;
pub mod memory_meta;
mod merge;
mod move_rows;
mod recovery;
mod route;
mod two_phase;
mod txn;

#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;

pub use memory_meta::MemoryMeta;
pub use recovery::RecoveryReport;
pub use txn::ClusterTxn;

use crate::error::{er, SqlResult};
use crate::meta::ClusterMeta;
use crate::node::{DataNode, PoolStats};
use crate::partition::PartitionMap;
use crate::request::{OrderKey, PartialAgg, Read};
use crate::schema::{Catalog, DdlOp, TableDef};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::sync::watch;

/// How often decisions of committed transactions are deleted from the log.
const FORGET_PERIOD: Duration = Duration::from_millis(100);

/// How a cluster of MySQL-protocol node groups runs (see [`Cluster::open`]).
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// Partitions of a new cluster (fixed at creation).
    pub partitions: usize,
    /// Time between recovery passes over prepared XA branches.
    pub recovery_interval: Duration,
    /// Time between checks of the stored catalog's version.
    pub catalog_poll: Duration,
    /// With two or more node groups, the longest a lock wait lasts (the
    /// session's innodb_lock_wait_timeout when that is shorter). A
    /// deadlock between transactions on different node groups is
    /// invisible to each data node's own detector and ends only when a
    /// wait times out, so waits are kept short, as NDB's
    /// TransactionDeadlockDetectionTimeout keeps them. Whole seconds (the
    /// data nodes' unit); at least 1.
    pub deadlock_timeout: Duration,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            partitions: 64,
            recovery_interval: Duration::from_secs(5),
            catalog_poll: Duration::from_secs(1),
            deadlock_timeout: Duration::from_secs(2),
        }
    }
}

pub struct Cluster {
    groups: Vec<Arc<dyn DataNode>>,
    map: PartitionMap,
    /// None for [`Cluster::single`].
    meta: Option<Distributed>,
}

/// What a cluster with a metadata store has on top of its groups.
struct Distributed {
    store: Arc<dyn ClusterMeta>,
    opts: ClusterOptions,
    /// The catalog as last loaded from the store, for the planner.
    catalog: watch::Sender<Arc<Catalog>>,
    catalog_version: AtomicU64,
    ids: ids::IdCache,
    /// Names this process's distributed transactions (`<instance>x<seq>`).
    instance: String,
    next_txn: AtomicU64,
    recovery: Mutex<recovery::Seen>,
    /// Decisions of committed transactions, deleted from the log in batches
    /// (one statement for many commits).
    forget_queue: Mutex<Vec<String>>,
    /// Background tasks (catalog poll, recovery), stopped on drop.
    tasks: Mutex<Vec<tokio::task::JoinHandle<()>>>,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop_tasks();
    }
}

impl Cluster {
    /// One node group holding every partition: the embedded default.
    pub fn single(node: Arc<dyn DataNode>) -> Arc<Cluster> {
        Arc::new(Cluster {
            groups: vec![node],
            map: PartitionMap::single(1),
            meta: None,
        })
    }

    /// A cluster of node groups sharing the metadata in `meta`: creates it
    /// on first use, loads the partition map and catalog, resolves prepared
    /// branches left by a crash, and starts the catalog poll and periodic
    /// recovery.
    pub async fn open(
        groups: Vec<Arc<dyn DataNode>>,
        meta: Arc<dyn ClusterMeta>,
        opts: ClusterOptions,
    ) -> SqlResult<Arc<Cluster>> {
        if groups.is_empty() {
            return Err(er::internal("a cluster needs at least one node group"));
        }
        meta.ensure().await?;
        let map = meta.partition_map(opts.partitions, groups.len()).await?;
        if map.owner.is_empty() {
            return Err(er::internal("the stored partition map has no partitions"));
        }
        if map.group_count() > groups.len() {
            return Err(er::internal(format!(
                "the cluster's partition map names {} node groups but the configuration has {}: \
                 configure every node group of the cluster, in order",
                map.group_count(),
                groups.len()
            )));
        }
        if map.group_count() < groups.len() {
            tracing::warn!(
                "the cluster's partition map (fixed at creation) uses {} node groups; \
                 the {} configured beyond them hold no rows",
                map.group_count(),
                groups.len() - map.group_count()
            );
        }
        let (catalog, version) = meta.load_catalog().await?;
        let (tx, _) = watch::channel(Arc::new(catalog));
        let cluster = Arc::new(Cluster {
            groups,
            map,
            meta: Some(Distributed {
                store: meta,
                catalog: tx,
                catalog_version: AtomicU64::new(version),
                ids: ids::IdCache::default(),
                instance: instance_id(),
                next_txn: AtomicU64::new(1),
                recovery: Mutex::new(recovery::Seen::default()),
                forget_queue: Mutex::new(Vec::new()),
                tasks: Mutex::new(Vec::new()),
                opts,
            }),
        });
        if let Err(e) = cluster.recover_now().await {
            tracing::warn!("recovery at start-up: {e}");
        }
        cluster.start_tasks();
        Ok(cluster)
    }

    /// Stops the background tasks (at drop; tests that drive recovery
    /// passes themselves stop them so that no pass runs in between).
    pub(crate) fn stop_tasks(&self) {
        if let Some(m) = &self.meta {
            for t in m.tasks.lock().unwrap_or_else(|p| p.into_inner()).drain(..) {
                t.abort();
            }
        }
    }

    fn start_tasks(self: &Arc<Self>) {
        let Some(m) = &self.meta else { return };
        let poll = every(self, m.opts.catalog_poll, |c| async move {
            if let Err(e) = c.refresh_catalog().await {
                tracing::warn!("catalog poll: {e}");
            }
        });
        let recover = every(self, m.opts.recovery_interval, |c| async move {
            if let Err(e) = c.recover_now().await {
                tracing::warn!("recovery: {e}");
            }
        });
        let forget = every(self, FORGET_PERIOD, |c| async move {
            c.flush_forgets().await;
        });
        m.tasks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend([poll, recover, forget]);
    }

    /// Queues the decision of a transaction whose branches are all
    /// committed, to be deleted from the log with others.
    fn forget_later(&self, gtrid: String) {
        if let Some(m) = &self.meta {
            m.forget_queue
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(gtrid);
        }
    }

    async fn flush_forgets(&self) {
        let Some(m) = &self.meta else { return };
        let batch = std::mem::take(&mut *m.forget_queue.lock().unwrap_or_else(|p| p.into_inner()));
        if batch.is_empty() {
            return;
        }
        if let Err(e) = m.store.forget(&batch).await {
            // Recovery deletes them when they are old.
            tracing::debug!("forgetting {} decisions: {e}", batch.len());
        }
    }

    pub fn group_count(&self) -> usize {
        self.groups.len()
    }

    pub fn group_name(&self, g: usize) -> String {
        self.groups.get(g).map_or_else(String::new, |n| n.name())
    }

    pub fn partition_map(&self) -> &PartitionMap {
        &self.map
    }

    /// The cap on lock waits (see [`ClusterOptions::deadlock_timeout`]):
    /// None with one node group, where each data node detects deadlocks.
    pub fn lock_wait_cap(&self) -> Option<Duration> {
        match &self.meta {
            Some(d) if self.groups.len() > 1 => Some(d.opts.deadlock_timeout),
            _ => None,
        }
    }

    /// Whether schema, counters and commits go through a metadata store
    /// (MySQL-protocol node groups) rather than the one embedded node.
    pub fn is_distributed(&self) -> bool {
        self.meta.is_some()
    }

    /// Whether the node groups sort range reads of `table` by `order`
    /// themselves (see [`ClusterTxn::read_ordered`]).
    pub fn orders(&self, table: &TableDef, order: &[OrderKey]) -> bool {
        self.is_distributed() && self.groups.iter().all(|g| g.orders(table, order))
    }

    pub async fn load_catalog(&self) -> SqlResult<Catalog> {
        match &self.meta {
            None => self.groups[0].load_catalog().await,
            Some(m) => {
                let (c, v) = m.store.load_catalog().await?;
                self.publish(&c, v);
                Ok(c)
            }
        }
    }

    /// The version of the catalog this process last loaded (0 without a
    /// metadata store).
    pub fn catalog_version(&self) -> u64 {
        self.meta
            .as_ref()
            .map_or(0, |m| m.catalog_version.load(Ordering::SeqCst))
    }

    /// The catalog as it changes (DDL here or in another sqld, seen by the
    /// poll); None for [`Cluster::single`], whose planner learns of changes
    /// from its own DDL.
    pub fn catalog_watch(&self) -> Option<watch::Receiver<Arc<Catalog>>> {
        self.meta.as_ref().map(|m| m.catalog.subscribe())
    }

    /// Reloads the catalog if the stored version moved; true when it did.
    pub async fn refresh_catalog(&self) -> SqlResult<bool> {
        let Some(m) = &self.meta else {
            return Ok(false);
        };
        let v = m.store.catalog_version().await?;
        if v == m.catalog_version.load(Ordering::SeqCst) {
            return Ok(false);
        }
        let (c, v) = m.store.load_catalog().await?;
        self.publish(&c, v);
        Ok(true)
    }

    /// Makes `c` (stored as `version`) the catalog of this process, unless
    /// a newer one already is: the poll, a session's refresh and a DDL each
    /// load catalogs concurrently, and the one loaded first may arrive last.
    /// The watch's lock orders the check and the change.
    fn publish(&self, c: &Catalog, version: u64) {
        if let Some(m) = &self.meta {
            m.catalog.send_if_modified(|current| {
                if version <= m.catalog_version.load(Ordering::SeqCst) {
                    return false;
                }
                m.catalog_version.store(version, Ordering::SeqCst);
                *current = Arc::new(c.clone());
                true
            });
        }
    }

    /// Applies a schema change on every node group. With a metadata store
    /// the change is serialised across every sqld (see `ddl`); the catalog
    /// returned is the one after it.
    pub async fn ddl(&self, op: &DdlOp) -> SqlResult<Catalog> {
        if self.meta.is_some() {
            return self.cluster_ddl(op).await;
        }
        let mut first = None;
        for g in &self.groups {
            let c = g.ddl(op).await?;
            first.get_or_insert(c);
        }
        first.ok_or_else(|| er::internal("cluster has no node groups"))
    }

    /// For EXPLAIN: the node groups a read reaches and the SQL each runs.
    pub fn describe_read(
        &self,
        req: &Read,
        aggs: &[PartialAgg],
        order: &[OrderKey],
    ) -> Vec<(String, Option<String>)> {
        route::split_read(self, req)
            .into_iter()
            .map(|(g, part)| {
                let node = &self.groups[g];
                let sql = node.describe_read(part.as_ref().unwrap_or(req), aggs, order);
                (node.name(), sql)
            })
            .collect()
    }

    /// For SHOW STATUS: the pools of the node groups that have one.
    pub fn pool_stats(&self) -> Vec<(String, PoolStats)> {
        self.groups
            .iter()
            .filter_map(|n| n.pool_stats().map(|s| (n.name(), s)))
            .collect()
    }

    pub fn begin(self: &Arc<Self>, read_only: bool) -> ClusterTxn {
        ClusterTxn::new(self.clone(), read_only)
    }

    /// The global transaction id of a new distributed transaction.
    fn next_gtrid(&self) -> Option<String> {
        let m = self.meta.as_ref()?;
        let seq = m.next_txn.fetch_add(1, Ordering::Relaxed);
        Some(format!("{}x{seq}", m.instance))
    }
}

/// The XA branch id of `gtrid` on node group `group`.
pub fn branch_id(gtrid: &str, group: usize) -> String {
    format!("sqld.{gtrid}.{group}")
}

/// The gtrid of a branch id sqld made; None for anyone else's branch.
pub fn gtrid_of(branch: &str) -> Option<&str> {
    let rest = branch.strip_prefix("sqld.")?;
    let (gtrid, group) = rest.rsplit_once('.')?;
    let ok = !gtrid.is_empty()
        && group.bytes().all(|b| b.is_ascii_digit())
        && gtrid.bytes().all(|b| b.is_ascii_alphanumeric());
    ok.then_some(gtrid)
}

/// 16 hex digits, different for every process (and every cluster opened).
fn instance_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.write_u32(std::process::id());
    format!("{:016x}", h.finish())
}

/// Runs `f` every `period` while the cluster lives.
fn every<F, Fut>(cluster: &Arc<Cluster>, period: Duration, f: F) -> tokio::task::JoinHandle<()>
where
    F: Fn(Arc<Cluster>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let weak: Weak<Cluster> = Arc::downgrade(cluster);
    let period = period.max(Duration::from_millis(10));
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(period).await;
            let Some(c) = weak.upgrade() else { return };
            f(c).await;
        }
    })
}
