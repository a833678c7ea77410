"""Instruction streams of the compute unit, drawn from the configuration's seeded generator: a scratchpad of
random (or extreme) rows, one overwriting MATMUL that defines every accumulator row (the RTL memories start
undefined), then MATMULs (overwrite and accumulate, any rows, weight tiles anywhere, including overlapping
the activations)."""
from __future__ import annotations

import numpy as np

from golden import isa
from golden.isa import Op
from verif.common.unit_items import InstrItem, PreloadItem
from verif.common.unit_seq_lib import UnitSeq

from .compute_config import ComputeEnvConfig


class ComputeRandomSeq(UnitSeq):
    config_type = ComputeEnvConfig
    instructions = 30

    def items(self):
        m = self.cfg.machine
        yield PreloadItem("SP", self.scratchpad())
        yield InstrItem(isa.make(Op.MATMUL, acc=0, a_row=0, w_row=0, acc_row=0, m=min(m.acc_rows, m.sp_rows)))
        for _ in range(self.instructions):
            yield InstrItem(self.pick())

    def scratchpad(self):
        m = self.cfg.machine
        return self.rng.integers(-128, 128, (m.sp_rows, m.n)).astype(np.int8)

    def pick(self):
        return self.gen.matmul()


class ComputeExtremesSeq(ComputeRandomSeq):
    """A scratchpad of -128 and 127 only, and accumulate chains on the same rows."""
    instructions = 12

    def scratchpad(self):
        m = self.cfg.machine
        return self.rng.choice(np.array([-128, 127, -128], np.int8), (m.sp_rows, m.n))

    def pick(self):
        r, c = self.rng, self.cfg.machine
        m = int(r.integers(1, min(c.acc_rows, 16) + 1))
        return isa.make(Op.MATMUL, acc=1, a_row=int(r.integers(0, c.sp_rows - m + 1)),
                        w_row=int(r.integers(0, c.sp_rows - c.n + 1)), acc_row=0, m=m)
