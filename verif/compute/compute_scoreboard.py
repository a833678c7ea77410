"""Scoreboard of the compute unit: the unit scoreboard (golden model from the input monitor, the whole
accumulator compared after each MATMUL), and per MATMUL ev_mac_active high for exactly its m activation rows."""
from __future__ import annotations

from golden.asm import disassemble_one
from verif.common.unit_items import Executed
from verif.common.unit_scoreboard import UnitScoreboard


class ComputeScoreboard(UnitScoreboard):
    def build_phase(self):
        super().build_phase()
        self.rows = 0

    def describe(self, ex: Executed) -> str:
        return f"MATMUL {ex.index} `{disassemble_one(ex.ins)}`"

    def check_more(self, ex: Executed, what: str) -> None:
        self.rows += ex.ins.m
        macs = ex.counters["mac_active"]
        if macs != ex.ins.m:
            self.mismatch(f"{what}: ev_mac_active counted {macs} cycles, {ex.ins.m} activation rows went through "
                          f"the array")

    def report_phase(self):
        n = self.predictor.machine.n
        self.logger.info(f"{self.rows} activation rows, {self.rows * n * n} MACs")
