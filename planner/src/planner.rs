//! The planner's entry points: prepare a statement into a plan, execute a
//! plan with bound parameters inside the session's transaction.

use crate::context::SessionCtx;
use crate::result::{ColumnMeta, QueryResult};
use pushdown::cluster::Cluster;
use pushdown::error::SqlResult;
use pushdown::schema::{Catalog, DdlOp};
use pushdown::value::Value;
use sqlparser::ast::Statement;
use std::sync::{Arc, RwLock};

pub struct Planner {
    cluster: Arc<Cluster>,
    catalog: RwLock<Arc<Catalog>>,
}

/// A planned statement. Held by prepared statements (and the statement cache)
/// so that EXECUTE binds parameters and runs without parsing or planning.
pub struct Prepared {
    /// Number of `?` placeholders.
    pub param_count: usize,
    /// Result columns (empty for statements that return OK).
    pub columns: Arc<[ColumnMeta]>,
    /// Tables the statement reads or writes, (database, table): the session
    /// checks privileges on them before every execution.
    pub tables: Vec<(String, String)>,
}

impl Planner {
    /// Loads the catalog from the cluster.
    pub async fn open(cluster: Arc<Cluster>) -> SqlResult<Arc<Planner>> {
        let catalog = cluster.load_catalog().await?;
        Ok(Arc::new(Planner {
            cluster,
            catalog: RwLock::new(Arc::new(catalog)),
        }))
    }

    pub fn cluster(&self) -> &Arc<Cluster> {
        &self.cluster
    }

    /// The cached schema (cheap: an Arc).
    pub fn catalog(&self) -> Arc<Catalog> {
        self.catalog.read().expect("catalog lock").clone()
    }

    /// Applies a schema change on every node group and refreshes the cache.
    pub async fn ddl(&self, op: &DdlOp) -> SqlResult<()> {
        let c = self.cluster.ddl(op).await?;
        *self.catalog.write().expect("catalog lock") = Arc::new(c);
        Ok(())
    }

    /// Plans a statement that touches tables (SELECT, INSERT, UPDATE,
    /// DELETE, REPLACE, DDL, EXPLAIN, SELECT without FROM). Session-level
    /// statements (SET, SHOW, USE, BEGIN, ...) are the session's.
    pub fn prepare(&self, _stmt: &Statement, _ctx: &SessionCtx) -> SqlResult<Arc<Prepared>> {
        todo!("planner helper")
    }

    /// Runs a plan with these parameter values. Outside an explicit
    /// transaction with autocommit on, the statement commits on its own.
    pub async fn execute(
        &self,
        _plan: &Prepared,
        _params: &[Value],
        _ctx: &mut SessionCtx,
    ) -> SqlResult<QueryResult> {
        todo!("planner helper")
    }
}
