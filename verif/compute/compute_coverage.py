"""Functional coverage of the compute unit, per executed MATMUL: accumulate or overwrite x the number of
activation rows, and whether the weight tile overlaps the activations in the scratchpad."""
from __future__ import annotations

from cocotb_coverage.coverage import CoverCross, CoverPoint, coverage_section

from verif.common.unit_env import UnitCoverage

M_CLASSES = ["1", "2..N", "N+1..4N", ">4N"]


def m_class(m: int, n: int) -> str:
    return "1" if m == 1 else "2..N" if m <= n else "N+1..4N" if m <= 4 * n else ">4N"


def overlap(ins, n) -> bool:
    return ins.w_row < ins.a_row + ins.m and ins.a_row < ins.w_row + n


_sample = coverage_section(
    CoverPoint("compute.matmul.mode", xf=lambda ex, n: "accumulate" if ex.ins.acc else "overwrite",
               bins=["overwrite", "accumulate"]),
    CoverPoint("compute.matmul.m", xf=lambda ex, n: m_class(ex.ins.m, n), bins=M_CLASSES),
    CoverPoint("compute.matmul.weights_overlap_acts", xf=lambda ex, n: overlap(ex.ins, n), bins=[True, False]),
    CoverCross("compute.matmul.mode_x_m", items=["compute.matmul.mode", "compute.matmul.m"]),
)(lambda ex, n: None)


class ComputeCoverage(UnitCoverage):
    def sample(self, ex, n):
        _sample(ex, n)
