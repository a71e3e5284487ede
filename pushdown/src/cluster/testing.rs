//! Test node groups: an embedded node behind a wrapper that adds what the
//! cluster layer needs to be tested without MariaDB — XA-style prepare
//! (prepared branches outlive the transaction object, as they outlive a
//! crashed sqld), injected failures, and table definitions looked up by
//! name (each embedded node numbers its tables itself).

use crate::embedded::{EmbeddedNode, EmbeddedOptions};
use crate::error::{SqlError, SqlResult};
use crate::node::{DataNode, NodeTxn};
use crate::request::{Read, Write, WriteOutcome};
use crate::schema::{Catalog, DdlOp, TableDef};
use crate::value::Row;
use async_trait::async_trait;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Default)]
pub struct Faults {
    pub fail_prepare: AtomicBool,
    pub fail_commit_prepared: AtomicBool,
    /// The next DDL fails (as if the node were unreachable).
    pub fail_next_ddl: AtomicBool,
    /// XA RECOVER fails (node down).
    pub down: AtomicBool,
    /// Claim `writes_are_atomic` (the embedded engine is not).
    pub atomic: AtomicBool,
    pub savepoints: AtomicU64,
    prepared: Mutex<HashMap<String, Box<dyn NodeTxn>>>,
}

impl Faults {
    fn prepared(&self) -> std::sync::MutexGuard<'_, HashMap<String, Box<dyn NodeTxn>>> {
        self.prepared.lock().unwrap_or_else(|p| p.into_inner())
    }
}

pub struct TestNode {
    pub inner: Arc<EmbeddedNode>,
    pub faults: Arc<Faults>,
    name: String,
    dir: PathBuf,
}

impl Drop for TestNode {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn lost(what: &str) -> SqlError {
    SqlError::code(2013, format!("Lost connection to server during {what}"))
}

impl TestNode {
    pub fn open(name: &str) -> Arc<TestNode> {
        let dir = std::env::temp_dir().join(format!(
            "sqld-cluster-{name}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let inner = EmbeddedNode::open(
            &dir,
            EmbeddedOptions {
                sync_on_commit: false,
                lock_wait_timeout: Duration::from_millis(300),
                cache_bytes: 8 << 20,
                ..EmbeddedOptions::default()
            },
        )
        .expect("open embedded node");
        Arc::new(TestNode {
            inner,
            faults: Arc::new(Faults::default()),
            name: name.to_string(),
            dir,
        })
    }

    /// Rows of the table stored on this node (committed), by full scan.
    pub async fn rows(&self, db: &str, table: &str) -> Vec<Row> {
        let mut t = self.begin(true, None).await.expect("begin");
        let def = self
            .inner
            .load_catalog()
            .await
            .expect("catalog")
            .table(db, table)
            .cloned()
            .expect("table on node");
        let rows = t
            .read(&Read {
                table: def,
                access: crate::request::Access::full_scan(),
                filter: None,
                projection: None,
                limit: None,
                lock: crate::request::LockMode::None,
                params: Vec::new(),
            })
            .await
            .expect("scan");
        t.commit().await.expect("commit");
        rows
    }

    pub fn prepared_count(&self) -> usize {
        self.faults.prepared().len()
    }
}

#[async_trait]
impl DataNode for TestNode {
    async fn load_catalog(&self) -> SqlResult<Catalog> {
        self.inner.load_catalog().await
    }

    async fn ddl(&self, op: &DdlOp) -> SqlResult<Catalog> {
        if self.faults.fail_next_ddl.swap(false, Ordering::SeqCst) {
            return Err(lost("DDL"));
        }
        self.inner.ddl(op).await
    }

    async fn begin(
        &self,
        read_only: bool,
        xa_branch: Option<String>,
    ) -> SqlResult<Box<dyn NodeTxn>> {
        Ok(Box::new(TestTxn {
            inner: Some(self.inner.begin(read_only, None).await?),
            node: self.inner.clone(),
            faults: self.faults.clone(),
            branch: xa_branch,
            prepared: false,
        }))
    }

    fn name(&self) -> String {
        self.name.clone()
    }

    async fn prepared_branches(&self) -> SqlResult<Vec<String>> {
        if self.faults.down.load(Ordering::SeqCst) {
            return Err(lost("XA RECOVER"));
        }
        Ok(self.faults.prepared().keys().cloned().collect())
    }

    async fn resolve_branch(&self, branch: &str, commit: bool) -> SqlResult<()> {
        let t = self
            .faults
            .prepared()
            .remove(branch)
            .ok_or_else(|| SqlError::code(1397, "XAER_NOTA: Unknown XID"))?;
        if commit {
            t.commit().await
        } else {
            t.rollback().await
        }
    }
}

pub struct TestTxn {
    inner: Option<Box<dyn NodeTxn>>,
    node: Arc<EmbeddedNode>,
    faults: Arc<Faults>,
    branch: Option<String>,
    prepared: bool,
}

impl TestTxn {
    fn inner(&mut self) -> SqlResult<&mut Box<dyn NodeTxn>> {
        self.inner
            .as_mut()
            .ok_or_else(|| SqlError::code(1399, "XAER_RMFAIL: the branch is prepared"))
    }

    /// The node's own definition of the table (same name, its own id).
    async fn local(&self, t: &Arc<TableDef>) -> SqlResult<Arc<TableDef>> {
        self.node
            .load_catalog()
            .await?
            .table(&t.db, &t.name)
            .cloned()
            .ok_or_else(|| crate::error::er::no_such_table(&t.db, &t.name))
    }
}

#[async_trait]
impl NodeTxn for TestTxn {
    async fn read(&mut self, req: &Read) -> SqlResult<Vec<Row>> {
        let r = Read {
            table: self.local(&req.table).await?,
            ..req.clone()
        };
        self.inner()?.read(&r).await
    }

    async fn write(&mut self, req: &Write) -> SqlResult<WriteOutcome> {
        let local = self.local(req.table()).await?;
        let mut w = req.clone();
        match &mut w {
            Write::Insert { table, .. }
            | Write::Update { table, .. }
            | Write::Delete { table, .. } => *table = local,
        }
        self.inner()?.write(&w).await
    }

    async fn savepoint(&mut self, name: &str) -> SqlResult<()> {
        self.faults.savepoints.fetch_add(1, Ordering::SeqCst);
        self.inner()?.savepoint(name).await
    }

    async fn rollback_to_savepoint(&mut self, name: &str) -> SqlResult<()> {
        self.inner()?.rollback_to_savepoint(name).await
    }

    async fn release_savepoint(&mut self, name: &str) -> SqlResult<()> {
        self.inner()?.release_savepoint(name).await
    }

    fn has_writes(&self) -> bool {
        self.prepared || self.inner.as_ref().is_some_and(|t| t.has_writes())
    }

    fn writes_are_atomic(&self) -> bool {
        self.faults.atomic.load(Ordering::SeqCst)
    }

    async fn commit(mut self: Box<Self>) -> SqlResult<()> {
        self.inner()?;
        match self.inner.take() {
            Some(t) => t.commit().await,
            None => Ok(()),
        }
    }

    async fn rollback(mut self: Box<Self>) -> SqlResult<()> {
        if self.prepared {
            let b = self.branch.clone().unwrap_or_default();
            let t = self.faults.prepared().remove(&b);
            return match t {
                Some(t) => t.rollback().await,
                None => Ok(()),
            };
        }
        match self.inner.take() {
            Some(t) => t.rollback().await,
            None => Ok(()),
        }
    }

    async fn prepare(&mut self) -> SqlResult<()> {
        if self.faults.fail_prepare.load(Ordering::SeqCst) {
            return Err(lost("XA PREPARE"));
        }
        let branch = self
            .branch
            .clone()
            .ok_or_else(|| SqlError::code(1399, "XAER_RMFAIL: not an XA branch"))?;
        let t = self
            .inner
            .take()
            .ok_or_else(|| SqlError::code(1399, "XAER_RMFAIL: already prepared"))?;
        self.faults.prepared().insert(branch, t);
        self.prepared = true;
        Ok(())
    }

    async fn commit_prepared(self: Box<Self>) -> SqlResult<()> {
        if self.faults.fail_commit_prepared.load(Ordering::SeqCst) {
            return Err(lost("XA COMMIT"));
        }
        let b = self.branch.clone().unwrap_or_default();
        let t = self.faults.prepared().remove(&b);
        match t {
            Some(t) => t.commit().await,
            None => Err(SqlError::code(1397, "XAER_NOTA: Unknown XID")),
        }
    }
}
