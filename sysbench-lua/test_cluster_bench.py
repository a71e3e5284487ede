"""Unit tests for the extra-hop benchmark's summary and report (no server needed).

    python3 -m unittest discover -s sysbench-lua -p 'test_*.py'
"""

import os
import sys
import types
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cluster_bench  # noqa: E402


def row(system, workload, tps, avg_ms, node_cpu, proxy_cpu, rnd):
    return {
        "workload": workload, "threads": 1 if workload == "oltp_point_select" else 16,
        "system": system, "tps": tps, "avg_ms": avg_ms, "p95_ms": avg_ms * 1.5,
        "transactions": 1000, "ignored_errors": 0,
        "node_cpu_us_per_txn": node_cpu, "proxy_cpu_us_per_txn": proxy_cpu, "round": rnd,
    }


def rounds():
    rows = []
    # Three rounds; the middle values are the medians.
    for rnd, k in enumerate((0.9, 1.0, 1.1), start=1):
        rows += [
            row("direct", "oltp_point_select", 8000, 0.100 * k, 50 * k, None, rnd),
            row("haproxy", "oltp_point_select", 6000, 0.140 * k, 60 * k, 30 * k, rnd),
            row("sqld", "oltp_point_select", 5000, 0.180 * k, 60 * k, 90 * k, rnd),
            row("direct", "oltp_read_write", 1300 * k, 12.0, 1000 * k, None, rnd),
            row("haproxy", "oltp_read_write", 1000 * k, 16.0, 1000 * k, 400 * k, rnd),
            row("sqld", "oltp_read_write", 800 * k, 20.0, 1000 * k, 1100 * k, rnd),
        ]
    return rows


class SummaryTest(unittest.TestCase):
    def test_ratios_are_taken_from_medians(self):
        s = cluster_bench.summarise(rounds())
        self.assertAlmostEqual(s["haproxy_added_us"], 40.0)
        self.assertAlmostEqual(s["sqld_added_us"], 80.0)
        self.assertAlmostEqual(s["latency_ratio"], 2.0)
        self.assertAlmostEqual(s["tps_ratio"], 0.8)
        self.assertAlmostEqual(s["cpu_share_ps"], 1.5)
        self.assertAlmostEqual(s["cpu_share_rw"], 1.1)
        self.assertAlmostEqual(s["haproxy_cpu_share_ps"], 0.5)
        self.assertAlmostEqual(s["haproxy_cpu_share_rw"], 0.4)

    def test_report_states_each_target(self):
        s = cluster_bench.summarise(rounds())
        args = types.SimpleNamespace(rounds=3, time=20, tables=4, table_size=100000)
        md = cluster_bench.markdown(s, args, ["machine: test"])
        self.assertIn("**2.00** (target ≤ 1.25: NOT met)", md)
        self.assertIn("**0.80** (target ≥ 0.9: NOT met)", md)
        self.assertIn("| oltp_point_select | 90.0 | 60.0 | 1.50 | 30.0 | 60.0 | 0.50 |", md)
        self.assertIn("point select NOT met, read/write NOT met", md)

    def test_missing_measurements_read_na(self):
        rows = [r for r in rounds() if r["system"] != "haproxy"]
        s = cluster_bench.summarise(rows)
        self.assertIsNone(s["haproxy_cpu_share_ps"])
        args = types.SimpleNamespace(rounds=3, time=20, tables=4, table_size=100000)
        self.assertIn("n/a", cluster_bench.markdown(s, args, []))


if __name__ == "__main__":
    unittest.main()
