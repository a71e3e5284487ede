//! The data-node interface: one implementation per kind of node (embedded
//! engine, MySQL-protocol server). A node owns some partitions of every table.

use crate::error::SqlResult;
use crate::request::{Read, Write, WriteOutcome};
use crate::schema::{Catalog, DdlOp};
use crate::value::Row;
use async_trait::async_trait;

#[async_trait]
pub trait DataNode: Send + Sync + 'static {
    /// The schema stored on this node.
    async fn load_catalog(&self) -> SqlResult<Catalog>;
    /// Applies a schema change, durably; returns the catalog after it.
    async fn ddl(&self, op: &DdlOp) -> SqlResult<Catalog>;
    /// Starts a transaction. READ COMMITTED: each read sees the latest
    /// committed rows plus this transaction's own writes.
    async fn begin(&self, read_only: bool) -> SqlResult<Box<dyn NodeTxn>>;
    /// Name for errors and EXPLAIN ("embedded", "ng0/127.0.0.1:3307").
    fn name(&self) -> String;
}

#[async_trait]
pub trait NodeTxn: Send + Sync {
    async fn read(&mut self, req: &Read) -> SqlResult<Vec<Row>>;
    async fn write(&mut self, req: &Write) -> SqlResult<WriteOutcome>;
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
    /// Makes every write durable and visible atomically, then releases locks.
    async fn commit(self: Box<Self>) -> SqlResult<()>;
    async fn rollback(self: Box<Self>) -> SqlResult<()>;
}
