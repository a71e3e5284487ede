//! Child processes with deadlines, scratch directories, free ports and the
//! machine-wide lock that keeps heavy tests from overlapping.

use crate::ServerOptions;
use std::fs::File;
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// What a finished command printed.
#[derive(Debug)]
pub struct Output {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn success(&self) -> bool {
        self.status.success()
    }
}

/// Runs `cmd` with `stdin` fed to it, killing it if it runs past `timeout`.
/// Panics on timeout: a test that hangs must fail, not stall the suite.
pub fn run_with_timeout(cmd: &mut Command, stdin: Option<&[u8]>, timeout: Duration) -> Output {
    let description = format!("{cmd:?}");
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {description}: {e}"));
    let feeder = stdin.map(|input| {
        let input = input.to_vec();
        let mut pipe = child.stdin.take().expect("stdin is piped");
        thread::spawn(move || {
            use std::io::Write;
            // The child may exit before reading everything (e.g. a CLI that
            // stops at the first error): a broken pipe is not our failure.
            let _ = pipe.write_all(&input);
        })
    });
    let stdout = drain(child.stdout.take().expect("stdout is piped"));
    let stderr = drain(child.stderr.take().expect("stderr is piped"));
    let status = wait_deadline(&mut child, timeout).unwrap_or_else(|| {
        let _ = child.kill();
        let _ = child.wait();
        panic!("{description} did not finish within {timeout:?}");
    });
    if let Some(f) = feeder {
        let _ = f.join();
    }
    Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Waits for `child` to exit, at most `timeout`; None if it is still running.
pub fn wait_deadline(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() >= deadline => return None,
            Ok(None) => thread::sleep(Duration::from_millis(20)),
            Err(_) => return None,
        }
    }
}

/// Sends SIGTERM, waits up to `grace`, then SIGKILL. Returns the exit status
/// if the process ended on its own within the grace period.
pub fn terminate(child: &mut Child, grace: Duration) -> Option<ExitStatus> {
    if let Ok(Some(status)) = child.try_wait() {
        return Some(status);
    }
    // std has no SIGTERM; the kill(1) utility is everywhere tests run.
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let status = wait_deadline(child, grace);
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    status
}

/// A directory removed when dropped (kept when `SQLD_TEST_KEEP` is set, to
/// look at a failed test's data and logs).
#[derive(Debug)]
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(prefix: &str) -> TempDir {
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let base = std::env::var_os("SQLD_TEST_TMPDIR")
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = base.join(format!(
            "{prefix}-{}-{}-{nanos:x}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::env::var_os("SQLD_TEST_KEEP").is_some() {
            eprintln!("keeping {}", self.path.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// A port nothing listens on right now (for servers that cannot bind port 0
/// and report it). Another process may take it before the server binds it:
/// callers retry on "address in use".
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("cannot bind an ephemeral port: {e}"))
}

/// Held while a heavy test (sysbench, crash) runs: those saturate both cores,
/// and two at once would turn timing-dependent checks into noise. A file lock
/// rather than a mutex, so it also holds across test binaries and runners.
pub struct HeavyLock {
    _file: File,
}

pub fn heavy_lock() -> HeavyLock {
    let path = std::env::temp_dir().join("sqld-tests-heavy.lock");
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    file.lock()
        .unwrap_or_else(|e| panic!("cannot lock {}: {e}", path.display()));
    HeavyLock { _file: file }
}

/// The last `n` lines of a file, for failure messages.
pub fn tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// The current user's name, for servers that insist on being told (mariadbd
/// run as root needs `--user=root`).
pub fn current_user() -> String {
    Command::new("id")
        .arg("-un")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "root".to_string())
}

/// A server running as a child process on a scratch directory: what the
/// sqld and MariaDB wrappers share. Each wrapper starts its process its own
/// way and keeps it here; this type answers for it and stops it on drop.
pub struct ServerProcess {
    pub dir: TempDir,
    pub opts: ServerOptions,
    pub child: Option<Child>,
    pub port: u16,
    /// The program ("sqld", "mariadbd"): names the log file and the dump.
    name: &'static str,
    /// How long SIGTERM may take before SIGKILL.
    stop_grace: Duration,
}

impl ServerProcess {
    pub fn new(name: &'static str, opts: ServerOptions, stop_grace: Duration) -> ServerProcess {
        ServerProcess {
            dir: TempDir::new(&format!("sqld-test-{name}")),
            opts,
            child: None,
            port: 0,
            name,
            stop_grace,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `mysql://root:…@127.0.0.1:port/`.
    pub fn url(&self) -> String {
        format!(
            "mysql://root:{}@127.0.0.1:{}/",
            self.opts.root_password, self.port
        )
    }

    pub fn datadir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn log_path(&self) -> PathBuf {
        self.dir.path().join(format!("{}.log", self.name))
    }

    pub fn options(&self) -> &ServerOptions {
        &self.opts
    }

    /// SIGKILL: no shutdown code runs, like a power cut for the process.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM and wait for the exit; None if it had to be killed.
    pub fn stop(&mut self) -> Option<ExitStatus> {
        let mut child = self.child.take()?;
        terminate(&mut child, self.stop_grace)
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        match self.child.as_mut() {
            Some(c) => matches!(c.try_wait(), Ok(None)),
            None => false,
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if thread::panicking() {
            eprintln!(
                "--- {} log ({}):\n{}",
                self.name,
                self.log_path().display(),
                tail(&self.log_path(), 60)
            );
        }
        if let Some(mut child) = self.child.take() {
            terminate(&mut child, self.stop_grace);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_with_timeout_captures_output_and_stdin() {
        let out = run_with_timeout(
            Command::new("sh").args(["-c", "cat; echo err >&2; exit 3"]),
            Some(b"hello\n"),
            Duration::from_secs(10),
        );
        assert_eq!(out.stdout, "hello\n");
        assert_eq!(out.stderr, "err\n");
        assert_eq!(out.status.code(), Some(3));
    }

    #[test]
    #[should_panic(expected = "did not finish")]
    fn run_with_timeout_kills_a_hung_command() {
        run_with_timeout(
            Command::new("sleep").arg("30"),
            None,
            Duration::from_millis(200),
        );
    }

    #[test]
    fn temp_dir_is_removed_on_drop() {
        let dir = TempDir::new("sqld-harness-selftest");
        let path = dir.path().to_path_buf();
        std::fs::write(path.join("f"), b"x").unwrap();
        drop(dir);
        assert!(!path.exists() || std::env::var_os("SQLD_TEST_KEEP").is_some());
    }

    #[test]
    fn tail_returns_last_lines() {
        let dir = TempDir::new("sqld-harness-selftest");
        let f = dir.path().join("log");
        std::fs::write(&f, "a\nb\nc\n").unwrap();
        assert_eq!(tail(&f, 2), "b\nc");
        assert_eq!(tail(&f, 10), "a\nb\nc");
    }
}
