//! Recovery of distributed transactions: every prepared XA branch sqld left
//! on a node group is resolved from the decision log. A branch without a
//! decision may belong to a live sqld between prepare and decide, so it is
//! aborted only once it has been seen in two passes at least one recovery
//! interval apart; the first decision recorded wins, so a committer that got
//! there first is followed.

use super::{gtrid_of, Cluster};
use crate::error::SqlResult;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

/// Decisions are kept this long after their last branch is resolved.
const DECISION_TTL: Duration = Duration::from_secs(3600);

/// Undecided branches, with when they were first seen.
#[derive(Default)]
pub(super) struct Seen {
    first_seen: HashMap<String, Instant>,
}

/// What one recovery pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RecoveryReport {
    pub committed: usize,
    pub rolled_back: usize,
    /// Undecided branches left for a later pass.
    pub waiting: usize,
    /// Node groups that could not be asked (down): retried next pass.
    pub unreachable: usize,
    pub forgotten: usize,
}

impl Cluster {
    /// One recovery pass (also run at open and every recovery interval).
    pub async fn recover_now(&self) -> SqlResult<RecoveryReport> {
        let mut report = RecoveryReport::default();
        let Some(m) = &self.meta else {
            return Ok(report);
        };
        let now = Instant::now();
        let interval = m.opts.recovery_interval;
        let mut waiting = HashSet::new();
        let mut pending_gtrids = HashSet::new();
        for (g, node) in self.groups.iter().enumerate() {
            let branches = match node.prepared_branches().await {
                Ok(b) => b,
                Err(e) => {
                    tracing::warn!("recovery: node group {g} ({}) skipped: {e}", node.name());
                    report.unreachable += 1;
                    continue;
                }
            };
            for b in branches {
                let Some(gtrid) = gtrid_of(&b) else { continue };
                let decision = match m.store.decision(gtrid).await? {
                    Some(d) => Some(d),
                    None => {
                        let first = *m
                            .recovery
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .first_seen
                            .entry(b.clone())
                            .or_insert(now);
                        if now.duration_since(first) >= interval {
                            Some(m.store.decide(gtrid, false).await?)
                        } else {
                            None
                        }
                    }
                };
                match decision {
                    Some(commit) => match node.resolve_branch(&b, commit).await {
                        Ok(()) if commit => report.committed += 1,
                        Ok(()) => report.rolled_back += 1,
                        Err(e) => {
                            tracing::warn!("recovery: resolving {b} on node group {g}: {e}");
                            pending_gtrids.insert(gtrid.to_string());
                        }
                    },
                    None => {
                        report.waiting += 1;
                        waiting.insert(b.clone());
                        pending_gtrids.insert(gtrid.to_string());
                    }
                }
            }
        }
        m.recovery
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .first_seen
            .retain(|b, _| waiting.contains(b));
        // Old decisions whose branches are all resolved. With a group down
        // its branches are unknown: keep everything.
        if report.unreachable == 0 {
            let old: Vec<String> = m
                .store
                .old_decisions(DECISION_TTL)
                .await?
                .into_iter()
                .filter(|g| !pending_gtrids.contains(g))
                .collect();
            if !old.is_empty() {
                m.store.forget(&old).await?;
                report.forgotten = old.len();
            }
        }
        Ok(report)
    }
}
