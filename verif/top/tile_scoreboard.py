"""Tile scoreboard of npu_top: every tile the accelerator produces, in order, against the golden simulator.

Fed by monitors only: the program monitor's starts go to the predictor, its endings to `end_export`, the tile
monitors' rows and beats to `acc_export`, `vec_export` and `dram_export`.

When a program starts, the golden simulator runs it (the predictor) and its trace gives, in program order,
each MATMUL's accumulator tile (m rows x N), each vector instruction's accumulator tile (the rows VADD, VMAX,
VSUM or VMAC wrote) and each STORE's output tile (the bytes it writes, element by element). The acc monitor's
rows are matched to the MATMUL tiles, the vec monitor's to the vector tiles and the dram monitor's bytes to the
STORE tiles as their batches arrive (the testbench's collectors hand them over on a strobe and at the end of
each program; numpy compares a batch at once), so a wrong result is reported at the first bad tile (the
earliest by cycle over both streams): the instruction index, the tile, the first differing element, expected
and got, and the cycle. At the end of the program the error code
and index, RETIRED, the DMA byte counters, the counter invariant and the whole final DRAM image are checked
(and, for a lowered operator that carries one, its output bytes against onnxruntime's, counted),
and every expected tile must have arrived (and nothing else). A run that ended with no interrupt within its
cycle budget fails with what the hardware was waiting for (the BFM's hang report) and the tiles outstanding;
a run cut by reset must leave the CSRs idle; an AXI4 protocol violation on the DRAM bus fails the test. The
first mismatch sets the configuration's `stop` event: no program is issued after it.

The first failure of a simulation also leaves first_bad_tile.json next to the log: its cycle and simulated
time (the rising edge, in ps and ns), the test, the program and the message. `make waves` opens the run's
view there, with a marker ("first bad tile") on that edge.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
from pyuvm import uvm_analysis_port, uvm_root, uvm_subscriber

from golden.asm import disassemble_one
from golden.isa import VECTOR_OPS, ErrorCode, Op
from golden.simulator import RunResult, TraceEntry, run_program
from verif.common import context
from verif.common.clock_reset import CLOCK_NS, cycle, cycle_time_ps
from verif.common.counters import cycle_invariant_error
from verif.common.scoreboard_base import ScoreboardBase

from .top_config import TopEnvConfig
from .top_items import AccRows, DramWrites, ProgramResult, ProgramStart

FIRST_BAD_TILE = "first_bad_tile.json"
_cleared = False                            # the stale file of an earlier run in this directory is gone


class _Forward(uvm_subscriber):
    def __init__(self, name, parent, method):
        super().__init__(name, parent)
        self.method = method

    def write(self, item):
        self.method(item)


@dataclass
class Prediction:
    program: ProgramStart
    golden: RunResult


class TilePredictor(uvm_subscriber):
    """Fed by the program monitor's starts: the golden simulator runs the program on the image the DUT was
    started on; the prediction (its trace, final state and counts) goes out on `ap`."""

    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)
        self.last: RunResult | None = None

    def write(self, p: ProgramStart):
        cfg = TopEnvConfig.get(self).machine
        # a program that continues the previous one (make bench's MATMULs on operands loaded before) starts
        # from the scratchpad and accumulator the golden model left; any other starts from zeros
        state = {"sp": self.last.sp, "acc": self.last.acc} if p.tag.continues and self.last is not None else {}
        self.last = run_program(cfg, p.dram, p.inst_base, p.inst_count, bus_errors=p.bus_errors, **state)
        self.ap.write(Prediction(p, self.last))


def store_bytes(e: TraceEntry) -> tuple[np.ndarray, np.ndarray, int]:
    """(addresses, bytes, element size) a STORE tile writes, in element order (y, x, lane), little-endian."""
    y, x, ln = e.data.shape
    esize = e.data.dtype.itemsize
    el = (e.where["addr"] + np.arange(y)[:, None, None] * e.where["ys"] + np.arange(x)[None, :, None] * e.where["xs"]
          + np.arange(ln)[None, None, :] * esize)
    addrs = (el.reshape(-1, 1) + np.arange(esize)[None, :]).reshape(-1)
    data = np.ascontiguousarray(e.data.astype(e.data.dtype.newbyteorder("<"))).view(np.uint8).reshape(-1)
    return addrs, data, esize


def _acc_rows(e: TraceEntry) -> tuple[np.ndarray, np.ndarray]:
    """(accumulator rows, their values (m, N)) a MATMUL or vector tile writes, in order."""
    m = e.data.shape[0]
    return e.where["acc_row"] + np.arange(m), e.data.astype(np.int64)


class _Expected:
    """One kind of tile of a program, flattened in program order into the stream the hardware produces (rows
    for MATMUL, bytes for STORE): `keys` (row or address) and `values` per element, `pos` elements seen so far,
    and the tile each element belongs to."""

    def __init__(self, tiles: list[TraceEntry], flatten):
        self.tiles = tiles
        parts = [flatten(e)[:2] for e in tiles]
        sizes = np.array([len(k) for k, _ in parts], np.int64)
        self.ends = np.cumsum(sizes)
        self.size = int(self.ends[-1]) if tiles else 0
        self.keys = np.concatenate([k for k, _ in parts]) if tiles else np.zeros(0, np.int64)
        self.values = np.concatenate([v for _, v in parts]) if tiles else np.zeros(0, np.int64)
        self.pos = 0
        self.done = 0                                # tiles whose every element has been seen
        self.bad = False                             # a bad element was seen: nothing after it is compared

    def tile_of(self, k: int) -> tuple[TraceEntry, int]:
        """The tile element k belongs to, and k's place in it."""
        t = int(np.searchsorted(self.ends, k, side="right"))
        return self.tiles[t], k - int(self.ends[t - 1] if t else 0)

    def advance(self, n: int) -> int:
        """n more elements seen (and matched): how many tiles that completes."""
        self.pos += n
        done = int(np.searchsorted(self.ends, self.pos, side="right"))
        new, self.done = done - self.done, done
        return new

    def missing(self) -> list[TraceEntry]:
        return self.tiles[self.done:]

    def partial(self) -> int:
        return self.pos - int(self.ends[self.done - 1] if self.done else 0)


class TileScoreboard(ScoreboardBase):
    def build_phase(self):
        super().build_phase()
        self.cfg = TopEnvConfig.get(self)
        self.predictor = TilePredictor("predictor", self)
        self.expect_export = _Forward("expect_export", self, self.start)
        self.acc_export = _Forward("acc_export", self, self.write_acc)
        self.dram_export = _Forward("dram_export", self, self.write_dram)
        self.vec_export = _Forward("vec_export", self, self.write_vec)
        self.end_export = _Forward("end_export", self, self.finish)
        self.tiles = {"MATMUL": 0, "VECTOR": 0, "STORE": 0}
        self.reference = {"outputs": 0, "bytes": 0, "differing": 0}   # output bytes checked against onnxruntime
        self.acc = self.dram = self.vec = None          # the program's expected tiles (_Expected)
        self.item: ProgramStart | None = None
        self.golden: RunResult | None = None
        self.tiles_expected = self.cfg.tile_monitors    # without tile monitors only the final checks run
        global _cleared
        if not _cleared:                    # once per simulation: later tests keep the first failure's file
            (context.out_dir() / FIRST_BAD_TILE).unlink(missing_ok=True)
            _cleared = True

    def connect_phase(self):
        self.predictor.ap.connect(self.expect_export.analysis_export)

    def mismatch(self, text: str) -> None:
        super().mismatch(text)
        self.cfg.stop.set()

    # -- a program starts: the predictor's expectation -----------------------------------------------------
    def start(self, p: Prediction):
        self.item = p.program
        self.golden = p.golden
        self.extra_ok = self.golden.err_code == ErrorCode.BUS    # imprecise: later instructions may run
        self.broken = False
        self.first_bad: tuple[int, str] | None = None           # (cycle, report) of the earliest bad tile yet
        if self.tiles_expected:
            self.acc = _Expected([e for e in self.golden.trace if e.op == Op.MATMUL], _acc_rows)
            self.dram = _Expected([e for e in self.golden.trace if e.op == Op.STORE], store_bytes)
            self.vec = _Expected([e for e in self.golden.trace if e.op in VECTOR_OPS], _acc_rows)

    def _where(self) -> str:
        return f"{self.item}"

    def _fail(self, text: str, at_cycle: int | None = None, seen: str | None = None):
        """Report the first bad tile (`at_cycle`: the cycle its bad element was seen; None: a check at the
        end of the program, reported at the current cycle; `seen` says when, if neither)."""
        if not self.broken:
            self.mismatch(f"{self._where()}: {text}")
            self._write_listing()
            self._write_first_bad_tile(text, at_cycle, seen)
        self.broken = True                                   # the first bad tile is the report; no cascade

    def _write_first_bad_tile(self, text: str, at_cycle: int | None, seen: str | None = None):
        path = context.out_dir() / FIRST_BAD_TILE
        if path.exists():                                    # an earlier test of this simulation failed first
            return
        k = cycle() if at_cycle is None else at_cycle
        test = uvm_root().uvm_test_top
        info = {"cycle": k, "time_ps": cycle_time_ps(k), "time_ns": cycle_time_ps(k) / 1000, "clock_ns": CLOCK_NS,
                "seen": seen or ("at the bad tile" if at_cycle is not None else "at the end of the program"),
                "test": test.get_type_name() if test is not None else None, "program": str(self.item),
                "message": text}
        path.write_text(json.dumps(info, indent=1) + "\n")
        self.logger.error(f"first bad tile: cycle {k} ({info['time_ns']:,.0f} ns), {path}")

    def _write_listing(self):
        """The failing program, disassembled with instruction indices, next to the log."""
        item = self.item
        path = context.out_dir() / f"{item.name.replace('[', '_').replace(']', '')}.S"
        lines = [f"# {item}: inst_base={item.inst_base:#x} inst_count={item.inst_count} knobs={item.knobs}"]
        lines += [f"{i:5d}: {disassemble_one(ins)}" for i, ins in enumerate(item.instructions())]
        path.write_text("\n".join(lines) + "\n")
        self.logger.error(f"program listing: {path}")

    # -- tiles arrive, in batches --------------------------------------------------------------------------
    def _bad_tile(self, text: str, at_cycle: int):
        """A bad element: the report is the earliest one by cycle over both streams (a wrong STORE makes the
        MATMUL after it wrong too, and the acc batch may be read first), decided when the program ends."""
        if self.first_bad is None or at_cycle < self.first_bad[0]:
            self.first_bad = (at_cycle, text)

    def write_acc(self, w: AccRows):
        """Each array row against the next expected MATMUL row, in order; the first bad one is a candidate report."""
        if self.item is not None and not self.broken:
            self._write_rows(self.acc, w, "MATMUL", "the array")

    def write_vec(self, w: AccRows):
        """Each vector-unit row against the next expected vector-tile row, in order."""
        if self.item is not None and not self.broken:
            self._write_rows(self.vec, w, "VECTOR", "the vector unit")

    def _write_rows(self, x: "_Expected", w: AccRows, kind: str, source: str):
        if x.bad:
            return
        pos, take = x.pos, min(len(w), x.size - x.pos)
        if take:
            want_rows, want_vals = x.keys[pos:pos + take], x.values[pos:pos + take]
            bad_row = (w.rows[:take] != want_rows) | ~w.written[:take] | ~w.known[:take]
            bad_lane = (w.values[:take] != want_vals) & ~bad_row[:, None]
            bad = np.nonzero(bad_row | bad_lane.any(1))[0]
            if bad.size:
                i = int(bad[0])
                e, k = x.tile_of(pos + i)
                cyc = int(w.cycles[i])
                if bad_row[i]:
                    what = ("was not written" if not w.written[i] else "was written with X/Z bits"
                            if not w.known[i] else f"went to row {int(w.rows[i])}")
                    self._bad_tile(f"{e.describe()}: result row {k} (ACC row {int(want_rows[i])}) {what} "
                                   f"(cycle {cyc})", cyc)
                else:
                    lane = int(np.nonzero(bad_lane[i])[0][0])
                    self._bad_tile(f"{e.describe()}: first difference at row {k} (ACC row {int(want_rows[i])}) "
                                   f"lane {lane}: expected {int(want_vals[i, lane])}, got {int(w.values[i, lane])} "
                                   f"(cycle {cyc})", cyc)
                x.bad = True
                return
            self._completed(kind, x.advance(take))
        if take < len(w) and not self.extra_ok:
            cyc = int(w.cycles[take])
            self._bad_tile(f"accumulator row {int(w.rows[take])} written by {source} at cycle {cyc} with no "
                           f"{kind} tile outstanding", cyc)
            x.bad = True

    def write_dram(self, w: DramWrites):
        """Each byte against the next expected STORE byte (address and value), in order."""
        if self.item is None or self.broken or self.dram.bad:
            return
        x = self.dram
        pos, take = x.pos, min(len(w), x.size - x.pos)
        if take:
            want_a, want_b = x.keys[pos:pos + take], x.values[pos:pos + take]
            bad = np.nonzero((w.addrs[:take] != want_a) | (w.data[:take] != want_b))[0]
            if bad.size:
                i = int(bad[0])
                e, j = x.tile_of(pos + i)
                esize = e.data.dtype.itemsize
                y, xs, ln = e.data.shape
                el = j // esize
                yi, xi, li = el // (xs * ln), el // ln % xs, el % ln
                cyc = int(w.cycles[i])
                self._bad_tile(f"{e.describe()}: first difference at element [y={yi}, x={xi}, lane={li}] "
                               f"(value {int(e.data[yi, xi, li])}), byte {j % esize}: expected {int(want_b[i]):#04x} "
                               f"at {int(want_a[i]):#x}, got {int(w.data[i]):#04x} at {int(w.addrs[i]):#x} "
                               f"(cycle {cyc})", cyc)
                x.bad = True
                return
            self._completed("STORE", x.advance(take))
        if take < len(w) and not self.extra_ok:
            cyc = int(w.cycles[take])
            self._bad_tile(f"DRAM write of {len(w) - take} byte(s) at {int(w.addrs[take]):#x} (cycle {cyc}) "
                           f"with no STORE tile outstanding", cyc)
            x.bad = True

    def _completed(self, kind: str, tiles: int):
        self.tiles[kind] += tiles
        self.compared += tiles

    # -- the program ended ---------------------------------------------------------------------------------
    def finish(self, r: ProgramResult):
        item, g = self.item, self.golden
        if r.program is None or r.program is not item:
            self.mismatch(f"{r.program or 'a program'} ended (code {r.code} at {r.index}, cycle {r.end_cycle}) "
                          f"but the predictor never saw it start")
            self.item = None
            return
        if self.first_bad is not None:
            self._fail(self.first_bad[1], self.first_bad[0])
        if r.violation is not None:
            self.mismatch(f"{item}: AXI4 protocol checker: rule {r.violation} violated on the DRAM bus")
        if r.handshake is not None:
            self.mismatch(f"{item}: {r.handshake} violated")
        if r.reset:
            x = r.extra
            if x["status"] & 1 or x["irq_status"] or x["irq"]:
                self.mismatch(f"{item}: after reset STATUS={x['status']:#x}, IRQ_STATUS={x['irq_status']}, "
                              f"irq={x['irq']} (expected idle)")
        if r.reset or self.broken:
            self.item = None
            return
        if r.hung is not None:
            self._fail(f"no interrupt within {r.hung} cycles of START (hung). Pending: {r.pending}; "
                       f"scoreboard: {self.backlog()}; reproduce: {context.reproduce_command()}",
                       r.end_cycle, "when the cycle budget ran out")
            self.item = None
            return
        want = (int(g.err_code), g.err_index) if g.status == "ERROR" else (0, 0)
        if (r.code, r.index) != want:
            self._fail(f"ended with code {r.code} at {r.index}, golden {g.message()}")
        elif not self.extra_ok:
            missing = [e.describe() for e in self.acc.missing() + self.vec.missing() + self.dram.missing()] \
                if self.tiles_expected else []
            if missing:
                self._fail(f"{len(missing)} tile(s) never produced, first {missing[0]}")
            elif r.dram != bytes(g.dram):
                a = next(i for i in range(len(r.dram)) if r.dram[i] != g.dram[i])
                self._fail(f"final DRAM byte {a:#x} expected {int(g.dram[a]):#04x}, got {r.dram[a]:#04x}")
            else:
                self._counters(r, g)
                self._reference(r, item.tag.reference)
        elif self.tiles_expected:
            # a bus error: everything before the faulting instruction must have completed
            early = [e for e in self.acc.missing() + self.vec.missing() + self.dram.missing() if e.index < g.err_index]
            if early:
                self._fail(f"bus error at {g.err_index}, but {early[0].describe()} never produced")
        if (bad := cycle_invariant_error(r.counters)):
            self._fail(bad)
        self.item = None

    def _reference(self, r: ProgramResult, ref: tuple | None):
        """The output bytes against the outside reference's (onnxruntime), every byte counted."""
        if ref is None:
            return
        addr, want, who = ref
        got = np.frombuffer(r.dram[addr:addr + len(want)], np.uint8)
        want = np.frombuffer(bytes(want), np.uint8)
        bad = np.flatnonzero(got != want)
        self.reference["outputs"] += 1
        self.reference["bytes"] += len(want)
        self.reference["differing"] += len(bad)
        if bad.size:
            k = int(bad[0])
            self._fail(f"{len(bad)} of {len(want)} output bytes differ from {who}'s, first at {addr + k:#x}: "
                       f"{who} {want[k]:#04x}, got {got[k]:#04x}")

    def _counters(self, r: ProgramResult, g: RunResult):
        c, n2 = r.counters, self._n() ** 2
        checks = [("RETIRED", c["retired"], g.executed),
                  ("MAC_ACTIVE", c["mac_active"], g.stats.get("macs", 0) // n2),
                  ("DMA_RD_BYTES", c["rd_bytes"], g.stats.get("dram_read_bytes", 0)),
                  ("DMA_WR_BYTES", c["wr_bytes"], g.stats.get("dram_write_bytes", 0))]
        for name, got, want in checks:
            if got != want:
                self._fail(f"counter {name} = {got}, golden {want}")
                return
        # the vector unit's reads count where the array is idle (MAC_ACTIVE has the first claim on a cycle)
        reads = g.stats.get("vector_reads", 0)
        if not c["vec_active"] <= reads <= c["vec_active"] + c["mac_active"]:
            self._fail(f"counter VEC_ACTIVE = {c['vec_active']} (MAC_ACTIVE {c['mac_active']}), but the vector unit "
                       f"reads {reads} scratchpad rows")

    def _n(self) -> int:
        return self.golden.sp.shape[1]

    def backlog(self) -> str:
        if self.item is None:
            return "no program"
        if not self.tiles_expected:
            return "tile monitors off"
        return (f"{len(self.acc.missing())} MATMUL, {len(self.vec.missing())} vector and {len(self.dram.missing())} "
                f"STORE tile(s) outstanding, {self.acc.partial()} + {self.vec.partial()} row(s) and "
                f"{self.dram.partial()} byte(s) of the next tiles seen")
