//! Commit. No writer or one: commit the writer first (one phase), then the
//! readers. Several writers: XA two-phase commit — prepare every writer,
//! record the decision durably in the cluster metadata, commit the prepared
//! branches. Once the decision is recorded the transaction is committed: a
//! branch that fails to commit now is left to recovery.

use super::txn::{ClusterTxn, Part};
use crate::error::{SqlError, SqlResult};
use futures_util::future::join_all;

impl ClusterTxn {
    pub async fn commit(mut self) -> SqlResult<()> {
        if self.is_rolled_back() {
            return Ok(());
        }
        if self.parts.iter().filter(|p| p.is_some()).count() <= 1 {
            // One group (every autocommit statement on one group): commit
            // it, without the bookkeeping of several.
            return match self.parts.iter_mut().find_map(Option::take) {
                Some(p) => p.txn.commit().await,
                None => Ok(()),
            };
        }
        let parts: Vec<Part> = self.parts.iter_mut().filter_map(Option::take).collect();
        let (mut writers, readers): (Vec<Part>, Vec<Part>) =
            parts.into_iter().partition(|p| p.txn.has_writes());
        if writers.len() <= 1 {
            let Some(w) = writers.pop() else {
                return commit_readers(readers).await;
            };
            if let Err(e) = w.txn.commit().await {
                rollback_all(readers).await;
                return Err(e);
            }
            // The writes are committed: a reader that fails to end only
            // loses its locks, which ending releases anyway.
            if let Err(e) = commit_readers(readers).await {
                tracing::warn!("commit of a read part: {e}");
            }
            return Ok(());
        }
        let gtrid = match self.gtrid.clone() {
            Some(g) => g,
            None => {
                rollback_all(writers).await;
                rollback_all(readers).await;
                return Err(SqlError::code(
                    1105,
                    "a transaction that wrote to several node groups has no XA id",
                ));
            }
        };
        let meta = match &self.cluster.meta {
            Some(m) => m.store.clone(),
            None => {
                rollback_all(writers).await;
                rollback_all(readers).await;
                return Err(SqlError::code(
                    1105,
                    "two-phase commit without cluster metadata",
                ));
            }
        };
        // Phase one.
        let prepared = join_all(writers.iter_mut().map(|p| p.txn.prepare())).await;
        if let Some(Err(e)) = prepared.into_iter().find(Result::is_err) {
            // Recorded so that recovery rolls back at once a prepared
            // branch whose rollback fails now (its node just went away).
            let recorded = meta.decide(&gtrid, false).await.is_ok();
            let clean = rollback_all(writers).await;
            rollback_all(readers).await;
            if recorded && clean {
                let _ = meta.forget(&[gtrid]).await;
            }
            return Err(e);
        }
        let decided = match meta.decide(&gtrid, true).await {
            Ok(d) => d,
            // The decision may have been stored before the error: find out,
            // or record rollback if nothing was stored.
            Err(e) => match settle(meta.as_ref(), &gtrid).await {
                Some(d) => d,
                None => {
                    // In doubt: rolling back now could tear the transaction
                    // if the commit decision was stored. The prepared
                    // branches stay for recovery, which applies whatever
                    // was decided (or, with no decision, rolls back).
                    drop(writers);
                    rollback_all(readers).await;
                    return Err(SqlError::code(
                        1180,
                        format!(
                            "Got error during COMMIT: the commit decision of distributed transaction {gtrid} could not be recorded ({}); recovery will finish the transaction one way or the other",
                            e.message
                        ),
                    ));
                }
            },
        };
        if !decided {
            // Recovery took this transaction for abandoned and aborted it.
            rollback_all(writers).await;
            rollback_all(readers).await;
            return Err(SqlError::code(
                1402,
                "XA_RBROLLBACK: Transaction branch was rolled back: the distributed transaction was aborted by recovery before it could commit",
            ));
        }
        // Phase two.
        let results = join_all(writers.into_iter().map(|p| p.txn.commit_prepared())).await;
        let all_done = results.iter().all(Result::is_ok);
        for e in results.into_iter().filter_map(Result::err) {
            tracing::warn!("XA COMMIT of {gtrid} failed, recovery will finish it: {e}");
        }
        if let Err(e) = commit_readers(readers).await {
            tracing::warn!("commit of a read part of {gtrid}: {e}");
        }
        if all_done {
            self.cluster.forget_later(gtrid);
        }
        Ok(())
    }
}

/// The decision in force after a failed `decide`: the stored one, else
/// rollback recorded now; None when the metadata cannot be reached.
async fn settle(meta: &dyn crate::meta::ClusterMeta, gtrid: &str) -> Option<bool> {
    match meta.decision(gtrid).await {
        Ok(Some(d)) => Some(d),
        Ok(None) => meta.decide(gtrid, false).await.ok(),
        Err(_) => None,
    }
}

async fn commit_readers(readers: Vec<Part>) -> SqlResult<()> {
    let mut first_err = None;
    for r in join_all(readers.into_iter().map(|p| p.txn.commit())).await {
        if let Err(e) = r {
            first_err.get_or_insert(e);
        }
    }
    first_err.map_or(Ok(()), Err)
}

/// Rolls back every part; false when some could not be.
async fn rollback_all(parts: Vec<Part>) -> bool {
    let mut clean = true;
    for r in join_all(parts.into_iter().map(|p| p.txn.rollback())).await {
        if let Err(e) = r {
            tracing::warn!("rollback: {e}");
            clean = false;
        }
    }
    clean
}
