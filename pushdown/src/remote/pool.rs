//! One bb8 pool of data-node connections (`wire::Conn`) per data node.
//!
//! Every connection is set up the same way (strict mode, UTC, READ
//! COMMITTED, utf8mb4_general_ci) and keeps a large statement cache, so a
//! pushed statement text is prepared once per connection. A connection that
//! saw an I/O or protocol error, or that is given back mid-transaction, is
//! marked broken and the pool closes it instead of handing it out again.

use super::error::{connect_failed, connect_timed_out, NodeLabel};
use super::wire::{Conn, ConnectOpts};
use crate::error::SqlError;
use std::time::Duration;

/// Prepared statements each pooled connection keeps (least recently used
/// ones are closed). Bounded because the server's max_prepared_stmt_count
/// (16,382 by default) is shared by every connection of every sqld on the
/// cluster: 32 connections × 128 leaves room for a few sqld processes,
/// and an OLTP workload uses a few dozen statement texts.
pub const STMT_CACHE: usize = 128;

/// Session set-up of every data-node connection: sqld owns SQL modes, time
/// zones and collations, the node only stores and compares. The SQL mode
/// is strict for every table, and division by zero in a stored value is
/// an error (1365), as sqld's evaluator does for strict statements;
/// non-strict statements never send expressions to store.
///
/// The isolation level is set with the statement rather than the variable:
/// MariaDB 10.11 calls it tx_isolation, MySQL 8 transaction_isolation.
const SESSION_INIT: [&str; 3] = [
    "SET SESSION sql_mode='STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', \
     time_zone='+00:00', autocommit=1",
    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
    "SET NAMES utf8mb4 COLLATE utf8mb4_general_ci",
];

/// A pooled connection and what sqld knows about its session.
pub struct NodeConn {
    pub conn: Conn,
    /// Never to be reused: an error left it in doubt, or it was given back
    /// with a transaction open.
    pub broken: bool,
    /// innodb_lock_wait_timeout set on this session, in seconds (None: the
    /// server's default).
    pub lock_wait_secs: Option<u64>,
    /// The pool generation this connection was opened in (see [`Epoch`]).
    epoch: u64,
    generation: Epoch,
    /// Checks that the node still answers while a statement is slow.
    pub probe: std::sync::Arc<Probe>,
    /// A statement on it was given up because the node stopped answering:
    /// a retry on another connection would only wait again.
    pub unresponsive: bool,
    /// Statements prepared on this connection (see `conn::StmtCache`).
    pub statements: super::conn::StmtCache,
    /// The timer that watches its statements (see `conn::watched`).
    pub watchdog: std::pin::Pin<Box<tokio::time::Sleep>>,
}

/// A node that stops answering (a stopped process, a dead host whose TCP
/// connections stay open) would hold a statement forever. A statement that
/// runs longer than half the connect timeout while no other statement on
/// the node has finished meanwhile opens a fresh connection to the node: if
/// that fails too, the statement fails with the node's error; slow
/// statements on a live node just go on. (A busy node answers other
/// statements, so it is not probed: the pool stays the only source of
/// connections.)
pub struct Probe {
    opts: ConnectOpts,
    pub timeout: Duration,
    /// When a statement on the node last finished, in ms since `started`.
    last_answer_ms: std::sync::atomic::AtomicU64,
    started: std::time::Instant,
}

impl Probe {
    pub fn new(opts: ConnectOpts, timeout: Duration) -> Probe {
        Probe {
            opts,
            timeout,
            last_answer_ms: std::sync::atomic::AtomicU64::new(0),
            started: std::time::Instant::now(),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// A statement on the node finished (with rows, OK or a server error).
    pub fn answered(&self) {
        self.last_answer_ms
            .fetch_max(self.now_ms(), std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether some statement on the node finished within `within`.
    pub fn answered_within(&self, within: Duration) -> bool {
        let last = self
            .last_answer_ms
            .load(std::sync::atomic::Ordering::Relaxed);
        let within = u64::try_from(within.as_millis()).unwrap_or(u64::MAX);
        self.now_ms().saturating_sub(last) <= within
    }

    /// Whether the node completes a handshake within the timeout. A full
    /// login rather than a bare TCP connect: half-open connections would
    /// count against the node's max_connect_errors.
    pub async fn node_answers(&self) -> bool {
        match tokio::time::timeout(self.timeout, Conn::connect(&self.opts)).await {
            Ok(Ok(conn)) => {
                let _ = tokio::time::timeout(self.timeout, conn.quit()).await;
                true
            }
            _ => false,
        }
    }
}

/// The pool's generation: bumped when a connection fails at the network
/// level (the node restarted or went away), so that every connection
/// opened before is dropped at its next checkout instead of failing a
/// statement each.
#[derive(Clone, Default)]
pub struct Epoch(std::sync::Arc<std::sync::atomic::AtomicU64>);

impl Epoch {
    pub fn current(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::Acquire)
    }
}

impl NodeConn {
    /// Marks the connection broken, and every connection opened before it
    /// stale.
    pub fn mark_broken(&mut self) {
        self.broken = true;
        self.generation
            .0
            .fetch_max(self.epoch + 1, std::sync::atomic::Ordering::AcqRel);
    }

    /// Opened before the node last failed: not to be trusted.
    pub fn is_stale(&self) -> bool {
        self.epoch < self.generation.current()
    }
}

pub struct Manager {
    opts: ConnectOpts,
    probe: std::sync::Arc<Probe>,
    connect_timeout: Duration,
    label: NodeLabel,
    epoch: Epoch,
}

impl Manager {
    pub fn new(
        opts: mysql_async::Opts,
        connect_timeout: Duration,
        label: NodeLabel,
        epoch: Epoch,
    ) -> Manager {
        let opts =
            ConnectOpts::from_url_opts(&opts, SESSION_INIT.iter().map(|s| s.to_string()).collect());
        Manager {
            // The probe only logs in: no session set-up.
            probe: std::sync::Arc::new(Probe::new(
                ConnectOpts {
                    init: Vec::new(),
                    ..opts.clone()
                },
                connect_timeout,
            )),
            opts,
            connect_timeout,
            label,
            epoch,
        }
    }
}

impl bb8::ManageConnection for Manager {
    /// Boxed: bb8 moves a connection several times per checkout and
    /// return, and a pointer is cheaper to move than the connection with
    /// its buffers and statement cache (about 1,400 instructions of
    /// memcpy per point select before).
    type Connection = Box<NodeConn>;
    type Error = SqlError;

    async fn connect(&self) -> Result<Box<NodeConn>, SqlError> {
        let epoch = self.epoch.current();
        match tokio::time::timeout(self.connect_timeout, Conn::connect(&self.opts)).await {
            Ok(Ok(conn)) => Ok(Box::new(NodeConn {
                conn,
                broken: false,
                lock_wait_secs: None,
                epoch,
                generation: self.epoch.clone(),
                probe: self.probe.clone(),
                unresponsive: false,
                statements: Default::default(),
                watchdog: Box::pin(tokio::time::sleep(self.connect_timeout)),
            })),
            Ok(Err(e)) => Err(connect_failed(e, &self.label)),
            Err(_) => Err(connect_timed_out(&self.label)),
        }
    }

    async fn is_valid(&self, conn: &mut Box<NodeConn>) -> Result<(), SqlError> {
        conn.conn
            .ping()
            .await
            .map_err(|e| connect_failed(e, &self.label))
    }

    /// Broken, or given back with a command's answer unread (its statement
    /// was cancelled): either way out of step with the node.
    fn has_broken(&self, conn: &mut Box<NodeConn>) -> bool {
        conn.broken || conn.conn.out_of_step()
    }
}

pub type Pool = bb8::Pool<Manager>;
pub type Pooled = bb8::PooledConnection<'static, Manager>;

/// Connection failures of the pool. bb8 reports them only to its error
/// sink (a checkout just waits until its timeout); a checkout waits on
/// this as well, so that a refused connection fails it at once, with the
/// node's own reason.
#[derive(Debug, Clone, Default)]
pub struct ConnectErrors(std::sync::Arc<ConnectErrorsInner>);

#[derive(Debug, Default)]
pub struct ConnectErrorsInner {
    last: std::sync::Mutex<(u64, Option<SqlError>)>,
    notify: tokio::sync::Notify,
}

impl ConnectErrors {
    /// How many failures so far: pass it to [`ConnectErrors::after`].
    pub fn seen(&self) -> u64 {
        self.0
            .last
            .lock()
            .map(|l| l.0)
            .unwrap_or_else(|p| p.into_inner().0)
    }

    /// The first connection failure after `seen` failures.
    pub async fn after(&self, seen: u64) -> SqlError {
        loop {
            let notified = self.0.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let last = self.0.last.lock().unwrap_or_else(|p| p.into_inner());
                if last.0 > seen {
                    if let Some(e) = &last.1 {
                        return e.clone();
                    }
                }
            }
            notified.await;
        }
    }
}

impl bb8::ErrorSink<SqlError> for ConnectErrors {
    fn sink(&self, error: SqlError) {
        {
            let mut last = self.0.last.lock().unwrap_or_else(|p| p.into_inner());
            last.0 += 1;
            last.1 = Some(error);
        }
        self.0.notify.notify_waiters();
    }

    fn boxed_clone(&self) -> Box<dyn bb8::ErrorSink<SqlError>> {
        Box::new(self.clone())
    }
}

/// How long a checkout waits for a busy pool (a healthy node, every
/// connection in use): queueing, not failure. A node that cannot be reached
/// fails checkouts much sooner, at its first failed connection attempt
/// (bounded by the connect timeout, see [`ConnectErrors`]).
pub const QUEUE_WAIT: Duration = Duration::from_secs(30);

pub fn build(manager: Manager, max_size: u32, errors: ConnectErrors) -> Pool {
    bb8::Pool::builder()
        .error_sink(Box::new(errors))
        .max_size(max_size.max(1))
        .min_idle(None)
        .test_on_check_out(false)
        // A dead node fails the checkout at once instead of being retried
        // until the timeout.
        .retry_connection(false)
        .connection_timeout(QUEUE_WAIT)
        .build_unchecked(manager)
}
