//! MySQL-protocol data nodes: a MariaDB or MySQL server holding, for every
//! table of the catalog, a real InnoDB table with the same database, name
//! and columns, and whichever rows the cluster routes to it.
//!
//! - `pool`: the bb8 pool of mysql_async connections, set up for sqld
//! - `conn`: running statements on one connection; errors → `error`
//! - `render`: expressions, keys and ranges as SQL with `?` parameters
//! - `values`: pushdown values ↔ wire values, per column type
//! - `read` / `write`: requests as SELECT / INSERT / UPDATE / DELETE
//! - `schema_sql`: DdlOp → idempotent physical DDL
//! - `txn`: [`RemoteTxn`], held connections, XA branches
//! - `meta`: [`MetaStore`], the cluster's metadata on node group 0

mod conn;
mod error;
mod meta;
mod pool;
mod read;
pub mod render;
mod schema_sql;
mod txn;
mod values;
mod write;

pub use error::NodeLabel;
pub use meta::MetaStore;
pub use txn::RemoteTxn;

use crate::error::{SqlError, SqlResult};
use crate::node::{DataNode, NodeTxn, PoolStats};
use crate::request::{PartialAgg, Read};
use crate::schema::{Catalog, DdlOp};
use async_trait::async_trait;
use conn::text_of;
use pool::{Manager, Pool, Pooled};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// Connection settings of one data node.
#[derive(Debug, Clone)]
pub struct RemoteOptions {
    /// Connections in the node's pool at most.
    pub pool_max: u32,
    /// Bound on connecting and on waiting for a free pooled connection.
    pub connect_timeout: Duration,
}

impl Default for RemoteOptions {
    fn default() -> Self {
        RemoteOptions {
            pool_max: 32,
            connect_timeout: Duration::from_secs(2),
        }
    }
}

pub struct RemoteNode {
    shared: Arc<Shared>,
}

/// What a node and its transactions share.
pub(crate) struct Shared {
    label: NodeLabel,
    opts: mysql_async::Opts,
    options: RemoteOptions,
    /// Built on first use (building needs the runtime).
    pool: OnceLock<Pool>,
}

/// The password part of a `mysql://user:password@host` URL, to keep it out
/// of every message.
fn url_password(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next()?;
    let userinfo = authority.rsplit_once('@')?.0;
    let pw = userinfo.split_once(':')?.1;
    (!pw.is_empty()).then(|| pw.to_string())
}

impl RemoteNode {
    /// A node of group `group` at `url` (`mysql://user:password@host:port`).
    /// Lazy: no connection is made here; a malformed URL is an error.
    pub fn new(group: usize, url: &str, opts: RemoteOptions) -> SqlResult<Arc<RemoteNode>> {
        let password = url_password(url);
        let parsed = mysql_async::Opts::from_url(url).map_err(|e| {
            let mut msg = e.to_string();
            if let Some(p) = &password {
                msg = msg.replace(p.as_str(), "***");
            }
            SqlError::code(
                1210,
                format!("Invalid data node URL for node group ng{group}: {msg}"),
            )
        })?;
        let label = NodeLabel {
            group,
            host: parsed.ip_or_hostname().to_string(),
            port: parsed.tcp_port(),
            password: parsed.pass().map(str::to_string).or(password),
        };
        Ok(Arc::new(RemoteNode {
            shared: Arc::new(Shared {
                label,
                opts: parsed,
                options: opts,
                pool: OnceLock::new(),
            }),
        }))
    }

    pub fn label(&self) -> &NodeLabel {
        &self.shared.label
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }
}

impl Shared {
    fn pool(&self) -> &Pool {
        self.pool.get_or_init(|| {
            pool::build(
                Manager::new(
                    self.opts.clone(),
                    self.options.connect_timeout,
                    self.label.clone(),
                ),
                self.options.pool_max,
                self.options.connect_timeout,
            )
        })
    }

    /// A pooled connection, or 1296 naming the group, within the connect
    /// timeout.
    pub(crate) async fn checkout(&self) -> SqlResult<Pooled> {
        match self.pool().get_owned().await {
            Ok(c) => Ok(c),
            Err(bb8::RunError::User(e)) => Err(e),
            Err(bb8::RunError::TimedOut) => Err(self
                .label
                .unreachable(2003, "timed out waiting for a connection")),
        }
    }

    /// A connection outside the pool (the DDL lock holds one).
    pub(crate) async fn dedicated(&self) -> SqlResult<pool::NodeConn> {
        self.pool().dedicated_connection().await
    }
}

#[async_trait]
impl DataNode for RemoteNode {
    /// The catalog of a cluster lives in [`MetaStore`], not in the data
    /// nodes: a node reports an empty one.
    async fn load_catalog(&self) -> SqlResult<Catalog> {
        Ok(Catalog::default())
    }

    /// Applies the physical part of a schema change (idempotent DDL) and
    /// returns an empty catalog: the cluster keeps the catalog through
    /// [`crate::meta::ClusterMeta`].
    async fn ddl(&self, op: &DdlOp) -> SqlResult<Catalog> {
        let statements = schema_sql::ddl_statements(op)?;
        if statements.is_empty() {
            return Ok(Catalog::default());
        }
        let mut conn = self.shared.checkout().await?;
        for s in &statements {
            conn.run(&self.shared.label, s).await?;
        }
        Ok(Catalog::default())
    }

    async fn begin(
        &self,
        read_only: bool,
        xa_branch: Option<String>,
    ) -> SqlResult<Box<dyn NodeTxn>> {
        Ok(Box::new(RemoteTxn::new(
            self.shared.clone(),
            read_only,
            xa_branch,
        )?))
    }

    fn name(&self) -> String {
        self.shared.label.name()
    }

    async fn prepared_branches(&self) -> SqlResult<Vec<String>> {
        let mut conn = self.shared.checkout().await?;
        let rows = conn.query_text(&self.shared.label, "XA RECOVER").await?;
        // formatID, gtrid_length, bqual_length, data (gtrid + bqual).
        Ok(rows
            .into_iter()
            .filter_map(|r| r.into_iter().nth(3).map(text_of))
            .filter(|d| d.starts_with("sqld."))
            .collect())
    }

    async fn resolve_branch(&self, branch: &str, commit: bool) -> SqlResult<()> {
        txn::check_branch(branch)?;
        let mut conn = self.shared.checkout().await?;
        let verb = if commit { "COMMIT" } else { "ROLLBACK" };
        match conn
            .run(
                &self.shared.label,
                &format!("XA {verb} {}", render::quote_string(branch)),
            )
            .await
        {
            // ER_XAER_NOTA: unknown xid, already resolved.
            Err(e) if e.code == 1397 => Ok(()),
            other => other,
        }
    }

    fn describe_read(&self, req: &Read, aggs: &[PartialAgg]) -> Option<String> {
        if let Ok(Some(sql)) = read::plan_aggregates(req, aggs) {
            return Some(sql.text);
        }
        read::plan(req).ok().map(|p| p.sql.text)
    }

    fn pool_stats(&self) -> Option<PoolStats> {
        let Some(pool) = self.shared.pool.get() else {
            return Some(PoolStats {
                max_size: self.shared.options.pool_max as u64,
                ..PoolStats::default()
            });
        };
        let state = pool.state();
        let size = state.connections as u64;
        let idle = state.idle_connections as u64;
        Some(PoolStats {
            size,
            in_use: size.saturating_sub(idle),
            idle,
            max_size: self.shared.options.pool_max as u64,
            waits: state.statistics.get_waited,
            connections_created: state.statistics.connections_created,
        })
    }
}
