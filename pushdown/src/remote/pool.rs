//! One bb8 pool of mysql_async connections per data node.
//!
//! Every connection is set up the same way (strict mode, UTC, READ
//! COMMITTED, utf8mb4_general_ci) and keeps a large statement cache, so a
//! pushed statement text is prepared once per connection. A connection that
//! saw an I/O or protocol error, or that is given back mid-transaction, is
//! marked broken and the pool closes it instead of handing it out again.

use super::error::{connect_failed, connect_timed_out, NodeLabel};
use crate::error::SqlError;
use mysql_async::prelude::Queryable;
use std::time::Duration;

/// Prepared statements each pooled connection keeps. Bounded because the
/// server's max_prepared_stmt_count (16,382 by default) is shared by every
/// connection of every sqld: 32 connections × 256 stay well below it.
pub const STMT_CACHE: usize = 256;

/// Session set-up of every data-node connection: sqld owns SQL modes, time
/// zones and collations, the node only stores and compares.
const SESSION_INIT: [&str; 2] = [
    "SET SESSION sql_mode='STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION', \
     time_zone='+00:00', transaction_isolation='READ-COMMITTED', autocommit=1",
    "SET NAMES utf8mb4 COLLATE utf8mb4_general_ci",
];

/// A pooled connection and what sqld knows about its session.
pub struct NodeConn {
    pub conn: mysql_async::Conn,
    /// Never to be reused: an error left it in doubt, or it was given back
    /// with a transaction open.
    pub broken: bool,
    /// innodb_lock_wait_timeout set on this session, in seconds (None: the
    /// server's default).
    pub lock_wait_secs: Option<u64>,
}

pub struct Manager {
    opts: mysql_async::Opts,
    connect_timeout: Duration,
    label: NodeLabel,
}

impl Manager {
    pub fn new(opts: mysql_async::Opts, connect_timeout: Duration, label: NodeLabel) -> Manager {
        let opts = mysql_async::OptsBuilder::from_opts(opts)
            .init(SESSION_INIT.to_vec())
            .stmt_cache_size(STMT_CACHE)
            .client_found_rows(false)
            // The pool owns connection lifetimes; mysql_async's own TTL
            // would close connections under it.
            .conn_ttl(None::<Duration>);
        Manager {
            opts: opts.into(),
            connect_timeout,
            label,
        }
    }
}

impl bb8::ManageConnection for Manager {
    type Connection = NodeConn;
    type Error = SqlError;

    async fn connect(&self) -> Result<NodeConn, SqlError> {
        match tokio::time::timeout(
            self.connect_timeout,
            mysql_async::Conn::new(self.opts.clone()),
        )
        .await
        {
            Ok(Ok(conn)) => Ok(NodeConn {
                conn,
                broken: false,
                lock_wait_secs: None,
            }),
            Ok(Err(e)) => Err(connect_failed(e, &self.label)),
            Err(_) => Err(connect_timed_out(&self.label)),
        }
    }

    async fn is_valid(&self, conn: &mut NodeConn) -> Result<(), SqlError> {
        conn.conn
            .ping()
            .await
            .map_err(|e| connect_failed(e, &self.label))
    }

    fn has_broken(&self, conn: &mut NodeConn) -> bool {
        conn.broken
    }
}

pub type Pool = bb8::Pool<Manager>;
pub type Pooled = bb8::PooledConnection<'static, Manager>;

pub fn build(manager: Manager, max_size: u32, connect_timeout: Duration) -> Pool {
    bb8::Pool::builder()
        .max_size(max_size.max(1))
        .min_idle(None)
        .test_on_check_out(false)
        // A dead node fails the checkout at once instead of being retried
        // until the timeout.
        .retry_connection(false)
        .connection_timeout(connect_timeout)
        .build_unchecked(manager)
}
