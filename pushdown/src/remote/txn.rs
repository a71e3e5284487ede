//! RemoteTxn: one sqld transaction's part on one node group.
//!
//! It takes no connection until it needs one. Plain reads borrow a pooled
//! connection for one statement (autocommit, READ COMMITTED). The first
//! write or locking read takes a connection and holds it to commit or
//! rollback, so that every later statement sees the transaction's writes
//! and its locks. Whenever the state of a held connection is in doubt it
//! is discarded, never returned to the pool: MariaDB rolls back the
//! unprepared transaction of a closed connection, and keeps a PREPARED XA
//! branch for recovery.

use super::conn::Stmt;
use super::render::quote_string;
use super::{pool::Pooled, read, write, Shared};
use crate::error::{er, SqlError, SqlResult};
use crate::node::NodeTxn;
use crate::request::{LockMode, OrderKey, PartialAgg, Read, Write, WriteOutcome};
use crate::value::Row;
use async_trait::async_trait;
use std::sync::Arc;
use std::time::Duration;

const ER_LOCK_DEADLOCK: u16 = 1213;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Active,
    /// The node rolled the transaction back (deadlock): only cleanup left.
    RolledBack,
    /// XA PREPARE done (or nothing to prepare).
    Prepared,
}

/// A held connection. Dropped without `clean`, it is marked broken: the
/// pool closes it and the node rolls its transaction back.
struct Held {
    conn: Pooled,
    clean: bool,
}

impl Drop for Held {
    fn drop(&mut self) {
        if !self.clean {
            self.conn.broken = true;
        }
    }
}

pub struct RemoteTxn {
    node: Arc<Shared>,
    read_only: bool,
    branch: Option<String>,
    lock_wait_secs: Option<u64>,
    held: Option<Held>,
    state: State,
    wrote: bool,
    /// XA PREPARE ran on the node: the branch exists there until XA
    /// COMMIT / XA ROLLBACK.
    prepared_on_node: bool,
    /// Savepoints set before a connection was held: they mark "nothing
    /// done yet here" and are set on the connection when it is taken.
    early_savepoints: Vec<String>,
}

/// XA branch ids come from sqld (`sqld.<gtrid>.<group>`); anything else is
/// refused before it is rendered into XA statements, which take no
/// parameters.
pub fn check_branch(id: &str) -> SqlResult<()> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(er::internal(format!("invalid XA branch id {id:?}")))
    }
}

fn seconds(d: Duration) -> u64 {
    let s = d.as_secs();
    if d.subsec_nanos() > 0 { s + 1 } else { s }.clamp(1, 100_000_000)
}

impl RemoteTxn {
    pub(crate) fn new(
        node: Arc<Shared>,
        read_only: bool,
        branch: Option<String>,
    ) -> SqlResult<RemoteTxn> {
        if let Some(b) = &branch {
            check_branch(b)?;
        }
        Ok(RemoteTxn {
            node,
            read_only,
            branch,
            lock_wait_secs: None,
            held: None,
            state: State::Active,
            wrote: false,
            prepared_on_node: false,
            early_savepoints: Vec::new(),
        })
    }

    /// Runs a SELECT: a plain read outside a held connection borrows a
    /// pooled one for this statement only; a locking read, or any read once
    /// the transaction holds a connection, runs on the held one (it must see
    /// the transaction's own writes).
    async fn fetch(
        &mut self,
        lock: LockMode,
        stmt: Stmt<'_>,
    ) -> SqlResult<Vec<Vec<mysql_common::Value>>> {
        let node = self.node.clone();
        let label = &node.label;
        if self.held.is_none() && lock == LockMode::None {
            // As `Shared::retry_once`: once more on a new connection if the
            // first one turns out dead (a plain read can run twice).
            let mut conn = node.checkout().await?;
            return match conn.stmt_rows(label, stmt).await {
                Err(_) if conn.broken && !conn.unresponsive => {
                    drop(conn);
                    node.checkout().await?.stmt_rows(label, stmt).await
                }
                other => other,
            };
        }
        let secs = self.lock_wait_secs;
        let held = self.hold().await?;
        let result = match held.conn.set_lock_wait(label, secs).await {
            Ok(()) => held.conn.stmt_rows(label, stmt).await,
            Err(e) => Err(e),
        };
        if let Err(e) = &result {
            self.after_error(e);
        }
        result
    }

    /// Position of a savepoint set before the transaction held a
    /// connection (1305 when there is none by that name).
    fn early_savepoint(&self, name: &str) -> SqlResult<usize> {
        self.early_savepoints
            .iter()
            .rposition(|n| n.eq_ignore_ascii_case(name))
            .ok_or_else(|| SqlError::code(1305, format!("SAVEPOINT {name} does not exist")))
    }

    fn check_active(&self) -> SqlResult<()> {
        match self.state {
            State::Active => Ok(()),
            State::RolledBack => Err(er::deadlock()),
            State::Prepared => Err(er::internal("transaction branch is already prepared")),
        }
    }

    /// The held connection, taking and starting one if needed.
    async fn hold(&mut self) -> SqlResult<&mut Held> {
        if self.held.is_none() {
            let label = self.node.label.clone();
            let secs = self.lock_wait_secs;
            let start = match &self.branch {
                None => "BEGIN".to_string(),
                Some(b) => format!("XA START {}", quote_string(b)),
            };
            let mut statements = vec![start];
            for sp in &self.early_savepoints {
                statements.push(format!("SAVEPOINT {}", savepoint_name(sp)?));
            }
            let (conn, ()) = self
                .node
                .retry_once(|c| {
                    let (label, statements) = (label.clone(), statements.clone());
                    Box::pin(async move {
                        // One round trip: the session's lock wait (if it
                        // differs), BEGIN / XA START, early savepoints.
                        let mut batch = statements;
                        let set_wait = secs.filter(|s| c.lock_wait_secs != Some(*s));
                        if let Some(s) = set_wait {
                            batch.insert(0, format!("SET SESSION innodb_lock_wait_timeout={s}"));
                        }
                        c.run(&label, &batch.join("; ")).await?;
                        if set_wait.is_some() {
                            c.lock_wait_secs = secs;
                        }
                        Ok(())
                    })
                })
                .await?;
            self.held = Some(Held { conn, clean: false });
        }
        match self.held.as_mut() {
            Some(h) => Ok(h),
            None => Err(er::internal("no held connection")),
        }
    }

    /// Notes what an error means for the transaction.
    fn after_error(&mut self, e: &SqlError) {
        if e.code == ER_LOCK_DEADLOCK {
            self.state = State::RolledBack;
        }
    }

    /// COMMIT (or XA COMMIT) on the node.
    async fn commit_on_node(mut self: Box<Self>) -> SqlResult<()> {
        if self.state == State::Prepared {
            return self.commit_prepared().await;
        }
        let statements = match self.xa_id() {
            None => vec!["COMMIT".to_string()],
            Some(id) => vec![format!("XA END {id}"), format!("XA COMMIT {id} ONE PHASE")],
        };
        self.finish_with(&statements).await
    }

    /// Runs the end-of-transaction statements on the held connection;
    /// returns it to the pool only if they all succeed.
    async fn finish_with(&mut self, statements: &[String]) -> SqlResult<()> {
        let Some(mut held) = self.held.take() else {
            return Ok(());
        };
        let label = self.node.label.clone();
        // One round trip (XA END; XA COMMIT ... ONE PHASE).
        held.conn.run(&label, &statements.join("; ")).await?;
        held.clean = true;
        Ok(())
    }

    fn xa_id(&self) -> Option<String> {
        self.branch.as_deref().map(quote_string)
    }
}

/// Savepoint names come from sqld's SQL (identifiers) or its own
/// statement savepoints: quoted as identifiers.
fn savepoint_name(name: &str) -> SqlResult<String> {
    super::render::quote_ident(name)
}

#[async_trait]
impl NodeTxn for RemoteTxn {
    async fn read(&mut self, req: &Read) -> SqlResult<Vec<Row>> {
        self.check_active()?;
        let plan = self.node.reads.plan(req, &[])?;
        let raw = self.fetch(req.lock, plan.stmt()).await?;
        read::finish(req, &plan.shape, raw)
    }

    async fn read_ordered(
        &mut self,
        req: &Read,
        order: &[OrderKey],
    ) -> SqlResult<Option<Vec<Row>>> {
        if !read::sorts(req, order) {
            return Ok(None);
        }
        self.check_active()?;
        let plan = self.node.reads.plan(req, order)?;
        let raw = self.fetch(req.lock, plan.stmt()).await?;
        read::finish(req, &plan.shape, raw).map(Some)
    }

    async fn read_aggregates(&mut self, req: &Read, aggs: &[PartialAgg]) -> SqlResult<Option<Row>> {
        self.check_active()?;
        let Some(sql) = read::plan_aggregates(req, aggs)? else {
            return Ok(None);
        };
        let stmt = Stmt {
            id: None,
            text: &sql.text,
            params: &sql.params,
        };
        let raw = self.fetch(req.lock, stmt).await?;
        read::finish_aggregates(req, aggs, raw).map(Some)
    }

    async fn write(&mut self, req: &Write) -> SqlResult<WriteOutcome> {
        if self.read_only {
            return Err(er::read_only_txn());
        }
        self.check_active()?;
        let label = self.node.label.clone();
        let secs = self.lock_wait_secs;
        self.wrote = true;
        let held = self.hold().await?;
        let result = match held.conn.set_lock_wait(&label, secs).await {
            Ok(()) => write::write(&mut held.conn, &label, req).await,
            Err(e) => Err(e),
        };
        if let Err(e) = &result {
            self.after_error(e);
        }
        result
    }

    async fn savepoint(&mut self, name: &str) -> SqlResult<()> {
        self.check_active()?;
        let label = self.node.label.clone();
        match self.held.as_mut() {
            Some(h) => {
                h.conn
                    .run(&label, &format!("SAVEPOINT {}", savepoint_name(name)?))
                    .await
            }
            None => {
                savepoint_name(name)?;
                self.early_savepoints
                    .retain(|n| !n.eq_ignore_ascii_case(name));
                self.early_savepoints.push(name.to_string());
                Ok(())
            }
        }
    }

    async fn rollback_to_savepoint(&mut self, name: &str) -> SqlResult<()> {
        self.check_active()?;
        let label = self.node.label.clone();
        match self.held.as_mut() {
            Some(h) => {
                h.conn
                    .run(
                        &label,
                        &format!("ROLLBACK TO SAVEPOINT {}", savepoint_name(name)?),
                    )
                    .await
            }
            None => {
                let pos = self.early_savepoint(name)?;
                self.early_savepoints.truncate(pos + 1);
                Ok(())
            }
        }
    }

    async fn release_savepoint(&mut self, name: &str) -> SqlResult<()> {
        self.check_active()?;
        let label = self.node.label.clone();
        match self.held.as_mut() {
            Some(h) => {
                h.conn
                    .run(
                        &label,
                        &format!("RELEASE SAVEPOINT {}", savepoint_name(name)?),
                    )
                    .await
            }
            None => {
                let pos = self.early_savepoint(name)?;
                self.early_savepoints.truncate(pos);
                Ok(())
            }
        }
    }

    fn has_writes(&self) -> bool {
        self.wrote
    }

    fn set_lock_wait_timeout(&mut self, timeout: Duration) {
        self.lock_wait_secs = Some(seconds(timeout));
    }

    /// Every write request is one statement or runs inside a savepoint.
    fn writes_are_atomic(&self) -> bool {
        true
    }

    fn holds_locks(&self) -> bool {
        self.held.is_some()
    }

    async fn commit(mut self: Box<Self>) -> SqlResult<()> {
        match self.state {
            State::RolledBack => {
                self.held = None;
                Err(er::deadlock())
            }
            // Plain reads only (autocommit on pooled connections): nothing
            // to end on the node.
            State::Active if self.held.is_none() => Ok(()),
            // Boxed: this future is itself boxed, so copied, for every
            // autocommit read, which never takes this path (it would make
            // the copy about 1 KB).
            State::Active | State::Prepared => Box::pin(self.commit_on_node()).await,
        }
    }

    async fn rollback(mut self: Box<Self>) -> SqlResult<()> {
        if self.held.is_none() {
            // Nothing ran on the node outside autocommit reads; a branch
            // prepared on a connection that has gone waits for recovery.
            return Ok(());
        }
        let prepared = self.state == State::Prepared;
        if self.state == State::RolledBack {
            // The node already rolled back; the connection goes (its XA
            // branch, if any, is rollback-only until it is closed).
            self.held = None;
            return Ok(());
        }
        let Some(id) = self.xa_id() else {
            // A failed ROLLBACK leaves a connection that the pool closes,
            // which rolls back too.
            let _ = self.finish_with(&["ROLLBACK".to_string()]).await;
            return Ok(());
        };
        if prepared {
            if !self.prepared_on_node {
                return Ok(());
            }
            // On the connection that prepared it; if that fails the
            // connection is closed and recovery rolls the branch back.
            return self.finish_with(&[format!("XA ROLLBACK {id}")]).await;
        }
        let _ = self
            .finish_with(&[format!("XA END {id}"), format!("XA ROLLBACK {id}")])
            .await;
        Ok(())
    }

    async fn prepare(&mut self) -> SqlResult<()> {
        self.check_active()?;
        let Some(id) = self.xa_id() else {
            return Err(er::internal(
                "prepare of a transaction begun without an XA branch",
            ));
        };
        if !self.wrote {
            // A branch that only read: nothing to decide, its locks can go
            // now (the read-only vote of two-phase commit).
            self.finish_with(&[format!("XA END {id}"), format!("XA ROLLBACK {id}")])
                .await?;
            self.state = State::Prepared;
            return Ok(());
        }
        let label = self.node.label.clone();
        if let Some(held) = self.held.as_mut() {
            let result = held
                .conn
                .run(&label, &format!("XA END {id}; XA PREPARE {id}"))
                .await;
            if let Err(e) = result {
                self.after_error(&e);
                // In doubt: the connection goes; an unprepared branch is
                // rolled back by the node, a prepared one by recovery.
                self.held = None;
                return Err(e);
            }
            // MariaDB lets only this connection finish the branch while
            // it is open (others get XAER_NOTA): it stays held for phase
            // two. If it closes first, the branch waits for recovery.
            self.prepared_on_node = true;
        }
        self.state = State::Prepared;
        Ok(())
    }

    async fn commit_prepared(mut self: Box<Self>) -> SqlResult<()> {
        if self.state != State::Prepared {
            return Err(er::internal("XA COMMIT of a branch that is not prepared"));
        }
        if !self.prepared_on_node {
            return Ok(());
        }
        let Some(id) = self.xa_id() else {
            return Err(er::internal("XA COMMIT without a branch"));
        };
        self.finish_with(&[format!("XA COMMIT {id}")]).await
    }
}
