"""Functional coverage of CSR accesses, subscribed to the output monitor (each response with the request it
answers): every register read and written, partial strobes, error responses."""
from __future__ import annotations

from cocotb_coverage.coverage import CoverCross, CoverPoint, coverage_section
from pyuvm import uvm_subscriber

from .csr_items import CsrResponse
from .csr_model import REGS, reg

_sample = coverage_section(
    CoverPoint("csr.access.reg", xf=lambda op, a, s, r: reg(a), bins=list(REGS.values()) + ["COUNTER", "unmapped"]),
    CoverPoint("csr.access.op", xf=lambda op, a, s, r: op, bins=["read", "write"]),
    CoverPoint("csr.access.strobes", xf=lambda op, a, s, r: "full" if s == 0xF else "partial",
               bins=["full", "partial"]),
    CoverPoint("csr.access.resp", xf=lambda op, a, s, r: "SLVERR" if r == 2 else "OKAY", bins=["OKAY", "SLVERR"]),
    CoverCross("csr.access.reg_x_op", items=["csr.access.reg", "csr.access.op"]),
)(lambda op, a, s, r: None)


class CsrCoverage(uvm_subscriber):
    def write(self, out):
        if isinstance(out, CsrResponse) and out.addr is not None:
            _sample(out.op, out.addr, out.strb, out.resp)
