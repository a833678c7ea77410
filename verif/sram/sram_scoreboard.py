"""Scoreboard of rtl/sram. The predictor is a reference memory model (the architectural contract of rtl/sram,
independent of how the RTL pipelines it), fed by the request monitors: every accepted request is replayed on it
in acceptance order (reads of a cycle before its writes). The comparator, fed by the response monitors, pairs
each port's responses with its requests in order and checks read data (defined lanes), error flags (out of
range and only then), the one-cycle response latency, and that no request waited more than the config allows."""
from __future__ import annotations

import numpy as np

from verif.common.components import Collector
from verif.common.scoreboard_base import ScoreboardBase

from .sram_config import SramEnvConfig
from .sram_bfm import Request


class RefMemory:
    """A read returns the row as of every write accepted in an earlier cycle (a write accepted in the same cycle
    is ordered after it); accumulate adds modulo 2^bits in the enabled lanes; an out-of-range row is an error and
    changes nothing."""

    def __init__(self, rows: int, lanes: int, bits: int):
        self.rows, self.lanes, self.bits = rows, lanes, bits
        self.mem = np.zeros((rows, lanes), np.int64)
        self.known = np.zeros((rows, lanes), bool)     # lanes written since reset (others are undefined)

    def _wrap(self, v):
        half = 1 << (self.bits - 1)
        return (np.asarray(v, np.int64) + half) % (1 << self.bits) - half

    def in_range(self, row: int) -> bool:
        return 0 <= row < self.rows

    def read(self, row: int):
        """The row and which of its lanes are defined."""
        return self.mem[row].copy(), self.known[row].copy()

    def write(self, row: int, lanes: int, data, accumulate: bool) -> None:
        mask = np.array([(lanes >> i) & 1 for i in range(self.lanes)], bool)
        new = self._wrap(self.mem[row] + np.asarray(data)) if accumulate else self._wrap(data)
        self.mem[row] = np.where(mask, new, self.mem[row])
        if not accumulate:                 # an accumulate onto an undefined lane stays undefined
            self.known[row] |= mask


def replay(requests: list[Request], rows: int):
    """The requests in the order the memory's contract applies them (by cycle, a cycle's reads before its
    writes), each with its distance in cycles to the last in-range write of its row (0: a read beside a write
    to the row in the same cycle; far in the past when there was none)."""
    last_write: dict[int, int] = {}
    same_cycle_writes = {(r.cycle, r.row) for r in requests if r.write}
    for r in sorted(requests, key=lambda r: (r.cycle, r.write)):
        yield r, 0 if not r.write and (r.cycle, r.row) in same_cycle_writes else r.cycle - last_write.get(r.row, -10)
        if r.write and 0 <= r.row < rows:
            last_write[r.row] = r.cycle


class SramScoreboard(ScoreboardBase):
    def build_phase(self):
        super().build_phase()
        self.requests = Collector("requests", self)        # from the request monitors: the predictor's input
        self.responses = Collector("responses", self)      # from the response monitors: what is compared

    def check_phase(self):
        cfg = SramEnvConfig.get(self)
        model = RefMemory(cfg.rows, cfg.lanes, cfg.bits)
        answers = {}        # id(request) -> its response: each port answers its requests in order
        for port in cfg.bfms:
            reqs = [r for r in self.requests.items if r.port == port]
            rsps = [r for r in self.responses.items if r.port == port]
            answers.update(zip(map(id, reqs), rsps))
            for r in rsps[len(reqs):]:
                self.mismatch(f"{port}: response at cycle {r.cycle} with no request outstanding")
        for a, distance in replay(self.requests.items, cfg.rows):
            where = f"{a.port} {'write' if a.write else 'read'} row {a.row} accepted at cycle {a.cycle}"
            rsp = answers.get(id(a))
            self.compared += 1
            if rsp is None:
                self.mismatch(f"{where}: no response")
                continue
            if rsp.cycle != a.cycle + 1:
                self.mismatch(f"{where}: response at cycle {rsp.cycle}, expected {a.cycle + 1}")
            if cfg.max_wait is not None and a.waited > cfg.max_wait:
                self.mismatch(f"{where}: waited {a.waited} cycles for its bank (starvation)")
            if cfg.write_never_waits and a.write and a.waited:
                self.mismatch(f"{where}: a write waited {a.waited} cycle(s) in write-priority mode")
            oor = not model.in_range(a.row)
            if rsp.err != oor:
                self.mismatch(f"{where}: error flag {int(rsp.err)}, expected {int(oor)} (rows 0..{cfg.rows - 1})")
            if oor:
                continue
            if a.write:
                model.write(a.row, a.lanes, a.data, a.acc)
            elif isinstance(rsp.data, str):
                self.mismatch(f"{where}: read data has undefined bits: {rsp.data}")
            elif rsp.data is not None:
                want, known = model.read(a.row)
                bad = [i for i in range(cfg.lanes) if known[i] and rsp.data[i] != want[i]]
                if bad:
                    i = bad[0]
                    self.mismatch(f"{where}: lane {i} expected {int(want[i])}, got {int(rsp.data[i])} "
                                  f"(last write to the row {distance} cycle(s) before)")
        super().check_phase()
