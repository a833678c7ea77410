"""Scoreboard of mac_array: the predictor turns each issued tile into numpy A @ W (int32, the golden
arithmetic); result rows are compared in order, and a mismatch names the tile, row, lane, expected and got."""
from __future__ import annotations

from collections import deque

import numpy as np
from pyuvm import uvm_subscriber, uvm_tlm_analysis_fifo

from verif.common.scoreboard_base import ScoreboardBase


class MacArrayPredictor(uvm_subscriber):
    def build_phase(self):
        self.expected: deque = deque()     # (tile_id, row, first_tag, np.ndarray (M, N))

    def write(self, item):
        tile = item.acts.astype(np.int64) @ item.effective_weights.astype(np.int64)
        self.expected.append((item.tile_id, item.first_tag, tile, item.k_group, item.k_expected))


class MacArrayScoreboard(ScoreboardBase):
    def build_phase(self):
        super().build_phase()
        self.actual = uvm_tlm_analysis_fifo("actual", self)
        self.predictor = MacArrayPredictor("predictor", self)
        self.row_in_tile = 0
        self.tiles_checked = 0
        self.k_sum: np.ndarray | None = None       # running int32 sum of a long-K group's result tiles
        self.k_groups_checked = 0
        self.rows: list = []

    async def run_phase(self):
        while True:
            tag, got = await self.actual.get()
            if not self.predictor.expected:
                self.mismatch(f"unexpected result row with tag {tag}: {got.tolist()}")
                continue
            tile_id, first_tag, tile, k_group, k_expected = self.predictor.expected[0]
            row = self.row_in_tile
            want_tag = (first_tag + row) % (1 << 24)
            if tag % (1 << 24) != want_tag:
                self.mismatch(f"tile {tile_id} row {row}: tag {tag}, expected {want_tag} (rows lost, duplicated "
                              f"or reordered)")
            want = tile[row]
            if not np.array_equal(got, want):
                lane = int(np.argmax(got != want))
                self.mismatch(f"tile {tile_id} row {row} lane {lane}: expected {int(want[lane])}, got "
                              f"{int(got[lane])} (row expected {want.tolist()}, got {got.tolist()})")
            self.compared += 1
            self.row_in_tile += 1
            self.rows.append(got)
            if self.row_in_tile == len(tile):
                self.predictor.expected.popleft()
                self.row_in_tile = 0
                self.tiles_checked += 1
                self._long_k(tile_id, k_group, k_expected, np.array(self.rows))
                self.rows = []

    def _long_k(self, tile_id, k_group, k_expected, actual):
        """Sums a long-K group's tiles as a 32-bit accumulator would and checks A @ W over the whole K."""
        if k_group is None:
            return
        acc = actual if self.k_sum is None else self.k_sum + actual
        self.k_sum = ((acc + (1 << 31)) % (1 << 32)) - (1 << 31)
        if k_expected is not None:
            if not np.array_equal(self.k_sum, k_expected):
                r, c = (int(v) for v in np.argwhere(self.k_sum != k_expected)[0])
                self.mismatch(f"long-K group {k_group} (ends at tile {tile_id}): row {r} lane {c} summed "
                              f"{int(self.k_sum[r, c])}, A @ W over K gives {int(k_expected[r, c])}")
            self.k_sum = None
            self.k_groups_checked += 1

    def pending(self):
        return [f"tile {t} never completed: {len(tile) - (self.row_in_tile if i == 0 else 0)} of {len(tile)} rows "
                f"missing" for i, (t, _, tile, _, _) in enumerate(self.predictor.expected)]
