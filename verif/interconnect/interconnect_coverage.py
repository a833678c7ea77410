"""Functional coverage of AXI master transfers, from the output monitors (each answer names its request): client,
length class, 4 KiB crossings, outcome."""
from __future__ import annotations

from cocotb_coverage.coverage import CoverCross, CoverPoint, coverage_section
from pyuvm import uvm_subscriber

from .interconnect_config import InterconnectEnvConfig
from .interconnect_bfm import ReadResponse


def length(x):
    b = x.beats
    return "1" if b == 1 else "2..16" if b <= 16 else "17..64" if b <= 64 else ">64"


def crosses(x, nb):
    return (x.addr // 4096) != ((x.addr + x.beats * nb - 1) // 4096)


def outcome(rsp):
    return "error" if any(rsp.errs if isinstance(rsp, ReadResponse) else [rsp.err]) else "okay"


_sample = coverage_section(
    CoverPoint("axi.xfer.client", xf=lambda r, nb: str(r.request.client), bins=["0", "1", "w"]),
    CoverPoint("axi.xfer.length", xf=lambda r, nb: length(r.request), bins=["1", "2..16", "17..64", ">64"]),
    CoverPoint("axi.xfer.crosses_4k", xf=lambda r, nb: crosses(r.request, nb), bins=[True, False]),
    CoverPoint("axi.xfer.outcome", xf=lambda r, nb: outcome(r), bins=["okay", "error"]),
    CoverCross("axi.xfer.client_x_length", items=["axi.xfer.client", "axi.xfer.length"]),
)(lambda r, nb: None)


class InterconnectCoverage(uvm_subscriber):
    def build_phase(self):
        self.nb = InterconnectEnvConfig.get(self).nbytes

    def write(self, rsp):
        _sample(rsp, self.nb)
