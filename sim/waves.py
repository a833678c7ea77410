"""`make waves`: find the waveform of a run and open it in GTKWave with a saved view for its block.

    python -m sim.waves --block npu_top --sim verilator --seed 3 [-P 'N=16'] [--define …] [--no-open]
    python -m sim.waves --block npu_top --dir out/regress/nightly/runs/…/waves     # any run directory
    python -m sim.waves --block npu_top --wave path/to/dump.fst

The run is the one `make sim … WAVES=1` wrote (the command every failing test prints). The view (a .gtkw next
to the waves) has the groups of the block's probe file (sim/probes.py; for npu_top
verif/top/hdl/tb_npu_top.probes.yaml: the CSR bus, the controller, the DRAM read and write channels, each
unit, the array's inputs and outputs, the accumulator writes, the counters, the protocol checker). The signal
list and widths are read from the wave file itself with pywellen (FST or VCD, no GTKWave tools needed), so
one view serves both simulators and is right wherever it is written. A probe that is not in the wave file is
an error (the view still gets written, with the missing probes named in it). A block without a probe file
gets one group of the testbench top's ports.

When the run failed, the tile scoreboard left first_bad_tile.json next to its log: the view then opens at
that cycle with the primary marker and named marker A ("first bad tile") on its rising edge. Without a
display (or without gtkwave) it prints where the files are and the command to open them."""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pywellen

from sim import blocks, probes
from sim.probes import ProbeError, ProbeFile
from sim.run import _params, default_run_dir

FIRST_BAD_TILE = "first_bad_tile.json"      # written by verif/top/tile_scoreboard.py next to the run's log
NAMED_MARKERS = 26                          # GTKWave's named markers A..Z on the `*` line
CYCLES_BEFORE, CYCLES_SHOWN = 24, 64        # a failing run's view: from 24 cycles before the marker, ~64 wide
VIEW_WIDTH_PX = 1600


@dataclass(frozen=True)
class Sig:
    name: str                   # the name GTKWave knows (full hierarchical path, without the bit range)
    width: int

    def gtkw(self) -> str:
        # GTKWave names a vector path[msb:lsb]; every probed vector here is declared [width-1:0]
        return self.name + (f"[{self.width - 1}:0]" if self.width > 1 else "")


@dataclass
class Wave:
    path: Path
    top: str
    signals: dict[str, Sig]     # path under the testbench top -> signal
    unit_exp: int               # the wave's time unit is 10**unit_exp s (so is GTKWave's, for this file)

    def units(self, ps: float) -> int:
        """A time in ps in the wave's (and the .gtkw's) time unit."""
        return round(ps * 10.0 ** (-12 - self.unit_exp))


def read_wave(wave: Path, top: str) -> Wave:
    """The signals under the testbench top `top`, from the wave file's hierarchy (pywellen: FST or VCD)."""
    try:
        w = pywellen.Waveform(str(wave))
    except Exception as e:                                    # noqa: BLE001 - say which file and why
        raise ProbeError(f"waves: cannot read {wave}: {e}") from None
    out: dict[str, Sig] = {}
    for v in w.all_vars():
        full = v.full_name
        if full.startswith(top + "."):
            rel = full[len(top) + 1:]
        else:
            at = full.find("." + top + ".")
            if at < 0:
                continue
            rel = full[at + len(top) + 2:]
        # the shortest path wins (a scope of the same name nested deeper loses)
        if rel not in out or len(full) < len(out[rel].name):
            out[rel] = Sig(full, int(v.bitwidth or 1))
    ts = w.timescale
    exp = ts.unit.to_exponent() if ts is not None else None
    # GTKWave keeps times as raw value x timescale factor, in the timescale's unit (a 10ps file: ps)
    return Wave(Path(wave), top, out, -12 if exp is None else exp)


@dataclass
class Marker:
    time_ps: int
    cycle: int | None = None
    clock_ns: float = 10
    label: str = "first bad tile"
    message: str = ""


def first_bad_tile(run_dir: Path, wave: Path | None = None) -> Marker | None:
    """The marker of a failing run: first_bad_tile.json in its directory (None when the run did not fail). With
    `wave`, a file written after the wave file (by a later run without waves) is ignored, with a note."""
    p = Path(run_dir) / FIRST_BAD_TILE
    if not p.is_file():
        return None
    if wave is not None and p.stat().st_mtime > Path(wave).stat().st_mtime + 2:
        print(f"waves: ignoring {p}: it is newer than {Path(wave).name} (a later run without waves wrote it)",
              file=sys.stderr)
        return None
    d = json.loads(p.read_text())
    return Marker(int(d["time_ps"]), d.get("cycle"), float(d.get("clock_ns", 10)), message=d.get("message", ""))


@dataclass
class View:
    path: Path                                              # the .gtkw
    wave: Wave
    groups: list[tuple[str, list[tuple[str, Sig]]]]         # (title, [(probe name or path, signal)])
    missing: list[tuple[str, str, str]] = field(default_factory=list)   # (group, probe, path) not in the wave
    marker: Marker | None = None
    probe_file: ProbeFile | None = None

    def summary(self) -> str:
        text = f"{len(self.groups)} groups, {sum(len(s) for _, s in self.groups)} signals"
        if self.marker:
            cyc = f"cycle {self.marker.cycle}, " if self.marker.cycle is not None else ""
            text += f"; marker '{self.marker.label}' at {cyc}{self.marker.time_ps / 1000:,.1f} ns"
        return text

    def missing_text(self) -> str:
        pf = self.probe_file
        names = list(dict.fromkeys(f"{n} ({pf.testbench}.{p})" for _, n, p in self.missing))
        return (f"waves: {len(names)} probe(s) of {pf.testbench} not in {self.wave.path}: {', '.join(names)}. "
                f"The wave file is from an older RTL (rerun make sim ... WAVES=1), or {pf.where()} is stale.")

    def render(self) -> str:
        w = self.wave
        named = [-1] * NAMED_MARKERS
        start, zoom, primary = 0, -24.0, -1
        if self.marker is not None:
            t = w.units(self.marker.time_ps)
            per_cycle = max(1, w.units(self.marker.clock_ns * 1000))
            primary = named[0] = t
            start = max(0, t - CYCLES_BEFORE * per_cycle)
            # GTKWave draws 2**-zoom time units per pixel; the wave pane is about 3/4 of the window
            zoom = -float(round(math.log2(max(1.0, CYCLES_SHOWN * per_cycle / (VIEW_WIDTH_PX * 0.75)))))
        src = self.probe_file.where() if self.probe_file else f"the ports of {w.top}"
        lines = [f"[*] written by sim/waves.py from {src}",
                 f'[dumpfile] "{w.path.resolve()}"', f'[savefile] "{self.path.resolve()}"', f"[timestart] {start}",
                 f"[size] {VIEW_WIDTH_PX} 1000", "[pos] -1 -1",
                 f"*{zoom:.6f} {primary} " + " ".join(map(str, named))]
        if self.marker is not None:
            lines.append(f"[markername] A{self.marker.label}")
        for title, sigs in self.groups:
            lines += ["@800200", f"-{title}"]
            for _, s in sigs:
                lines += ["@22" if s.width > 1 else "@28", s.gtkw()]
            for g, n, p in self.missing:                     # a comment trace where the signal would be
                if g == title:
                    lines += ["@200", f"-MISSING from the wave file: {n} ({p})"]
            lines += ["@1000200", f"-{title}"]
        return "\n".join(lines) + "\n"

    def write(self) -> Path:
        self.path.write_text(self.render())
        return self.path


def view_for(block: str, wave: Path, top: str, marker: Marker | None | bool = True) -> View:
    """The view of `wave` for `block` (its probe file's groups; the top's ports without one). `marker=True`:
    the run's first_bad_tile.json next to the wave, if any."""
    wave = Path(wave)
    w = read_wave(wave, top)
    pf = probes.for_block(blocks.get(block)) if block in blocks.BLOCKS else probes.for_toplevel(top)
    if marker is True:
        marker = first_bad_tile(wave.parent, wave)
    view = View(wave.with_name(f"{block}.gtkw"), w, [], [], marker or None, pf)
    if pf is None:
        ports = [(rel, s) for rel, s in sorted(w.signals.items()) if "." not in rel]
        if not ports:
            raise ProbeError(f"waves: no signals under {top} in {wave} (is {top} the top of this run?)")
        view.groups = [(f"{top} ports", ports)]
        return view
    for title, names in pf.views:
        chosen = []
        for n in names:
            p = pf.probes[n]
            if p in w.signals:
                chosen.append((n, w.signals[p]))
            else:
                view.missing.append((title, n, p))
        view.groups.append((title, chosen))
    return view


def write_view(block: str, wave: Path, top: str, *, marker: Marker | None | bool = True,
               strict: bool = False) -> Path:
    """Write <wave dir>/<block>.gtkw for `wave` and return its path. A probe absent from the wave file is named
    in the view and on stderr; `strict` raises ProbeError for it (after writing the view)."""
    v = view_for(block, wave, top, marker)
    v.write()
    if v.missing:
        if strict:
            raise ProbeError(v.missing_text())
        print(v.missing_text(), file=sys.stderr)
    return v.path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--block", required=True, choices=sorted(blocks.BLOCKS))
    ap.add_argument("--sim", default="icarus")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-P", "--param", action="append", default=[])
    ap.add_argument("--define", action="append", default=[])
    ap.add_argument("--dir", type=Path, help="a run directory (default: the one `make sim` writes for these knobs)")
    ap.add_argument("--wave", type=Path, help="a wave file (default: the newest .fst/.vcd in the run directory)")
    ap.add_argument("--no-open", action="store_true")
    args = ap.parse_args(argv)
    defines = tuple(d for item in args.define for d in item.split())
    if args.wave:
        wave = args.wave
        if not wave.is_file():
            print(f"waves: no file {wave}")
            return 1
    else:
        run_dir = args.dir or default_run_dir(args.block, args.sim, args.seed, _params(args.param), defines)
        waves = sorted(run_dir.glob("*.fst")) + sorted(run_dir.glob("*.vcd"))
        if not waves:
            print(f"waves: none in {run_dir}\n  write them first: make sim BLOCK={args.block} SIM={args.sim} "
                  f"SEED={args.seed} WAVES=1 (the command a failing test prints)")
            return 1
        wave = max(waves, key=lambda p: p.stat().st_mtime)
    try:
        v = view_for(args.block, wave, blocks.get(args.block).toplevel)
    except ProbeError as e:
        print(e)
        return 1
    view = v.write()
    print(f"waves: {wave}\nview:  {view} ({v.summary()})")
    if v.marker is not None and v.marker.message:
        print(f"first bad tile: {v.marker.message}")
    if v.missing:
        print(v.missing_text())
        return 1
    cmd = f"gtkwave {wave} {view}"
    have_gtkwave = shutil.which("gtkwave")
    display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    if args.no_open or not have_gtkwave or not display:
        why = ("gtkwave is not on PATH: apt-get install gtkwave, or copy both files to a machine that has it"
               if not have_gtkwave else "no display (DISPLAY/WAYLAND_DISPLAY unset)" if not display else "--no-open")
        print(f"open with: {cmd}\n  ({why}; the view is complete either way)")
        return 0
    subprocess.Popen(cmd.split(), start_new_session=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
