"""A tile job for the array: optional new weights (None reuses the active tile), activation rows, and the
idle cycles to leave before each row (bubbles)."""
from __future__ import annotations

import numpy as np
from pyuvm import uvm_sequence_item


class TileItem(uvm_sequence_item):
    def __init__(self, name="tile", weights=None, acts=None, gaps=None):
        super().__init__(name)
        self.weights: np.ndarray | None = weights    # (N, N) int8, or None: reuse
        self.acts: np.ndarray = acts                 # (M, N) int8
        self.gaps = gaps if gaps is not None else np.zeros(len(acts), np.int64)
        self.tile_id = -1                            # set by the driver
        self.first_tag = 0
        self.effective_weights: np.ndarray | None = None
        # long K: consecutive tiles that together are one (M, K) x (K, N) product, K a multiple of N
        self.k_group: int | None = None
        self.k_expected: np.ndarray | None = None    # on the group's last tile: A @ W over the whole K

    def __str__(self):
        return (f"tile {self.tile_id}: M={len(self.acts)} {'new weights' if self.weights is not None else 'reuse'}"
                f", {int((self.gaps > 0).sum())} bubbles")
