"""Turns the benchmark's per-run rows into summary CSV, a Markdown table and a PNG chart.

Standalone use (re-render from an existing runs.csv):
    python3 report.py DIR        reads DIR/runs.csv (+ DIR/idle.csv, DIR/meta.txt)
"""

import csv
import os
import shutil
import statistics
import subprocess
import sys

SYSTEMS = ("sqld", "mariadb")

RUN_FIELDS = [
    "round", "workload", "threads", "system", "status", "tps", "qps", "p95_ms",
    "cpu_us_per_txn", "peak_rss_mib", "transactions", "queries",
    "ignored_errors", "seconds", "cpu_seconds",
]

# Per system, the medians reported; "ratio" is sqld / MariaDB for each.
METRICS = [
    ("tps", "TPS"),
    ("qps", "QPS"),
    ("p95_ms", "p95 ms"),
    ("cpu_us_per_txn", "CPU µs/txn"),
    ("peak_rss_mib", "peak RSS MiB"),
]

IDLE_FIELDS = ["system", "connections", "rss_before_kib", "rss_after_kib",
               "kib_per_connection", "error"]


def _num(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def summarize(runs):
    """Median of each metric over the successful rounds, per workload/threads/system.

    Returns rows in first-seen workload order, threads ascending.
    """
    groups = {}
    order = []
    for r in runs:
        key = (r["workload"], int(r["threads"]))
        if key not in groups:
            groups[key] = {s: [] for s in SYSTEMS}
            order.append(key)
        if r["status"] == "ok" and r["system"] in groups[key]:
            groups[key][r["system"]].append(r)
    workloads = list(dict.fromkeys(w for w, _ in order))
    rows = []
    for w in workloads:
        for threads in sorted(t for ww, t in order if ww == w):
            row = {"workload": w, "threads": threads}
            for system in SYSTEMS:
                ok = groups[(w, threads)][system]
                row[f"{system}_rounds"] = len(ok)
                for metric, _ in METRICS:
                    values = [v for v in (_num(r[metric]) for r in ok) if v is not None]
                    row[f"{system}_{metric}"] = statistics.median(values) if values else None
            for metric, _ in METRICS:
                a, b = row[f"sqld_{metric}"], row[f"mariadb_{metric}"]
                row[f"ratio_{metric}"] = a / b if a is not None and b else None
            rows.append(row)
    return rows


def summary_fields():
    fields = ["workload", "threads", "sqld_rounds", "mariadb_rounds"]
    for metric, _ in METRICS:
        fields += [f"sqld_{metric}", f"mariadb_{metric}", f"ratio_{metric}"]
    return fields


def _fmt(value, digits=2):
    if value is None:
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.{digits}f}"


def write_csv(path, fields, rows):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in fields})


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def _row(summary, workload, threads):
    return next((r for r in summary if r["workload"] == workload and r["threads"] == threads),
                None)


def _check(value, op, limit):
    if value is None:
        return None
    return value >= limit if op == ">=" else value <= limit


def targets(summary, idle):
    """Issue 4's targets for sqld's embedded default: (target, measured, met) rows.

    met is None where this run has no number for it (workload or thread
    count not measured, or every run of it failed).
    """
    out = []

    def add(label, row, key, op, limit, unit=""):
        value = row[key] if row else None
        shown = "–" if value is None else f"{_fmt(value)}{unit}"
        out.append((f"{label} {op} {limit}{unit}", shown, _check(value, op, limit)))

    rw16 = _row(summary, "oltp_read_write", 16)
    ro16 = _row(summary, "oltp_read_only", 16)
    ps16 = _row(summary, "oltp_point_select", 16)
    ps1 = _row(summary, "oltp_point_select", 1)
    add("oltp_read_write, 16 threads: TPS ratio", rw16, "ratio_tps", ">=", 3)
    add("oltp_read_write, 16 threads: CPU/txn ratio", rw16, "ratio_cpu_us_per_txn", "<=", 0.25)
    add("oltp_read_only, 16 threads: TPS ratio", ro16, "ratio_tps", ">=", 2.5)
    add("oltp_point_select, 16 threads: QPS ratio", ps16, "ratio_qps", ">=", 1.7)
    add("oltp_point_select, 16 threads: sqld CPU/query", ps16, "sqld_cpu_us_per_txn", "<=", 8,
        " µs")
    add("oltp_point_select, 1 thread: p95 ratio", ps1, "ratio_p95_ms", "<=", 0.7)
    worse = [f"{r['workload']}@{r['threads']}" for r in summary
             if r["ratio_p95_ms"] is not None and r["ratio_p95_ms"] > 1]
    measured = [r for r in summary if r["ratio_p95_ms"] is not None]
    out.append(("p95 ratio <= 1 at every workload and thread count",
                ", ".join(worse) if worse else ("all rows" if measured else "–"),
                None if not measured else not worse))
    sqld_idle = next((r for r in idle if r["system"] == "sqld"), None)
    value = _num(sqld_idle["kib_per_connection"]) if sqld_idle else None
    out.append((f"idle RSS per connection <= 64 KiB ({sqld_idle['connections'] if sqld_idle else '?'}"
                " connections)",
                "–" if value is None else f"{value:.1f} KiB", _check(value, "<=", 64)))
    return out


def markdown(summary, idle, meta_lines, chart_name):
    out = ["# sqld vs MariaDB: sysbench results", ""]
    out += [f"- {line}" for line in meta_lines]
    out += ["", "Medians over the rounds; *ratio* is sqld ÷ MariaDB "
            "(above 1 is better for TPS/QPS, below 1 is better for p95, CPU and RSS).", ""]
    header = ["workload", "threads"]
    for _, label in METRICS:
        header += [f"sqld {label}", f"MariaDB {label}", "ratio"]
    header += ["rounds (sqld/MariaDB)"]
    out.append("| " + " | ".join(header) + " |")
    out.append("|" + "|".join(["---"] * 2 + ["--:"] * (len(header) - 2)) + "|")
    for r in summary:
        cells = [r["workload"], str(r["threads"])]
        for metric, _ in METRICS:
            cells += [_fmt(r[f"sqld_{metric}"]), _fmt(r[f"mariadb_{metric}"]),
                      _fmt(r[f"ratio_{metric}"])]
        cells.append(f"{r['sqld_rounds']}/{r['mariadb_rounds']}")
        out.append("| " + " | ".join(cells) + " |")
    if idle:
        out += ["", "## Idle connections", "",
                "| system | connections | RSS before KiB | RSS after KiB | KiB per connection | note |",
                "|---|--:|--:|--:|--:|---|"]
        for r in idle:
            out.append(f"| {r['system']} | {r['connections']} | {r['rss_before_kib']} | "
                       f"{r['rss_after_kib']} | {_fmt(_num(r['kib_per_connection']), 1)} | "
                       f"{r.get('error') or ''} |")
    out += ["", "## Targets (issue 4, sqld's embedded default)", "",
            "| target | measured | met |", "|---|--:|---|"]
    for label, shown, met in targets(summary, idle):
        out.append(f"| {label} | {shown} | {'–' if met is None else 'yes' if met else 'NO'} |")
    if chart_name:
        out += ["", f"![throughput vs threads]({chart_name})"]
    return "\n".join(out) + "\n"


def chart(summary, png_path):
    """Throughput vs threads, one panel per workload, both systems. Needs gnuplot.

    Returns False (and writes nothing) when gnuplot is missing or fails.
    """
    gnuplot = shutil.which("gnuplot")
    workloads = list(dict.fromkeys(r["workload"] for r in summary))
    if not gnuplot or not workloads:
        return False
    data_path = png_path + ".dat"
    with open(data_path, "w") as f:
        for w in workloads:
            # point select's transaction is one query: plot QPS there, TPS elsewhere.
            metric = "qps" if w == "oltp_point_select" else "tps"
            f.write(f"# {w} ({metric})\n")
            for r in (r for r in summary if r["workload"] == w):
                s, m = r[f"sqld_{metric}"], r[f"mariadb_{metric}"]
                f.write(f"{r['threads']} {'NaN' if s is None else s} {'NaN' if m is None else m}\n")
            f.write("\n\n")
    cols = min(3, len(workloads))
    rows = (len(workloads) + cols - 1) // cols
    threads = sorted({r["threads"] for r in summary})
    script = [
        # noenhanced: workload names have underscores, not subscripts.
        f"set terminal pngcairo noenhanced size {420 * cols},{340 * rows} font ',9'",
        f"set output '{png_path}'",
        f"set multiplot layout {rows},{cols}",
        "set logscale x 2", "set xlabel 'threads'", "set key top left",
        "set grid", "set yrange [0:*]",
        f"set xrange [{threads[0] / 1.5}:{threads[-1] * 1.5}]",
        "set xtics (" + ", ".join(f"'{t}' {t}" for t in threads) + ")",
    ]
    for i, w in enumerate(workloads):
        label = "QPS" if w == "oltp_point_select" else "TPS"
        script += [
            f"set title '{w}'", f"set ylabel '{label}'",
            f"plot '{data_path}' index {i} using 1:2 with linespoints lw 2 title 'sqld', "
            f"'' index {i} using 1:3 with linespoints lw 2 title 'MariaDB'",
        ]
    script.append("unset multiplot")
    try:
        result = subprocess.run([gnuplot], input="\n".join(script), text=True,
                                capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    finally:
        os.remove(data_path)
    return result.returncode == 0 and os.path.exists(png_path)


def render(out_dir, runs, idle, meta_lines):
    """Writes runs.csv, summary.csv, idle.csv, throughput.png and results.md."""
    write_csv(os.path.join(out_dir, "runs.csv"), RUN_FIELDS, runs)
    summary = summarize(runs)
    write_csv(os.path.join(out_dir, "summary.csv"), summary_fields(), summary)
    if idle:
        write_csv(os.path.join(out_dir, "idle.csv"), IDLE_FIELDS, idle)
    with open(os.path.join(out_dir, "meta.txt"), "w") as f:
        f.write("\n".join(meta_lines) + "\n")
    png = os.path.join(out_dir, "throughput.png")
    has_chart = chart(summary, png)
    with open(os.path.join(out_dir, "results.md"), "w") as f:
        f.write(markdown(summary, idle, meta_lines, "throughput.png" if has_chart else None))
    return summary


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out_dir = sys.argv[1]
    runs = read_csv(os.path.join(out_dir, "runs.csv"))
    idle_path = os.path.join(out_dir, "idle.csv")
    idle = read_csv(idle_path) if os.path.exists(idle_path) else []
    meta_path = os.path.join(out_dir, "meta.txt")
    meta = open(meta_path).read().splitlines() if os.path.exists(meta_path) else []
    render(out_dir, runs, idle, meta)
    print(f"wrote {out_dir}/results.md")


if __name__ == "__main__":
    main()
