//! MySQL-protocol data nodes: a MariaDB or MySQL server holding, for every
//! table of the catalog, a real InnoDB table with the same database, name
//! and columns, and whichever rows the cluster routes to it.
//!
//! - `wire`: sqld's client side of the MySQL protocol
//! - `pool`: the bb8 pool of `wire` connections, set up for sqld
//! - `conn`: running statements on one connection; errors → `error`
//! - `render`: expressions, keys and ranges as SQL with `?` parameters
//! - `values`: pushdown values ↔ wire values, per column type
//! - `read` / `write`: requests as SELECT / INSERT / UPDATE / DELETE
//! - `schema_sql`: DdlOp → idempotent physical DDL
//! - `txn`: [`RemoteTxn`], held connections, XA branches
//! - `meta`: [`MetaStore`], the cluster's metadata on node group 0

mod conn;
mod error;
mod fx_hash;
mod meta;
mod pool;
mod read;
pub mod render;
mod schema_sql;
mod txn;
mod values;
mod wire;
mod write;

pub use error::NodeLabel;
pub use meta::MetaStore;
pub use txn::RemoteTxn;

use crate::error::{SqlError, SqlResult};
use crate::node::{DataNode, NodeTxn, PoolStats};
use crate::request::{OrderKey, PartialAgg, Read};
use crate::schema::{Catalog, DdlOp, TableDef};
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
    /// Bound on connecting: a node that does not answer within it fails
    /// the statements waiting for it (1296). Waiting for a free pooled
    /// connection of a healthy node is bounded by `pool::QUEUE_WAIT`.
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
    epoch: pool::Epoch,
    connect_errors: pool::ConnectErrors,
    /// The SELECTs of the reads seen, rendered once per shape.
    pub(crate) reads: read::ShapeCache,
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

/// The URL options sqld's data-node client acts on (all about TLS, see
/// `wire::tls`). Other options mysql_async's URL parser knows (pools,
/// compression, sockets…) would be silently ignored, so they are refused.
const URL_OPTIONS: [&str; 4] = [
    "require_ssl",
    "verify_ca",
    "verify_identity",
    "built_in_roots",
];

/// The first option of `url` that sqld does not act on.
fn unsupported_option(url: &str) -> Option<&str> {
    let (_, query) = url.split_once('?')?;
    query
        .split('&')
        .map(|kv| kv.split_once('=').map_or(kv, |(k, _)| k))
        .find(|k| !k.is_empty() && !URL_OPTIONS.contains(k))
}

impl RemoteNode {
    /// A node of group `group` at `url` (`mysql://user:password@host:port`).
    /// Lazy: no connection is made here; a malformed URL is an error.
    pub fn new(group: usize, url: &str, opts: RemoteOptions) -> SqlResult<Arc<RemoteNode>> {
        if let Some(option) = unsupported_option(url) {
            return Err(SqlError::code(
                1210,
                format!(
                    "Invalid data node URL for node group ng{group}: option '{option}' is not \
                     supported (supported: {})",
                    URL_OPTIONS.join(", ")
                ),
            ));
        }
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
                epoch: pool::Epoch::default(),
                connect_errors: pool::ConnectErrors::default(),
                reads: read::ShapeCache::default(),
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
                    self.epoch.clone(),
                ),
                self.options.pool_max,
                self.connect_errors.clone(),
            )
        })
    }

    /// A pooled connection; 1296 naming the group as soon as a connection
    /// attempt fails (node down), or after `pool::QUEUE_WAIT` in a queue.
    pub(crate) async fn checkout(&self) -> SqlResult<Pooled> {
        loop {
            let mut conn = self.get().await?;
            if !conn.is_stale() {
                return Ok(conn);
            }
            // Opened before the node last failed: closed, not reused.
            conn.broken = true;
        }
    }

    /// Runs a statement that can safely run twice (a plain read, or the
    /// start of a transaction) on a pooled connection, once more on a new
    /// connection if the first one turns out dead: after a node restart
    /// the first statement finds the old connections closed.
    pub(crate) async fn retry_once<T>(
        &self,
        mut f: impl for<'c> FnMut(
            &'c mut Pooled,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = SqlResult<T>> + Send + 'c>,
        >,
    ) -> SqlResult<(Pooled, T)> {
        let mut conn = self.checkout().await?;
        match f(&mut conn).await {
            Ok(v) => Ok((conn, v)),
            Err(_) if conn.broken && !conn.unresponsive => {
                drop(conn);
                let mut conn = self.checkout().await?;
                let v = f(&mut conn).await?;
                Ok((conn, v))
            }
            Err(e) => Err(e),
        }
    }

    async fn get(&self) -> SqlResult<Pooled> {
        let seen = self.connect_errors.seen();
        let got = tokio::select! {
            // An idle connection is ready at the first poll: then the
            // watch for connection failures is never set up.
            biased;
            got = self.pool().get_owned() => got,
            e = self.connect_errors.after(seen) => return Err(e),
        };
        match got {
            Ok(c) => Ok(c),
            Err(bb8::RunError::User(e)) => Err(e),
            Err(bb8::RunError::TimedOut) => Err(self
                .label
                .unreachable(2003, "timed out waiting for a free pooled connection")),
        }
    }

    /// A connection outside the pool (the DDL lock holds one).
    pub(crate) async fn dedicated(&self) -> SqlResult<Box<pool::NodeConn>> {
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

    async fn column_max(&self, table: &TableDef, column: usize) -> SqlResult<u64> {
        let col = table
            .columns
            .get(column)
            .ok_or_else(|| crate::error::er::internal("column_max: no such column"))?;
        let sql = format!(
            "SELECT MAX({}) FROM {}.{}",
            render::quote_ident(&col.name)?,
            render::quote_ident(&table.db)?,
            render::quote_ident(&table.name)?
        );
        let mut conn = self.shared.checkout().await?;
        let rows = conn.query_text(&self.shared.label, &sql).await?;
        let max = rows
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().next())
            .map(text_of)
            .unwrap_or_default();
        // Negative, NULL (no rows) or not an integer: no value to start above.
        Ok(max.parse::<u64>().unwrap_or(0))
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
            // ER_XAER_NOTA: unknown xid, already resolved; unless XA
            // RECOVER still lists it: then the connection that prepared it
            // is still open somewhere, and only it can finish the branch.
            Err(e) if e.code == 1397 => {
                drop(conn);
                if self.prepared_branches().await?.iter().any(|b| b == branch) {
                    Err(SqlError::code(
                        1399,
                        format!(
                            "XA branch {branch} is still held by an open connection on node group {}",
                            self.shared.label.name()
                        ),
                    ))
                } else {
                    Ok(())
                }
            }
            other => other,
        }
    }

    fn describe_read(&self, req: &Read, aggs: &[PartialAgg], order: &[OrderKey]) -> Option<String> {
        if let Ok(Some(sql)) = read::plan_aggregates(req, aggs) {
            return Some(sql.text);
        }
        let order = if read::sorts(req, order) { order } else { &[] };
        read::plan_ordered(req, order)
            .ok()
            .map(|p| p.shape.text.clone())
    }

    fn orders(&self, table: &TableDef, order: &[OrderKey]) -> bool {
        read::orderable(table, order)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_password_is_found() {
        assert_eq!(
            url_password("mysql://u:p%40ss@h:3306/db?x=1").as_deref(),
            Some("p%40ss")
        );
        assert_eq!(url_password("mysql://u@h:3306"), None);
        assert_eq!(url_password("mysql://h"), None);
    }

    #[test]
    fn new_is_lazy_and_names_the_group() {
        let n = RemoteNode::new(2, "mysql://u:pw@10.0.0.9:3310", RemoteOptions::default()).unwrap();
        assert_eq!(n.name(), "ng2 (10.0.0.9:3310)");
        assert!(n.shared.pool.get().is_none(), "no pool before first use");
        let stats = n.pool_stats().unwrap();
        assert_eq!((stats.size, stats.max_size), (0, 32));
        let e = n.label().unreachable(111, "refused for u:pw");
        assert_eq!(e.code, 1296);
        assert!(!e.message.contains("pw"), "{}", e.message);
        assert!(RemoteNode::new(0, "not a url", RemoteOptions::default()).is_err());
    }

    #[test]
    fn only_the_tls_url_options_are_taken() {
        let ok = "mysql://u:pw@h:3306/?require_ssl=true&verify_ca=false&verify_identity=false";
        assert!(RemoteNode::new(0, ok, RemoteOptions::default()).is_ok());
        assert!(RemoteNode::new(
            0,
            "mysql://u@h:3306/db?built_in_roots=false",
            RemoteOptions::default()
        )
        .is_ok());
        let e = RemoteNode::new(
            1,
            "mysql://u:pw@h/?compression=fast",
            RemoteOptions::default(),
        )
        .err()
        .unwrap();
        assert_eq!(e.code, 1210);
        assert!(
            e.message.contains("ng1") && e.message.contains("'compression'"),
            "{}",
            e.message
        );
        assert_eq!(
            unsupported_option("mysql://h/?require_ssl=true&socket=/x"),
            Some("socket")
        );
        assert_eq!(unsupported_option("mysql://h:1"), None);
    }

    #[test]
    fn branch_ids_are_checked() {
        assert!(txn::check_branch("sqld.00ab12x7.1").is_ok());
        assert!(txn::check_branch("sqld.x'y").is_err());
        assert!(txn::check_branch("").is_err());
        assert!(txn::check_branch(&"a".repeat(65)).is_err());
    }
}
