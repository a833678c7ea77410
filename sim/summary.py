"""Summarise simulation runs: tests, simulated cycles per wall second, and functional coverage per covergroup.

    python -m sim.summary out/sim/*          # each argument a run directory written by sim/run.py
"""
from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

from sim.clock import CLOCK_NS


def run_summary(run_dir: Path) -> dict:
    root = ET.parse(run_dir / "results.xml").getroot()
    cases = root.findall(".//testcase")
    sim_ns = sum(float(p.get("value")) for c in cases for p in c.iter("property") if p.get("name") == "sim_time_duration")
    wall = sum(float(c.get("time", 0)) for c in cases)
    failed = sum(1 for c in cases if c.find("failure") is not None or c.find("error") is not None)
    groups = {}
    cov_file = run_dir / "coverage.yml"
    if cov_file.exists():
        cov = yaml.safe_load(cov_file.read_text()) or {}
        groups = {k: (v["coverage"], v["size"]) for k, v in cov.items() if k.count(".") == 1}
    return {"tests": len(cases), "failed": failed, "cycles": sim_ns / CLOCK_NS, "wall": wall,
            "cycles_per_s": sim_ns / CLOCK_NS / wall if wall else 0.0, "coverage": groups}


def main(argv: list[str]) -> int:
    for d in map(Path, argv):
        if not (d / "results.xml").exists():
            continue
        s = run_summary(d)
        cov = ", ".join(f"{k} {h}/{n}" for k, (h, n) in s["coverage"].items()) or "no covergroups"
        print(f"{d.name}: {s['tests']} tests, {s['failed']} failed, {s['cycles']:.0f} cycles in {s['wall']:.2f} s "
              f"= {s['cycles_per_s'] / 1000:.1f} k cycles/s; coverage {cov}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
