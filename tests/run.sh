#!/usr/bin/env bash
# The one test command: installs the client tools the integration tests drive
# (only when missing), builds sqld in release mode, then runs every test of the
# workspace: unit tests of each crate and the integration tests in tests/.
#
#   bash tests/run.sh                              # against sqld (default)
#   SQLD_TEST_TARGET=mariadb bash tests/run.sh     # same suite against MariaDB
#   bash tests/run.sh -- client_protocol           # extra args go to the test binaries
#
# Works as root without a tty (CI=true) and as a user with sudo.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export DEBIAN_FRONTEND=noninteractive

log() { printf '==> %s\n' "$*" >&2; }

have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }

install_missing() {
    local pkgs=()
    have sysbench || pkgs+=(sysbench)
    have mariadb || pkgs+=(mariadb-client)
    { have mariadbd && have mariadb-install-db; } || pkgs+=(mariadb-server)
    [ ${#pkgs[@]} -eq 0 ] && return 0
    log "installing ${pkgs[*]}"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || { log "need root or sudo to install ${pkgs[*]}"; exit 1; }
        sudo=(sudo -n)
    fi
    "${sudo[@]}" apt-get update -q
    # A container has no init system: keep the package scripts from starting
    # a mariadb service we do not want (the tests start their own servers).
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 \
        apt-get install -y -q --no-install-recommends "${pkgs[@]}"
}

find_cargo() {
    if ! command -v cargo >/dev/null 2>&1 && [ -f "$HOME/.cargo/env" ]; then
        # shellcheck disable=SC1091
        . "$HOME/.cargo/env"
    fi
    command -v cargo >/dev/null 2>&1 || { log "cargo not found: install Rust (https://rustup.rs)"; exit 1; }
}

install_missing
find_cargo

target_dir="${CARGO_TARGET_DIR:-target}"
# Test binaries run with their package directory as cwd: make paths absolute.
case "$target_dir" in /*) ;; *) target_dir="$PWD/$target_dir" ;; esac
export SQLD_BIN="${SQLD_BIN:-$target_dir/release/sqld}"
export SQLD_TEST_TARGET="${SQLD_TEST_TARGET:-sqld}"

log "building sqld (release)"
cargo build --release -p sqld

# The cluster tests (tests/cluster*.rs) start their own MariaDB data nodes
# with mariadbd, like the differential tests: nothing more to install. They
# add about 2 minutes to the suite.
#
# Two cores: two tests at a time. Each integration test starts its own server,
# so more threads only thrash. The heavy tests (sysbench, crash) also take a
# machine-wide file lock in the harness, so they never overlap each other even
# if binaries are run in parallel by another runner.
export RUST_TEST_THREADS="${RUST_TEST_THREADS:-2}"

log "running the test suite against ${SQLD_TEST_TARGET} (RUST_TEST_THREADS=${RUST_TEST_THREADS})"
extra=()
if [ "${1:-}" = "--" ]; then shift; extra=("$@"); fi
start=$SECONDS
# The benchmark's own pieces (sysbench-lua/): its Python report code and the
# Lua workload's helpers. The workload itself runs against sqld in
# tests/sysbench.rs.
python3 -m unittest discover -s sysbench-lua -p 'test_*.py'
sysbench sysbench-lua/test_oltp_lib.lua test
cargo test --workspace --release --no-fail-fast -- "${extra[@]}"
log "all tests passed in $((SECONDS - start)) s"
