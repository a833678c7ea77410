"""Print signals from a waveform at each rising clock edge in a time window: a look at a failing cycle without
a display (GTKWave, via `make waves`, is the interactive way).

    python -m sim.wave_probe WAVE.fst --from 15300 --to 15400 [--when u_npu.a_valid] u_npu.a_tag u_npu.cq_done

Signals are paths under the testbench top (as in the .gtkw views); times are in ns; --when keeps only the
edges where that 1-bit signal is 1. FST is read through fst2vcd (GTKWave's package)."""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path


def _lines(wave: Path):
    if wave.suffix == ".fst":
        if not shutil.which("fst2vcd"):
            raise SystemExit("wave_probe: fst2vcd not found (apt-get install gtkwave)")
        p = subprocess.Popen(["fst2vcd", str(wave)], stdout=subprocess.PIPE, text=True, errors="replace")
        yield from p.stdout
    else:
        yield from wave.open(errors="replace")


def probe(wave: Path, signals: list[str], t0: float, t1: float, clock: str = "clk", when: str | None = None):
    names = signals + [clock] + ([when] if when else [])
    ids: dict[str, list[str]] = {}
    scope: list[str] = []
    unit_ps = 1
    lines = _lines(wave)
    for ln in lines:
        t = ln.split()
        if not t:
            continue
        if t[0] == "$timescale":
            spec = t[1] if len(t) > 1 else next(lines).strip()
            unit_ps = {"1ps": 1, "1ns": 1000, "10ps": 10, "100ps": 100, "1fs": 0.001}.get(spec, 1)
        elif t[0] == "$scope":
            scope.append(t[2])
        elif t[0] == "$upscope":
            scope.pop()
        elif t[0] == "$var" and len(scope) >= 1:
            rel = ".".join(scope[1:] + [t[4]]) if scope[0] != "$rootio" else None
            for n in names:
                if rel == n:
                    ids.setdefault(t[3], []).append(n)
        elif t[0] == "$enddefinitions":
            break
    missing = [n for n in names if not any(n in v for v in ids.values())]
    if missing:
        raise SystemExit(f"wave_probe: not in {wave.name}: {', '.join(missing)}")
    now, cur, rows = 0.0, {}, []
    for ln in lines:
        if ln[0] == "#":
            now = int(ln[1:]) * unit_ps / 1000
            if now > t1:
                break
            continue
        if ln[0] in "br":
            v, i = ln[1:].split()
        else:
            v, i = ln[0], ln[1:].strip()
        for n in ids.get(i, []):
            cur[n] = v
            if n == clock and v == "1" and now >= t0 and (when is None or cur.get(when) == "1"):
                rows.append((now, {s: cur.get(s, "?") for s in signals}))
    return rows


def _fmt(v: str) -> str:
    return f"{int(v, 2):#x}" if v and set(v) <= {"0", "1"} and len(v) > 1 else v


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("wave", type=Path)
    ap.add_argument("signals", nargs="+")
    ap.add_argument("--from", dest="t0", type=float, default=0)
    ap.add_argument("--to", dest="t1", type=float, default=float("inf"))
    ap.add_argument("--clock", default="clk")
    ap.add_argument("--when")
    args = ap.parse_args(argv)
    for t, vals in probe(args.wave, args.signals, args.t0, args.t1, args.clock, args.when):
        print(f"{t:10.0f} ns  " + "  ".join(f"{k}={_fmt(v)}" for k, v in vals.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
