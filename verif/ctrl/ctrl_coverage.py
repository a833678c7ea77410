"""Functional coverage of programs through ctrl, subscribed to the output monitor: how each run ended (the end
code the controller reported), and whether hazard and queue-full stalls happened (its counters)."""
from __future__ import annotations

from cocotb_coverage.coverage import CoverPoint, coverage_section
from pyuvm import uvm_subscriber

from golden.isa import ErrorCode

from .ctrl_items import ProgramResult

ENDINGS = ["DONE", "ILLEGAL_OPCODE", "RESERVED_BITS", "BAD_FIELD", "SP_RANGE", "ACC_RANGE", "DRAM_RANGE",
           "PROG_WRITE", "NO_HALT", "BUS"]


def ending(res: ProgramResult) -> str:
    return "DONE" if res.err_code == 0 else ErrorCode(res.err_code).name


_sample = coverage_section(
    CoverPoint("ctrl.program.ending", xf=ending, bins=ENDINGS),
    CoverPoint("ctrl.program.dep_stalls", xf=lambda res: res.counters["stall_dep"] > 0, bins=[True, False]),
    CoverPoint("ctrl.program.full_stalls", xf=lambda res: res.counters["stall_full"] > 0, bins=[True, False]),
)(lambda res: None)


class CtrlCoverage(uvm_subscriber):
    def write(self, res: ProgramResult):
        _sample(res)
