"""Scoreboard of an execution-unit environment. The predictor keeps the golden model's SP, ACC and DRAM, fed by
the input monitor: a memory fill writes them; an executed instruction runs CONFIG and VCONFIG (its entry's
snapshot) + the instruction + HALT through golden.simulator from that state, and the result is the expectation. The
comparator, fed by the output monitor, matches each read-back against the oldest expectation: every row the
model has defined (filled, or written by an executed instruction) must be defined in the RTL and equal, and
the DRAM window byte for byte; then the unit's err. A block names its instructions in messages (`describe`)
and may check more (`check_more`). Every AXI4 protocol violation is a mismatch."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
from pyuvm import uvm_subscriber

from golden import isa
from golden.asm import disassemble_one
from golden.footprint import footprint
from golden.isa import Op
from golden.simulator import RunResult, run_program

from .analysis import ToMethod
from .scoreboard_base import ScoreboardBase
from .unit_env_config import UnitEnvConfig
from .unit_items import Executed
from .unit_queue_bfm import Readback, Violation, Written

ROW_MEMORIES = {"sp": "SP", "acc": "ACC"}


@dataclass
class Expectation:
    executed: Executed
    result: RunResult
    defined: dict               # "SP"/"ACC" -> bool per row, after the instruction


class UnitPredictor(uvm_subscriber):
    def build_phase(self):
        cfg = UnitEnvConfig.get(self)
        m = self.machine = cfg.machine
        self.prog_base = cfg.data_bytes
        self.dram = np.zeros(m.dram_bytes, np.uint8)
        self.sp = np.zeros((m.sp_rows, m.n), np.int8)
        self.acc = np.zeros((m.acc_rows, m.n), np.int32)
        self.defined = {"SP": np.zeros(m.sp_rows, bool), "ACC": np.zeros(m.acc_rows, bool)}
        self.expected: deque[Expectation] = deque()

    def write(self, item):
        if isinstance(item, Written):
            self._fill(item)
        elif isinstance(item, Executed):
            self._execute(item)

    def _fill(self, w: Written):
        if w.mem == "DRAM":
            self.dram[w.base:w.base + len(w.data)] = np.frombuffer(bytes(w.data), np.uint8)
            return
        mem = self.sp if w.mem == "SP" else self.acc
        rows = np.asarray(w.data)
        mem[w.base:w.base + len(rows)] = rows
        self.defined[w.mem] = self.defined[w.mem].copy()
        self.defined[w.mem][w.base:w.base + len(rows)] = True

    def _execute(self, ex: Executed):
        image = self.dram.copy()
        words = [ex.conf] + ([ex.vconf] if ex.vconf is not None else []) + [ex.ins, isa.make(Op.HALT)]
        prog = np.frombuffer(isa.encode_program(words), np.uint8)
        image[self.prog_base:self.prog_base + len(prog)] = prog
        res = run_program(self.machine, image, self.prog_base, len(words), sp=self.sp, acc=self.acc)
        if res.status == "DONE":
            self.dram[:self.prog_base] = res.dram[:self.prog_base]      # the program area is not modelled memory
            self.sp, self.acc = res.sp, res.acc
            for key, (lo, hi, _, wr) in footprint(ex.ins, self.machine).items():
                if wr and key in ROW_MEMORIES:
                    mem = ROW_MEMORIES[key]
                    self.defined[mem] = self.defined[mem].copy()
                    self.defined[mem][lo:hi + 1] = True
        self.expected.append(Expectation(ex, res, dict(self.defined)))


class UnitScoreboard(ScoreboardBase):
    def build_phase(self):
        super().build_phase()
        self.predictor = UnitPredictor("predictor", self)
        self.comparator = ToMethod("comparator", self, self.compare)   # the output monitor's records, in order
        self.queue = UnitEnvConfig.get(self).bfm.queue

    # -- what a block provides ---------------------------------------------------------------------------------
    def describe(self, ex: Executed) -> str:
        return f"instruction {ex.index} `{disassemble_one(ex.ins)}`"

    def check_more(self, ex: Executed, what: str) -> None:
        """Block-specific checks of an executed instruction (after its memories and err)."""

    # -- comparing ---------------------------------------------------------------------------------------------
    def compare(self, item):
        if isinstance(item, Violation):
            what = item.what or f"AXI4 protocol checker: rule {item.code}"
            self.mismatch(f"{what} violated (cycle {item.cycle})")
            return
        assert isinstance(item, Readback), item
        if not self.predictor.expected:
            self.mismatch(f"memories read back at cycle {item.cycle} after no instruction the unit reported done")
            return
        e = self.predictor.expected.popleft()
        ex, res = e.executed, e.result
        what = self.describe(ex)
        self.compared += 1
        if res.status != "DONE":
            self.mismatch(f"{what}: the golden model does not execute it ({res.message()}): a stimulus bug")
            return
        for mem, got in item.memories.items():
            problem = self._dram(got, res.dram) if mem == "DRAM" else \
                self._rows(mem, got, res.sp if mem == "SP" else res.acc, e.defined[mem])
            if problem:
                self.mismatch(f"{what}: {problem} (done at cycle {ex.cycle})")
                break
        if ex.err:
            self.mismatch(f"{what}: {self.queue}_err raised with no bus error (cycle {ex.cycle})")
        self.check_more(ex, what)

    @staticmethod
    def _rows(mem: str, got: list, want: np.ndarray, defined: np.ndarray) -> str | None:
        for r in np.flatnonzero(defined):
            row = got[r]
            if isinstance(row, str):
                return f"{mem} row {r} has undefined bits ({row}), expected {want[r].tolist()}"
            if not np.array_equal(row, want[r]):
                lane = int(np.argmax(row != want[r]))
                return f"{mem} row {r} lane {lane} expected {int(want[r, lane])}, got {int(row[lane])}"
        return None

    @staticmethod
    def _dram(got: bytes, want: np.ndarray) -> str | None:
        want = want[:len(got)].tobytes()
        if got == want:
            return None
        a = next(i for i in range(len(got)) if got[i] != want[i])
        return f"DRAM byte {a:#x} expected {want[a]:#04x}, got {got[a]:#04x}"

    def pending(self) -> list[str]:
        return [f"{self.describe(e.executed)}: done at cycle {e.executed.cycle}, its memories never read back"
                for e in self.predictor.expected]
