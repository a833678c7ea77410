"""Functional coverage of the store unit, per executed STORE: raw/requantised/per-channel x lanes per element,
stride kind, start offset within a 16-byte beat, 4 KiB crossings, ReLU under requantisation, and a per-channel
parameter row inside the STORE's own rows or outside them."""
from __future__ import annotations

from cocotb_coverage.coverage import CoverCross, CoverPoint, coverage_section

from golden.checks import dram_span, element_bytes
from verif.common.unit_env import UnitCoverage

STRIDES = ["single", "zero", "overlapping", "dense", "gapped"]


def lanes(ins, n) -> str:
    return "1" if ins.len == 1 else "N" if ins.len == n else "2..N-1"


def stride(ins) -> str:
    if ins.x == 1:
        return "single"
    eb = element_bytes(ins)
    return "zero" if ins.xs == 0 else "overlapping" if ins.xs < eb else "dense" if ins.xs == eb else "gapped"


def kind(ins) -> str:
    return "raw" if not ins.quant else "per_channel" if ins.pc else "quant"


def params_row(ins) -> str:
    if not (ins.quant and ins.pc):
        return "n/a"
    return "inside" if ins.row <= ins.qrow < ins.row + ins.y * ins.x else "outside"


def transfers(ins) -> str:
    return "run" if ins.x > 1 and element_bytes(ins) <= ins.xs <= 32 else "per element"


def crosses_4k(ins) -> bool:
    first, last = dram_span(ins)
    return first // 4096 != last // 4096


_sample = coverage_section(
    CoverPoint("store.instr.kind", xf=lambda ex, n: kind(ex.ins), bins=["raw", "quant", "per_channel"]),
    CoverPoint("store.instr.params_row", xf=lambda ex, n: params_row(ex.ins), bins=["n/a", "inside", "outside"]),
    CoverPoint("store.instr.lanes", xf=lambda ex, n: lanes(ex.ins, n), bins=["1", "2..N-1", "N"]),
    CoverPoint("store.instr.stride", xf=lambda ex, n: stride(ex.ins), bins=STRIDES),
    CoverPoint("store.instr.offset", xf=lambda ex, n: "aligned" if ex.ins.addr % 16 == 0 else "unaligned",
               bins=["aligned", "unaligned"]),
    CoverPoint("store.instr.crosses_4k", xf=lambda ex, n: crosses_4k(ex.ins), bins=[True, False]),
    # how the writer sends a row: one burst run (elements within 32 bytes, not overlapping), or element by element
    CoverPoint("store.instr.transfers", xf=lambda ex, n: transfers(ex.ins), bins=["run", "per element"]),
    CoverPoint("store.instr.relu", xf=lambda ex, n: "n/a" if not ex.ins.quant else "on" if ex.conf.relu else "off",
               bins=["off", "on", "n/a"]),
    CoverCross("store.instr.kind_x_lanes", items=["store.instr.kind", "store.instr.lanes"]),
)(lambda ex, n: None)


class StoreCoverage(UnitCoverage):
    def sample(self, ex, n):
        _sample(ex, n)
