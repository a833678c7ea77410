"""Merge the functional coverage of several runs (each run directory's coverage.yml, written by cocotb-coverage)
into one: bin hits are summed, every coverpoint and cross is re-scored, every covergroup re-totalled.

    python -m sim.coverage_merge OUT.yml RUN_DIR_OR_YML ...      # prints the merged covergroups

A bin counts as covered when its merged hits reach the item's `at_least`."""
from __future__ import annotations

import sys
from pathlib import Path

import yaml


def merge(files: list[Path]) -> dict:
    items: dict[str, dict] = {}
    for f in files:
        for name, v in (yaml.safe_load(f.read_text()) or {}).items():
            if "bins:_hits" not in v:
                continue
            m = items.setdefault(name, {"at_least": v.get("at_least", 1), "weight": v.get("weight", 1),
                                        "bins:_hits": {}})
            for b, h in v["bins:_hits"].items():
                m["bins:_hits"][b] = m["bins:_hits"].get(b, 0) + h
    for v in items.values():
        hits = v["bins:_hits"]
        v["size"] = len(hits)
        v["coverage"] = sum(1 for h in hits.values() if h >= v["at_least"])
        v["cover_percentage"] = round(100.0 * v["coverage"] / v["size"], 2) if v["size"] else 100.0
    groups: dict[str, dict] = {}
    for name, v in items.items():
        parts = name.split(".")
        for k in range(1, len(parts)):
            g = groups.setdefault(".".join(parts[:k]), {"size": 0, "coverage": 0})
            g["size"] += v["size"] * v["weight"]
            g["coverage"] += v["coverage"] * v["weight"]
    for g in groups.values():
        g["cover_percentage"] = round(100.0 * g["coverage"] / g["size"], 2) if g["size"] else 100.0
    return {**groups, **items}


def uncovered(merged: dict) -> dict[str, list]:
    return {k: [b for b, h in v["bins:_hits"].items() if h < v["at_least"]]
            for k, v in merged.items() if "bins:_hits" in v and v["coverage"] < v["size"]}


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    out, sources = Path(argv[0]), [Path(a) for a in argv[1:]]
    files = [s / "coverage.yml" if s.is_dir() else s for s in sources]
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        print(f"coverage_merge: no coverage file at {', '.join(missing)}")
        return 1
    merged = merge(files)
    out.write_text(yaml.safe_dump(merged, sort_keys=True))
    for k, v in sorted(merged.items()):
        if "bins:_hits" not in v:
            print(f"{k:40s} {v['coverage']:5d}/{v['size']:<5d} {v['cover_percentage']:6.2f} %")
    for k, bins in uncovered(merged).items():
        print(f"  uncovered {k}: {', '.join(map(str, bins[:8]))}{' ...' if len(bins) > 8 else ''}")
    print(f"merged {len(files)} run(s) into {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
