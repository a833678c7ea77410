"""Functional coverage of the vector unit, per executed instruction: opcode x flag (VADD u8, VSUM/VMAC acc) x size
(window taps 1 / 2..9 / >9, VADD rows 1 / 2..8 / 9..32 / >32), how windows overlap, and VADD's constants."""
from __future__ import annotations

from cocotb_coverage.coverage import CoverPoint, coverage_section

from golden.isa import Op
from golden.qladd import f32_parts
from verif.common.unit_env import UnitCoverage

TAP_CLASSES = ["1", "2..9", ">9"]
COUNT_CLASSES = ["1", "2..8", "9..32", ">32"]


def taps_class(t: int) -> str:
    return "1" if t == 1 else "2..9" if t <= 9 else ">9"


def count_class(c: int) -> str:
    return "1" if c == 1 else "2..8" if c <= 8 else "9..32" if c <= 32 else ">32"


def op_flags_size(ins) -> str:
    if ins.op == Op.VADD:
        return f"VADD u8={ins.u8} count={count_class(ins.count)}"
    size = f"taps={taps_class(ins.kh * ins.kw)}"
    return f"VMAX {size}" if ins.op == Op.VMAX else f"{ins.op.name} acc={ins.acc} {size}"


OP_FLAGS_SIZE_BINS = ([f"VADD u8={u} count={c}" for u in (0, 1) for c in COUNT_CLASSES] +
                      [f"VMAX taps={t}" for t in TAP_CLASSES] +
                      [f"{op} acc={a} taps={t}" for op in ("VSUM", "VMAC") for a in (0, 1) for t in TAP_CLASSES])


def window_overlap(ins) -> str:
    """How neighbouring windows of a row share taps: sx = 0 (all the same rows), sx < kw (overlap), or apart."""
    return "sx=0" if ins.sx == 0 else "overlap" if ins.sx < ins.kw else "apart"


def constant_class(bits: int) -> str:
    sign, exp, _ = f32_parts(bits)
    return "zero" if exp == 0 else "negative" if sign else "positive"


def ratio_class(vconf) -> str:
    return "zero" if "zero" in (constant_class(vconf.ra), constant_class(vconf.rb)) else "positive"


_windows = {Op.VMAX, Op.VSUM, Op.VMAC}

_sample = coverage_section(
    CoverPoint("vector.instr.op_flags_size", xf=lambda ex: op_flags_size(ex.ins), bins=OP_FLAGS_SIZE_BINS),
    CoverPoint("vector.window.overlap", xf=lambda ex: window_overlap(ex.ins) if ex.ins.op in _windows else None,
               bins=["sx=0", "overlap", "apart"]),
    CoverPoint("vector.window.rows", xf=lambda ex: ("y>1" if ex.ins.y > 1 else "y=1") if ex.ins.op in _windows
               else None, bins=["y=1", "y>1"]),
    CoverPoint("vector.vadd.fixed", xf=lambda ex: constant_class(ex.vconf.fixed) if ex.ins.op == Op.VADD and ex.vconf
               else None, bins=["zero", "positive", "negative"]),
    CoverPoint("vector.vadd.ratio", xf=lambda ex: ratio_class(ex.vconf) if ex.ins.op == Op.VADD and ex.vconf else None,
               bins=["zero", "positive"]),
)(lambda ex: None)


class VectorCoverage(UnitCoverage):
    def sample(self, ex, n):
        _sample(ex)
