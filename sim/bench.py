"""`make bench`: performance of npu8 and of its verification environment, reported, never asserted.

1. MAC utilisation (useful MACs / (N^2 x cycles)) and the cycle breakdown from the hardware counters, for the
   cases of verif/top/bench_programs.py on Verilator (N=8, DRAM latency 100 cycles, 128-bit bus): a 256^3
   GEMM from the scratchpad, the same GEMM from DRAM, a 3x3 pad-1 conv layer 56x56x64 -> 64.
2. Simulation speed (simulated cycles per wall second) of the top-level smoke test on both simulators (tile
   monitors on), and of the benchmark programs on Verilator (tile monitors off).
3. Stimulus generation speed: the golden numpy generator and the pyvsc solver-backed generator.

Writes out/bench/bench.json and bench.md and prints the table."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from sim.run import run_block
from sim.runner import SIMULATORS
from sim.summary import run_summary

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"gemm_sp": 0.95, "gemm_dram": 0.85, "conv": 0.75}


def generation_speed() -> dict:
    """Instructions per second of the stimulus generators, measured by the environment's own module (run by
    name, as cocotb runs a test module: sim/ imports nothing of verif/)."""
    out = subprocess.run([sys.executable, "-m", "verif.top.seq_lib.generation_speed"], cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"generation speed measurement failed:\n{out.stderr}")
    return json.loads(out.stdout)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", default="gemm_sp,gemm_dram,conv")
    ap.add_argument("--out", default=str(ROOT / "out" / "bench"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-sim-speed", action="store_true", help="skip the smoke runs that measure both simulators")
    args = ap.parse_args(argv)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = {"utilisation": {}, "sim_speed": {}, "generation": generation_speed()}

    os.environ["NPU8_BENCH"] = args.cases
    t0 = time.perf_counter()
    o = run_block("npu_top_bench", "verilator", args.seed, test_dir=out_dir / "verilator-bench", tests=["TopBenchTest"])
    if not o.ok:
        print("bench: the benchmark programs failed their checks:\n  " + "\n  ".join(o.failures)
              + f"\n  log: {o.test_dir}/sim.log")
        return 1
    bench = json.loads((o.test_dir / "bench.json").read_text())
    print(f"benchmark simulation: {time.perf_counter() - t0:.0f} s")
    for case, b in bench.items():
        c, n2 = b["counters"], b["n"] ** 2
        report["utilisation"][case] = {
            "macs": b["macs"], "cycles": c["cycles"], "utilisation": b["macs"] / (n2 * c["cycles"]),
            "target": TARGETS.get(case), "breakdown": {k: c[k] / c["cycles"] for k in (
                "mac_active", "stall_weight", "stall_dma_rd", "stall_dma_wr", "stall_dep", "stall_full",
                "stall_other")},
            "dma_bytes": c["rd_bytes"] + c["wr_bytes"], "instructions": b["instructions"]}
        report["sim_speed"][f"verilator bench {case} (monitors off)"] = b["cycles_per_s"]

    for sim in () if args.no_sim_speed else SIMULATORS:
        o = run_block("npu_top", sim, args.seed, test_dir=out_dir / f"{sim}-smoke", tests=["TopSmokeTest"])
        report["sim_speed"][f"{sim} TopSmokeTest (monitors on)"] = run_summary(o.test_dir)["cycles_per_s"]

    lines = ["# npu8 benchmark", "", "## MAC utilisation (N=8, DRAM latency 100 cycles, 128-bit bus)", "",
             "| case | MACs | cycles | utilisation | target | MAC-active | weight | DMA rd | DMA wr | dep | full | other |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for case, u in report["utilisation"].items():
        br = u["breakdown"]
        lines.append(f"| {case} | {u['macs']:,} | {u['cycles']:,} | {100 * u['utilisation']:.1f} % | "
                     f"{100 * (u['target'] or 0):.0f} % | " + " | ".join(f"{100 * br[k]:.1f} %" for k in br) + " |")
    lines += ["", "## Simulation speed (simulated cycles per second)", ""]
    lines += [f"- {k}: {v:,.0f}" for k, v in report["sim_speed"].items()]
    lines += ["", "## Stimulus generation (instructions per second)", ""]
    lines += [f"- {k}: {v:,.0f}" for k, v in report["generation"].items()]
    text = "\n".join(lines) + "\n"
    (out_dir / "bench.md").write_text(text)
    (out_dir / "bench.json").write_text(json.dumps(report, indent=1))
    print(text)
    print(f"bench: written {out_dir / 'bench.md'} and bench.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
