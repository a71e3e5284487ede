#!/usr/bin/env bash
# Start a throwaway MariaDB server with sqld's command line:
#   mariadb-server.sh --datadir DIR --port N --bind-address ADDR [mariadbd options...]
# It initialises DIR when it is empty, picks a free port when N is 0 (mariadbd
# itself would take 0 to mean 3306), and then *execs* mariadbd, so the pid its
# caller started is the server's pid (the benchmark reads /proc/PID for CPU and
# RSS). mariadbd prints "Version: '…'  socket: '…'  port: N", the same
# "Version: … port: N" shape as sqld's ready line.
#
# bench.sh uses it for the MariaDB side, and SQLD_CMD=sysbench-lua/mariadb-server.sh
# lets the whole pipeline be tested with MariaDB standing in for sqld.
set -euo pipefail

datadir="" port=0 bind=127.0.0.1
extra=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --datadir) datadir="$2"; shift 2 ;;
        --datadir=*) datadir="${1#*=}"; shift ;;
        --port) port="$2"; shift 2 ;;
        --port=*) port="${1#*=}"; shift ;;
        --bind-address) bind="$2"; shift 2 ;;
        --bind-address=*) bind="${1#*=}"; shift ;;
        *) extra+=("$1"); shift ;;
    esac
done
[[ -n "$datadir" ]] || { echo "mariadb-server.sh: --datadir is required" >&2; exit 2; }
case "$bind" in
    127.*|localhost|::1) ;;
    *) echo "mariadb-server.sh: refusing to bind to $bind (loopback only)" >&2; exit 2 ;;
esac

mkdir -p "$datadir"
datadir="$(cd "$datadir" && pwd)"

if [[ "$port" == 0 ]]; then
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
fi

if [[ ! -d "$datadir/mysql" ]]; then
    # "normal" root authentication: root with an empty password over TCP, the
    # same account the benchmark uses against sqld.
    mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$datadir" \
        --auth-root-authentication-method=normal --skip-test-db \
        >"$datadir/install.log" 2>&1 ||
        { cat "$datadir/install.log" >&2; exit 1; }
fi

exec mariadbd --no-defaults --user="$(id -un)" \
    --datadir="$datadir" --socket="$datadir/mariadb.sock" --pid-file="$datadir/mariadb.pid" \
    --port="$port" --bind-address="$bind" --skip-name-resolve \
    --innodb-buffer-pool-size="${MARIADB_BUFFER_POOL:-1G}" \
    --innodb-flush-log-at-trx-commit=1 \
    --max-connections="${MARIADB_MAX_CONNECTIONS:-1200}" \
    --max-prepared-stmt-count=1000000 \
    "${extra[@]}"
