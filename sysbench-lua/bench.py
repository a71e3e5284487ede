"""sqld vs MariaDB with sysbench: the orchestration behind sysbench-lua/bench.sh.

Starts both servers on fresh data directories (loopback, ephemeral ports),
measures idle-connection RSS, prepares identical data in both (same
--rand-seed), then runs every workload × thread count, alternating the two
servers run by run, for --rounds rounds. After every run it rewrites the
results (runs.csv, summary.csv, idle.csv, results.md, throughput.png) in --out,
so an interrupted benchmark still leaves what it measured. Both servers are
stopped on every exit path.
"""

import argparse
import datetime
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import idle_connections  # noqa: E402
import report  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OLTP_LUA = os.path.join(HERE, "oltp.lua")
HOST = "127.0.0.1"
READY = re.compile(r"Version: '([^']*)'.*\bport: (\d+)")
CLK_TCK = os.sysconf("SC_CLK_TCK")

NO_RANGES = ["--simple-ranges=0", "--sum-ranges=0", "--order-ranges=0",
             "--distinct-ranges=0"]

# name -> (sysbench script and its options, database). Stock scripts are
# Debian's (/usr/share/sysbench); the RonDB variants are oltp.lua in its
# read-only (oltp_ro) form, as RonDB runs them: "in_statement_100" is RonDB's
# key-lookup benchmark (10 selects of 100 ids each, no ranges), "filter" its
# filter benchmark (ranges scan --range-size rows and return one).
WORKLOADS = {
    "oltp_read_write": (["oltp_read_write"], "sbtest"),
    "oltp_read_only": (["oltp_read_only"], "sbtest"),
    "oltp_point_select": (["oltp_point_select"], "sbtest"),
    "in_statement_100": ([OLTP_LUA, "--read-only", "--use-in-statement=100"] + NO_RANGES,
                         "sbtest"),
    "filter": ([OLTP_LUA, "--read-only", "--use-filter"], "sbfilter"),
}
DATABASES = {
    "sbtest": [],                  # stock layout: stock scripts and IN-statement
    "sbfilter": ["--use-filter"],  # with filter_col
}


def log(msg):
    print(f"[{datetime.datetime.now():%H:%M:%S}] {msg}", flush=True)


class BenchError(Exception):
    pass


class Server:
    """A server process started with sqld's command line; mariadb-server.sh speaks it too."""

    def __init__(self, name, cmd, datadir, env=None):
        self.name = name
        self.cmd = cmd
        self.datadir = datadir
        self.log_path = datadir + ".log"
        self.env = env
        self.proc = None
        self.port = None
        self.version = None

    def start(self, timeout_s=180):
        os.makedirs(self.datadir, exist_ok=True)
        argv = self.cmd + ["--datadir", self.datadir, "--port", "0", "--bind-address", HOST]
        log(f"starting {self.name}: {' '.join(argv)}")
        with open(self.log_path, "w") as out:
            # Own session: a Ctrl-C to the benchmark reaches us, not the
            # server, so the servers are stopped in order by stop().
            self.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, env=self.env,
                                         start_new_session=True)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"{self.name} exited with {self.proc.returncode} before "
                                 f"it was ready:\n{self.log_tail()}")
            with open(self.log_path, errors="replace") as f:
                m = READY.search(f.read())
            if m:
                self.version, self.port = m.group(1), int(m.group(2))
                log(f"{self.name} ready: version {self.version}, port {self.port}, "
                    f"pid {self.proc.pid}")
                return
            time.sleep(0.2)
        raise BenchError(f"{self.name} not ready after {timeout_s} s:\n{self.log_tail()}")

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout_s=60):
        if not self.alive():
            return
        log(f"stopping {self.name} (pid {self.pid})")
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            log(f"{self.name} ignored SIGTERM for {timeout_s} s: killing it")
            self.proc.kill()
            self.proc.wait()

    # --- /proc readings -------------------------------------------------
    def cpu_seconds(self):
        """utime + stime of the server process (all its threads), in seconds."""
        with open(f"/proc/{self.pid}/stat") as f:
            # The command name may contain spaces: fields start after ')'.
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def reset_peak_rss(self):
        """Make VmHWM restart from the current RSS so it covers the next run only.

        Returns False where the kernel does not allow it: VmHWM is then the
        peak since the server started.
        """
        try:
            with open(f"/proc/{self.pid}/clear_refs", "w") as f:
                f.write("5")
            return True
        except OSError:
            return False


def sql(server, statement):
    """One statement through the mariadb client (it works against sqld too)."""
    argv = ["mariadb", "--protocol=tcp", "-h", HOST, "-P", str(server.port), "-uroot",
            "--batch", "--skip-column-names", "-e", statement]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise BenchError(f"{server.name}: {statement!r} failed: {r.stderr.strip()}")
    return r.stdout


def sysbench_argv(server, script, db, args, threads, extra):
    return (["sysbench"] + script
            + [f"--mysql-host={HOST}", f"--mysql-port={server.port}", "--mysql-user=root",
               "--mysql-password=", f"--mysql-db={db}", "--db-driver=mysql",
               f"--tables={args.tables}", f"--table-size={args.table_size}",
               f"--threads={threads}"]
            + extra)


def prepare_data(server, args, databases):
    for db in databases:
        sql(server, f"DROP DATABASE IF EXISTS {db}")
        sql(server, f"CREATE DATABASE {db}")
        # oltp.lua generates rows from the table number alone: the same rows in both.
        argv = sysbench_argv(server, [OLTP_LUA] + DATABASES[db], db, args,
                             min(args.tables, 4), ["prepare"])
        started = time.monotonic()
        r = subprocess.run(argv, capture_output=True, text=True,
                           timeout=args.prepare_timeout)
        if r.returncode != 0:
            raise BenchError(f"{server.name}: prepare of {db} failed:\n"
                             f"{(r.stdout + r.stderr)[-2000:]}")
        log(f"{server.name}: prepared {db} ({args.tables} × {args.table_size} rows) "
            f"in {time.monotonic() - started:.1f} s")


def data_fingerprint(server, db, tables):
    """COUNT(*) and SUM(k) per table: a cheap check that both servers hold the same rows."""
    parts = []
    for n in range(1, tables + 1):
        parts.append(sql(server, f"SELECT COUNT(*), SUM(k) FROM {db}.sbtest{n}").strip())
    return " | ".join(parts)


SYSBENCH_PATTERNS = {
    "transactions": re.compile(r"transactions:\s+(\d+)\s+\(([\d.]+) per sec"),
    "queries": re.compile(r"queries:\s+(\d+)\s+\(([\d.]+) per sec"),
    "ignored_errors": re.compile(r"ignored errors:\s+(\d+)"),
    "p95_ms": re.compile(r"95th percentile:\s+([\d.]+)"),
    "seconds": re.compile(r"total time:\s+([\d.]+)s"),
}


HISTOGRAM_ROW = re.compile(r"^\s*([\d.]+) \|[* ]*\s(\d+)\s*$")


def histogram_percentile(output, pct=95.0):
    """The pct-th percentile latency (ms) from sysbench's --histogram report.

    sysbench prints its own percentile with two decimals (0.03 ms), too coarse
    for single-thread point selects; its histogram has the same buckets with
    three. Like sysbench, returns the first bucket at which the cumulative
    count reaches pct % of all events. None when there is no histogram.
    """
    section = output.split("Latency histogram", 1)
    if len(section) < 2:
        return None
    buckets = []
    for line in section[1].splitlines()[2:]:
        m = HISTOGRAM_ROW.match(line)
        if not m:
            break
        buckets.append((float(m.group(1)), int(m.group(2))))
    total = sum(count for _, count in buckets)
    if total == 0:
        return None
    seen = 0
    for value, count in buckets:
        seen += count
        if seen >= total * pct / 100:
            return value
    return buckets[-1][0]


def parse_sysbench(output):
    found = {k: p.search(output) for k, p in SYSBENCH_PATTERNS.items()}
    missing = [k for k, m in found.items() if m is None]
    if missing:
        raise BenchError(f"no {', '.join(missing)} in sysbench's report")
    return {
        "transactions": int(found["transactions"].group(1)),
        "tps": float(found["transactions"].group(2)),
        "queries": int(found["queries"].group(1)),
        "qps": float(found["queries"].group(2)),
        "ignored_errors": int(found["ignored_errors"].group(1)),
        "p95_ms": histogram_percentile(output) or float(found["p95_ms"].group(1)),
        "seconds": float(found["seconds"].group(1)),
    }


def warm_up(server, args, workload):
    """An unrecorded run, so the first measured run starts warm too."""
    script, db = WORKLOADS[workload]
    argv = sysbench_argv(server, script, db, args, 4,
                         [f"--time={args.warmup}", "--forced-shutdown=10", "run"])
    r = subprocess.run(argv, capture_output=True, text=True, timeout=args.warmup + 120)
    log(f"{server.name}: warmed up for {args.warmup} s"
        + ("" if r.returncode == 0 else " (the warm-up run failed)"))


def measure_run(server, workload, threads, args, logs_dir, round_no):
    """One sysbench run against one server; returns a runs.csv row."""
    script, db = WORKLOADS[workload]
    row = {"round": round_no, "workload": workload, "threads": threads,
           "system": server.name}
    if not server.alive():
        return dict(row, status=f"server down (exit status {server.proc.returncode})")
    argv = sysbench_argv(server, script, db, args, threads,
                         [f"--time={args.time}", "--forced-shutdown=10",
                          "--percentile=95", "--histogram=on", "run"])
    server.reset_peak_rss()
    cpu_before = server.cpu_seconds()
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=args.time + 120)
        output = r.stdout + r.stderr
        failed = r.returncode != 0
    except subprocess.TimeoutExpired as e:
        output = f"{e.stdout or ''}{e.stderr or ''}\nsysbench timed out"
        failed = True
    if not server.alive():
        log(f"{server.name} died during the run (exit status {server.proc.returncode}); "
            f"its log ends:\n{server.log_tail()}")
        return dict(row, status=f"server died (exit status {server.proc.returncode})")
    cpu = server.cpu_seconds() - cpu_before
    peak_kib = idle_connections.hwm_kib(server.pid)
    log_name = f"r{round_no}-{workload}-t{threads}-{server.name}.log"
    with open(os.path.join(logs_dir, log_name), "w") as f:
        f.write(" ".join(argv) + "\n\n" + output)
    if failed:
        first_error = next((line for line in output.splitlines() if "FATAL" in line),
                           output.strip().splitlines()[-1] if output.strip() else "")
        return dict(row, status=f"failed: {first_error[:200]}")
    try:
        stats = parse_sysbench(output)
    except BenchError as e:
        return dict(row, status=f"failed: {e}")
    txns = stats["transactions"]
    return dict(row, status="ok", cpu_seconds=round(cpu, 3),
                cpu_us_per_txn=round(cpu / txns * 1e6, 2) if txns else None,
                peak_rss_mib=round(peak_kib / 1024, 1), **stats)


def describe(row):
    if row["status"] != "ok":
        return row["status"]
    return (f"{row['tps']:.1f} tps, {row['qps']:.0f} qps, p95 {row['p95_ms']} ms, "
            f"{row['cpu_us_per_txn']:.0f} µs CPU/txn, peak RSS {row['peak_rss_mib']} MiB"
            + (f", {row['ignored_errors']} ignored errors" if row["ignored_errors"] else ""))


def machine_lines():
    cpu_model = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu_model = next((line.split(":", 1)[1].strip() for line in f
                              if line.startswith("model name")), "")
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"machine: {os.cpu_count()} cores ({cpu_model or platform.machine()}), "
            f"{mem_gib:.1f} GiB memory, Linux {platform.release()}")


def shown_command(cmd):
    """cmd with a path inside the repository shown relative to it (for results.md)."""
    repo = os.path.dirname(HERE)
    return " ".join(os.path.relpath(w, repo) if w.startswith(repo + os.sep) else w
                    for w in cmd.split())


def load_average():
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} {five:.1f} {fifteen:.1f}"


def sysbench_version():
    r = subprocess.run(["sysbench", "--version"], capture_output=True, text=True)
    return r.stdout.strip()


# Defaults of a full run, and of --quick (a smoke test of about two minutes).
# Options given on the command line win over both.
FULL = {"rounds": 3, "threads": "1,4,16,64", "time": 30, "tables": 4,
        "table_size": 100000, "warmup": 10, "idle_connections": 1000,
        "out": os.path.join(os.path.dirname(HERE), "docs", "benchmarks")}
QUICK = {"rounds": 1, "threads": "4", "time": 5, "tables": 1, "table_size": 10000,
         "warmup": 2, "idle_connections": 200, "out": "/tmp/sqld-bench-quick"}


def parse_args(argv):
    def default(name):
        return f"default {FULL[name]}; --quick: {QUICK[name]}"

    p = argparse.ArgumentParser(prog="bench.sh", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true",
                   help="smoke test: smaller defaults (below), results outside docs/")
    p.add_argument("--rounds", type=int, help=default("rounds"))
    p.add_argument("--threads", help="comma-separated thread counts; " + default("threads"))
    p.add_argument("--time", type=int, help="seconds per run; " + default("time"))
    p.add_argument("--tables", type=int, help=default("tables"))
    p.add_argument("--table-size", type=int, help="rows per table; " + default("table_size"))
    p.add_argument("--workloads", default=",".join(WORKLOADS),
                   help=f"comma-separated, from (default all): {', '.join(WORKLOADS)}")
    p.add_argument("--warmup", type=int,
                   help="seconds of an unrecorded run of the first workload per server "
                        "before round 1; " + default("warmup"))
    p.add_argument("--idle-connections", type=int,
                   help="idle connections for the RSS-per-connection measurement, 0 skips "
                        "it; " + default("idle_connections"))
    p.add_argument("--out", help="results directory; " + default("out"))
    p.add_argument("--profile", metavar="WORKLOAD[:THREADS]",
                   help="instead of the comparison: one run (threads default 16) of one "
                        "server under perf; writes profile-SERVER-WORKLOAD-tTHREADS.txt")
    p.add_argument("--profile-server", choices=["sqld", "mariadb"], default="sqld",
                   help="the server --profile profiles (default sqld)")
    p.add_argument("--keep", action="store_true",
                   help="keep the temporary data directories and logs")
    p.add_argument("--prepare-timeout", type=int, default=1800,
                   help="seconds (default 1800)")
    p.add_argument("--sqld-cmd", default=os.environ.get("SQLD_CMD"),
                   help="command that starts sqld (default: env SQLD_CMD, set by bench.sh)")
    p.add_argument("--mariadb-cmd", default=os.environ.get("MARIADB_CMD",
                   os.path.join(HERE, "mariadb-server.sh")),
                   help="command that starts MariaDB (default: env MARIADB_CMD, "
                        "else sysbench-lua/mariadb-server.sh)")
    a = p.parse_args(argv)
    for name, value in (QUICK if a.quick else FULL).items():
        if getattr(a, name) is None:
            setattr(a, name, value)
    a.threads = [int(t) for t in a.threads.split(",") if t.strip()]
    a.workloads = [w.strip() for w in a.workloads.split(",") if w.strip()]
    if a.profile:
        a.workloads = [a.profile.partition(":")[0]]
        if not a.profile.partition(":")[2].isdigit() and a.profile.partition(":")[2]:
            p.error("--profile takes WORKLOAD or WORKLOAD:THREADS")
    unknown = [w for w in a.workloads if w not in WORKLOADS]
    if unknown:
        p.error(f"unknown workload(s): {', '.join(unknown)}")
    if not a.sqld_cmd:
        p.error("no sqld command: bench.sh builds it and sets SQLD_CMD")
    if a.rounds < 1 or a.time < 1 or a.tables < 1 or a.table_size < 1 or not a.threads:
        p.error("--rounds, --time, --tables, --table-size and --threads must be positive")
    return a


def mariadb_env(args, databases):
    """Buffer pool big enough for all prepared data, with headroom (1 GiB at least)."""
    # ~250 bytes a row in the clustered index plus the k index, twice for slack.
    need = args.tables * args.table_size * len(databases) * 500
    pool_mib = max(1024, (need >> 20) + 256)
    env = dict(os.environ)
    env.setdefault("MARIADB_BUFFER_POOL", f"{pool_mib}M")
    env.setdefault("MARIADB_MAX_CONNECTIONS", str(max(args.idle_connections, 200) + 200))
    return env


def profile(args, server, work, logs_dir):
    """Flat perf profile of one server during one run: where its CPU time goes.

    Writes profile-<server>-<workload>-t<threads>.txt in --out. perf samples
    the cpu-clock software event, which works in VMs without a PMU.
    """
    workload, _, threads = args.profile.partition(":")
    threads = int(threads or 16)
    _, db = WORKLOADS[workload]
    server.start()
    prepare_data(server, args, [db])
    if args.warmup > 0:
        warm_up(server, args, workload)
    perf_data = os.path.join(work, "perf.data")
    perf = subprocess.Popen(["perf", "record", "-e", "cpu-clock", "-F", "999",
                             "-p", str(server.pid), "-o", perf_data],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(0.5)  # perf attaches before the run starts
        row = measure_run(server, workload, threads, args, logs_dir, 1)
    finally:
        perf.send_signal(signal.SIGINT)
        try:
            perf.wait(timeout=60)
        except subprocess.TimeoutExpired:
            perf.kill()
    log(f"{server.name} {workload} threads={threads}: {describe(row)}")
    r = subprocess.run(["perf", "report", "-i", perf_data, "--stdio", "--no-children",
                        "--fields", "overhead,dso,sym", "--percent-limit", "0.3"],
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        raise BenchError(f"perf report failed: {r.stderr.strip()[-500:]}")
    path = os.path.join(args.out, f"profile-{server.name}-{workload}-t{threads}.txt")
    with open(path, "w") as f:
        f.write(f"# {server.name} ({server.version}), {workload}, {threads} threads, "
                f"{args.time} s, {args.tables} tables × {args.table_size} rows\n"
                f"# {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; "
                f"{machine_lines()}; load average {load_average()}\n"
                f"# run: {describe(row)}\n\n"
                # perf pads every line to the widest symbol.
                + "\n".join(line.rstrip() for line in r.stdout.splitlines()) + "\n")
    log(f"wrote {path}")
    return row["status"] == "ok"


def measure_idle(servers, connections):
    """RSS per idle connection on each server (before any data is loaded)."""
    rows = []
    for s in servers:
        try:
            r = idle_connections.measure(HOST, s.port, s.pid, connections)
        except OSError as e:  # the server went away: /proc/PID is gone
            r = {"connections": 0, "rss_before_kib": "", "rss_after_kib": "",
                 "kib_per_connection": float("nan"), "error": str(e)}
        r["system"] = s.name
        r["kib_per_connection"] = round(r["kib_per_connection"], 1)
        rows.append(r)
        log(f"{s.name}: {r['connections']} idle connections, "
            f"{r['kib_per_connection']} KiB RSS each"
            + (f" ({r['error']})" if r["error"] else ""))
    return rows


def prepare_all(servers, args, databases):
    """Loads the same data into every server and checks that it is the same."""
    for s in servers:
        prepare_data(s, args, databases)
    for db in databases:
        try:
            prints = {s.name: data_fingerprint(s, db, args.tables) for s in servers}
        except BenchError as e:
            log(f"{db}: could not compare the data ({e}); going on")
            continue
        same = len(set(prints.values())) == 1
        log(f"{db}: COUNT(*), SUM(k) per table "
            + ("identical on both" if same else f"DIFFER: {prints}"))


def run_rounds(servers, args, logs_dir, on_row):
    """Every round × workload × thread count on both servers; on_row(row) after each run."""
    total = args.rounds * len(args.workloads) * len(args.threads) * len(servers)
    done = 0
    t0 = time.monotonic()
    for round_no in range(1, args.rounds + 1):
        for workload in args.workloads:
            for threads in args.threads:
                # Alternate who goes first (A B, B A, A B, ...), so neither
                # always runs right after the other's writes or on a machine
                # that has just cooled down.
                pair = done // len(servers)
                order = servers if pair % 2 == 0 else servers[::-1]
                for s in order:
                    row = measure_run(s, workload, threads, args, logs_dir, round_no)
                    done += 1
                    eta = (time.monotonic() - t0) / done * (total - done)
                    log(f"[{done}/{total}, ~{eta / 60:.0f} min left] round {round_no} "
                        f"{workload} threads={threads} {s.name}: {describe(row)}")
                    on_row(row)


def compare(args, servers, logs_dir):
    """The benchmark proper; returns True when every run succeeded."""
    databases = list(dict.fromkeys(WORKLOADS[w][1] for w in args.workloads))
    started = datetime.datetime.now(datetime.timezone.utc)
    for s in servers:
        s.start()
    meta = [
        f"date: {started:%Y-%m-%d %H:%M} UTC",
        machine_lines(),
        "sqld: " + servers[0].version + f" ({shown_command(args.sqld_cmd)})",
        "MariaDB: " + servers[1].version,
        sysbench_version(),
        f"load average (1/5/15 min) at start: {load_average()}",
        f"data: {args.tables} tables × {args.table_size} rows; "
        f"runs of {args.time} s; {args.rounds} round(s); threads "
        + ", ".join(map(str, args.threads)),
    ]
    runs, idle = [], []
    if args.idle_connections > 0:
        idle = measure_idle(servers, args.idle_connections)
        report.render(args.out, runs, idle, meta)

    prepare_all(servers, args, databases)
    if args.warmup > 0:
        for s in servers:
            warm_up(s, args, args.workloads[0])

    def record(row):
        # Rewritten after every run: an interrupted benchmark keeps its results.
        runs.append(row)
        report.render(args.out, runs, idle, meta)

    run_rounds(servers, args, logs_dir, record)
    meta.append(f"load average (1/5/15 min) at end: {load_average()}")
    summary = report.render(args.out, runs, idle, meta)
    log(f"wrote {args.out}/results.md ({len(summary)} rows), runs.csv, summary.csv"
        + (", idle.csv" if idle else "") + ", throughput.png")
    return all(r["status"] == "ok" for r in runs)


def main(argv):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="sqld-bench-")
    logs_dir = os.path.join(work, "logs")
    os.makedirs(logs_dir)
    log(f"work directory {work}; results to {args.out}")
    databases = list(dict.fromkeys(WORKLOADS[w][1] for w in args.workloads))
    servers = [
        Server("sqld", args.sqld_cmd.split(), os.path.join(work, "sqld")),
        Server("mariadb", args.mariadb_cmd.split(), os.path.join(work, "mariadb"),
               env=mariadb_env(args, databases)),
    ]
    if args.profile:
        servers = [s for s in servers if s.name == args.profile_server]

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    ok = False
    try:
        if args.profile:
            ok = profile(args, servers[0], work, logs_dir)
        else:
            ok = compare(args, servers, logs_dir)
            if not ok:
                log("some runs failed: see the status column of runs.csv")
    except BenchError as e:
        log(f"error: {e}")
    except KeyboardInterrupt as e:
        log(f"interrupted ({e or 'Ctrl-C'}); results so far are in {args.out}")
    finally:
        for s in servers:
            s.stop()
        if args.keep:
            log(f"kept {work}")
        else:
            if not ok and os.listdir(logs_dir):
                # The sysbench outputs say why runs failed: keep them, not the data.
                kept = work + "-logs"
                shutil.move(logs_dir, kept)
                log(f"sysbench outputs kept in {kept}")
            shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
