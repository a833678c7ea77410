"""The native baseline: the programs a cocotb run drove (its NPU8_RECORD manifest), run again on the same RTL
and testbench with no cocotb and no Python (verif/top/hdl/tb_npu_top_native.v), on Verilator (`--binary --timing`) or
Icarus (plain vvp). `make bench` divides the cocotb environment's speed by this one's.

    python -m sim.native --sim verilator --manifest out/bench/programs-bench/gemm_dram/manifest.txt [-P N=8 ...]
        [--verilator-opts '-O3 --x-assign fast']

Builds are cached under build/native-<sim>-<digest>/ (a file lock guards them). `run()` returns the simulated
cycles, the wall time and each program's printed ending, so that the caller can check that the native run did
what the cocotb run did (the same counters)."""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from filelock import FileLock

from golden.counters import COUNTERS

from . import blocks
from .hdl_params import hdl_parameters
from .runner import ROOT, SIMULATORS, TIMESCALE, VERILATOR_SPEED, headers_digest, option_args
from .tools import verilator_env

TOP = "tb_npu_top_native"


@dataclass
class NativeRun:
    sim: str
    programs: list[str]        # each program's ending line, as the testbench printed it
    cycles: int                # simulated cycles from START to each program's end, summed
    total_cycles: int          # every cycle simulated (set-up and CSR traffic included)
    wall: float                # the simulator process, start to exit
    build_s: float

    @property
    def cycles_per_s(self) -> float:
        """Every cycle simulated per wall second (as cocotb's whole-test figure counts)."""
        return self.total_cycles / self.wall if self.wall else 0.0

    @property
    def program_cycles_per_s(self) -> float:
        """START-to-end cycles per wall second (as the bench's per-case figure counts)."""
        return self.cycles / self.wall if self.wall else 0.0


def _sources() -> list[Path]:
    return [s.resolve() for s in blocks.get("npu_top_bench").sources()]


def build(sim: str, params: dict, fast: list[str] | None = None) -> tuple[Path, float]:
    """The native simulator for these parameters (cached): its executable, and build seconds. `fast`: the
    Verilator options for speed (default the builds' own, sim/runner.py VERILATOR_SPEED, which has the
    measurements; `--verilator-opts` measures others)."""
    fast = VERILATOR_SPEED if fast is None else fast
    if sim not in SIMULATORS:
        raise ValueError(f"unknown simulator {sim!r}: choose one of {', '.join(SIMULATORS)}")
    sources = _sources()
    key = json.dumps({"sim": sim, "params": params, "sources": [str(s) for s in sources],
                      "mtimes": [s.stat().st_mtime_ns for s in sources], "headers": headers_digest(),
                      "fast": fast}, sort_keys=True)
    bdir = ROOT / "build" / f"native-{sim}-{hashlib.sha1(key.encode()).hexdigest()[:10]}"
    exe = bdir / ("native.vvp" if sim == "icarus" else f"V{TOP}")
    opts = option_args(sim, TOP, hdl_parameters(TOP, sources, params))
    with FileLock(str(bdir) + ".lock"):
        if exe.exists():
            return exe, 0.0
        bdir.mkdir(parents=True, exist_ok=True)
        if sim == "icarus":
            cmd = ["iverilog", "-g2012", "-o", str(exe), "-s", TOP, *opts, *map(str, sources)]
            env = None
        else:
            cmd = ["verilator", "--binary", "--timing", *fast, "-Wno-fatal", "-CFLAGS", "-std=c++20",
                   "--timescale", "/".join(TIMESCALE), "--top-module", TOP, "-Mdir", str(bdir), *opts,
                   *map(str, sources)]
            env = verilator_env()
        t0 = time.time()
        with (bdir / "build.log").open("w") as log:
            log.write("# " + " ".join(cmd) + "\n")
            log.flush()
            if subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, env=env).returncode:
                raise RuntimeError(f"native {sim} build failed; log {bdir / 'build.log'}")
        return exe, time.time() - t0


DRAM_WORD = 16

def dram_hex(image: bytes) -> str:
    """An image as the DRAM model's $readmemh reads it: one 16-byte word a line, little-endian."""
    words = np.frombuffer(image + bytes(-len(image) % DRAM_WORD), np.uint8).reshape(-1, DRAM_WORD)[:, ::-1]
    return "\n".join(words.tobytes().hex(" ", DRAM_WORD).split(" ")) + "\n"


@dataclass
class Program:
    """One program for `run_programs`: its DRAM image (None: the DRAM the program before left), where its
    instructions are, and the DRAM model's latency (no backpressure)."""
    image: bytes | None
    inst_base: int
    inst_count: int
    latency: int = 100


def run_programs(programs: list[Program], params: dict, workdir: Path, sim: str = "verilator",
                 budget: int = 2**31 - 1) -> list[dict]:
    """Each program's counters (COUNTERS by name, and `code`), run in turn natively on one DRAM: the cycle
    model's measurements at the speed of the RTL (docs/timing.md)."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    lines = []
    for k, p in enumerate(programs):
        name = "-"
        if p.image is not None:
            name = f"prog{k:05d}.hex"
            (workdir / name).write_text(dram_hex(p.image))
        lines.append(f"{name} {p.inst_base} {p.inst_count} {p.latency} 0 0 0 0 0 1 0 0 -1 {budget}")
    (workdir / "manifest.txt").write_text("\n".join(lines) + "\n")
    r = run(sim, workdir / "manifest.txt", params, timeout=24 * 3600)
    out = []
    for line in r.programs:
        m = _ENDING.match(line)
        if not m:
            raise RuntimeError(f"native {sim} run in {workdir}: {line}")
        out.append({"code": int(m.group(1)), **dict(zip(COUNTERS, map(int, m.group(3).split())))})
    return out


_ENDING = re.compile(r"program \d+: code (\d+) index (\d+) counters ([\d ]+?) axi_violation")
_TOTAL = re.compile(r"native: (\d+) programs, (\d+) cycles from START to the end of each, (\d+) cycles simulated")


def run(sim: str, manifest: Path, params: dict, timeout: float = 3600, fast: list[str] | None = None) -> NativeRun:
    exe, build_s = build(sim, params, fast)
    manifest = Path(manifest).resolve()
    cmd = (["vvp", "-n", str(exe)] if sim == "icarus" else [str(exe)]) + [f"+manifest={manifest}"]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, cwd=manifest.parent, capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - t0
    m = _TOTAL.search(out.stdout)
    if out.returncode or not m:
        raise RuntimeError(f"native {sim} run of {manifest} failed (exit {out.returncode}):\n"
                           f"{out.stdout[-2000:]}{out.stderr[-2000:]}")
    programs = [ln for ln in out.stdout.splitlines() if ln.startswith("program ")]
    return NativeRun(sim, programs, int(m.group(2)), int(m.group(3)), wall, build_s)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sim", default="verilator", choices=SIMULATORS)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("-P", dest="params", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--verilator-opts", help="Verilator's speed options instead of the builds' own "
                                             "(sim/runner.py VERILATOR_SPEED), to measure a set; '' for none")
    args = ap.parse_args(argv)
    params = dict(blocks.get("npu_top_bench").defaults)
    for p in args.params:
        name, _, value = p.partition("=")
        if not value.isdigit():
            ap.error(f"-P {p}: expected NAME=<decimal integer>")
        params[name] = int(value)
    fast = None if args.verilator_opts is None else args.verilator_opts.split()
    r = run(args.sim, Path(args.manifest), params, fast=fast)
    print("\n".join(r.programs))
    print(f"{r.sim}: {len(r.programs)} programs, {r.total_cycles:,} cycles in {r.wall:.2f} s = "
          f"{r.cycles_per_s / 1000:.1f} k cycles/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
