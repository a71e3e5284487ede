//! BEGIN / START TRANSACTION, COMMIT, ROLLBACK, SAVEPOINT, ROLLBACK TO,
//! RELEASE SAVEPOINT.
//!
//! The open transaction is `SessionCtx::txn` (the planner opens one on its
//! own for statements outside BEGIN, and commits it when autocommit is on);
//! this module ends it and keeps the savepoint names, whose existence
//! decides error 1305.

use super::lex::Cursor;
use planner::SessionCtx;
use pushdown::cluster::Cluster;
use pushdown::error::{SqlError, SqlResult};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub enum TxnStmt {
    /// BEGIN [WORK] / START TRANSACTION [READ ONLY | READ WRITE | WITH
    /// CONSISTENT SNAPSHOT]; `read_only` None when not said.
    Begin {
        read_only: Option<bool>,
    },
    /// COMMIT [WORK] [AND [NO] CHAIN] [[NO] RELEASE]
    Commit {
        chain: bool,
    },
    Rollback {
        chain: bool,
    },
    Savepoint(String),
    RollbackTo(String),
    Release(String),
}

/// Transaction state the session keeps beside `SessionCtx::txn`.
#[derive(Debug, Default)]
pub struct TxnState {
    /// Savepoints of the open transaction, oldest first.
    pub savepoints: Vec<String>,
    /// SET TRANSACTION READ ONLY / READ WRITE without scope: the next
    /// transaction only.
    pub next_read_only: Option<bool>,
}

/// Parses a transaction statement; the cursor is at its first word.
pub fn parse(c: &mut Cursor) -> SqlResult<Option<TxnStmt>> {
    let stmt = if c.eat_kw("BEGIN") {
        c.eat_kw("WORK");
        TxnStmt::Begin { read_only: None }
    } else if c.eat_kws(&["START", "TRANSACTION"]) {
        let mut read_only = None;
        loop {
            if c.eat_kws(&["READ", "ONLY"]) {
                read_only = Some(true);
            } else if c.eat_kws(&["READ", "WRITE"]) {
                read_only = Some(false);
            } else if c.eat_kws(&["WITH", "CONSISTENT", "SNAPSHOT"]) {
                // READ COMMITTED has no snapshot to take; accepted as MySQL
                // accepts it under READ COMMITTED.
            } else {
                break;
            }
            if !c.eat_sym(",") {
                break;
            }
        }
        TxnStmt::Begin { read_only }
    } else if c.eat_kw("COMMIT") {
        c.eat_kw("WORK");
        TxnStmt::Commit {
            chain: chain_and_release(c),
        }
    } else if c.eat_kw("ROLLBACK") {
        c.eat_kw("WORK");
        if c.eat_kw("TO") {
            c.eat_kw("SAVEPOINT");
            TxnStmt::RollbackTo(c.ident()?)
        } else {
            TxnStmt::Rollback {
                chain: chain_and_release(c),
            }
        }
    } else if c.eat_kw("SAVEPOINT") {
        TxnStmt::Savepoint(c.ident()?)
    } else if c.eat_kws(&["RELEASE", "SAVEPOINT"]) {
        TxnStmt::Release(c.ident()?)
    } else {
        return Ok(None);
    };
    c.end()?;
    Ok(Some(stmt))
}

/// [AND [NO] CHAIN] [[NO] RELEASE]: true for AND CHAIN. RELEASE (close the
/// connection) is accepted and ignored.
fn chain_and_release(c: &mut Cursor) -> bool {
    let mut chain = false;
    if c.eat_kw("AND") {
        chain = !c.eat_kw("NO");
        c.eat_kw("CHAIN");
    }
    c.eat_kw("NO");
    c.eat_kw("RELEASE");
    chain
}

fn no_savepoint(name: &str) -> SqlError {
    SqlError::code(1305, format!("SAVEPOINT {name} does not exist"))
}

/// Commits the open transaction, if any, and leaves none open.
pub async fn commit(ctx: &mut SessionCtx, st: &mut TxnState) -> SqlResult<()> {
    st.savepoints.clear();
    ctx.explicit_txn = false;
    match ctx.txn.take() {
        Some(t) => t.commit().await,
        None => Ok(()),
    }
}

/// Rolls back the open transaction, if any, and leaves none open.
pub async fn rollback(ctx: &mut SessionCtx, st: &mut TxnState) -> SqlResult<()> {
    st.savepoints.clear();
    ctx.explicit_txn = false;
    match ctx.txn.take() {
        Some(t) => t.rollback().await,
        None => Ok(()),
    }
}

/// BEGIN: commits what is open, then opens a transaction that lasts until
/// COMMIT or ROLLBACK. `default_read_only` is @@transaction_read_only.
pub async fn begin(
    ctx: &mut SessionCtx,
    st: &mut TxnState,
    cluster: &Arc<Cluster>,
    read_only: Option<bool>,
    default_read_only: bool,
) -> SqlResult<()> {
    commit(ctx, st).await?;
    let ro = read_only
        .or(st.next_read_only.take())
        .unwrap_or(default_read_only);
    ctx.txn = Some(cluster.begin(ro));
    ctx.explicit_txn = true;
    Ok(())
}

/// Runs a transaction statement.
pub async fn execute(
    stmt: &TxnStmt,
    ctx: &mut SessionCtx,
    st: &mut TxnState,
    cluster: &Arc<Cluster>,
    default_read_only: bool,
) -> SqlResult<()> {
    match stmt {
        TxnStmt::Begin { read_only } => {
            begin(ctx, st, cluster, *read_only, default_read_only).await
        }
        TxnStmt::Commit { chain } => {
            let ro = ctx.txn.as_ref().is_some_and(|t| t.read_only());
            commit(ctx, st).await?;
            if *chain {
                begin(ctx, st, cluster, Some(ro), default_read_only).await?;
            }
            Ok(())
        }
        TxnStmt::Rollback { chain } => {
            let ro = ctx.txn.as_ref().is_some_and(|t| t.read_only());
            rollback(ctx, st).await?;
            if *chain {
                begin(ctx, st, cluster, Some(ro), default_read_only).await?;
            }
            Ok(())
        }
        TxnStmt::Savepoint(name) => {
            if ctx.txn.is_none() {
                if ctx.autocommit && !ctx.explicit_txn {
                    // No transaction: the savepoint ends with the statement,
                    // as in MySQL with autocommit on.
                    return Ok(());
                }
                let ro = st.next_read_only.take().unwrap_or(default_read_only);
                ctx.txn = Some(cluster.begin(ro));
            }
            if let Some(t) = ctx.txn.as_mut() {
                t.savepoint(name).await?;
            }
            // A savepoint of the same name is replaced (moved to the end).
            st.savepoints.retain(|s| !s.eq_ignore_ascii_case(name));
            st.savepoints.push(name.clone());
            Ok(())
        }
        TxnStmt::RollbackTo(name) => {
            let pos = position(st, name)?;
            if let Some(t) = ctx.txn.as_mut() {
                t.rollback_to_savepoint(name).await?;
            }
            st.savepoints.truncate(pos + 1);
            Ok(())
        }
        TxnStmt::Release(name) => {
            let pos = position(st, name)?;
            if let Some(t) = ctx.txn.as_mut() {
                t.release_savepoint(name).await?;
            }
            st.savepoints.truncate(pos);
            Ok(())
        }
    }
}

fn position(st: &TxnState, name: &str) -> SqlResult<usize> {
    st.savepoints
        .iter()
        .position(|s| s.eq_ignore_ascii_case(name))
        .ok_or_else(|| no_savepoint(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(sql: &str) -> Option<TxnStmt> {
        parse(&mut Cursor::new(sql).unwrap()).unwrap()
    }

    #[test]
    fn parses_transaction_statements() {
        assert_eq!(p("BEGIN"), Some(TxnStmt::Begin { read_only: None }));
        assert_eq!(p("begin work"), Some(TxnStmt::Begin { read_only: None }));
        assert_eq!(
            p("START TRANSACTION READ ONLY"),
            Some(TxnStmt::Begin {
                read_only: Some(true)
            })
        );
        assert_eq!(
            p("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ WRITE"),
            Some(TxnStmt::Begin {
                read_only: Some(false)
            })
        );
        assert_eq!(p("COMMIT WORK"), Some(TxnStmt::Commit { chain: false }));
        assert_eq!(
            p("COMMIT AND CHAIN NO RELEASE"),
            Some(TxnStmt::Commit { chain: true })
        );
        assert_eq!(p("ROLLBACK WORK"), Some(TxnStmt::Rollback { chain: false }));
        assert_eq!(
            p("ROLLBACK TO SAVEPOINT s1"),
            Some(TxnStmt::RollbackTo("s1".into()))
        );
        assert_eq!(
            p("ROLLBACK WORK TO s1"),
            Some(TxnStmt::RollbackTo("s1".into()))
        );
        assert_eq!(p("SAVEPOINT `a b`"), Some(TxnStmt::Savepoint("a b".into())));
        assert_eq!(p("RELEASE SAVEPOINT s"), Some(TxnStmt::Release("s".into())));
        assert_eq!(p("SELECT 1"), None);
        assert_eq!(
            parse(&mut Cursor::new("COMMIT junk").unwrap())
                .unwrap_err()
                .code,
            1064
        );
    }
}
