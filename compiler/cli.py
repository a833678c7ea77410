"""make compile / make infer.

    python -m compiler compile [--model m.onnx] [--n 8] [--batch 1] [--out DIR]
        writes DIR/image.bin (the DRAM image: weights and programs), DIR/programs.json (what the host needs:
        each program's inst_base and inst_count, the input's and output's addresses and quantisation),
        DIR/layout.txt (the DRAM plan) and DIR/listing.asm (every instruction and the node it serves).
    python -m compiler infer [--model m.onnx] [--sim golden|verilator|icarus] [--images n] [--n 8] [--batch 1]
        runs the images, compares the output bytes with onnxruntime's for every image, prints images bit-exact,
        accuracy (digits: beside onnxruntime's int8 and the float model's) and a per-layer table.

Without --model: the built-in digits network (compiler/models), quantized in the flow. Exit status 1 when any
image differs from onnxruntime, 2 for bad input (named)."""
from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from golden.cycle_model import CycleModel
from golden.isa import MachineConfig

from .errors import CompileError
from .network import CompiledNetwork, compile_fitting, compile_model
from .reference import Reference, session
from .workload import Workload, load

ROOT = Path(__file__).resolve().parent.parent
SIMS = ("golden", "verilator", "icarus")
RTL_BLOCK = "npu_top"


def _compile(wl: Workload, args) -> CompiledNetwork:
    """For the machine asked for; make infer's default is the RTL testbench's (make sim's npu_top memories), its
    DRAM grown to the power of two the image needs."""
    from sim import blocks
    d = blocks.get(RTL_BLOCK).defaults if args.cmd == "infer" else {}
    base = MachineConfig(n=args.n)
    sp = args.sp_rows or d.get("SP_ROWS", base.sp_rows)
    acc = args.acc_rows or d.get("ACC_ROWS", base.acc_rows)
    if args.dram_bytes:
        return compile_model(wl.quantized, MachineConfig(args.n, sp, acc, args.dram_bytes), args.batch)
    return compile_fitting(wl.quantized, MachineConfig(args.n, sp, acc, d.get("DRAM_BYTES", base.dram_bytes)),
                           args.batch)


def cmd_compile(args) -> int:
    wl = load(args.model, 1, args.seed)
    net = _compile(wl, args)
    out = Path(args.out or ROOT / "out" / "compile" / f"{wl.name}-N{args.n}")
    out.mkdir(parents=True, exist_ok=True)
    (out / "image.bin").write_bytes(net.image)
    (out / "programs.json").write_text(json.dumps(net.manifest(), indent=1))
    (out / "layout.txt").write_text(net.layout_text())
    (out / "listing.asm").write_text(net.listing())
    (out / "model_int8.onnx").write_bytes(wl.quantized)
    print(_layer_table(net, None, None))
    print(f"{wl.name}: {len(net.segments)} programs, {sum(s.count for s in net.segments)} instructions, image "
          f"{len(net.image)} bytes, activations {net.arena_bytes} bytes (reuse {net.activation_bytes / net.arena_bytes:.2f}x)")
    print(f"wrote {out}/image.bin, programs.json, layout.txt, listing.asm, model_int8.onnx")
    return 0


def _layer_table(net: CompiledNetwork, cycles: dict | None, images: int | None, latency: int = 100) -> str:
    """Per layer: instructions, MACs, the cycle model's cycles (DRAM latency `latency`, no backpressure), and (RTL
    runs) the measured cycles per run, the model's error and MAC utilisation of N² per cycle."""
    n2 = net.cfg.n ** 2
    model = CycleModel(net.cfg, latency)
    rows = [f"{'#':>2s}  {'layer':<28s} {'op':<26s} {'instructions':>12s} {'MACs':>9s} {'predicted':>9s} {'cycles':>9s} "
            f"{'error':>7s} {'MAC util':>8s}"]
    layers = [la for la in net.layers if not la.alias]
    tot_c = tot_p = 0
    for j, la in enumerate(layers):
        segs = [s for s in net.segments if s.layer_index == j]
        c = cycles.get(j) if cycles else None
        pred = sum(model.run(s.prog).cycles for s in segs)
        tot_c += c or 0
        tot_p += pred
        util = f"{la.macs / (n2 * (c or pred)) * 100:7.1f}%" if la.macs else "-"
        err = f"{100 * (pred / c - 1):+6.1f}%" if c else "-"
        rows.append(f"{j:2d}  {la.name[:28]:<28s} {la.node.op_type:<26s} {sum(s.count for s in segs):12d} {la.macs:9d} "
                    f"{pred:9d} {(f'{c:9.0f}' if c else '-'):>9s} {err:>7s} {util:>8s}")
    macs = sum(la.macs for la in layers)
    util = f"{macs / (n2 * (tot_c or tot_p)) * 100:7.1f}%"
    err = f"{100 * (tot_p / tot_c - 1):+6.1f}%" if tot_c else "-"
    rows.append(f"{'':2s}  {'total':<28s} {'':<26s} {sum(s.count for s in net.segments):12d} {macs:9d} {tot_p:9d} "
                f"{(f'{tot_c:9.0f}' if tot_c else '-'):>9s} {err:>7s} {util:>8s}")
    rows.append(f"(instructions, MACs and cycles per run of {net.batch} image{'s' if net.batch > 1 else ''}; predicted: "
                f"the cycle model (golden/cycle_model.py) at DRAM latency {latency}; MAC util is MACs / (N² · cycles), "
                f"N = {net.cfg.n}, of the measured cycles where there are some)")
    if cycles is None:
        rows.append("(measured cycles: run make infer with SIM=verilator or icarus; the golden model counts no time)")
    return "\n".join(rows)


def _accuracy(wl: Workload, outputs: np.ndarray) -> float | None:
    if wl.labels is None:
        return None
    return float((outputs.reshape(len(outputs), -1).argmax(1) == wl.labels[:len(outputs)]).mean())


def _golden(net: CompiledNetwork, wl: Workload, ref: Reference):
    outs, differing, exact = [], 0, 0
    for i in tqdm(range(0, len(wl.images), net.batch), desc="golden", unit="run", file=sys.stderr,
                  disable=not sys.stderr.isatty()):
        x = wl.images[i:i + net.batch]
        got, _ = net.run_golden(x)
        want = ref.run(x)[0]
        bad = (got != want).reshape(len(x), -1).sum(1)
        differing += int(bad.sum())
        exact += int((bad == 0).sum())
        outs.append(got)
    return np.concatenate(outs), exact, differing, None


def _rtl(net: CompiledNetwork, wl: Workload, args):
    """The images through TopNetworkTest on the RTL (cocotb + pyuvm, every tile scored), then network.json."""
    from sim.run import run_block
    params = {"N": net.cfg.n, "SP_ROWS": net.cfg.sp_rows, "ACC_ROWS": net.cfg.acc_rows, "DRAM_BYTES": net.cfg.dram_bytes}
    out = Path(args.out or ROOT / "out" / "infer" / f"{wl.name}-{args.sim}-N{args.n}")
    # the workload reaches the simulation's NetworkSeq through its environment (restored after the run)
    env = {"NPU8_IMAGES": str(len(wl.images)), "NPU8_BATCH": str(net.batch), "NPU8_IMAGE_OFFSET": str(args.offset),
           "NPU8_MODEL": str(Path(args.model).resolve()) if args.model else "", "NPU8_WORKLOAD_SEED": str(args.seed)}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    runs = len(wl.images) // net.batch
    result = {}
    t = threading.Thread(target=lambda: result.setdefault("o", run_block(RTL_BLOCK, args.sim, args.seed, out, params,
                                                                         tests=["TopNetworkTest"])))
    t.start()
    progress = out / "network_progress.txt"
    with tqdm(total=runs, desc=args.sim, unit="run", file=sys.stderr, disable=not sys.stderr.isatty()) as bar:
        while t.is_alive():
            t.join(1.0)
            if progress.is_file():
                done = int((progress.read_text().split() or ["0"])[0])
                bar.update(max(0, done - bar.n))
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    o = result.get("o")
    if o is None or not (out / "network.json").is_file():
        print(f"infer: the {args.sim} run failed: {o.failures if o else 'no result'}; log in {out}", file=sys.stderr)
        return None
    rows = json.loads((out / "network.json").read_text())["runs"]
    last = [r for r in rows if "differing" in r]
    outs = np.array([r["output"] for r in last], np.uint8).view(np.int8 if not net.output.u8 else np.uint8)
    cycles = {}                    # layer -> cycles of each run (a layer cut into several programs: summed)
    for r in rows:
        cycles.setdefault(r["index"], {}).setdefault(r["image"], 0)
        cycles[r["index"]][r["image"]] += r["cycles"]
    mean = {j: float(np.mean(list(v.values()))) for j, v in cycles.items()}
    if o.failed:
        print(f"infer: {o.failures[0]}", file=sys.stderr)
    return outs, sum(r["differing"] == 0 for r in last) * net.batch, sum(r["differing"] for r in last), mean, o


def cmd_infer(args) -> int:
    wl = load(args.model, args.images or (args.batch if args.model else None), args.seed, args.offset)
    if len(wl.images) % args.batch:
        raise CompileError(None, "images", f"{len(wl.images)} images do not fill batches of {args.batch}")
    net = _compile(wl, args)
    ref = Reference(wl.quantized)
    t0 = time.time()
    if args.sim == "golden":
        outs, exact, differing, cycles = _golden(net, wl, ref)
        ok_run = True
    else:
        got = _rtl(net, wl, args)
        if got is None:
            return 1
        outs, exact, differing, cycles, o = got
        ok_run = not o.failed
    wall = time.time() - t0
    runs = len(outs) if args.sim == "golden" else len(outs) * net.batch
    nbytes = net.output.nbytes * runs
    print(f"{wl.name} on {args.sim}, N={net.cfg.n}, batch {net.batch}: {runs} images in {wall:.1f} s")
    print(f"images bit-exact with onnxruntime: {exact} / {runs} ({differing} of {nbytes} output bytes differ)")
    acc = _accuracy(wl, np.asarray(outs).reshape(runs, -1) if runs else np.zeros((0, 1)))
    if acc is not None:
        x = wl.images[:runs]
        ort_acc = float((ref.run(x)[1].reshape(runs, -1).argmax(1) == wl.labels[:runs]).mean())
        fl = session(wl.float_model).run(None, {session(wl.float_model).get_inputs()[0].name: x})[0]
        fl_acc = float((fl.reshape(runs, -1).argmax(1) == wl.labels[:runs]).mean())
        print(f"accuracy: npu8 {acc * 100:.1f} %, onnxruntime int8 {ort_acc * 100:.1f} %, float model {fl_acc * 100:.1f} %")
    print(_layer_table(net, cycles, runs))
    return 0 if exact == runs and ok_run else 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m compiler", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("compile", "infer"):
        p = sub.add_parser(name)
        p.add_argument("--model", default=None, help="a .onnx (quantized, or float to quantize); default: digits")
        p.add_argument("--n", type=int, default=8, help="array size N (4, 8, 16)")
        p.add_argument("--batch", type=int, default=1)
        p.add_argument("--seed", type=int, default=1)
        p.add_argument("--out", default=None)
        p.add_argument("--sp-rows", type=int, default=None)
        p.add_argument("--acc-rows", type=int, default=None)
        p.add_argument("--dram-bytes", type=int, default=None, help="default: what the image needs")
        p.set_defaults(sim="golden")
    inf = sub.choices["infer"]
    inf.add_argument("--sim", choices=SIMS, default="golden")
    inf.add_argument("--images", type=int, default=None, help="how many (digits default: all 360; others 1)")
    inf.add_argument("--offset", type=int, default=0, help="first digits test image")
    args = ap.parse_args(argv)
    if args.n not in (4, 8, 16):
        ap.error(f"--n {args.n}: N must be 4, 8 or 16")
    if args.batch < 1:
        ap.error("--batch must be positive")
    if args.cmd == "infer" and args.images is not None and (args.images < 1 or args.images % args.batch):
        ap.error(f"--images {args.images} must be a positive multiple of --batch {args.batch}")
    try:
        MachineConfig(args.n, args.sp_rows or 1, args.acc_rows or 1, args.dram_bytes or 16)
    except (TypeError, ValueError) as e:
        ap.error(str(e))
    try:
        return cmd_compile(args) if args.cmd == "compile" else cmd_infer(args)
    except CompileError as e:
        print(f"{args.cmd}: {e}", file=sys.stderr)
        return 2
