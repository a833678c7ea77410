"""`make bench`: performance of npu8 and of its verification environment, reported, never asserted.

1. MAC utilisation (useful MACs / (N^2 x cycles)) and the cycle breakdown from the hardware counters, for the
   cases of verif/top/bench_programs.py on Verilator (N=8, DRAM latency 100 cycles, 128-bit bus): a 256^3
   GEMM from the scratchpad, the same GEMM from DRAM, a 3x3 pad-1 conv layer 56x56x64 -> 64; each vector
   operation streaming from the scratchpad (elements per cycle against the unit's peak, and what the gap is);
   a depthwise 3x3 pad-1 layer 56x56x64 against the 1/N bound of a weight-stationary array.
2. Simulation speed (simulated cycles per wall second), for each bench case (Verilator) and for the smoke mix
   (TopSmokeTest's programs, both simulators): (a) the cocotb environment scoring every tile, (b) the same with
   the tile monitors and collectors off, (c) the native baseline -- the same RTL, testbench and programs with
   no cocotb (sim/native.py) -- and a/c; the native run's counters are checked against the cocotb run's.
   And the nightly's throughput: top-level programs scored per core-hour (TopNightlyTest on Verilator).
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

from golden.counters import CYCLE_PARTS
from sim import native
from sim.blocks import get as get_block
from sim.run import run_block
from sim.runner import SIMULATORS
from sim.summary import run_summary

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"gemm_sp": 0.95, "gemm_dram": 0.85, "conv": 0.75}
ALL_CASES = "gemm_sp,gemm_dram,conv,vadd_sp,vmax_sp,vsum_sp,vmac_sp,depthwise"
VECTOR_PEAK = {"vadd_sp": 0.5, "vmax_sp": 1.0, "vsum_sp": 1.0, "vmac_sp": 1.0}   # elements (rows) per cycle


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
    ap.add_argument("--cases", default=ALL_CASES)
    ap.add_argument("--out", default=str(ROOT / "out" / "bench"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-sim-speed", action="store_true", help="skip the smoke runs that measure both simulators")
    ap.add_argument("--networks", default="digits,resnet8,mobilenetv2_stage,resnet50",
                    help="bench networks (compiler/bench_networks.py) to run whole on the RTL (natively) beside the "
                         "cycle model; '' for none")
    ap.add_argument("--layer-by-layer", default="",
                    help="of those, the networks whose distinct layers alone run on the RTL (the model for the rest)")
    args = ap.parse_args(argv)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = {"utilisation": {}, "vector": {}, "sim_speed": {}, "generation": generation_speed()}

    saved = {k: os.environ.get(k) for k in ("NPU8_BENCH", "NPU8_TILE_MONITORS", "NPU8_RECORD")}
    try:
        return _measure(args, out_dir, report)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _measure(args, out_dir: Path, report: dict) -> int:
    os.environ["NPU8_BENCH"] = args.cases
    speed = report["sim_speed"] = {}
    bench_params = get_block("npu_top_bench").defaults
    for monitors in ("1", "0"):
        os.environ["NPU8_TILE_MONITORS"] = monitors
        rec = out_dir / "programs-bench"            # recorded in the (b) run, so that (a) is the environment alone
        os.environ["NPU8_RECORD"] = str(rec) if monitors == "0" else ""
        t0 = time.perf_counter()
        o = run_block("npu_top_bench", "verilator", args.seed, test_dir=out_dir / f"verilator-bench-monitors{monitors}",
                      tests=["TopBenchTest"])
        if not o.ok:
            print("bench: the benchmark programs failed their checks:\n  " + "\n  ".join(o.failures)
                  + f"\n  log: {o.test_dir}/sim.log")
            return 1
        bench = json.loads((o.test_dir / "bench.json").read_text())
        print(f"benchmark simulation (tile monitors {'on' if monitors == '1' else 'off'}): "
              f"{time.perf_counter() - t0:.0f} s")
        for case, b in bench.items():
            row = speed.setdefault(f"{case} (verilator)", {})
            row["a" if monitors == "1" else "b"] = b["cycles_per_s"]
            if monitors == "0":
                row["c"], row["native_check"] = _native(rec / case, bench_params, "verilator", per_program=True)
                _utilisation(report, case, b)
    os.environ["NPU8_TILE_MONITORS"] = "1"
    if args.networks:
        report["networks"], networks_md = _networks(args, out_dir / "networks")

    for sim in () if args.no_sim_speed else SIMULATORS:
        row = speed.setdefault(f"smoke mix ({sim})", {})
        for monitors in ("1", "0"):
            os.environ["NPU8_TILE_MONITORS"] = monitors
            rec = out_dir / f"programs-smoke-{sim}"
            os.environ["NPU8_RECORD"] = str(rec) if monitors == "0" else ""
            o = run_block("npu_top", sim, args.seed, test_dir=out_dir / f"{sim}-smoke-monitors{monitors}",
                          tests=["TopSmokeTest"])
            row["a" if monitors == "1" else "b"] = run_summary(o.test_dir)["cycles_per_s"]
        row["c"], row["native_check"] = _native(rec, get_block("npu_top").defaults, sim)
    for row in speed.values():
        row["a/c"] = row["a"] / row["c"] if row.get("c") else None
    if not args.no_sim_speed:
        report["nightly"] = _nightly_throughput(out_dir, args.seed)

    lines = ["# npu8 benchmark", "", "## MAC utilisation (N=8, DRAM latency 100 cycles, 128-bit bus)", "",
             "| case | MACs | cycles | predicted (model error) | utilisation | target | MAC-active | vec-active | weight "
             "| DMA rd | DMA wr | vec stall | dep | full | other |", "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for case, u in report["utilisation"].items():
        if case in report["vector"]:
            continue
        br = u["breakdown"]
        lines.append(f"| {case} | {u['macs']:,} | {u['cycles']:,} | {u['predicted']:,} ({100 * u['model_error']:+.2f} %) | "
                     f"{100 * u['utilisation']:.1f} % | {100 * (u['target'] or 0):.0f} % | "
                     + " | ".join(f"{100 * br[k]:.1f} %" for k in br) + " |")
    if report["vector"]:
        lines += ["", "## Vector unit (N=8; operands in the scratchpad, except depthwise: lowered, from DRAM)", "",
                  "| case | work | cycles | predicted (model error) | peak | measured | of peak | where the rest goes |",
                  "|---|---|---|---|---|---|---|---|"]
        for case, v in report["vector"].items():
            u = report["utilisation"][case]
            lines.append(f"| {case} | {v['work']} | {v['cycles']:,} | {u['predicted']:,} ({100 * u['model_error']:+.2f} %) "
                         f"| {v['peak']} | {v['measured']} | {100 * v['of_peak']:.1f} % | {v['gap']} |")
    if report.get("networks"):
        lines += ["", networks_md]
    lines += ["", "## Simulation speed (simulated cycles per second)", "",
              "(a) cocotb, every tile scored; (b) cocotb, tile monitors off; (c) native (no cocotb, same RTL and "
              "programs)", "", "| run | a | b | c | a/c | native counters |", "|---|---|---|---|---|---|"]
    for k, v in report["sim_speed"].items():
        lines.append(f"| {k} | {v['a']:,.0f} | {v['b']:,.0f} | {v['c']:,.0f} | {100 * (v['a/c'] or 0):.0f} % | "
                     f"{v['native_check']} |")
    if "nightly" in report:
        n = report["nightly"]
        lines += ["", f"Nightly throughput (TopNightlyTest, Verilator, {n['repeat']} repeats): {n['programs']} "
                      f"programs in {n['wall_s']:.1f} s = {n['per_core_hour']:,.0f} top-level programs scored per "
                      f"core-hour"]
    lines += ["", "## Stimulus generation (instructions per second)", ""]
    lines += [f"- {k}: {v:,.0f}" for k, v in report["generation"].items()]
    text = "\n".join(lines) + "\n"
    (out_dir / "bench.md").write_text(text)
    (out_dir / "bench.json").write_text(json.dumps(report, indent=1))
    print(text)
    print(f"bench: written {out_dir / 'bench.md'} and bench.json")
    return 0


def _networks(args, where: Path) -> tuple[dict, str]:
    """The bench networks, compiled and run by compiler/network_bench.py (by name: sim/ sits below compiler/)."""
    where.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "compiler.network_bench", "--out", str(where), "--networks", args.networks,
           "--layer-by-layer", args.layer_by_layer]
    if subprocess.run(cmd, cwd=ROOT).returncode:
        raise RuntimeError(f"bench networks failed: {' '.join(cmd)}")
    return json.loads((where / "networks.json").read_text()), (where / "networks.md").read_text()


def _utilisation(report: dict, case: str, b: dict):
    c, n2 = b["counters"], b["n"] ** 2
    report["utilisation"][case] = {
        "macs": b["macs"], "cycles": c["cycles"], "utilisation": b["macs"] / (n2 * c["cycles"]),
        "predicted": b["predicted"]["cycles"], "model_error": b["predicted"]["cycles"] / c["cycles"] - 1,
        "target": TARGETS.get(case), "breakdown": {k: c[k] / c["cycles"] for k in CYCLE_PARTS},
        "dma_bytes": c["rd_bytes"] + c["wr_bytes"], "instructions": b["instructions"]}
    n, cyc = b["n"], c["cycles"]
    gap = ", ".join(f"{k.replace('stall_', '')} {100 * c[k] / cyc:.1f} %" for k in CYCLE_PARTS[2:] if c[k])
    if case in VECTOR_PEAK:
        peak = VECTOR_PEAK[case]
        rows = b["vector_reads"] * peak                  # output rows (elements of N lanes)
        report["vector"][case] = {"work": f"{rows:,.0f} rows", "cycles": cyc, "peak": f"{peak} rows/cycle",
                                  "measured": f"{rows / cyc:.3f} rows/cycle", "of_peak": rows / cyc / peak,
                                  "gap": gap}
    elif case == "depthwise":
        bound = b["vector_macs"] / (n * cyc)             # of N MACs a cycle, the 1/N of N^2 the array allows
        report["vector"][case] = {"work": f"{b['vector_macs']:,} MACs", "cycles": cyc,
                                  "peak": f"1/N = {n} MACs/cycle", "measured": f"{b['vector_macs'] / cyc:.2f} MACs/cycle",
                                  "of_peak": bound, "gap": gap}


def _native(rec: Path, params: dict, sim: str, per_program: bool = False) -> tuple[float, str]:
    """The native baseline's cycles/s on the programs a cocotb run recorded (START-to-end cycles when
    `per_program`, as the bench cases count them; else every cycle, as cocotb's whole-test figure does),
    and how its endings compare
    (counters equal on programs without random backpressure: the DRAM model's stall LFSR runs from reset, so
    its phase at START depends on the host's CSR timing)."""
    r = native.run(sim, rec / "manifest.txt", params)
    speed = r.program_cycles_per_s if per_program else r.cycles_per_s
    cocotb_endings = (rec / "results.txt").read_text().splitlines()
    manifest = (rec / "manifest.txt").read_text().splitlines()
    same = comparable = 0
    for line, want, prog in zip(r.programs, cocotb_endings, manifest):
        got = line.split(": ", 1)[1]
        got = "reset" if got.startswith("reset") else "hung" if got.startswith("hung") else \
            got.split(" axi_violation")[0]
        if all(v == "0" for v in prog.split()[4:9]):
            comparable += 1
            same += got == want
    if len(r.programs) != len(cocotb_endings):
        return speed, f"{len(r.programs)} programs ended natively, {len(cocotb_endings)} under cocotb"
    return speed, f"{same}/{comparable} identical" + (
        f" ({len(manifest) - comparable} with backpressure not compared)" if comparable < len(manifest) else "")


def _nightly_throughput(out_dir: Path, seed: int, repeat: int = 3) -> dict:
    os.environ["NPU8_REPEAT"] = str(repeat)
    try:
        o = run_block("npu_top", "verilator", seed, test_dir=out_dir / "verilator-nightly", tests=["TopNightlyTest"])
    finally:
        os.environ.pop("NPU8_REPEAT", None)
    s = run_summary(o.test_dir)
    programs = json.loads((o.test_dir / "programs_run.json").read_text())["programs"]
    return {"repeat": repeat, "programs": programs, "wall_s": s["wall"], "per_core_hour": programs * 3600 / s["wall"]}


if __name__ == "__main__":
    sys.exit(main())
