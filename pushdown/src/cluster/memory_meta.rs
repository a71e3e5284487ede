//! Cluster metadata held in memory: for tests of the cluster layer with
//! several embedded node groups, and for sqld processes sharing one
//! [`MemoryMeta`] inside one process. Nothing survives the process.

use crate::error::{er, SqlResult};
use crate::meta::{ClusterMeta, DdlLock};
use crate::partition::PartitionMap;
use crate::schema::Catalog;
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Default)]
pub struct MemoryMeta {
    state: Mutex<State>,
    ddl: Arc<tokio::sync::Mutex<()>>,
    /// Test hook: the next `decide` records rollback, as if recovery had
    /// decided first.
    pub abort_next_decide: AtomicBool,
    /// Test hook: the decision log is unreachable.
    pub decisions_down: AtomicBool,
}

#[derive(Default)]
struct State {
    map: Option<PartitionMap>,
    catalog: Catalog,
    version: u64,
    /// Last value handed out per (table id, column).
    counters: HashMap<(u64, usize), u64>,
    decisions: HashMap<String, (bool, Instant)>,
}

impl MemoryMeta {
    pub fn new() -> Arc<MemoryMeta> {
        Arc::new(MemoryMeta::default())
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn reachable(&self) -> SqlResult<()> {
        if self.decisions_down.load(Ordering::SeqCst) {
            return Err(crate::error::SqlError::code(
                2013,
                "Lost connection to server during query",
            ));
        }
        Ok(())
    }

    /// Every recorded decision (tests).
    pub fn decisions(&self) -> HashMap<String, bool> {
        self.state()
            .decisions
            .iter()
            .map(|(k, (d, _))| (k.clone(), *d))
            .collect()
    }
}

struct MemoryLock(#[allow(dead_code)] tokio::sync::OwnedMutexGuard<()>);

#[async_trait]
impl DdlLock for MemoryLock {
    async fn release(self: Box<Self>) -> SqlResult<()> {
        Ok(())
    }
}

#[async_trait]
impl ClusterMeta for MemoryMeta {
    async fn ensure(&self) -> SqlResult<()> {
        Ok(())
    }

    async fn partition_map(&self, partitions: usize, groups: usize) -> SqlResult<PartitionMap> {
        Ok(self
            .state()
            .map
            .get_or_insert_with(|| PartitionMap::round_robin(partitions, groups))
            .clone())
    }

    async fn load_catalog(&self) -> SqlResult<(Catalog, u64)> {
        let s = self.state();
        Ok((s.catalog.clone(), s.version))
    }

    async fn catalog_version(&self) -> SqlResult<u64> {
        Ok(self.state().version)
    }

    async fn lock_ddl(&self) -> SqlResult<Box<dyn DdlLock>> {
        Ok(Box::new(MemoryLock(self.ddl.clone().lock_owned().await)))
    }

    async fn store_catalog(&self, catalog: &Catalog, version: u64) -> SqlResult<()> {
        let mut s = self.state();
        s.catalog = catalog.clone();
        s.version = version;
        Ok(())
    }

    async fn reserve_ids(&self, table_id: u64, column: usize, count: u64) -> SqlResult<u64> {
        let mut s = self.state();
        let c = s.counters.entry((table_id, column)).or_insert(0);
        let first = c
            .checked_add(1)
            .ok_or_else(|| er::internal("counter exhausted"))?;
        *c = c.saturating_add(count.max(1));
        Ok(first)
    }

    async fn raise_ids(&self, table_id: u64, column: usize, value: u64) -> SqlResult<()> {
        let mut s = self.state();
        let c = s.counters.entry((table_id, column)).or_insert(0);
        *c = (*c).max(value);
        Ok(())
    }

    async fn drop_ids(&self, table_id: u64) -> SqlResult<()> {
        self.state().counters.retain(|(t, _), _| *t != table_id);
        Ok(())
    }

    async fn decide(&self, gtrid: &str, commit: bool) -> SqlResult<bool> {
        self.reachable()?;
        let commit = commit && !self.abort_next_decide.swap(false, Ordering::SeqCst);
        let mut s = self.state();
        Ok(s.decisions
            .entry(gtrid.to_string())
            .or_insert((commit, Instant::now()))
            .0)
    }

    async fn decision(&self, gtrid: &str) -> SqlResult<Option<bool>> {
        self.reachable()?;
        Ok(self.state().decisions.get(gtrid).map(|d| d.0))
    }

    async fn forget(&self, gtrids: &[String]) -> SqlResult<()> {
        let mut s = self.state();
        for g in gtrids {
            s.decisions.remove(g);
        }
        Ok(())
    }

    async fn old_decisions(&self, older_than: Duration) -> SqlResult<Vec<String>> {
        Ok(self
            .state()
            .decisions
            .iter()
            .filter(|(_, (_, at))| at.elapsed() >= older_than)
            .map(|(k, _)| k.clone())
            .collect())
    }
}
