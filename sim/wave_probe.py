"""Print signals from a waveform at each rising clock edge in a time window: a look at a failing cycle without
a display (GTKWave, via `make waves`, is the interactive way).

    python -m sim.wave_probe WAVE.fst --from 15300 --to 15400 [--when array.a_valid] array.a_tag u_npu.cq_done

Signals are probe names of the testbench's probe file (sim/probes.py; e.g. `compute.phase`) or paths under the
testbench top (`u_npu.u_compute.phase`, as in the .gtkw views); times are in ns. Each row shows the values just
before the edge (what the flops sample there); --when keeps only the edges where that 1-bit signal is 1.
FST and VCD are read with pywellen (no GTKWave tools needed)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pywellen

from sim import probes


def _top(w) -> str:
    tops = [s.name for s in w.scopes()]
    tops = [t for t in tops if t != "$rootio"] or tops
    if not tops:
        raise SystemExit("wave_probe: the wave file has no scopes")
    return tops[0]


def probe(wave: Path, signals: list[str], t0: float, t1: float, clock: str = "clk", when: str | None = None,
          top: str | None = None, widths: dict | None = None):
    """[(edge time in ns, {signal: value})] for each rising edge of `clock` in [t0, t1] ns; a value is an int, or
    a string of bits when some are X/Z. `widths`, if given, receives each signal's width."""
    w = pywellen.Waveform(str(wave))
    top = top or _top(w)
    pf = probes.for_toplevel(top)
    by_path = {v.full_name: v for v in w.all_vars()}
    exp = w.timescale.unit.to_exponent() if w.timescale is not None else -12
    per_ns = 10.0 ** (-9 - exp)                               # wave time units per ns

    def var(name: str):
        path = pf.probes[name] if pf is not None and name in pf.probes else name
        v = by_path.get(f"{top}.{path}")
        if v is None:
            raise SystemExit(f"wave_probe: not in {wave.name}: {name}" + (f" ({top}.{path})" if path != name else ""))
        return v

    vs = {s: var(s) for s in signals}
    sigs = {s: v.signal for s, v in vs.items()}
    if widths is not None:
        widths.update({s: v.bitwidth for s, v in vs.items()})
    clk = var(clock).signal
    gate = var(when).signal if when else None
    rows = []
    for i in range(1, len(clk)):
        t, v = clk[i]
        if v != 1 or clk[i - 1][1] != 0:
            continue
        ns = t / per_ns
        if ns < t0:
            continue
        if ns > t1:
            break
        if gate is not None and gate.value_at(t - 1) != 1:
            continue
        rows.append((ns, {s: sig.value_at(t - 1) for s, sig in sigs.items()}))
    return rows


def _fmt(v, width: int) -> str:
    if v is None:
        return "?"                                            # no value yet at that time
    return f"{v:#x}" if isinstance(v, int) and width > 1 else str(v)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("wave", type=Path)
    ap.add_argument("signals", nargs="+")
    ap.add_argument("--from", dest="t0", type=float, default=0)
    ap.add_argument("--to", dest="t1", type=float, default=float("inf"))
    ap.add_argument("--clock", default="clk")
    ap.add_argument("--when")
    ap.add_argument("--top", help="the testbench top scope (default: the wave's first)")
    args = ap.parse_args(argv)
    widths: dict[str, int] = {}
    for t, vals in probe(args.wave, args.signals, args.t0, args.t1, args.clock, args.when, args.top, widths):
        print(f"{t:10.0f} ns  " + "  ".join(f"{k}={_fmt(v, widths[k])}" for k, v in vals.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
