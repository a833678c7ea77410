"""Run one block's cocotb/pyuvm tests on one simulator with one seed; what `make sim` calls.

    python -m sim.run --block mac_array --sim icarus --seed 7 [--test MacArrayRandomTest] [-P N=16] [--waves]
       [--define NPU8_FAULT_MAC_SATURATE]

Prints the results and where the log and waves are; exit status 1 when a test failed.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from . import blocks
from .runner import ROOT, SIMULATORS, build_dir_for, run


@dataclass
class Outcome:
    passed: int
    failed: int
    failures: list[str]
    results: Path
    test_dir: Path
    waves: list[Path]

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.passed > 0


def reproduce_command(block: str, sim: str, seed: int, params: dict, test: str | None = None,
                      defines: tuple = ()) -> str:
    parts = ["make", "sim", f"BLOCK={block}", f"SIM={sim}", f"SEED={seed}"]
    if test:
        parts.append(f"TEST={test}")
    if params:
        parts.append("PARAMS=" + shlex.quote(" ".join(f"{k}={v}" for k, v in sorted(params.items()))))
    if defines:
        parts.append("DEFINES=" + shlex.quote(" ".join(defines)))
    return " ".join(parts + ["WAVES=1"])


def default_run_dir(block_name: str, sim: str, seed: int, params: dict | None = None, defines: tuple = ()) -> Path:
    """Where `make sim` (and so the printed reproduce command) writes a run: results, log, coverage, waves."""
    params = {**blocks.get(block_name).defaults, **(params or {})}
    label = "-".join([block_name, sim, *(f"{k}{v}" for k, v in sorted(params.items())), *defines, f"seed{seed}"])
    return ROOT / "out" / "sim" / label


def run_block(block_name: str, sim: str, seed: int, test_dir: Path | None = None, params: dict | None = None,
              tests: list[str] | None = None, waves: bool = False, defines: tuple = ()) -> Outcome:
    block = blocks.get(block_name)
    test_dir = Path(test_dir or default_run_dir(block_name, sim, seed, params, defines)).resolve()
    params = {**block.defaults, **(params or {})}
    testcase = tests if tests else None
    env = {"PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "NPU8_PARAMS": json.dumps(params), "NPU8_BLOCK": block_name, "NPU8_SIM": sim,
           "NPU8_REPRODUCE": reproduce_command(block_name, sim, seed, {k: v for k, v in params.items()
                                                                         if block.defaults.get(k) != v},
                                               tests[0] if tests and len(tests) == 1 else None, defines),
           "NPU8_OUT": str(test_dir)}
    results = run(sim, block.toplevel, block.sources(), block.test_module, test_dir, parameters=params, seed=seed,
                  waves=waves, testcase=testcase, extra_env=env, defines={d: 1 for d in defines})
    root = ET.parse(results).getroot()
    cases = root.findall(".//testcase")
    failures = []
    for case in cases:
        for bad in case.findall("failure") + case.findall("error"):
            failures.append(f"{case.get('name')}: {bad.get('message') or ''}".strip())
    failed = sum(1 for c in cases if c.find("failure") is not None or c.find("error") is not None)
    bdir = build_dir_for(sim, block.toplevel, params, waves, [s.resolve() for s in block.sources()],
                         {d: 1 for d in defines})
    if waves:
        # Icarus writes its waves into the (shared) build directory: they belong to this run
        for w in list(bdir.glob("*.fst")) + list(bdir.glob("*.vcd")):
            shutil.move(str(w), test_dir / w.name)
    wave_files = sorted(test_dir.glob("*.fst")) + sorted(test_dir.glob("*.vcd")) if waves else []
    return Outcome(len(cases) - failed, failed, failures, results, test_dir, wave_files)


def _params(items: list[str], block: str) -> dict:
    """-P NAME=VALUE pairs: integers (decimal or 0x…) for parameters the block's testbench has."""
    known = blocks.get(block).defaults
    out = {}
    for item in items:
        for kv in item.split():
            k, sep, v = kv.partition("=")
            if not sep or not k:
                raise SystemExit(f"sim: parameter {kv!r} is not NAME=VALUE")
            if k not in known:
                raise SystemExit(f"sim: block {block} has no parameter {k!r} (parameters: {', '.join(sorted(known))})")
            try:
                out[k] = int(v, 0)
            except ValueError:
                raise SystemExit(f"sim: parameter {k}={v!r} is not an integer (decimal or 0x hex)") from None
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--block", required=True, choices=sorted(blocks.BLOCKS))
    ap.add_argument("--sim", default="icarus", choices=SIMULATORS)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--test", action="append", help="a test class name (repeatable); default: all")
    ap.add_argument("-P", "--param", action="append", default=[], help="NAME=VALUE (space-separated list allowed)")
    ap.add_argument("--define", action="append", default=[], help="a Verilog define, e.g. a fault to inject")
    ap.add_argument("--waves", action="store_true")
    ap.add_argument("--out", type=Path, help="the run directory (default out/sim/<label>)")
    args = ap.parse_args(argv)
    out = run_block(args.block, args.sim, args.seed, test_dir=args.out, params=_params(args.param, args.block), tests=args.test,
                    waves=args.waves, defines=tuple(d for item in args.define for d in item.split()))
    print(f"{args.block} on {args.sim}, seed {args.seed}: {out.passed} passed, {out.failed} failed")
    for f in out.failures:
        print(f"  FAIL {f}")
    print(f"  results: {out.results}\n  log and coverage: {out.test_dir}")
    if args.waves:
        print("  waves: " + (", ".join(map(str, out.waves)) if out.waves else "none written (see the log)"))
    return 0 if out.ok else 1


if __name__ == "__main__":
    sys.exit(main())
