"""Items of mac_array: the tile a sequence asks for (TileItem), and what the input monitor saw go into the array,
one activation row at a time (ActRow)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pyuvm import uvm_sequence_item


class TileItem(uvm_sequence_item):
    """A tile job: optional new weights (None reuses the active tile), activation rows, and the idle cycles to
    leave before each row (bubbles)."""

    def __init__(self, name="tile", weights=None, acts=None, gaps=None):
        super().__init__(name)
        self.weights: np.ndarray | None = weights    # (N, N) int8, or None: reuse
        self.acts: np.ndarray = acts                 # (M, N) int8
        self.gaps = gaps if gaps is not None else np.zeros(len(acts), np.int64)

    def __str__(self):
        return (f"tile: M={len(self.acts)} {'new weights' if self.weights is not None else 'reuse'}"
                f", {int((self.gaps > 0).sum())} bubbles")


@dataclass
class ActRow:
    """An activation row the array accepted, placed in its tile (the tag marks each tile's last row), with the
    weight tile it computes with (the one the latest swap made active; None before any, or when a swap was
    accepted before a whole weight tile was loaded)."""
    tile: int
    row: int                      # within the tile
    last: bool                    # the tile's last row
    data: np.ndarray              # N int8
    swap: bool
    tag: int
    cycle: int
    idle: int                     # cycles valid was low since the row before (bubbles)
    weights: np.ndarray | None    # (N, N)
    overlapped: int = 0           # on a swap row: rows of its weight tile loaded while the array computed

    def __str__(self):
        return f"tile {self.tile} row {self.row} (tag {self.tag}, cycle {self.cycle})"
