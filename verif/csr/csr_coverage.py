"""Functional coverage of CSR accesses: every register read and written, partial strobes, error responses."""
from __future__ import annotations

from cocotb_coverage.coverage import CoverCross, CoverPoint, coverage_section

REGS = {0x00: "CTRL", 0x04: "STATUS", 0x08: "ERR_CODE", 0x0C: "ERR_INDEX", 0x10: "INST_BASE", 0x14: "INST_COUNT",
        0x18: "IRQ_STATUS", 0x1C: "N", 0x20: "SP_ROWS", 0x24: "ACC_ROWS", 0x28: "DRAM_BYTES"}


def reg(addr):
    addr &= ~3
    return REGS.get(addr, "COUNTER" if 0x40 <= addr < 0x68 else "unmapped")


_sample = coverage_section(
    CoverPoint("csr.access.reg", xf=lambda op, a, s, r: reg(a), bins=list(REGS.values()) + ["COUNTER", "unmapped"]),
    CoverPoint("csr.access.op", xf=lambda op, a, s, r: op, bins=["read", "write"]),
    CoverPoint("csr.access.strobes", xf=lambda op, a, s, r: "full" if s == 0xF else "partial", bins=["full", "partial"]),
    CoverPoint("csr.access.resp", xf=lambda op, a, s, r: "SLVERR" if r == 2 else "OKAY", bins=["OKAY", "SLVERR"]),
    CoverCross("csr.access.reg_x_op", items=["csr.access.reg", "csr.access.op"]),
)(lambda op, a, s, r: None)


def sample_access(op, addr, strb, resp):
    _sample(op, addr, strb, resp)
