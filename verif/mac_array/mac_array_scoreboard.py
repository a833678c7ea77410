"""Scoreboard of mac_array. The predictor (fed by the input monitor) turns each accepted activation row into
row @ W (int64 numpy, the golden arithmetic) with the weight tile it computes with; the comparator (fed by the
output monitor) checks the result rows in order: tag, then every lane, naming the tile, row, lane, expected and
got. Long-K products (the config's k_groups: consecutive tiles that are the N-deep slices of one (M, K) x (K, N)
product) are also summed as a 32-bit accumulator would and checked against A @ W over the whole K."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from verif.common.analysis import InOrderScoreboard

from .mac_array_config import MacArrayEnvConfig
from .mac_array_bfm import ResultRowOut
from .mac_array_items import ActRow


@dataclass
class Expected:
    tile: int
    row: int
    last: bool
    tag: int
    data: np.ndarray | None       # None: no weight tile to compute with (reported at prediction)
    k_expected: np.ndarray | None = None   # on a long-K group's last row: A @ W over the whole K


def wrap32(v: np.ndarray) -> np.ndarray:
    return ((v + (1 << 31)) % (1 << 32)) - (1 << 31)


class MacArrayScoreboard(InOrderScoreboard):
    def build_phase(self):
        super().build_phase()
        self.cfg = MacArrayEnvConfig.get(self)
        ends = np.cumsum(self.cfg.k_groups)
        self.group_of = {t: g for g, end in enumerate(ends) for t in range(end - self.cfg.k_groups[g], end)}
        self.group_last = {int(end) - 1 for end in ends}
        self.k_acts: dict = {}                    # the long-K group being predicted: tile -> its act rows
        self.k_weights: dict = {}                 # ... and tile -> its weight tile
        self.k_rows: list = []                    # result rows of the group's current tile
        self.k_acc: np.ndarray | None = None      # the group's running int32 sum of result tiles
        self.k_groups_checked = 0
        self.tiles_checked = 0
        self.weight_rows = self.overlapped = 0

    def predict(self, a: ActRow) -> Expected:
        if a.swap:
            self.weight_rows += self.cfg.n
            self.overlapped += a.overlapped
        if a.weights is None:
            self.mismatch(f"{a}: " + ("swap accepted before a whole weight tile was loaded" if a.swap
                                      else "no weight tile active"))
            return Expected(a.tile, a.row, a.last, a.tag, None)
        want = Expected(a.tile, a.row, a.last, a.tag, a.data.astype(np.int64) @ a.weights.astype(np.int64))
        if a.tile in self.group_of:
            self.k_acts.setdefault(a.tile, []).append(a.data)
            self.k_weights[a.tile] = a.weights
            if a.last and a.tile in self.group_last:
                acts = np.hstack([np.array(self.k_acts[t]) for t in sorted(self.k_acts)])
                w = np.vstack([self.k_weights[t] for t in sorted(self.k_weights)])
                want.k_expected = acts.astype(np.int64) @ w.astype(np.int64)
                self.k_acts, self.k_weights = {}, {}
        return want

    def compare(self, want: Expected, got: ResultRowOut) -> None:
        where = f"tile {want.tile} row {want.row}"
        if got.tag != want.tag:
            self.mismatch(f"{where}: tag {got.tag}, expected {want.tag} (rows lost, duplicated or reordered)")
        if want.data is not None and not np.array_equal(got.data, want.data):
            lane = int(np.argmax(got.data != want.data))
            self.mismatch(f"{where} lane {lane}: expected {int(want.data[lane])}, got {int(got.data[lane])} (row "
                          f"expected {want.data.tolist()}, got {got.data.tolist()})")
        if want.tile in self.group_of:
            self._long_k(want, got.data)
        self.tiles_checked += want.last

    def _long_k(self, want: Expected, got: np.ndarray):
        """Sums a long-K group's result tiles as a 32-bit accumulator would and checks A @ W over the whole K."""
        self.k_rows.append(got)
        if not want.last:
            return
        tile = np.array(self.k_rows)
        self.k_rows = []
        self.k_acc = wrap32(tile if self.k_acc is None else self.k_acc + tile)
        if want.k_expected is None:
            return
        group = self.group_of[want.tile]
        if not np.array_equal(self.k_acc, want.k_expected):
            r, c = (int(v) for v in np.argwhere(self.k_acc != want.k_expected)[0])
            self.mismatch(f"long-K group {group} (ends at tile {want.tile}): row {r} lane {c} summed "
                          f"{int(self.k_acc[r, c])}, A @ W over K gives {int(want.k_expected[r, c])}")
        self.k_acc = None
        self.k_groups_checked += 1

    def describe(self, want: Expected) -> str:
        return f"tile {want.tile} row {want.row} (tag {want.tag})"

    def pending(self) -> list[str]:
        left = super().pending()
        if self.k_groups_checked < len(self.cfg.k_groups):
            left.append(f"{self.k_groups_checked} of {len(self.cfg.k_groups)} long-K groups checked")
        if self.cfg.expect_weight_overlap and not self.overlapped:
            left.append("no weight row ever loaded while the array computed (the weight double buffer unused)")
        return left

    def check_phase(self):
        self.logger.info(f"{self.tiles_checked} tiles, {self.compared} rows checked; weight rows loaded while the "
                         f"array was busy: {self.overlapped}/{self.weight_rows}")
        super().check_phase()
