"""Functional coverage of programs through ctrl: how they ended, and whether hazards and queue-full
stalls happened."""
from __future__ import annotations

from cocotb_coverage.coverage import CoverPoint, coverage_section

ENDINGS = ["DONE", "ILLEGAL_OPCODE", "RESERVED_BITS", "BAD_FIELD", "SP_RANGE", "ACC_RANGE", "DRAM_RANGE",
           "PROG_WRITE", "NO_HALT", "BUS"]

_sample = coverage_section(
    CoverPoint("ctrl.program.ending", xf=lambda rp, res, c: "DONE" if res.status == "DONE" else res.err_code.name,
               bins=ENDINGS),
    CoverPoint("ctrl.program.dep_stalls", xf=lambda rp, res, c: c["stall_dep"] > 0, bins=[True, False]),
    CoverPoint("ctrl.program.full_stalls", xf=lambda rp, res, c: c["stall_full"] > 0, bins=[True, False]),
)(lambda rp, res, c: None)


def sample_program(rp, res, counters):
    _sample(rp, res, counters)
