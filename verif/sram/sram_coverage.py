"""Functional coverage of rtl/sram accesses: kind x row region, lane masks, waits (bank conflicts) and
read/accumulate-after-write distance (the forwarding hazards)."""
from __future__ import annotations

from cocotb_coverage.coverage import CoverCross, CoverPoint, coverage_section


def kind(a):
    return ("acc" if a.acc else "write") if a.write else "read"


def region(a, rows):
    if a.row >= rows:
        return "out_of_range"
    return "first" if a.row == 0 else "last" if a.row == rows - 1 else "middle"


_sample = coverage_section(
    CoverPoint("sram.access.kind", xf=lambda a, rows, d: kind(a), bins=["read", "write", "acc"]),
    CoverPoint("sram.access.region", xf=lambda a, rows, d: region(a, rows),
               bins=["first", "middle", "last", "out_of_range"]),
    CoverPoint("sram.access.lanes", xf=lambda a, rows, d: "n/a" if not a.write else
               "all" if a.lanes == (1 << len(a.data)) - 1 else "some" if a.lanes else "none",
               bins=["all", "some", "none", "n/a"]),
    CoverPoint("sram.access.waited", xf=lambda a, rows, d: min(a.waited, 2), bins=[0, 1]),
    CoverPoint("sram.access.after_write", xf=lambda a, rows, d: d if d in (1, 2) else "far", bins=[1, 2, "far"]),
    CoverCross("sram.access.kind_x_region", items=["sram.access.kind", "sram.access.region"]),
    CoverCross("sram.access.kind_x_after_write", items=["sram.access.kind", "sram.access.after_write"]),
)(lambda a, rows, d: None)


def sample_access(a, rows, distance):
    _sample(a, rows, distance)
