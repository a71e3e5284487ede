//! The node groups behind one sqld, and a transaction that spans them.
//!
//! A [`ClusterTxn`] starts a [`NodeTxn`] on a node group the first time a
//! request needs that group, splits key batches by owning group and sends
//! scans to every group. With the embedded engine there is one group, so
//! every request goes straight through.

use crate::error::{er, SqlResult};
use crate::node::{DataNode, NodeTxn};
use crate::partition::PartitionMap;
use crate::request::{Access, Read, Write, WriteOutcome};
use crate::schema::{Catalog, DdlOp};
use crate::value::Row;
use std::sync::Arc;
use std::time::Duration;

pub struct Cluster {
    groups: Vec<Arc<dyn DataNode>>,
    map: PartitionMap,
}

impl Cluster {
    /// One node group holding every partition: the embedded default.
    pub fn single(node: Arc<dyn DataNode>) -> Arc<Cluster> {
        Arc::new(Cluster {
            groups: vec![node],
            map: PartitionMap::single(1),
        })
    }

    pub fn group_count(&self) -> usize {
        self.groups.len()
    }

    pub fn group_name(&self, g: usize) -> String {
        self.groups[g].name()
    }

    pub async fn load_catalog(&self) -> SqlResult<Catalog> {
        self.groups[0].load_catalog().await
    }

    /// Applies a schema change on every node group, in order; the catalog
    /// returned is the first group's.
    pub async fn ddl(&self, op: &DdlOp) -> SqlResult<Catalog> {
        let mut first = None;
        for g in &self.groups {
            let c = g.ddl(op).await?;
            first.get_or_insert(c);
        }
        first.ok_or_else(|| er::internal("cluster has no node groups"))
    }

    pub fn begin(self: &Arc<Self>, read_only: bool) -> ClusterTxn {
        ClusterTxn {
            cluster: self.clone(),
            parts: (0..self.groups.len()).map(|_| None).collect(),
            read_only,
            lock_wait_timeout: None,
        }
    }
}

/// A transaction over the node groups it has touched so far.
pub struct ClusterTxn {
    cluster: Arc<Cluster>,
    parts: Vec<Option<Box<dyn NodeTxn>>>,
    read_only: bool,
    /// The session's innodb_lock_wait_timeout, passed to every part.
    lock_wait_timeout: Option<Duration>,
}

impl ClusterTxn {
    pub fn read_only(&self) -> bool {
        self.read_only
    }

    /// Lock waits of this transaction end with 1205 after `timeout` (the
    /// session's innodb_lock_wait_timeout); set it before each statement.
    pub fn set_lock_wait_timeout(&mut self, timeout: Duration) {
        self.lock_wait_timeout = Some(timeout);
        for p in self.parts.iter_mut().flatten() {
            p.set_lock_wait_timeout(timeout);
        }
    }

    async fn part(&mut self, g: usize) -> SqlResult<&mut Box<dyn NodeTxn>> {
        if self.parts[g].is_none() {
            let mut t = self.cluster.groups[g].begin(self.read_only, None).await?;
            if let Some(timeout) = self.lock_wait_timeout {
                t.set_lock_wait_timeout(timeout);
            }
            self.parts[g] = Some(t);
        }
        Ok(self.parts[g].as_mut().expect("part just started"))
    }

    /// The node groups a request must reach.
    fn groups_for(&self, access: &Access) -> Vec<usize> {
        if self.cluster.groups.len() == 1 {
            return vec![0];
        }
        match access {
            Access::Keys(keys) => {
                let mut gs: Vec<usize> =
                    keys.iter().map(|k| self.cluster.map.group_of(k)).collect();
                gs.sort_unstable();
                gs.dedup();
                gs
            }
            Access::Range { .. } => (0..self.cluster.groups.len()).collect(),
        }
    }

    pub async fn read(&mut self, req: &Read) -> SqlResult<Vec<Row>> {
        let groups = self.groups_for(&req.access);
        if groups.len() == 1 {
            return self.part(groups[0]).await?.read(req).await;
        }
        // Several node groups arrive with the cluster issue; the embedded
        // engine is one group, so this is not reachable yet.
        Err(er::not_supported("reads across several node groups"))
    }

    pub async fn write(&mut self, req: &Write) -> SqlResult<WriteOutcome> {
        if self.read_only {
            return Err(er::read_only_txn());
        }
        if self.cluster.groups.len() == 1 {
            return self.part(0).await?.write(req).await;
        }
        Err(er::not_supported("writes across several node groups"))
    }

    pub async fn savepoint(&mut self, name: &str) -> SqlResult<()> {
        for g in 0..self.parts.len() {
            self.part(g).await?.savepoint(name).await?;
        }
        Ok(())
    }

    pub async fn rollback_to_savepoint(&mut self, name: &str) -> SqlResult<()> {
        for p in self.parts.iter_mut().flatten() {
            p.rollback_to_savepoint(name).await?;
        }
        Ok(())
    }

    pub async fn release_savepoint(&mut self, name: &str) -> SqlResult<()> {
        for p in self.parts.iter_mut().flatten() {
            p.release_savepoint(name).await?;
        }
        Ok(())
    }

    pub fn has_writes(&self) -> bool {
        self.parts.iter().flatten().any(|p| p.has_writes())
    }

    pub async fn commit(self) -> SqlResult<()> {
        let parts: Vec<_> = self.parts.into_iter().flatten().collect();
        let writers = parts.iter().filter(|p| p.has_writes()).count();
        if writers > 1 {
            return Err(er::not_supported("commits across several node groups"));
        }
        for p in parts {
            p.commit().await?;
        }
        Ok(())
    }

    pub async fn rollback(self) -> SqlResult<()> {
        let mut first_err = None;
        for p in self.parts.into_iter().flatten() {
            if let Err(e) = p.rollback().await {
                first_err.get_or_insert(e);
            }
        }
        first_err.map_or(Ok(()), Err)
    }
}
