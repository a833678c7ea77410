"""Functional coverage of mac_array tiles (cocotb-coverage), from the input monitor's rows put back into tiles:
tile length class, weight swap or reuse, extreme operands, bubbles, and their crosses."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from cocotb_coverage.coverage import CoverCross, CoverPoint, coverage_section
from pyuvm import uvm_subscriber

from .mac_array_config import MacArrayEnvConfig
from .mac_array_items import ActRow

M_CLASSES = ["1", "2..N", "N+1..4N", ">4N"]


@dataclass
class Tile:
    """A tile as the array took it: its rows, whether its first row swapped weights, the weights it used and
    the idle cycles before each row."""
    acts: np.ndarray
    swap: bool
    weights: np.ndarray | None
    gaps: np.ndarray


def m_class(m: int, n: int) -> str:
    return "1" if m == 1 else "2..N" if m <= n else "N+1..4N" if m <= 4 * n else ">4N"


def extremes(t: Tile) -> str:
    a, w = t.acts, t.weights
    if w is None:
        return "none"
    if (a == -128).any() and (w == -128).any():
        return "min*min"
    if (a == 127).any() and (w == -128).any():
        return "max*min"
    return "none"


_sample = coverage_section(
    CoverPoint("mac_array.tile.m", xf=lambda t, n: m_class(len(t.acts), n), bins=M_CLASSES),
    CoverPoint("mac_array.tile.weights", xf=lambda t, n: "swap" if t.swap else "reuse", bins=["swap", "reuse"]),
    CoverPoint("mac_array.tile.extremes", xf=lambda t, n: extremes(t), bins=["min*min", "max*min", "none"]),
    CoverPoint("mac_array.tile.bubbles", xf=lambda t, n: "none" if not t.gaps.any() else
               "some" if (t.gaps > 0).mean() < 0.5 else "many", bins=["none", "some", "many"]),
    CoverCross("mac_array.tile.m_x_weights", items=["mac_array.tile.m", "mac_array.tile.weights"]),
)(lambda t, n: None)


class MacArrayCoverage(uvm_subscriber):
    def build_phase(self):
        self.n = MacArrayEnvConfig.get(self).n
        self.rows: list[ActRow] = []

    def write(self, row: ActRow):
        self.rows.append(row)
        if row.last:
            first = self.rows[0]
            _sample(Tile(np.array([r.data for r in self.rows]), first.swap, first.weights,
                         np.array([r.idle for r in self.rows])), self.n)
            self.rows = []
