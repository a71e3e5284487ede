#!/usr/bin/env bash
# sqld vs MariaDB 10.11 with sysbench. See docs/benchmarks.md.
#
#   sysbench-lua/bench.sh                 full run: 3 rounds, 1/4/16/64 threads,
#                                         results in docs/benchmarks/
#   sysbench-lua/bench.sh --quick         smoke test (~2 minutes), results in
#                                         /tmp/sqld-bench-quick/
#   sysbench-lua/bench.sh --help          every option
#
# It builds sqld in release mode (skipped when SQLD_CMD names another server
# command, e.g. SQLD_CMD=sysbench-lua/mariadb-server.sh to test the pipeline
# with MariaDB on both sides), installs what is missing (sysbench, MariaDB,
# gnuplot: Debian packages), then runs sysbench-lua/bench.py, which starts and
# always stops both servers.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"

for arg in "$@"; do
    if [[ "$arg" == "-h" || "$arg" == "--help" ]]; then
        exec python3 "$here/bench.py" --sqld-cmd=unused --help
    fi
done

# Debian packages the benchmark needs, by the command that shows each is there.
missing=()
command -v sysbench >/dev/null || missing+=(sysbench)
command -v mariadbd >/dev/null || missing+=(mariadb-server)
command -v mariadb >/dev/null || missing+=(mariadb-client)
command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
if [[ ${#missing[@]} -gt 0 ]]; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        echo "bench.sh: installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
        # Debian starts the packaged server on install; the benchmark runs its own.
        if [[ " ${missing[*]} " == *" mariadb-server "* ]] && command -v service >/dev/null; then
            service mariadb stop >/dev/null 2>&1 || true
        fi
    else
        echo "bench.sh: missing ${missing[*]} (install the Debian packages)" >&2
        command -v sysbench >/dev/null && command -v mariadbd >/dev/null || exit 1
    fi
fi

if [[ -z "${SQLD_CMD:-}" ]]; then
    echo "bench.sh: building sqld (release)"
    (cd "$repo" && cargo build --release -p sqld)
    SQLD_CMD="${CARGO_TARGET_DIR:-$repo/target}/release/sqld"
    [[ "$SQLD_CMD" == /* ]] || SQLD_CMD="$repo/$SQLD_CMD"
fi
export SQLD_CMD

# 1,000 idle connections and 64 sysbench threads need file descriptors, in
# the servers (which inherit this limit) and in the idle-connection client.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 65536 2>/dev/null || true

export PYTHONDONTWRITEBYTECODE=1  # keep the source tree clean
exec python3 "$here/bench.py" "$@"
