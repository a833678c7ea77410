"""Scoreboard of rtl/sram: replays every completed access, in acceptance order (reads of a cycle before its
writes), on the reference memory model and checks read data (defined lanes), error flags (out of range and
only then), the one-cycle response latency, and that no request waited more than one cycle for a bank."""
from __future__ import annotations

from verif.common.components import Collector
from verif.common.scoreboard_base import ScoreboardBase

from .ref_model import RefMemory
from .sram_coverage import sample_access


class SramScoreboard(ScoreboardBase):
    rows = 0
    lanes = 0
    bits = 0
    max_wait = 1                     # None: no bound (the write-priority accumulator's reads)
    write_never_waits = False
    memory = "scratchpad"          # which covergroup

    def build_phase(self):
        super().build_phase()
        self.collector = Collector("collector", self)

    def check_phase(self):
        model = RefMemory(self.rows, self.lanes, self.bits)
        last_write: dict[int, int] = {}
        same_cycle_writes = {(a.cycle, a.row) for a in self.collector.items if a.write}
        for a in sorted(self.collector.items, key=lambda a: (a.cycle, a.write)):
            where = f"{a.port} {'write' if a.write else 'read'} row {a.row} accepted at cycle {a.cycle}"
            self.compared += 1
            if a.rsp_cycle != a.cycle + 1:
                self.mismatch(f"{where}: response at cycle {a.rsp_cycle}, expected {a.cycle + 1}")
            if self.max_wait is not None and a.waited > self.max_wait:
                self.mismatch(f"{where}: waited {a.waited} cycles for its bank (starvation)")
            if self.write_never_waits and a.write and a.waited:
                self.mismatch(f"{where}: a write waited {a.waited} cycle(s) in write-priority mode")
            oor = not model.in_range(a.row)
            if a.rsp_err != oor:
                self.mismatch(f"{where}: error flag {int(a.rsp_err)}, expected {int(oor)} (rows 0..{self.rows - 1})")
            # a read accepted with a write to its row in the same cycle sees the old row (distance 0)
            distance = 0 if not a.write and (a.cycle, a.row) in same_cycle_writes else a.cycle - last_write.get(a.row, -10)
            sample_access(self.memory, a, self.rows, distance)
            if oor:
                continue
            if a.write:
                model.write(a.row, a.lanes, a.data, a.acc)
                last_write[a.row] = a.cycle
            elif isinstance(a.rsp_data, str):
                self.mismatch(f"{where}: read data has undefined bits: {a.rsp_data}")
            elif a.rsp_data is not None:
                want, known = model.read(a.row)
                bad = [i for i in range(self.lanes) if known[i] and a.rsp_data[i] != want[i]]
                if bad:
                    i = bad[0]
                    self.mismatch(f"{where}: lane {i} expected {int(want[i])}, got {int(a.rsp_data[i])} "
                                  f"(last write to the row {distance} cycle(s) before)")
        super().check_phase()
