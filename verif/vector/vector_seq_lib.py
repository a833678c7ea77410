"""Instruction streams of the vector unit, drawn from the configuration's seeded generator: a scratchpad of random
(or extreme) rows, one overwriting VSUM that defines every accumulator row (the RTL memories start undefined),
then VADD, VMAX, VSUM and VMAC instructions, each entry carrying a VCONFIG snapshot (VADD's constants) and a
CONFIG one (which the unit must ignore)."""
from __future__ import annotations

import numpy as np

from golden import isa
from golden.checks import check, window_last_row
from golden.isa import ErrorCode, Op
from golden.qladd import f32_bits
from verif.common.unit_items import InstrItem, PreloadItem
from verif.common.unit_seq_lib import UnitSeq

from .vector_config import VectorEnvConfig

# VCONFIG constants at the edges of their legal ranges (docs/isa.md 3.9): ra, rb are +0 or in [2^-32, 2^16);
# fixed is +-0 or has a magnitude in [2^-56, 2^26). Smallest and largest normals, and odd mantissas near them.
RATIO_EDGES = [0x00000000, 0x2F800000, 0x2F800001, 0x2FFFFFFF, 0x47000000, 0x477FFFFF, 0x3F800000, 0x3F7FFFFF]
FIXED_EDGES = [0x00000000, 0x80000000, 0x23800000, 0xA3800000, 0x23FFFFFF, 0x4C7FFFFF, 0xCC7FFFFF, 0x4C000000,
               0xCBFFFFFF, 0x3F000000, 0xBF000000]


def _f(v: float) -> int:
    return f32_bits(np.float32(v))


# (ra, rb, fixed, u8 or None for either): constants whose QLinearAdd meets ties, and rounding that creates them
TIE_CONSTANTS = [
    (_f(0.5), _f(0.5), _f(0.0), None),              # y = RNE((a + b) / 2): every odd a + b is a final tie
    (_f(0.5), _f(1.5), _f(-0.5), None),
    (_f(0.75), _f(0.25), _f(0.5), None),
    (_f(1.0), _f(1.0), _f(0.5), None),              # every output a final tie
    (_f(1.0), _f(2.0 ** -30), _f(0.5 - 2.0 ** -25), None),      # T1 rounds (ties too) onto 0.5: y is a tie or not
    (_f(1.0), _f(2.0 ** -30), _f(-(0.5 - 2.0 ** -25)), None),
    (_f(65490.0), _f(1.5), _f(-16699900.0), 1),     # T1 ~ -2^24 ties at the units place; a*RA cancels it (a = 255)
]


class VectorRandomSeq(UnitSeq):
    config_type = VectorEnvConfig
    instructions = 40
    vadd_share = 0.35

    def items(self):
        yield PreloadItem("SP", self.scratchpad())
        yield InstrItem(self.define_acc())
        self.vconf = self.gen.vconfig()
        for _ in range(self.instructions):
            ins = self.pick()
            if check(ins, self.cfg.machine, self.cfg.data_bytes, 4) != ErrorCode.NONE:
                raise ValueError(f"{type(self).__name__} drew an illegal instruction: {ins}")
            yield InstrItem(ins, self.gen.config() if self.gen.r(0, 3) == 0 else None, self.vconf)

    def define_acc(self):
        m = self.cfg.machine
        return isa.make(Op.VSUM, acc=0, acc_row=0, a_row=0, y=1, x=m.acc_rows, pitch=0, sy=0,
                        sx=1 if m.sp_rows >= m.acc_rows else 0, kh=1, kw=1)

    def scratchpad(self):
        m = self.cfg.machine
        return self.rng.integers(-128, 128, (m.sp_rows, m.n)).astype(np.int8)

    def pick(self):
        if self.rng.random() < self.vadd_share:
            if self.gen.r(0, 2) == 0:
                self.vconf = self.gen.vconfig()
            return self.gen.vadd()
        return self.gen.window()


class VectorExtremesSeq(VectorRandomSeq):
    """A scratchpad of -128 and 127 only; VCONFIG constants at the edges of their ranges, u8 on and off; windows
    of every size up to the whole scratchpad (and one VSUM that reads a row 64 times over 255 window rows), and of
    one tap; VMACs of 16 taps; accumulate chains on the same rows."""
    instructions = 30

    def scratchpad(self):
        m = self.cfg.machine
        return self.rng.choice(np.array([-128, 127, -128], np.int8), (m.sp_rows, m.n))

    def items(self):
        self.big_done = False
        yield from super().items()

    def edge_vconfig(self):
        r = self.gen
        return isa.make(Op.VCONFIG, ra=r.pick(*RATIO_EDGES), rb=r.pick(*RATIO_EDGES), fixed=r.pick(*FIXED_EDGES))

    def pick(self):
        g, m = self.gen, self.cfg.machine
        sp, acc = m.sp_rows, m.acc_rows
        kind = g.r(0, 5)
        if kind <= 1:
            self.vconf = self.edge_vconfig()
            count = g.pick(1, g.r(2, 8), g.r(9, min(32, sp, acc)), min(sp, acc))
            return isa.make(Op.VADD, u8=g.r(0, 1), acc_row=g.r(0, acc - count), a_row=g.r(0, sp - count),
                            b_row=g.r(0, sp - count), count=count)
        if kind == 2:                                   # VMAC of 16 taps (or 1), often accumulating onto a few rows
            kh = g.pick(1, 2, 4, 16)
            kw = 16 // kh if g.r(0, 3) else 1
            kh = kh if kw > 1 else 1
            x = g.r(1, 4)
            pitch = g.r(0, 4)
            f = dict(acc=g.pick(0, 1, 1), acc_row=g.r(0, 3), w_row=g.r(0, sp - 16), y=1, x=x, pitch=pitch, sy=0,
                     sx=g.r(0, 2), kh=kh, kw=kw, a_row=0)
            while window_end(Op.VMAC, f) >= sp:
                f["pitch"] = max(0, f["pitch"] - 1)
                f["sx"] = max(0, f["sx"] - 1)
            return isa.make(Op.VMAC, **f)
        op = g.pick(Op.VSUM, Op.VSUM, Op.VMAX)
        acc_f = {} if op == Op.VMAX else {"acc": g.r(0, 1)}
        if not self.big_done and op == Op.VSUM:          # one deep window: 255 rows of one SP row range, pitch 0
            self.big_done = True
            kw = min(sp, 64)
            return isa.make(op, acc_row=g.r(0, acc - 1), a_row=g.r(0, sp - kw), y=1, x=1, pitch=0, sy=0, sx=0,
                            kh=255, kw=kw, **acc_f)
        shape = g.pick("whole", "column", "row", "square", "tap")
        if shape == "tap":                              # one tap per element: a strided copy
            x = g.r(1, min(acc, 16))
            return isa.make(op, acc_row=g.r(0, acc - x), a_row=g.r(0, sp - x), y=1, x=x, sx=1, kh=1, kw=1, **acc_f)
        if shape == "whole":                            # the whole scratchpad as one window
            kw = g.pick(4, 8, 16)
            kh = min(255, sp // kw)
            return isa.make(op, acc_row=g.r(0, acc - 1), a_row=0, y=1, x=1, pitch=kw, kh=kh, kw=kw, **acc_f)
        if shape == "column":
            kh = g.r(min(255, sp) // 2, min(255, sp))
            return isa.make(op, acc_row=g.r(0, acc - 1), a_row=g.r(0, sp - kh), y=1, x=1, pitch=1, kh=kh, kw=1,
                            **acc_f)
        if shape == "row":
            kw = g.r(min(255, sp) // 2, min(255, sp))
            return isa.make(op, acc_row=g.r(0, acc - 2), a_row=0, y=1, x=2, pitch=0, sx=min(15, sp - kw), kh=1,
                            kw=kw, **acc_f)
        k = g.r(2, 6)
        f = dict(acc_row=0, a_row=0, y=g.r(1, 3), x=g.r(1, 4), pitch=k + g.r(0, 3), sy=g.r(0, 2), sx=g.r(0, 2),
                 kh=k, kw=k, **acc_f)
        while window_end(op, f) >= sp:
            for key in ("pitch", "x", "y", "sy", "sx"):
                if f[key] > (0 if key in ("pitch", "sy", "sx") else 1):
                    f[key] -= 1
                    break
            else:
                f["kh"] = f["kw"] = f["kh"] - 1
        f["acc_row"] = g.r(0, acc - f["y"] * f["x"])
        return isa.make(op, **f)


def window_end(op, f) -> int:
    return window_last_row(isa.make(op, **f))


class VectorTiesSeq(VectorRandomSeq):
    """VADDs only, with constants that make ties at every rounding step (final RNE, R24 of T1 after
    cancellation), u8 on and off, on a scratchpad whose first quarter is all 127 (a = 255 with u8)."""
    instructions = 2 * len(TIE_CONSTANTS) + 2

    def scratchpad(self):
        sp = super().scratchpad()
        sp[:len(sp) // 4] = 127
        return sp

    def items(self):
        self.k = 0
        yield from super().items()

    def pick(self):
        g, m = self.gen, self.cfg.machine
        ra, rb, fixed, u8 = TIE_CONSTANTS[self.k % len(TIE_CONSTANTS)]     # each set twice or more, in turn
        self.k += 1
        self.vconf = isa.make(Op.VCONFIG, ra=ra, rb=rb, fixed=fixed)
        count = g.r(1, min(32, m.sp_rows // 4, m.acc_rows))
        a_row = 0 if u8 is not None else g.r(0, m.sp_rows - count)
        return isa.make(Op.VADD, u8=g.r(0, 1) if u8 is None else u8, acc_row=g.r(0, m.acc_rows - count),
                        a_row=a_row, b_row=g.r(0, m.sp_rows - count), count=count)
