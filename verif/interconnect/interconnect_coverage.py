"""Functional coverage of AXI master transfers: length class, 4 KiB crossings, client, outcome."""
from __future__ import annotations

from cocotb_coverage.coverage import CoverCross, CoverPoint, coverage_section


def length(x):
    b = x.beats
    return "1" if b == 1 else "2..16" if b <= 16 else "17..64" if b <= 64 else ">64"


def crosses(x, nb):
    return (x.addr // 4096) != ((x.addr + x.beats * nb - 1) // 4096)


def outcome(x):
    errs = x.errs if hasattr(x, "errs") and x.errs else [x.err] if getattr(x, "err", None) is not None else []
    return "error" if any(errs) else "okay"


_sample = coverage_section(
    CoverPoint("axi.xfer.client", xf=lambda x, nb: str(x.client), bins=["0", "1", "w"]),
    CoverPoint("axi.xfer.length", xf=lambda x, nb: length(x), bins=["1", "2..16", "17..64", ">64"]),
    CoverPoint("axi.xfer.crosses_4k", xf=lambda x, nb: crosses(x, nb), bins=[True, False]),
    CoverPoint("axi.xfer.outcome", xf=lambda x, nb: outcome(x), bins=["okay", "error"]),
    CoverCross("axi.xfer.client_x_length", items=["axi.xfer.client", "axi.xfer.length"]),
)(lambda x, nb: None)


def sample_xfer(x, nb):
    _sample(x, nb)
