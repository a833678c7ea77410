"""Tile scoreboard of npu_top: every tile the accelerator produces, in order, against the golden simulator.

Fed by monitors only: the program monitor's starts go to the predictor, its endings to `end_export`, the tile
monitors' rows and beats to `acc_export` and `dram_export`.

When a program starts, the golden simulator runs it (the predictor) and its trace gives, in program order,
each MATMUL's accumulator tile (m rows x N) and each STORE's output tile (the bytes it writes, element by
element). The acc monitor's rows are matched to the MATMUL tiles and the dram monitor's bytes to the
STORE tiles as they arrive, so a wrong result is reported at the first bad tile: the instruction index, the
tile, the first differing element, expected and got, and the cycle. At the end of the program the error code
and index, RETIRED, the DMA byte counters, the counter invariant and the whole final DRAM image are checked,
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
from collections import deque
from dataclasses import dataclass

import numpy as np
from pyuvm import uvm_analysis_port, uvm_root, uvm_subscriber

from golden.asm import disassemble_one
from golden.isa import ErrorCode, Op
from golden.simulator import RunResult, TraceEntry, run_program
from verif.common import context
from verif.common.clock_reset import CLOCK_NS, cycle, cycle_time_ps
from verif.common.counters import cycle_invariant_error
from verif.common.scoreboard_base import ScoreboardBase

from .top_config import TopEnvConfig
from .top_items import AccRowWrite, DramWrite, ProgramResult, ProgramStart

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

    def write(self, p: ProgramStart):
        cfg = TopEnvConfig.get(self).machine
        self.ap.write(Prediction(p, run_program(cfg, p.dram, p.inst_base, p.inst_count, bus_errors=p.bus_errors)))


def store_bytes(e: TraceEntry) -> tuple[np.ndarray, np.ndarray, int]:
    """(addresses, bytes, element size) a STORE tile writes, in element order (y, x, lane), little-endian."""
    y, x, ln = e.data.shape
    esize = e.data.dtype.itemsize
    el = (e.where["addr"] + np.arange(y)[:, None, None] * e.where["ys"] + np.arange(x)[None, :, None] * e.where["xs"]
          + np.arange(ln)[None, None, :] * esize)
    addrs = (el.reshape(-1, 1) + np.arange(esize)[None, :]).reshape(-1)
    data = np.ascontiguousarray(e.data.astype(e.data.dtype.newbyteorder("<"))).view(np.uint8).reshape(-1)
    return addrs, data, esize


class TileScoreboard(ScoreboardBase):
    def build_phase(self):
        super().build_phase()
        self.cfg = TopEnvConfig.get(self)
        self.predictor = TilePredictor("predictor", self)
        self.expect_export = _Forward("expect_export", self, self.start)
        self.acc_export = _Forward("acc_export", self, self.write_acc)
        self.dram_export = _Forward("dram_export", self, self.write_dram)
        self.end_export = _Forward("end_export", self, self.finish)
        self.tiles = {"MATMUL": 0, "STORE": 0}
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
        self.matmuls = deque(e for e in self.golden.trace if e.op == Op.MATMUL)
        self.stores = deque(e for e in self.golden.trace if e.op == Op.STORE)
        self.rows: list[AccRowWrite] = []
        self.addrs: list[int] = []
        self.bytes: list[int] = []
        self.cycles: list[int] = []
        self.extra_ok = self.golden.err_code == ErrorCode.BUS    # imprecise: later instructions may run
        self.broken = False

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

    # -- tiles arrive --------------------------------------------------------------------------------------
    def write_acc(self, w: AccRowWrite):
        if self.item is None or self.broken:
            return
        if not self.matmuls:
            if not self.extra_ok:
                self._fail(f"accumulator row {w.row} written at cycle {w.cycle} with no MATMUL tile outstanding",
                           w.cycle)
            return
        self.rows.append(w)
        e = self.matmuls[0]
        if len(self.rows) < e.data.shape[0]:
            return
        self.matmuls.popleft()
        rows, self.rows = self.rows, []
        for k, got in enumerate(rows):
            want_row = e.where["acc_row"] + k
            if got.row != want_row or got.values is None:
                what = "was not written" if got.values is None else f"went to row {got.row}"
                self._fail(f"{e.describe()}: result row {k} (ACC row {want_row}) {what} (cycle {got.cycle})",
                           got.cycle)
                return
            bad = np.nonzero(got.values != e.data[k].astype(np.int64))[0]
            if bad.size:
                lane = int(bad[0])
                self._fail(f"{e.describe()}: first difference at row {k} (ACC row {want_row}) lane {lane}: "
                           f"expected {int(e.data[k, lane])}, got {int(got.values[lane])} (cycle {got.cycle})",
                           got.cycle)
                return
        self.tiles["MATMUL"] += 1
        self.compared += 1

    def write_dram(self, w: DramWrite):
        if self.item is None or self.broken:
            return
        self.addrs += w.addrs
        self.bytes += list(w.data)
        self.cycles += [w.cycle] * len(w.addrs)
        while self.stores and not self.broken:
            e = self.stores[0]
            addrs, data, esize = store_bytes(e)
            if len(self.addrs) < len(addrs):
                return
            self.stores.popleft()
            got_a, got_b = np.array(self.addrs[:len(addrs)]), np.array(self.bytes[:len(addrs)])
            cyc = self.cycles[:len(addrs)]
            del self.addrs[:len(addrs)], self.bytes[:len(addrs)], self.cycles[:len(addrs)]
            bad = np.nonzero((got_a != addrs) | (got_b != data))[0]
            if bad.size:
                i = int(bad[0])
                y, x, ln = e.data.shape
                el = i // esize
                yi, xi, li = el // (x * ln), el // ln % x, el % ln
                self._fail(f"{e.describe()}: first difference at element [y={yi}, x={xi}, lane={li}] "
                           f"(value {int(e.data[yi, xi, li])}), byte {i % esize}: expected {int(data[i]):#04x} at "
                           f"{int(addrs[i]):#x}, got {int(got_b[i]):#04x} at {int(got_a[i]):#x} (cycle {cyc[i]})",
                           cyc[i])
                return
            self.tiles["STORE"] += 1
            self.compared += 1
        if self.addrs and not self.stores and not self.extra_ok:
            self._fail(f"DRAM write of {len(self.addrs)} byte(s) at {self.addrs[0]:#x} (cycle {self.cycles[0]}) "
                       f"with no STORE tile outstanding", self.cycles[0])

    # -- the program ended ---------------------------------------------------------------------------------
    def finish(self, r: ProgramResult):
        item, g = self.item, self.golden
        if r.program is None or r.program is not item:
            self.mismatch(f"{r.program or 'a program'} ended (code {r.code} at {r.index}, cycle {r.end_cycle}) "
                          f"but the predictor never saw it start")
            self.item = None
            return
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
            missing = [e.describe() for e in list(self.matmuls) + list(self.stores)] if self.tiles_expected else []
            if missing:
                self._fail(f"{len(missing)} tile(s) never produced, first {missing[0]}")
            elif self.rows or self.addrs:
                self._fail(f"{len(self.rows)} accumulator row(s) and {len(self.addrs)} DRAM byte(s) left over "
                           f"after the last tile")
            elif r.dram != bytes(g.dram):
                a = next(i for i in range(len(r.dram)) if r.dram[i] != g.dram[i])
                self._fail(f"final DRAM byte {a:#x} expected {int(g.dram[a]):#04x}, got {r.dram[a]:#04x}")
            else:
                self._counters(r, g)
        elif self.tiles_expected and (self.matmuls or self.stores):
            # a bus error: everything before the faulting instruction must have completed
            early = [e for e in list(self.matmuls) + list(self.stores) if e.index < g.err_index]
            if early:
                self._fail(f"bus error at {g.err_index}, but {early[0].describe()} never produced")
        if (bad := cycle_invariant_error(r.counters)):
            self._fail(bad)
        self.item = None

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

    def _n(self) -> int:
        return self.golden.sp.shape[1]

    def backlog(self) -> str:
        if self.item is None:
            return "no program"
        return (f"{len(self.matmuls)} MATMUL and {len(self.stores)} STORE tile(s) outstanding, "
                f"{len(self.rows)} row(s) and {len(self.addrs)} byte(s) buffered")
