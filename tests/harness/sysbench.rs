//! sysbench 1.0.20 runs and the numbers of its final report.

use crate::process::{run_with_timeout, Output};
use crate::TestServer;
use std::process::Command;
use std::time::Duration;

/// Options of one sysbench invocation (the defaults are the suite's).
#[derive(Debug, Clone)]
pub struct SysbenchOptions {
    pub db: String,
    pub tables: u32,
    pub table_size: u32,
    pub threads: u32,
    /// Seconds of `run`.
    pub time: u32,
    /// Extra `--name=value` options (workload options such as
    /// `--delete_inserts=0`).
    pub extra: Vec<String>,
}

impl Default for SysbenchOptions {
    fn default() -> Self {
        SysbenchOptions {
            db: "sbtest".to_string(),
            tables: 2,
            table_size: 10_000,
            threads: 16,
            time: 5,
            extra: Vec::new(),
        }
    }
}

/// The final report's counters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub reads: u64,
    pub writes: u64,
    pub other: u64,
    pub queries: u64,
    /// Completed events (sysbench restarts an event after an ignored error,
    /// so each counts once however many attempts it took).
    pub transactions: u64,
    /// Errors in --mysql-ignore-errors (default 1213, 1020, 1205) that made
    /// sysbench retry the event.
    pub ignored_errors: u64,
    pub reconnects: u64,
}

/// One sysbench invocation's outcome.
#[derive(Debug)]
pub struct Run {
    pub output: Output,
    /// Lines mentioning FATAL (sysbench's word for errors it does not ignore).
    pub fatal: Vec<String>,
    pub report: Option<Report>,
}

impl Run {
    /// Panics with sysbench's output unless it exited 0 without a FATAL line.
    pub fn assert_ok(&self, what: &str) {
        assert!(
            self.output.success() && self.fatal.is_empty(),
            "sysbench {what} failed ({}):\nfatal: {:#?}\nstdout:\n{}\nstderr:\n{}",
            self.output.status,
            self.fatal,
            self.output.stdout,
            self.output.stderr
        );
    }

    /// The report of a `run`, which must be there.
    pub fn report(&self) -> &Report {
        self.report.as_ref().unwrap_or_else(|| {
            panic!(
                "no sysbench report in:\n{}\n{}",
                self.output.stdout, self.output.stderr
            )
        })
    }
}

/// Runs `sysbench <workload> <command>` against `server` as root.
pub fn sysbench(server: &TestServer, workload: &str, command: &str, opts: &SysbenchOptions) -> Run {
    sysbench_at(
        server.port(),
        server.root_password(),
        workload,
        command,
        opts,
    )
}

/// Runs `sysbench <workload> <command>` as root against the server on
/// 127.0.0.1:`port` (e.g. an sqld of a [`crate::TestCluster`]).
pub fn sysbench_at(
    port: u16,
    root_password: &str,
    workload: &str,
    command: &str,
    opts: &SysbenchOptions,
) -> Run {
    let mut cmd = Command::new("sysbench");
    cmd.arg(workload)
        .arg("--db-driver=mysql")
        .arg("--mysql-host=127.0.0.1")
        .arg(format!("--mysql-port={port}"))
        .arg("--mysql-user=root")
        .arg(format!("--mysql-password={root_password}"))
        .arg(format!("--mysql-db={}", opts.db))
        .arg(format!("--tables={}", opts.tables))
        .arg(format!("--table-size={}", opts.table_size))
        .arg(format!("--threads={}", opts.threads))
        .arg(format!("--time={}", opts.time))
        // Fail loudly rather than wait for a stuck thread forever.
        .arg(format!("--forced-shutdown={}", 60))
        .arg("--report-interval=0")
        .args(&opts.extra)
        .arg(command);
    // prepare of 2 × 10k rows and cleanup are quick; run is --time plus the
    // forced-shutdown grace.
    let timeout = Duration::from_secs(u64::from(opts.time) + 240);
    let output = run_with_timeout(&mut cmd, None, timeout);
    let fatal = output
        .stdout
        .lines()
        .chain(output.stderr.lines())
        .filter(|l| l.contains("FATAL"))
        .map(str::to_string)
        .collect();
    let report = parse_report(&output.stdout);
    Run {
        output,
        fatal,
        report,
    }
}

/// The first number after `label:` on a line of the report.
fn counter(text: &str, label: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix(label)?.strip_prefix(':')?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

/// Parses sysbench 1.0's "SQL statistics" block; None if it is absent.
pub fn parse_report(stdout: &str) -> Option<Report> {
    let stats = &stdout[stdout.find("SQL statistics:")?..];
    Some(Report {
        reads: counter(stats, "read")?,
        writes: counter(stats, "write")?,
        other: counter(stats, "other")?,
        queries: counter(stats, "queries")?,
        transactions: counter(stats, "transactions")?,
        ignored_errors: counter(stats, "ignored errors")?,
        reconnects: counter(stats, "reconnects")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
sysbench 1.0.20 (using system LuaJIT 2.1.0-beta3)

Running the test with following options:
Number of threads: 16
Initializing random number generator from current time


Initializing worker threads...

Threads started!

SQL statistics:
    queries performed:
        read:                            53256
        write:                           15216
        other:                           7608
        total:                           76080
    transactions:                        3804   (379.57 per sec.)
    queries:                             76080  (7591.37 per sec.)
    ignored errors:                      2      (0.20 per sec.)
    reconnects:                          0      (0.00 per sec.)

General statistics:
    total time:                          10.0202s
    total number of events:              3804
";

    #[test]
    fn parses_the_final_report() {
        assert_eq!(
            parse_report(SAMPLE),
            Some(Report {
                reads: 53256,
                writes: 15216,
                other: 7608,
                queries: 76080,
                transactions: 3804,
                ignored_errors: 2,
                reconnects: 0,
            })
        );
    }

    #[test]
    fn no_report_without_statistics() {
        assert_eq!(parse_report("FATAL: error 1045"), None);
    }
}
