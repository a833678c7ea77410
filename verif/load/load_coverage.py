"""Functional coverage of the load unit, per executed instruction: opcode x memory x padding, lanes per
element, stride kind, 4 KiB crossings and broadcasts (one element read once for every row) of the LOADs."""
from __future__ import annotations

from cocotb_coverage.coverage import CoverCross, CoverPoint, coverage_section

from golden.checks import broadcast, dram_span, element_bytes
from golden.isa import MEM_ACC, Op
from verif.common.unit_env import UnitCoverage

STRIDES = ["zero", "overlapping", "dense", "gapped", "n/a"]


def pads(ins) -> str:
    return "some" if ins.op == Op.LOAD and ins.pt + ins.pb + ins.pl + ins.pr else "none"


def lanes(ins, n) -> str:
    if ins.op != Op.LOAD or ins.len == n:
        return "N"
    return "1" if ins.len == 1 else "2..N-1"


def stride(ins) -> str:
    if ins.op != Op.LOAD or ins.x == 1:
        return "n/a"
    eb = element_bytes(ins)
    return "zero" if ins.xs == 0 else "overlapping" if ins.xs < eb else "dense" if ins.xs == eb else "gapped"


def crosses_4k(ins) -> bool:
    if ins.op != Op.LOAD:
        return False
    first, last = dram_span(ins)
    return first // 4096 != last // 4096


_sample = coverage_section(
    CoverPoint("load.instr.op", xf=lambda ex, n: ex.ins.op.name, bins=["LOAD", "PAD"]),
    CoverPoint("load.instr.mem", xf=lambda ex, n: "ACC" if ex.ins.mem == MEM_ACC else "SP", bins=["SP", "ACC"]),
    CoverPoint("load.instr.pads", xf=lambda ex, n: pads(ex.ins), bins=["none", "some"]),
    CoverPoint("load.instr.lanes", xf=lambda ex, n: lanes(ex.ins, n), bins=["1", "2..N-1", "N"]),
    CoverPoint("load.instr.stride", xf=lambda ex, n: stride(ex.ins), bins=STRIDES),
    CoverPoint("load.instr.crosses_4k", xf=lambda ex, n: crosses_4k(ex.ins), bins=[True, False]),
    # one element repeated: read once, written to every row (rtl/load/load_unit.v)
    CoverPoint("load.instr.broadcast", xf=lambda ex, n: ex.ins.op == Op.LOAD and ex.ins.x > 1 and broadcast(ex.ins),
               bins=[True, False]),
    CoverCross("load.instr.op_x_mem_x_pads", items=["load.instr.op", "load.instr.mem", "load.instr.pads"],
               ign_bins=[("PAD", None, "some")]),
)(lambda ex, n: None)


class LoadCoverage(UnitCoverage):
    def sample(self, ex, n):
        _sample(ex, n)
