//! The data-node interface: one implementation per kind of node (embedded
//! engine, MySQL-protocol server). A node owns some partitions of every table.

use crate::error::{er, SqlResult};
use crate::request::{OrderKey, PartialAgg, Read, Write, WriteOutcome};
use crate::schema::{Catalog, DdlOp, TableDef};
use crate::value::Row;
use async_trait::async_trait;

#[async_trait]
pub trait DataNode: Send + Sync + 'static {
    /// The schema stored on this node.
    async fn load_catalog(&self) -> SqlResult<Catalog>;
    /// Applies a schema change, durably; returns the catalog after it.
    async fn ddl(&self, op: &DdlOp) -> SqlResult<Catalog>;
    /// Starts a transaction. READ COMMITTED: each read sees the latest
    /// committed rows plus this transaction's own writes. `xa_branch` is set
    /// when the transaction may span several node groups: the node then runs
    /// it as that XA branch so that [`NodeTxn::prepare`] can be called.
    async fn begin(
        &self,
        read_only: bool,
        xa_branch: Option<String>,
    ) -> SqlResult<Box<dyn NodeTxn>>;
    /// Name for errors and EXPLAIN ("embedded", "ng0 (127.0.0.1:3307)").
    fn name(&self) -> String;

    /// Prepared XA branches sqld left on this node (XA RECOVER), by the
    /// branch id given to [`DataNode::begin`]. Nodes without two-phase
    /// commit have none.
    async fn prepared_branches(&self) -> SqlResult<Vec<String>> {
        Ok(Vec::new())
    }
    /// Commits or rolls back a prepared branch found by
    /// [`DataNode::prepared_branches`] (recovery).
    async fn resolve_branch(&self, _branch: &str, _commit: bool) -> SqlResult<()> {
        Err(er::not_supported("two-phase commit on this data node"))
    }
    /// The SQL text this node would run for a read (for its partial
    /// aggregates `aggs` when there are any and it can compute them, else
    /// ordered by `order` when it [`DataNode::orders`] it), for EXPLAIN;
    /// None for nodes that run requests themselves (embedded).
    fn describe_read(
        &self,
        _req: &Read,
        _aggs: &[PartialAgg],
        _order: &[OrderKey],
    ) -> Option<String> {
        None
    }
    /// Whether [`NodeTxn::read_ordered`] orders range reads of `table` by
    /// `order` itself (and so answers Some).
    fn orders(&self, _table: &TableDef, _order: &[OrderKey]) -> bool {
        false
    }
    /// The largest positive integer column `column` of `table` holds on
    /// this node (0 for none): where a counter starts when ALTER TABLE
    /// makes the column AUTO_INCREMENT in cluster mode.
    async fn column_max(&self, _table: &TableDef, _column: usize) -> SqlResult<u64> {
        Err(er::not_supported(
            "reading a column's largest value on this data node",
        ))
    }
    /// Connection-pool figures for SHOW STATUS; None without a pool.
    fn pool_stats(&self) -> Option<PoolStats> {
        None
    }
}

/// A data node's connection pool, as SHOW STATUS reports it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections open (idle + in use).
    pub size: u64,
    pub in_use: u64,
    pub idle: u64,
    /// Maximum size configured.
    pub max_size: u64,
    /// Times a session had to wait for a free connection, since start.
    pub waits: u64,
    /// Connections opened since start.
    pub connections_created: u64,
}

#[async_trait]
pub trait NodeTxn: Send + Sync {
    async fn read(&mut self, req: &Read) -> SqlResult<Vec<Row>>;
    async fn write(&mut self, req: &Write) -> SqlResult<WriteOutcome>;
    /// The partial aggregates of the rows `req` matches (its limit unset),
    /// one value each, computed on the node; None when this node cannot
    /// compute them (the caller then reads the rows). Remote nodes run them
    /// as SQL; the embedded engine computes them while it scans, building
    /// no rows.
    async fn read_aggregates(
        &mut self,
        _req: &Read,
        _aggs: &[PartialAgg],
    ) -> SqlResult<Option<Row>> {
        Ok(None)
    }
    /// The rows of a range read (`req.access` a range) ordered by `order`
    /// and then in index order, `req.limit` applied after ordering; None
    /// when this node does not order rows itself (the caller sorts). A
    /// remote node has its server sort, so that with a LIMIT only the top
    /// rows cross the network, and several groups' results are merged.
    async fn read_ordered(
        &mut self,
        _req: &Read,
        _order: &[OrderKey],
    ) -> SqlResult<Option<Vec<Row>>> {
        Ok(None)
    }
    /// Marks a point to roll back to; savepoints nest by name as in InnoDB.
    /// Locks taken after it are kept after rolling back to it.
    async fn savepoint(&mut self, name: &str) -> SqlResult<()>;
    async fn rollback_to_savepoint(&mut self, name: &str) -> SqlResult<()>;
    async fn release_savepoint(&mut self, name: &str) -> SqlResult<()>;
    /// Whether the transaction has written anything yet.
    fn has_writes(&self) -> bool;
    /// innodb_lock_wait_timeout for this transaction's lock waits from now
    /// on; nodes that do not wait for locks themselves ignore it.
    fn set_lock_wait_timeout(&mut self, _timeout: std::time::Duration) {}
    /// Whether a failed [`NodeTxn::write`] leaves none of its changes
    /// behind (the node rolls the statement back itself, as InnoDB does):
    /// then a statement that makes one write request on one node group
    /// needs no statement savepoint.
    fn writes_are_atomic(&self) -> bool {
        false
    }
    /// Whether this transaction holds row locks or has written (and so
    /// holds a data-node connection, for remote nodes).
    fn holds_locks(&self) -> bool {
        self.has_writes()
    }
    /// Makes every write durable and visible atomically, then releases locks.
    async fn commit(self: Box<Self>) -> SqlResult<()>;
    async fn rollback(self: Box<Self>) -> SqlResult<()>;
    /// Two-phase commit, phase one (XA END + XA PREPARE of the branch given
    /// to [`DataNode::begin`]): afterwards the writes survive a crash of sqld
    /// or of the node, undecided, until [`NodeTxn::commit_prepared`],
    /// [`NodeTxn::rollback`] or recovery resolves them.
    async fn prepare(&mut self) -> SqlResult<()> {
        Err(er::not_supported("two-phase commit on this data node"))
    }
    /// Phase two after a successful [`NodeTxn::prepare`] (XA COMMIT).
    async fn commit_prepared(self: Box<Self>) -> SqlResult<()> {
        Err(er::not_supported("two-phase commit on this data node"))
    }
}
