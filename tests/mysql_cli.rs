//! The `mariadb` command-line client (Debian's `mysql`) running SQL scripts.
//!
//! The expected output of `tests/cli/<name>.sql` is `tests/cli/<name>.out`
//! (stdout) and `tests/cli/<name>.err` (stderr), recorded against MariaDB
//! 10.11 and reviewed by hand. `SQLD_TEST_BLESS=1` rewrites them from the
//! current target: only do that against MariaDB, then read the diff.

use sqld_tests::cli::run_script;
use sqld_tests::TestServer;
use std::path::{Path, PathBuf};

fn cli_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("cli")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Panics at the first differing line, with both texts.
#[track_caller]
fn assert_same_text(what: &str, got: &str, expected: &str) {
    if got == expected {
        return;
    }
    let first_diff = got
        .lines()
        .zip(expected.lines())
        .position(|(g, e)| g != e)
        .unwrap_or_else(|| got.lines().count().min(expected.lines().count()));
    panic!(
        "{what} differs at line {}:\n  got:      {:?}\n  expected: {:?}\n--- got:\n{got}\n--- expected:\n{expected}",
        first_diff + 1,
        got.lines().nth(first_diff),
        expected.lines().nth(first_diff),
    );
}

/// MariaDB names itself in error 1064 ("...corresponds to your MariaDB server
/// version..."), where MySQL and sqld say "MySQL". The rest of the message,
/// including the near-text, must match.
fn normalize_server_name(text: &str) -> String {
    text.replace("your MariaDB server version", "your MySQL server version")
}

fn check_script(name: &str, args: &[&str], expect_success: bool) {
    let server = TestServer::start();
    let script = read(&cli_dir().join(format!("{name}.sql")));
    let out = run_script(&server, args, &script);
    let out_path = cli_dir().join(format!("{name}.out"));
    let err_path = cli_dir().join(format!("{name}.err"));
    if std::env::var_os("SQLD_TEST_BLESS").is_some() {
        std::fs::write(&out_path, &out.stdout).expect("write .out");
        std::fs::write(&err_path, normalize_server_name(&out.stderr)).expect("write .err");
    }
    assert_same_text(&format!("{name}: stdout"), &out.stdout, &read(&out_path));
    assert_same_text(
        &format!("{name}: stderr"),
        &normalize_server_name(&out.stderr),
        &read(&err_path),
    );
    assert_eq!(
        out.success(),
        expect_success,
        "{name}: exit status {}",
        out.status
    );
}

/// Multi-statements, executable comments, a transaction; one error that
/// `--force` continues past (the client then exits 0).
#[test]
fn bank_script_with_force() {
    check_script("bank", &["--force"], true);
}

/// Without --force the client stops at the first error.
#[test]
fn script_stops_at_the_first_error() {
    check_script("stop_on_error", &[], false);
}

/// `--table` output: the column widths come from the column metadata and
/// the values.
#[test]
fn table_format() {
    check_script("table", &["--table"], true);
}

/// SQL-level PREPARE / EXECUTE / DEALLOCATE PREPARE, with the errors
/// `--force` continues past.
#[test]
fn sql_prepared_statements() {
    check_script("prepare", &["--force", "--table"], true);
}
