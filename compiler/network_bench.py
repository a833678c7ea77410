"""`make bench`'s networks (compiler/bench_networks.py), run by sim/bench.py as
`python -m compiler.network_bench --out DIR [--networks a,b] [--layer-by-layer c]` (sim/ sits below compiler/): each compiled for the bench machine (N=8, SP 16384 rows,
ACC 1024 rows, DRAM latency 100, 128-bit bus), its programs run in turn on the RTL natively (sim/network_perf.py)
and predicted by the cycle model; per layer, MACs, predicted and measured cycles, the model's error and the MAC
utilisation. A network in `layer_by_layer` runs only its distinct programs on the RTL (identical layers repeat in
ResNet-50: each distinct program once) and the model gives the rest; the table says which cycles are which."""
from __future__ import annotations

import time
from pathlib import Path

import argparse
import json
import sys

from golden.isa import MachineConfig, Op
from sim import network_perf

from .bench_networks import NAMES, quantized
from .network import compile_fitting

LAYER_BY_LAYER = ""        # every network whole (ResNet-50: 89 M cycles, about 9 minutes natively)
MACHINE = MachineConfig(n=8, sp_rows=16384, acc_rows=1024, dram_bytes=1 << 20)    # DRAM grown to each network
GOALS = {"resnet8": 0.75, "mobilenetv2_stage": 0.55, "resnet50": 0.70}

__all__ = ["LAYER_BY_LAYER", "NAMES", "markdown", "run"]


def _signature(seg) -> tuple:
    """A program's timing-relevant form: every field but DRAM addresses (a repeated layer's twin differs only
    in where its tensors are, and in its requantisation constants)."""
    return tuple((int(i.op), () if i.op in (Op.CONFIG, Op.VCONFIG) else tuple(sorted((k, v) for k, v in i.f.items()
                                                                                if k != "addr"))) for i in seg.prog)


def _one(name: str, workdir: Path, distinct_only: bool) -> dict:
    t0 = time.perf_counter()
    q, x = quantized(name)
    net = compile_fitting(q, MACHINE)
    measured = None
    if distinct_only:
        first: dict = {}
        for k, s in enumerate(net.segments):
            first.setdefault(_signature(s), k)
        measured = sorted(first.values())
    t1 = time.perf_counter()
    perfs = network_perf.measure(net, x, workdir / name, measured=measured)
    wall = time.perf_counter() - t1
    n2 = net.cfg.n ** 2
    layers = [la for la in net.layers if not la.alias]
    rows = []
    for j, la in enumerate(layers):
        ps = [p for p in perfs if p.layer_index == j]
        pred = sum(p.predicted.cycles for p in ps)
        meas = sum(p.measured["cycles"] for p in ps) if all(p.measured for p in ps) else None
        rows.append({"layer": la.name, "op": la.node.op_type, "macs": la.macs, "programs": len(ps),
                     "instructions": sum(p.instructions for p in ps), "predicted": pred, "measured": meas,
                     "error": None if meas is None else pred / meas - 1,
                     "utilisation": la.macs / (n2 * (meas or pred)) if la.macs else 0.0})
    macs = sum(r["macs"] for r in rows)
    predicted = sum(r["predicted"] for r in rows)
    # the run's cycles: measured where the RTL ran the layer, the model's elsewhere
    mixed = sum(r["measured"] if r["measured"] is not None else r["predicted"] for r in rows)
    simulated = sum(p.measured["cycles"] for p in perfs if p.measured)
    return {"layers": rows, "macs": macs, "predicted": predicted, "cycles": mixed,
            "measured_layers": sum(r["measured"] is not None for r in rows), "programs": len(net.segments),
            "instructions": sum(s.count for s in net.segments), "simulated_cycles": simulated,
            "utilisation": macs / (n2 * mixed), "predicted_utilisation": macs / (n2 * predicted),
            "error": predicted / mixed - 1, "goal": GOALS.get(name), "layer_by_layer": distinct_only,
            "compile_s": t1 - t0, "rtl_wall_s": wall, "dram_bytes": net.cfg.dram_bytes}


def run(names: list[str], workdir: Path, layer_by_layer: set[str]) -> dict:
    out = {}
    for name in [n for n in names if n]:
        if name not in NAMES:
            raise ValueError(f"bench network {name!r}: choose from {', '.join(NAMES)}")
        out[name] = r = _one(name, Path(workdir), name in layer_by_layer)
        worst = max((abs(x["error"]) for x in r["layers"] if x["error"] is not None), default=0.0)
        print(f"bench network {name}: {100 * r['utilisation']:.1f} % MAC utilisation ({r['cycles']:,} cycles, "
              f"model {r['predicted']:,}); worst layer error {100 * worst:.2f} %; RTL {r['rtl_wall_s']:.0f} s for "
              f"{r['simulated_cycles']:,} cycles")
    return out


def markdown(nets: dict) -> str:
    lines = ["## Networks (N=8, DRAM latency 100, 128-bit bus; cycles measured on the RTL natively beside the cycle "
             "model's)", "",
             "| network | layers (on the RTL) | MACs | cycles | predicted | model error | MAC utilisation | goal | "
             "worst layer error |", "|---|---|---|---|---|---|---|---|---|"]
    for name, r in nets.items():
        worst = max((abs(x["error"]) for x in r["layers"] if x["error"] is not None), default=0.0)
        goal = "-" if r["goal"] is None else f"{100 * r['goal']:.0f} %"
        lines.append(f"| {name} | {len(r['layers'])} ({r['measured_layers']}{', distinct' if r['layer_by_layer'] else ''})"
                     f" | {r['macs']:,} | {r['cycles']:,} | {r['predicted']:,} | {100 * r['error']:+.2f} % | "
                     f"{100 * r['utilisation']:.1f} % | {goal} | "
                     f"{100 * worst:.2f} % |")
    for name, r in nets.items():
        lines += ["", f"### {name}: per layer ({'distinct layers on the RTL, the model for their repeats' if r['layer_by_layer'] else 'every layer on the RTL'})", "",
                  "| # | layer | op | MACs | instructions | predicted | measured | error | MAC util |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for j, x in enumerate(r["layers"]):
            meas = "model" if x["measured"] is None else f"{x['measured']:,}"
            err = "-" if x["error"] is None else f"{100 * x['error']:+.2f} %"
            lines.append(f"| {j} | {x['layer']} | {x['op']} | {x['macs']:,} | {x['instructions']:,} | "
                         f"{x['predicted']:,} | {meas} | {err} | {100 * x['utilisation']:.1f} % |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="directory: networks.json, networks.md and the native runs")
    ap.add_argument("--networks", default=",".join(NAMES))
    ap.add_argument("--layer-by-layer", default=LAYER_BY_LAYER)
    args = ap.parse_args(argv)
    out = Path(args.out)
    nets = run(args.networks.split(","), out, set(args.layer_by_layer.split(",")) - {""})
    (out / "networks.json").write_text(json.dumps(nets, indent=1))
    (out / "networks.md").write_text(markdown(nets) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
