"""Traffic generators for rtl/sram ports: each returns the list of accesses one port will issue. Data and
choices come from the test's seeded numpy generator."""
from __future__ import annotations

import numpy as np

from .mem_port_bfm import Access


class Traffic:
    def __init__(self, rng: np.random.Generator, rows: int, lanes: int, bits: int):
        self.rng, self.rows, self.lanes, self.bits = rng, rows, lanes, bits

    def data(self):
        return self.rng.integers(-(1 << (self.bits - 1)), 1 << (self.bits - 1), self.lanes)

    def row(self, oor_rate=0.03, hot=None):
        if self.rng.random() < oor_rate:
            return int(self.rng.integers(self.rows, min(self.rows + 64, 0x10000)))
        if hot is not None and self.rng.random() < 0.6:
            return int(self.rng.choice(hot))
        return int(self.rng.choice([0, self.rows - 1, self.rng.integers(0, self.rows)]))

    def lanes_mask(self):
        full = (1 << self.lanes) - 1
        # a write with no lane enabled is legal and must change nothing
        return int(self.rng.choice([full, full, full, int(self.rng.integers(0, full + 1)), 0]))

    def init(self, port, rows=None):
        """Full writes of every row, so that later reads compare every lane."""
        return [Access(port, True, r, (1 << self.lanes) - 1, self.data()) for r in (rows or range(self.rows))]

    def mixed(self, port, count, *, writes=True, reads=True, acc=False, gap_rate=0.2, hot=None, oor_rate=0.03):
        out = []
        for _ in range(count):
            w = writes and (not reads or self.rng.random() < 0.5)
            out.append(Access(port, w, self.row(oor_rate, hot), self.lanes_mask() if w else 0,
                              self.data() if w else None, acc=bool(acc and w and self.rng.random() < 0.6),
                              gap=int(self.rng.integers(1, 3)) if self.rng.random() < gap_rate else 0))
        return out
