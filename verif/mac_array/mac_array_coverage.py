"""Functional coverage of mac_array tiles (cocotb-coverage): tile length class, weight swap or reuse,
extreme operands, bubbles, and their crosses."""
from __future__ import annotations

from cocotb_coverage.coverage import CoverCross, CoverPoint, coverage_section
from pyuvm import uvm_subscriber

M_CLASSES = ["1", "2..N", "N+1..4N", ">4N"]


def m_class(m: int, n: int) -> str:
    return "1" if m == 1 else "2..N" if m <= n else "N+1..4N" if m <= 4 * n else ">4N"


def extremes(item) -> str:
    a, w = item.acts, item.effective_weights
    if (a == -128).any() and (w == -128).any():
        return "min*min"
    if (a == 127).any() and (w == -128).any():
        return "max*min"
    return "none"


_sample = coverage_section(
    CoverPoint("mac_array.tile.m", xf=lambda it, n: m_class(len(it.acts), n), bins=M_CLASSES),
    CoverPoint("mac_array.tile.weights", xf=lambda it, n: "swap" if it.weights is not None else "reuse",
               bins=["swap", "reuse"]),
    CoverPoint("mac_array.tile.extremes", xf=lambda it, n: extremes(it), bins=["min*min", "max*min", "none"]),
    CoverPoint("mac_array.tile.bubbles", xf=lambda it, n: "none" if not it.gaps.any() else
               "some" if (it.gaps > 0).mean() < 0.5 else "many", bins=["none", "some", "many"]),
    CoverCross("mac_array.tile.m_x_weights", items=["mac_array.tile.m", "mac_array.tile.weights"]),
)(lambda it, n: None)


class MacArrayCoverage(uvm_subscriber):
    def build_phase(self):
        from verif.common import context
        self.n = context.param("N", 8)

    def write(self, item):
        _sample(item, self.n)
