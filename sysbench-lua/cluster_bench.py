"""The extra-hop benchmark behind sysbench-lua/cluster_bench.sh.

One MariaDB data node (one node group), reached three ways in one run:
sysbench straight to MariaDB, through HAProxy (plain TCP mode: the floor
for any extra hop), and through sqld (--config with one [[node_group]]).
The three alternate run by run, for --rounds rounds, and the summary takes
medians:

- oltp_point_select at 1 thread: average and p95 latency, the latency each
  hop adds over the direct path, and sqld's added latency / HAProxy's
  (target <= 1.25);
- oltp_read_write at 16 threads: TPS, and sqld / HAProxy (target >= 0.9);
- CPU per transaction (utime + stime from /proc) of sqld and of the data
  node during sqld's runs (target: sqld <= 25 % of the node).

The rows are prepared once, through sqld (so they are in its catalog);
MariaDB and HAProxy then serve the very same tables.
"""

import argparse
import csv
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
from bench import HOST, BenchError, Server, log, parse_sysbench, sql  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SYSTEMS = ["direct", "haproxy", "sqld"]
# (workload, threads)
RUNS = [("oltp_point_select", 1), ("oltp_read_write", 16)]
NODE_USER, NODE_PASSWORD = "sqld", "bench-pw"
TARGETS = {"latency_ratio": 1.25, "tps_ratio": 0.9, "cpu_share": 0.25}


class Endpoint:
    """A port sysbench connects to (`bench.sysbench_argv` reads .port)."""

    def __init__(self, name, port):
        self.name, self.port = name, port


def free_port():
    import socket
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / bench.CLK_TCK


class HaProxy:
    def __init__(self, work, backend_port):
        self.port = free_port()
        self.cfg = os.path.join(work, "haproxy.cfg")
        self.log_path = os.path.join(work, "haproxy.log")
        with open(self.cfg, "w") as f:
            f.write(f"""global
    maxconn 4096
defaults
    mode tcp
    timeout connect 5s
    timeout client 1h
    timeout server 1h
listen mysql
    bind {HOST}:{self.port}
    server node0 {HOST}:{backend_port}
""")
        self.proc = None

    def start(self):
        log(f"starting haproxy on port {self.port}")
        with open(self.log_path, "w") as out:
            self.proc = subprocess.Popen(["haproxy", "-db", "-f", self.cfg], stdout=out,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True)
        import socket
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"haproxy exited with {self.proc.returncode}")
            try:
                with socket.create_connection((HOST, self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise BenchError("haproxy did not listen within 30 s")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def write_config(path, node_port, pool_size):
    with open(path, "w") as f:
        f.write(f"""[server]
bind_address = "{HOST}"
port = 0
max_connections = 1000
log_level = "warn"
[cluster]
pool_size = {pool_size}
[[user]]
name = "root"
host = "%"
password = ""
[[node_group]]
data_nodes = ["mysql://{NODE_USER}:{NODE_PASSWORD}@{HOST}:{node_port}"]
""")


def sysbench_run(endpoint, workload, threads, args):
    argv = bench.sysbench_argv(endpoint, [workload], "sbtest", args, threads,
                               [f"--time={args.time}", "--forced-shutdown=10",
                                "--percentile=95", "--histogram=on", "run"])
    r = subprocess.run(argv, capture_output=True, text=True, timeout=args.time + 120)
    output = r.stdout + r.stderr
    if r.returncode != 0:
        first = next((line for line in output.splitlines() if "FATAL" in line), output[-300:])
        raise BenchError(f"{workload} via {endpoint.name} failed: {first}")
    return parse_sysbench(output), output


def measure(endpoint, workload, threads, args, node, proxy_pid):
    node_before = cpu_seconds(node.pid)
    proxy_before = cpu_seconds(proxy_pid) if proxy_pid else 0.0
    stats, output = sysbench_run(endpoint, workload, threads, args)
    node_cpu = cpu_seconds(node.pid) - node_before
    proxy_cpu = (cpu_seconds(proxy_pid) - proxy_before) if proxy_pid else 0.0
    txns = stats["transactions"]
    # sysbench's own average has 10 µs resolution; events over wall time
    # per thread is exact.
    avg_ms = stats["seconds"] * threads / txns * 1e3 if txns else None
    return {
        "workload": workload, "threads": threads, "system": endpoint.name,
        "tps": stats["tps"], "avg_ms": round(avg_ms, 4) if avg_ms else None,
        "p95_ms": stats["p95_ms"], "transactions": txns,
        "ignored_errors": stats["ignored_errors"],
        "node_cpu_us_per_txn": round(node_cpu / txns * 1e6, 2) if txns else None,
        "proxy_cpu_us_per_txn": round(proxy_cpu / txns * 1e6, 2) if txns else None,
    }, output


def median(rows, system, workload, key):
    vals = [r[key] for r in rows
            if r["system"] == system and r["workload"] == workload and r[key] is not None]
    return statistics.median(vals) if vals else None


def summarise(rows):
    """The numbers the issue asks for, from medians over rounds."""
    ps, rw = "oltp_point_select", "oltp_read_write"
    s = {}
    for system in SYSTEMS:
        s[f"{system}_avg_us"] = (median(rows, system, ps, "avg_ms") or 0) * 1000
        s[f"{system}_p95_us"] = (median(rows, system, ps, "p95_ms") or 0) * 1000
        s[f"{system}_rw_tps"] = median(rows, system, rw, "tps") or 0
    for hop in ("haproxy", "sqld"):
        s[f"{hop}_added_us"] = s[f"{hop}_avg_us"] - s["direct_avg_us"]
    s["latency_ratio"] = (s["sqld_added_us"] / s["haproxy_added_us"]
                          if s["haproxy_added_us"] > 0 else None)
    s["tps_ratio"] = (s["sqld_rw_tps"] / s["haproxy_rw_tps"]
                      if s["haproxy_rw_tps"] else None)
    for w, tag in ((ps, "ps"), (rw, "rw")):
        sq = median(rows, "sqld", w, "proxy_cpu_us_per_txn")
        nd = median(rows, "sqld", w, "node_cpu_us_per_txn")
        s[f"sqld_cpu_us_{tag}"], s[f"node_cpu_us_{tag}"] = sq, nd
        s[f"cpu_share_{tag}"] = sq / nd if sq is not None and nd else None
        # HAProxy's own share during its runs: the floor any hop pays here.
        hp = median(rows, "haproxy", w, "proxy_cpu_us_per_txn")
        hn = median(rows, "haproxy", w, "node_cpu_us_per_txn")
        s[f"haproxy_cpu_us_{tag}"], s[f"haproxy_node_cpu_us_{tag}"] = hp, hn
        s[f"haproxy_cpu_share_{tag}"] = hp / hn if hp is not None and hn else None
    return s


def fmt(v, spec=".1f"):
    return "n/a" if v is None else format(v, spec)


def verdict(value, target, at_most):
    if value is None:
        return "n/a"
    ok = value <= target if at_most else value >= target
    return "met" if ok else "NOT met"


def markdown(s, args, machine):
    t = TARGETS
    lines = [
        f"# sqld cluster mode: the extra hop ({datetime.date.today()})",
        "",
        f"One MariaDB data node; sysbench straight to it, through HAProxy (TCP mode) and "
        f"through sqld, alternating, {args.rounds} rounds of {args.time} s, medians. "
        f"{args.tables} tables × {args.table_size} rows.",
        "",
        *machine,
        "",
        "## oltp_point_select, 1 thread",
        "",
        "| path | avg latency (µs) | p95 (µs) | added over direct (µs) |",
        "|---|---|---|---|",
        f"| direct | {fmt(s['direct_avg_us'])} | {fmt(s['direct_p95_us'], '.0f')} | — |",
        f"| HAProxy | {fmt(s['haproxy_avg_us'])} | {fmt(s['haproxy_p95_us'], '.0f')} | "
        f"{fmt(s['haproxy_added_us'])} |",
        f"| sqld | {fmt(s['sqld_avg_us'])} | {fmt(s['sqld_p95_us'], '.0f')} | "
        f"{fmt(s['sqld_added_us'])} |",
        "",
        f"sqld's added latency / HAProxy's: **{fmt(s['latency_ratio'], '.2f')}** "
        f"(target ≤ {t['latency_ratio']}: {verdict(s['latency_ratio'], t['latency_ratio'], True)})",
        "",
        "## oltp_read_write, 16 threads",
        "",
        "| path | TPS |",
        "|---|---|",
        *(f"| {n} | {fmt(s[f'{n}_rw_tps'])} |" for n in SYSTEMS),
        "",
        f"sqld / HAProxy: **{fmt(s['tps_ratio'], '.2f')}** "
        f"(target ≥ {t['tps_ratio']}: {verdict(s['tps_ratio'], t['tps_ratio'], False)})",
        "",
        "## CPU per transaction",
        "",
        "sqld and the data node during sqld's runs; HAProxy and the data node during "
        "HAProxy's runs, for reference (the cost of a bare TCP hop on this machine).",
        "",
        "| workload | sqld (µs) | data node (µs) | sqld / node | HAProxy (µs) | "
        "data node (µs) | HAProxy / node |",
        "|---|---|---|---|---|---|---|",
        *(
            f"| {name} | {fmt(s[f'sqld_cpu_us_{tag}'])} | {fmt(s[f'node_cpu_us_{tag}'])} | "
            f"{fmt(s[f'cpu_share_{tag}'], '.2f')} | {fmt(s[f'haproxy_cpu_us_{tag}'])} | "
            f"{fmt(s[f'haproxy_node_cpu_us_{tag}'])} | {fmt(s[f'haproxy_cpu_share_{tag}'], '.2f')} |"
            for name, tag in (("oltp_point_select", "ps"), ("oltp_read_write", "rw"))
        ),
        "",
        f"Target sqld ≤ {t['cpu_share']:.0%} of the node: point select "
        f"{verdict(s['cpu_share_ps'], t['cpu_share'], True)}, read/write "
        f"{verdict(s['cpu_share_rw'], t['cpu_share'], True)}.",
        "",
    ]
    return "\n".join(lines)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sqld", required=True, help="the sqld binary")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--time", type=int, default=30, help="seconds per sysbench run")
    p.add_argument("--tables", type=int, default=4)
    p.add_argument("--table-size", type=int, default=100_000)
    p.add_argument("--pool-size", type=int, default=32)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--out", default=os.path.join(REPO, "docs", "benchmarks"),
                   help="directory for cluster-<date>.md/.csv")
    p.add_argument("--quick", action="store_true",
                   help="smoke run: 3 rounds of 5 s on 2 × 10,000 rows")
    args = p.parse_args(argv)
    if args.quick:
        args.time, args.tables, args.table_size, args.warmup = 5, 2, 10_000, 3
    if args.rounds < 1:
        p.error("--rounds must be at least 1")
    return args


def main(argv):
    args = parse_args(argv)
    work = tempfile.mkdtemp(prefix="sqld-cluster-bench-")
    node = Server("mariadb", [os.path.join(HERE, "mariadb-server.sh")],
                  os.path.join(work, "node0"))
    config = os.path.join(work, "cluster.toml")
    sqld = Server("sqld", [args.sqld, "--config", config], os.path.join(work, "sqld"))
    haproxy = None
    rows = []
    try:
        node.start()
        sql(node, f"CREATE USER '{NODE_USER}'@'%' IDENTIFIED BY '{NODE_PASSWORD}'; "
                  f"GRANT ALL PRIVILEGES ON *.* TO '{NODE_USER}'@'%' WITH GRANT OPTION")
        write_config(config, node.port, args.pool_size)
        sqld.start()
        haproxy = HaProxy(work, node.port)
        haproxy.start()
        endpoints = {"direct": Endpoint("direct", node.port),
                     "haproxy": Endpoint("haproxy", haproxy.port),
                     "sqld": Endpoint("sqld", sqld.port)}
        proxy_pids = {"direct": None, "haproxy": haproxy.proc.pid, "sqld": sqld.pid}

        sql(sqld, "CREATE DATABASE sbtest")
        argv = bench.sysbench_argv(sqld, ["oltp_read_write"], "sbtest", args,
                                   min(args.tables, 4), ["prepare"])
        started = time.monotonic()
        r = subprocess.run(argv, capture_output=True, text=True, timeout=3600)
        if r.returncode != 0:
            raise BenchError(f"prepare through sqld failed:\n{(r.stdout + r.stderr)[-2000:]}")
        log(f"prepared {args.tables} × {args.table_size} rows through sqld in "
            f"{time.monotonic() - started:.1f} s")
        for name in SYSTEMS:
            for workload, _ in RUNS:
                a = argparse.Namespace(**vars(args))
                a.time = args.warmup
                sysbench_run(endpoints[name], workload, 4, a)
        log("warmed up every path")

        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M")
        os.makedirs(args.out, exist_ok=True)
        csv_path = os.path.join(args.out, f"cluster-{stamp}.csv")
        md_path = os.path.join(args.out, f"cluster-{stamp}.md")
        for rnd in range(args.rounds):
            # Rotate the order so that no path always runs first or last.
            order = SYSTEMS[rnd % 3:] + SYSTEMS[:rnd % 3]
            for workload, threads in RUNS:
                for name in order:
                    row, _ = measure(endpoints[name], workload, threads, args, node,
                                     proxy_pids[name])
                    row["round"] = rnd + 1
                    rows.append(row)
                    log(f"round {rnd + 1} {workload} t{threads} {name}: "
                        f"{row['tps']:.1f} tps, avg {row['avg_ms'] * 1000:.1f} µs, "
                        f"p95 {row['p95_ms'] * 1000:.0f} µs")
            with open(csv_path, "w", newline="") as f:
                w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
                w.writeheader()
                w.writerows(rows)
        text = markdown(summarise(rows), args, [bench.machine_lines()])
        with open(md_path, "w") as f:
            f.write(text)
        print(text)
        log(f"wrote {md_path} and {csv_path}")
        return 0
    except BenchError as e:
        log(f"error: {e}")
        return 1
    finally:
        if haproxy:
            haproxy.stop()
        sqld.stop()
        node.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
