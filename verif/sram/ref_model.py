"""Reference memory model: the architectural contract of rtl/sram, independent of how the RTL pipelines it.

A read returns the row as of every write accepted in an earlier cycle (a write accepted in the same cycle
is ordered after it); accumulate adds modulo 2^32 in the enabled lanes; an out-of-range row is an error and
changes nothing."""
from __future__ import annotations

import numpy as np


class RefMemory:
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
