//! Cluster metadata: what every sqld on a cluster of MySQL-protocol data
//! nodes must agree on, stored in the cluster itself (sqld is stateless).
//!
//! The schema, the partition map, the AUTO_INCREMENT counters and the
//! two-phase-commit decision log live on node group 0, in the database
//! `sqld_meta` (see `remote::meta`). The embedded engine keeps its own
//! catalog and counters and has no [`ClusterMeta`].

use crate::error::SqlResult;
use crate::partition::PartitionMap;
use crate::schema::Catalog;
use async_trait::async_trait;

/// The counter that numbers tables: `reserve_ids(TABLE_ID_COUNTER, 0, 1)`.
pub const TABLE_ID_COUNTER: u64 = 0;

#[async_trait]
pub trait ClusterMeta: Send + Sync + 'static {
    /// Creates the metadata store if it does not exist yet (idempotent,
    /// safe when several sqld processes start at once).
    async fn ensure(&self) -> SqlResult<()>;

    /// The partition map. On first use (a new cluster) it is created with
    /// `partitions` partitions spread round-robin over `groups` node groups
    /// and stored; afterwards the stored map is returned whatever the
    /// arguments (it is fixed at cluster creation).
    async fn partition_map(&self, partitions: usize, groups: usize) -> SqlResult<PartitionMap>;

    /// The stored catalog and its version (0 for a new cluster: empty).
    async fn load_catalog(&self) -> SqlResult<(Catalog, u64)>;
    /// The version of the stored catalog, bumped by every schema change:
    /// cheap, polled to notice DDL made by other sqld processes.
    async fn catalog_version(&self) -> SqlResult<u64>;
    /// Serialises schema changes across every sqld on the cluster. The lock
    /// is released when the guard is dropped or when this sqld dies.
    async fn lock_ddl(&self) -> SqlResult<Box<dyn DdlLock>>;
    /// Stores the catalog as `version` (call under the DDL lock).
    async fn store_catalog(&self, catalog: &Catalog, version: u64) -> SqlResult<()>;

    /// Reserves `count` consecutive values of counter (table id, column)
    /// and returns the first; values start at 1 and are never handed out
    /// twice, by any sqld.
    async fn reserve_ids(&self, table_id: u64, column: usize, count: u64) -> SqlResult<u64>;
    /// Makes later reservations of the counter start above `value` (an
    /// explicit AUTO_INCREMENT value was inserted).
    async fn raise_ids(&self, table_id: u64, column: usize, value: u64) -> SqlResult<()>;
    /// Forgets a table's counters (DROP / TRUNCATE).
    async fn drop_ids(&self, table_id: u64) -> SqlResult<()>;

    /// Records, durably, the outcome of distributed transaction `gtrid`.
    /// The first decision recorded wins: returns the decision in force
    /// (a committer that finds `false` must roll back).
    async fn decide(&self, gtrid: &str, commit: bool) -> SqlResult<bool>;
    /// The recorded decision, if any.
    async fn decision(&self, gtrid: &str) -> SqlResult<Option<bool>>;
    /// Removes decisions no longer needed (every branch resolved).
    async fn forget(&self, gtrids: &[String]) -> SqlResult<()>;
    /// Decisions recorded more than `older_than` ago, for clean-up.
    async fn old_decisions(&self, older_than: std::time::Duration) -> SqlResult<Vec<String>>;
}

/// Held while a schema change runs; see [`ClusterMeta::lock_ddl`].
#[async_trait]
pub trait DdlLock: Send {
    async fn release(self: Box<Self>) -> SqlResult<()>;
}
