"""Unit tests for the benchmark's parsing, summary and client code (no server needed).

    python3 -m unittest discover -s sysbench-lua -p 'test_*.py'
"""

import os
import struct
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import idle_connections  # noqa: E402
import report  # noqa: E402

# The tail of a real sysbench 1.0.20 report (oltp_read_write, 4 threads).
SYSBENCH_REPORT = """
SQL statistics:
    queries performed:
        read:                            78596
        write:                           22456
        other:                           11228
        total:                           112280
    transactions:                        5614   (1122.14 per sec.)
    queries:                             112280 (22442.72 per sec.)
    ignored errors:                      3      (0.60 per sec.)
    reconnects:                          0      (0.00 per sec.)

General statistics:
    total time:                          5.0024s
    total number of events:              5614

Latency (ms):
         min:                                    0.98
         avg:                                    3.56
         max:                                   42.84
         95th percentile:                        7.04
         sum:                                19990.27
"""


HISTOGRAM = """
Latency histogram (values are in milliseconds)
       value  ------------- distribution ------------- count
       0.024 |                                         25
       0.024 |*****************                        4093
       0.025 |****************************************  9000
       0.030 |***                                      600
       0.040 |*                                        282
       5.470 |                                         1
 
SQL statistics:
"""


class ParseSysbenchTest(unittest.TestCase):
    def test_p95_from_the_histogram(self):
        # 14,001 events: 95 % is 13,300.95, reached in the 0.030 bucket.
        self.assertEqual(bench.histogram_percentile(HISTOGRAM), 0.030)
        self.assertEqual(bench.histogram_percentile(HISTOGRAM, 50), 0.025)
        self.assertEqual(bench.histogram_percentile(HISTOGRAM, 100), 5.470)
        self.assertEqual(bench.parse_sysbench(HISTOGRAM + SYSBENCH_REPORT)["p95_ms"], 0.030)

    def test_no_histogram(self):
        self.assertIsNone(bench.histogram_percentile(SYSBENCH_REPORT))

    def test_reads_the_report(self):
        stats = bench.parse_sysbench(SYSBENCH_REPORT)
        self.assertEqual(stats["transactions"], 5614)
        self.assertEqual(stats["tps"], 1122.14)
        self.assertEqual(stats["queries"], 112280)
        self.assertEqual(stats["qps"], 22442.72)
        self.assertEqual(stats["ignored_errors"], 3)
        self.assertEqual(stats["p95_ms"], 7.04)
        self.assertEqual(stats["seconds"], 5.0024)

    def test_missing_fields_are_an_error(self):
        with self.assertRaises(bench.BenchError):
            bench.parse_sysbench("FATAL: unable to connect to MySQL server")

    def test_ready_line_of_both_servers(self):
        sqld = "sqld: ready for connections. Version: '8.0.36-sqld'  port: 40123"
        mariadb = ("Version: '10.11.19-MariaDB-0+deb12u1'  socket: '/tmp/x/mariadb.sock'"
                   "  port: 33439  Debian 12")
        self.assertEqual(bench.READY.search(sqld).groups(), ("8.0.36-sqld", "40123"))
        self.assertEqual(bench.READY.search(mariadb).group(2), "33439")


class ArgsTest(unittest.TestCase):
    def test_quick_defaults_yield_to_given_options(self):
        a = bench.parse_args(["--quick", "--threads", "1,64", "--sqld-cmd", "x"])
        self.assertEqual(a.threads, [1, 64])
        self.assertEqual((a.rounds, a.time, a.out), (1, 5, "/tmp/sqld-bench-quick"))

    def test_full_defaults(self):
        a = bench.parse_args(["--sqld-cmd", "x"])
        self.assertEqual(a.threads, [1, 4, 16, 64])
        self.assertEqual((a.rounds, a.time, a.tables, a.table_size), (3, 30, 4, 100000))
        self.assertEqual(a.workloads, list(bench.WORKLOADS))

    def test_profile_selects_its_workload(self):
        a = bench.parse_args(["--profile", "filter:4", "--sqld-cmd", "x"])
        self.assertEqual(a.workloads, ["filter"])


def run_row(system, tps, round_no=1, threads=16, workload="oltp_read_write", status="ok"):
    return {"round": round_no, "workload": workload, "threads": threads, "system": system,
            "status": status, "tps": tps, "qps": tps * 20, "p95_ms": 10.0,
            "cpu_us_per_txn": 1000.0, "peak_rss_mib": 100.0}


class SummaryTest(unittest.TestCase):
    def test_medians_and_ratios(self):
        runs = [run_row("sqld", t, i) for i, t in enumerate([300, 100, 200], 1)]
        runs += [run_row("mariadb", t, i) for i, t in enumerate([50, 100, 70], 1)]
        (row,) = report.summarize(runs)
        self.assertEqual(row["sqld_tps"], 200)
        self.assertEqual(row["mariadb_tps"], 70)
        self.assertAlmostEqual(row["ratio_tps"], 200 / 70)
        self.assertEqual(row["ratio_cpu_us_per_txn"], 1.0)
        self.assertEqual((row["sqld_rounds"], row["mariadb_rounds"]), (3, 3))

    def test_failed_runs_are_left_out(self):
        runs = [run_row("sqld", 100), run_row("sqld", 0, 2, status="failed: x"),
                run_row("mariadb", 50)]
        (row,) = report.summarize(runs)
        self.assertEqual(row["sqld_tps"], 100)
        self.assertEqual(row["sqld_rounds"], 1)

    def test_no_successful_run_gives_no_ratio(self):
        runs = [run_row("sqld", 0, status="server died"), run_row("mariadb", 50)]
        (row,) = report.summarize(runs)
        self.assertIsNone(row["sqld_tps"])
        self.assertIsNone(row["ratio_tps"])

    def test_rows_ordered_by_workload_then_threads(self):
        runs = [run_row("sqld", 1, threads=t, workload=w)
                for w in ("b", "a") for t in (64, 1, 16)]
        self.assertEqual([(r["workload"], r["threads"]) for r in report.summarize(runs)],
                         [("b", 1), ("b", 16), ("b", 64), ("a", 1), ("a", 16), ("a", 64)])

    def test_targets(self):
        runs = [run_row("sqld", 400), run_row("mariadb", 100)]
        idle = [{"system": "sqld", "connections": 1000, "kib_per_connection": "70.5"}]
        checks = {label: met for label, _, met in report.targets(report.summarize(runs), idle)}
        self.assertTrue(checks["oltp_read_write, 16 threads: TPS ratio >= 3"])
        self.assertFalse(checks["oltp_read_write, 16 threads: CPU/txn ratio <= 0.25"])
        self.assertIsNone(checks["oltp_read_only, 16 threads: TPS ratio >= 2.5"])
        self.assertFalse(checks["idle RSS per connection <= 64 KiB (1000 connections)"])

    def test_render_writes_every_file(self):
        runs = [run_row("sqld", 400, threads=t) for t in (1, 4)]
        runs += [run_row("mariadb", 100, threads=t) for t in (1, 4)]
        with tempfile.TemporaryDirectory() as out:
            report.render(out, runs, [], ["date: test"])
            for name in ("runs.csv", "summary.csv", "results.md", "meta.txt"):
                self.assertTrue(os.path.exists(os.path.join(out, name)), name)
            with open(os.path.join(out, "results.md")) as f:
                md = f.read()
            self.assertIn("| oltp_read_write | 4 | 400 | 100 | 4.00 |", md)
            self.assertEqual(len(report.read_csv(os.path.join(out, "runs.csv"))), 4)


class HandshakeTest(unittest.TestCase):
    def greeting(self, caps):
        return (b"\x0a" + b"8.0.36-sqld\0" + struct.pack("<I", 7) + b"abcdefgh" + b"\0"
                + struct.pack("<H", caps & 0xFFFF) + b"\x2d" + struct.pack("<H", 2)
                + struct.pack("<H", caps >> 16) + b"\x15" + b"\0" * 10
                + b"ijklmnopqrst\0" + b"mysql_native_password\0")

    def test_capabilities_from_greeting(self):
        caps = (idle_connections.CLIENT_PROTOCOL_41 | idle_connections.CLIENT_PLUGIN_AUTH
                | idle_connections.CLIENT_SECURE_CONNECTION)
        self.assertEqual(idle_connections.server_capabilities(self.greeting(caps)), caps)

    def test_rejects_other_protocols(self):
        with self.assertRaises(idle_connections.HandshakeError):
            idle_connections.server_capabilities(b"\x09old")

    def test_response_logs_in_as_root_without_password(self):
        server = 0xFFFFFFFF
        payload = idle_connections.handshake_response(server, "root")
        caps, max_packet, charset = struct.unpack_from("<IIB", payload)
        self.assertTrue(caps & idle_connections.CLIENT_PROTOCOL_41)
        self.assertTrue(caps & idle_connections.CLIENT_PLUGIN_AUTH)
        self.assertEqual(max_packet, idle_connections.MAX_PACKET)
        self.assertEqual(payload[9:32], b"\0" * 23)
        self.assertEqual(payload[32:], b"root\0" + b"\0" + b"mysql_native_password\0")

    def test_response_only_asks_what_the_server_offers(self):
        payload = idle_connections.handshake_response(idle_connections.CLIENT_PROTOCOL_41,
                                                      "root")
        caps = struct.unpack_from("<I", payload)[0]
        self.assertEqual(caps, idle_connections.CLIENT_PROTOCOL_41)
        self.assertEqual(payload[32:], b"root\0\0")


if __name__ == "__main__":
    unittest.main()
