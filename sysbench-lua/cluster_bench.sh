#!/usr/bin/env bash
# The cost of sqld as an extra hop, next to HAProxy. See docs/cluster.md.
#
#   sysbench-lua/cluster_bench.sh            3 rounds of 30 s, 4 × 100,000 rows;
#                                            results in docs/benchmarks/cluster-*.md/.csv
#   sysbench-lua/cluster_bench.sh --quick    smoke run (~3 minutes)
#   sysbench-lua/cluster_bench.sh --help     every option
#
# One MariaDB data node, reached straight, through HAProxy (TCP mode) and
# through sqld (cluster mode, one node group), alternating round by round.
# Builds sqld in release mode (SQLD_BIN skips that), installs sysbench,
# MariaDB and haproxy (Debian packages) when missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"

for arg in "$@"; do
    if [[ "$arg" == "-h" || "$arg" == "--help" ]]; then
        exec python3 "$here/cluster_bench.py" --sqld=unused --help
    fi
done

missing=()
command -v sysbench >/dev/null || missing+=(sysbench)
command -v mariadbd >/dev/null || [[ -x /usr/sbin/mariadbd ]] || missing+=(mariadb-server)
command -v mariadb >/dev/null || missing+=(mariadb-client)
command -v haproxy >/dev/null || [[ -x /usr/sbin/haproxy ]] || missing+=(haproxy)
if [[ ${#missing[@]} -gt 0 ]]; then
    sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo -n)
    echo "cluster_bench.sh: installing ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    # No init system in a container: keep the packages from starting services.
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    for svc in mariadb haproxy; do
        command -v service >/dev/null && "${sudo[@]}" service "$svc" stop >/dev/null 2>&1 || true
    done
fi
export PATH="$PATH:/usr/sbin"

if [[ -z "${SQLD_BIN:-}" ]]; then
    echo "cluster_bench.sh: building sqld (release)"
    (cd "$repo" && cargo build --release -p sqld)
    SQLD_BIN="${CARGO_TARGET_DIR:-$repo/target}/release/sqld"
    [[ "$SQLD_BIN" == /* ]] || SQLD_BIN="$repo/$SQLD_BIN"
fi

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
export PYTHONDONTWRITEBYTECODE=1
exec python3 "$here/cluster_bench.py" --sqld="$SQLD_BIN" "$@"
