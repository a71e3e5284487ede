//! Adaptive polling while one client has the server to itself.
//!
//! Why: with one client, a session's wait for that client's next command
//! is short (tens of µs), but awaiting it normally parks the worker thread
//! in `epoll_wait`; the CPU halts, and the wake-up when the command arrives
//! (an interrupt; on a virtual machine a trip through the hypervisor) adds
//! more latency than the command itself costs. So while only one session
//! has started commands lately, it keeps polling for its client's next
//! command, up to a budget: between polls it yields, and the runtime then
//! asks the OS for readiness without blocking. As soon as a second session
//! starts a command the spinning stops, so under load it costs nothing;
//! when the server goes idle it costs at most the budget once.
//!
//! Measured on 2 cores, embedded, 1 sysbench thread, 50 µs:
//! oltp_point_select 12.4 k → 20 k queries/s (CPU per query 40 → 53 µs),
//! oltp_read_only 610 → 840 TPS. Not used by default in cluster mode: sysbench, sqld and
//! the data node keep both CPUs busy between them, so there is little halt
//! to save (+3 % point selects for +30 µs of CPU each).

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::sync::OnceLock;
use std::task::Poll;
use std::time::{Duration, Instant};

/// When and how long sessions poll.
#[derive(Clone, Default)]
pub struct SpinPolicy {
    /// How long a session alone on the server polls for its client's next
    /// command before letting the worker sleep; zero never polls.
    pub wait: Duration,
    /// Asked before polling: false while background work needs the CPU
    /// the polling would take.
    pub allowed: Option<Arc<dyn Fn() -> bool + Send + Sync>>,
}

impl std::fmt::Debug for SpinPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpinPolicy")
            .field("wait", &self.wait)
            .field("allowed", &self.allowed.is_some())
            .finish()
    }
}

impl SpinPolicy {
    fn allows_now(&self) -> bool {
        self.allowed.as_ref().is_none_or(|f| f())
    }
}

/// How long after another session started a command a session may not
/// spin.
const LONE_FOR: Duration = Duration::from_millis(1);

/// Which session starts commands, server-wide.
struct Activity {
    /// The session that started the latest command.
    last_session: AtomicU32,
    /// When a command was last started by a session other than the one
    /// before it, in µs since [`epoch`].
    switched_at_us: AtomicU64,
    /// Held by the one session spinning at a time.
    spinning: AtomicBool,
}

static ACTIVITY: Activity = Activity::new();

fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn now_us() -> u64 {
    epoch().elapsed().as_micros() as u64
}

impl Activity {
    const fn new() -> Activity {
        Activity {
            last_session: AtomicU32::new(0),
            switched_at_us: AtomicU64::new(0),
            spinning: AtomicBool::new(false),
        }
    }

    fn command_started(&self, session: u32) {
        // Load first: the common case (the same session again) then writes
        // nothing to the shared cache line.
        if self.last_session.load(Ordering::Relaxed) != session
            && self.last_session.swap(session, Ordering::Relaxed) != session
        {
            self.switched_at_us.store(now_us(), Ordering::Relaxed);
        }
    }

    /// True while `session` is the only one to have started commands for
    /// [`LONE_FOR`].
    fn alone(&self, session: u32) -> bool {
        self.last_session.load(Ordering::Relaxed) == session
            && now_us().saturating_sub(self.switched_at_us.load(Ordering::Relaxed))
                >= LONE_FOR.as_micros() as u64
    }
}

/// Records that `session` (its connection id) starts a command.
pub fn command_started(session: u32) {
    ACTIVITY.command_started(session);
}

struct SpinToken<'a>(&'a AtomicBool);

impl<'a> SpinToken<'a> {
    fn acquire(flag: &'a AtomicBool) -> Option<SpinToken<'a>> {
        flag.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .ok()
            .map(|_| SpinToken(flag))
    }
}

impl Drop for SpinToken<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// Polls `fut` until it is ready, the policy's wait is spent or `session`
/// is no longer alone; None if it was not ready by then (the caller then
/// awaits it as usual: its waker is registered once it has been polled).
/// With polling off it returns None at once, without polling; the checks
/// that read the clock run only once `fut` is found pending.
pub async fn poll_briefly<F: Future>(
    fut: Pin<&mut F>,
    session: u32,
    policy: &SpinPolicy,
) -> Option<F::Output> {
    ACTIVITY.poll_briefly(fut, session, policy).await
}

impl Activity {
    async fn poll_briefly<F: Future>(
        &self,
        mut fut: Pin<&mut F>,
        session: u32,
        policy: &SpinPolicy,
    ) -> Option<F::Output> {
        if policy.wait.is_zero() {
            return None;
        }
        let mut spin: Option<(SpinToken, Instant)> = None;
        loop {
            let polled = std::future::poll_fn(|cx| Poll::Ready(fut.as_mut().poll(cx))).await;
            if let Poll::Ready(v) = polled {
                return Some(v);
            }
            if !self.alone(session) {
                return None;
            }
            match &spin {
                None if policy.allows_now() => {
                    spin = Some((SpinToken::acquire(&self.spinning)?, Instant::now()))
                }
                None => return None,
                Some((_, start)) if start.elapsed() >= policy.wait => return None,
                Some(_) => {}
            }
            tokio::task::yield_now().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_alone_only_after_others_have_been_quiet() {
        let a = Activity::new();
        a.command_started(1);
        assert!(!a.alone(1), "just switched to session 1");
        std::thread::sleep(LONE_FOR + Duration::from_millis(1));
        assert!(a.alone(1));
        a.command_started(1);
        assert!(a.alone(1), "the same session again is no switch");
        a.command_started(2);
        assert!(!a.alone(1));
        assert!(!a.alone(2));
    }

    #[tokio::test]
    async fn spinning_returns_what_becomes_ready_and_gives_up_otherwise() {
        let a = Activity::new();
        let session = 4_000_000_001;
        a.command_started(session);
        std::thread::sleep(LONE_FOR + Duration::from_millis(1));
        // Ready after a few polls: spinning sees it.
        let mut polls = 0;
        let fut = std::future::poll_fn(|cx| {
            polls += 1;
            if polls < 5 {
                cx.waker().wake_by_ref();
                Poll::Pending
            } else {
                Poll::Ready(polls)
            }
        });
        tokio::pin!(fut);
        let policy = |wait, allowed: bool| SpinPolicy {
            wait,
            allowed: Some(Arc::new(move || allowed)),
        };
        let long = policy(Duration::from_secs(5), true);
        assert_eq!(a.poll_briefly(fut.as_mut(), session, &long).await, Some(5));
        // Never ready: gives up after the budget.
        let never = std::future::pending::<()>();
        tokio::pin!(never);
        let short = policy(Duration::from_millis(2), true);
        assert_eq!(a.poll_briefly(never.as_mut(), session, &short).await, None);
        // Polling off, or not allowed now: gives up at once.
        let off = policy(Duration::ZERO, true);
        assert_eq!(a.poll_briefly(never.as_mut(), session, &off).await, None);
        let started = Instant::now();
        let refused = policy(Duration::from_secs(5), false);
        assert_eq!(
            a.poll_briefly(never.as_mut(), session, &refused).await,
            None
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
