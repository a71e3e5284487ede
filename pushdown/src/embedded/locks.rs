//! Row locks held to commit or rollback, with FIFO waiting, lock-wait
//! timeouts (1205) and deadlock detection on the wait-for graph (1213).
//!
//! One mutex guards the whole table: every operation under it is a few
//! hash-map steps, far cheaper than the await that a conflict costs, and a
//! single table lets deadlock detection see a consistent graph. Waiting is
//! a oneshot channel awaited outside the mutex, never a blocking wait.

use crate::error::{er, SqlResult};
use crate::request::LockMode;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::oneshot;

pub type TxnId = u64;

#[derive(Default)]
pub struct LockManager {
    table: Mutex<Table>,
}

#[derive(Default)]
struct Table {
    entries: HashMap<Vec<u8>, Entry>,
    /// The key each waiting transaction waits on.
    waiting: HashMap<TxnId, Vec<u8>>,
}

#[derive(Default)]
struct Entry {
    holders: Vec<(TxnId, LockMode)>,
    queue: VecDeque<Waiter>,
}

struct Waiter {
    txn: TxnId,
    mode: LockMode,
    grant: oneshot::Sender<()>,
}

fn conflicts(a: LockMode, b: LockMode) -> bool {
    a == LockMode::Exclusive || b == LockMode::Exclusive
}

impl Entry {
    fn held_by(&self, txn: TxnId) -> Option<LockMode> {
        self.holders
            .iter()
            .find(|(t, _)| *t == txn)
            .map(|(_, m)| *m)
    }

    fn compatible(&self, txn: TxnId, mode: LockMode) -> bool {
        self.holders
            .iter()
            .all(|(t, m)| *t == txn || !conflicts(*m, mode))
    }

    fn hold(&mut self, txn: TxnId, mode: LockMode) {
        match self.holders.iter_mut().find(|(t, _)| *t == txn) {
            Some((_, m)) => {
                if mode == LockMode::Exclusive {
                    *m = mode;
                }
            }
            None => self.holders.push((txn, mode)),
        }
    }

    /// Grants queued requests in order while they fit.
    fn promote(&mut self, waiting: &mut HashMap<TxnId, Vec<u8>>) {
        while let Some(front) = self.queue.front() {
            if !self.compatible(front.txn, front.mode) {
                break;
            }
            let Some(w) = self.queue.pop_front() else {
                break;
            };
            waiting.remove(&w.txn);
            // A waiter whose future was dropped has already left the queue
            // (see WaitGuard), so a failed send only races with that.
            if w.grant.send(()).is_ok() {
                self.hold(w.txn, w.mode);
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.holders.is_empty() && self.queue.is_empty()
    }
}

impl Table {
    /// The transactions `txn` waits for: conflicting holders of the key it
    /// waits on, and conflicting requests queued before it.
    fn blockers(&self, txn: TxnId) -> Vec<TxnId> {
        let Some(key) = self.waiting.get(&txn) else {
            return Vec::new();
        };
        let Some(e) = self.entries.get(key) else {
            return Vec::new();
        };
        let Some(pos) = e.queue.iter().position(|w| w.txn == txn) else {
            return Vec::new();
        };
        let mode = e.queue[pos].mode;
        let mut out: Vec<TxnId> = e
            .holders
            .iter()
            .filter(|(t, m)| *t != txn && conflicts(*m, mode))
            .map(|(t, _)| *t)
            .collect();
        out.extend(
            e.queue
                .iter()
                .take(pos)
                .filter(|w| w.txn != txn && conflicts(w.mode, mode))
                .map(|w| w.txn),
        );
        out
    }

    /// Whether the wait-for graph has a cycle through `start`.
    fn deadlocked(&self, start: TxnId) -> bool {
        let mut seen = HashSet::new();
        let mut stack = self.blockers(start);
        while let Some(t) = stack.pop() {
            if t == start {
                return true;
            }
            if seen.insert(t) {
                stack.extend(self.blockers(t));
            }
        }
        false
    }

    fn remove_waiter(&mut self, txn: TxnId, key: &[u8]) -> bool {
        let Some(e) = self.entries.get_mut(key) else {
            return false;
        };
        let Some(pos) = e.queue.iter().position(|w| w.txn == txn) else {
            return false;
        };
        e.queue.remove(pos);
        self.waiting.remove(&txn);
        // Requests queued behind this one may fit now.
        e.promote(&mut self.waiting);
        if e.is_empty() {
            self.entries.remove(key);
        }
        true
    }
}

/// Leaves the queue if the waiting future is dropped (statement killed,
/// connection gone) or times out before being granted.
struct WaitGuard<'a> {
    mgr: &'a LockManager,
    txn: TxnId,
    key: &'a [u8],
    armed: bool,
}

impl WaitGuard<'_> {
    /// Leaves the queue; false when the lock was granted meanwhile.
    fn leave(&mut self) -> bool {
        self.armed = false;
        self.mgr.table().remove_waiter(self.txn, self.key)
    }
}

impl Drop for WaitGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.leave();
        }
    }
}

impl LockManager {
    pub fn new() -> Arc<LockManager> {
        Arc::new(LockManager::default())
    }

    fn table(&self) -> MutexGuard<'_, Table> {
        // A panic while holding the table cannot leave it half-updated in a
        // way that matters more than refusing every later lock would.
        self.table.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes `mode` on `key` for `txn`, waiting up to `timeout`.
    pub async fn lock(
        &self,
        txn: TxnId,
        key: &[u8],
        mode: LockMode,
        timeout: Duration,
    ) -> SqlResult<()> {
        if mode == LockMode::None {
            return Ok(());
        }
        let granted = {
            let mut guard = self.table();
            let t = &mut *guard;
            if !t.entries.contains_key(key) {
                t.entries.insert(key.to_vec(), Entry::default());
            }
            let Some(e) = t.entries.get_mut(key) else {
                return Err(er::internal("lock entry vanished"));
            };
            let held = e.held_by(txn);
            if held == Some(LockMode::Exclusive) || held == Some(mode) {
                return Ok(());
            }
            // An upgrade goes ahead of the queue: the queue waits for this
            // holder anyway.
            if e.compatible(txn, mode) && (e.queue.is_empty() || held.is_some()) {
                e.hold(txn, mode);
                return Ok(());
            }
            let (tx, rx) = oneshot::channel();
            let waiter = Waiter {
                txn,
                mode,
                grant: tx,
            };
            // An upgrade (S held, X wanted) waits only for the other
            // holders: queued requests wait for this holder anyway, so
            // queueing it behind them would be a deadlock of our making.
            if held.is_some() {
                e.queue.push_front(waiter);
            } else {
                e.queue.push_back(waiter);
            }
            t.waiting.insert(txn, key.to_vec());
            if t.deadlocked(txn) {
                t.remove_waiter(txn, key);
                return Err(er::deadlock());
            }
            rx
        };
        let mut guard = WaitGuard {
            mgr: self,
            txn,
            key,
            armed: true,
        };
        match tokio::time::timeout(timeout, granted).await {
            Ok(Ok(())) => {
                guard.armed = false;
                Ok(())
            }
            // The sender is only dropped unsent when the entry is gone,
            // which cannot happen while we are queued; treat it as a timeout.
            Ok(Err(_)) | Err(_) => {
                if guard.leave() {
                    Err(er::lock_wait_timeout())
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Releases every lock `txn` holds on `keys` and grants waiters.
    pub fn release(&self, txn: TxnId, keys: impl IntoIterator<Item = Vec<u8>>) {
        let mut t = self.table();
        let t = &mut *t;
        for key in keys {
            if let Some(e) = t.entries.get_mut(&key) {
                e.holders.retain(|(h, _)| *h != txn);
                e.promote(&mut t.waiting);
                if e.is_empty() {
                    t.entries.remove(&key);
                }
            }
        }
    }

    /// Number of keys with holders or waiters (tests, diagnostics).
    #[cfg(test)]
    pub fn active_keys(&self) -> usize {
        self.table().entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const SHORT: Duration = Duration::from_millis(100);
    const LONG: Duration = Duration::from_secs(10);

    #[tokio::test]
    async fn shared_locks_coexist_exclusive_times_out() {
        let m = LockManager::new();
        m.lock(1, b"k", LockMode::Shared, SHORT).await.unwrap();
        m.lock(2, b"k", LockMode::Shared, SHORT).await.unwrap();
        let e = m.lock(3, b"k", LockMode::Exclusive, SHORT).await;
        assert_eq!(e.unwrap_err().code, 1205);
        m.release(1, [b"k".to_vec()]);
        m.release(2, [b"k".to_vec()]);
        m.lock(3, b"k", LockMode::Exclusive, SHORT).await.unwrap();
        m.release(3, [b"k".to_vec()]);
        assert_eq!(m.active_keys(), 0);
    }

    #[tokio::test]
    async fn waiter_is_granted_on_release() {
        let m = LockManager::new();
        m.lock(1, b"k", LockMode::Exclusive, LONG).await.unwrap();
        let m2 = m.clone();
        let waiter = tokio::spawn(async move { m2.lock(2, b"k", LockMode::Exclusive, LONG).await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiter.is_finished());
        m.release(1, [b"k".to_vec()]);
        waiter.await.unwrap().unwrap();
        m.release(2, [b"k".to_vec()]);
        assert_eq!(m.active_keys(), 0);
    }

    #[tokio::test]
    async fn cycle_is_a_deadlock() {
        let m = LockManager::new();
        m.lock(1, b"a", LockMode::Exclusive, LONG).await.unwrap();
        m.lock(2, b"b", LockMode::Exclusive, LONG).await.unwrap();
        let m2 = m.clone();
        let t1 = tokio::spawn(async move { m2.lock(1, b"b", LockMode::Exclusive, LONG).await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        let e = m
            .lock(2, b"a", LockMode::Exclusive, LONG)
            .await
            .unwrap_err();
        assert_eq!(e.code, 1213);
        // The victim rolls back; the other proceeds.
        m.release(2, [b"b".to_vec()]);
        t1.await.unwrap().unwrap();
        m.release(1, [b"a".to_vec(), b"b".to_vec()]);
        assert_eq!(m.active_keys(), 0);
    }

    #[tokio::test]
    async fn shared_to_exclusive_upgrades_deadlock() {
        let m = LockManager::new();
        m.lock(1, b"k", LockMode::Shared, LONG).await.unwrap();
        m.lock(2, b"k", LockMode::Shared, LONG).await.unwrap();
        let m2 = m.clone();
        let t1 = tokio::spawn(async move { m2.lock(1, b"k", LockMode::Exclusive, LONG).await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        let e = m
            .lock(2, b"k", LockMode::Exclusive, LONG)
            .await
            .unwrap_err();
        assert_eq!(e.code, 1213);
        m.release(2, [b"k".to_vec()]);
        t1.await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn upgrade_goes_ahead_of_queued_requests() {
        let m = LockManager::new();
        m.lock(1, b"k", LockMode::Shared, LONG).await.unwrap();
        m.lock(3, b"k", LockMode::Shared, LONG).await.unwrap();
        let m2 = m.clone();
        let t2 = tokio::spawn(async move { m2.lock(2, b"k", LockMode::Exclusive, LONG).await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        // 1 upgrades: it waits for 3 only, which is no deadlock.
        let m1 = m.clone();
        let t1 = tokio::spawn(async move { m1.lock(1, b"k", LockMode::Exclusive, LONG).await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!t1.is_finished());
        m.release(3, [b"k".to_vec()]);
        t1.await.unwrap().unwrap();
        m.release(1, [b"k".to_vec()]);
        t2.await.unwrap().unwrap();
        m.release(2, [b"k".to_vec()]);
        assert_eq!(m.active_keys(), 0);
    }

    #[tokio::test]
    async fn dropped_waiter_leaves_the_queue() {
        let m = LockManager::new();
        m.lock(1, b"k", LockMode::Exclusive, LONG).await.unwrap();
        let m2 = m.clone();
        let w = tokio::spawn(async move { m2.lock(2, b"k", LockMode::Exclusive, LONG).await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        w.abort();
        let _ = w.await;
        m.release(1, [b"k".to_vec()]);
        assert_eq!(m.active_keys(), 0);
    }
}
