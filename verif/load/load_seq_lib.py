"""Instruction streams of the load unit, drawn from the configuration's seeded generator: a random DRAM image,
a PAD of every SP and ACC row (the RTL memories start undefined), then random LOADs (SP and ACC, 1..N lanes,
pads, strides of 0, unaligned and 4 KiB-crossing elements) and PADs, each under a random CONFIG (pad value)."""
from __future__ import annotations

import numpy as np

from golden import isa
from golden.isa import Op
from verif.common.unit_items import InstrItem, PreloadItem
from verif.common.unit_seq_lib import UnitSeq

from .load_config import LoadEnvConfig


class LoadRandomSeq(UnitSeq):
    config_type = LoadEnvConfig
    instructions = 40

    def items(self):
        yield PreloadItem("DRAM", self.rng.integers(0, 256, self.cfg.machine.dram_bytes, dtype=np.uint8).tobytes())
        for ins in self.gen.init_memories():
            yield InstrItem(ins, self.gen.config())
        for _ in range(self.instructions):
            conf = self.gen.config()
            yield InstrItem(self.pick(), conf)

    def pick(self):
        return self.gen.load() if self.rng.random() < self.cfg.load_share else self.gen.pad()


class LoadPaddedWindowSeq(LoadRandomSeq):
    """Convolution-style windows: every pad combination around strided data, as the conv lowering issues, a
    quarter of them across the 4 KiB boundary."""
    instructions = 24

    def pick(self):
        r, m = self.rng, self.cfg.machine
        ln = int(r.integers(1, m.n + 1))
        y, x = int(r.integers(1, 3)), int(r.integers(1, 4))
        pt, pb, pl, pr = (int(v) for v in r.integers(0, 3, 4))
        rows = (pt + y + pb) * (pl + x + pr)
        xs, ys = int(r.integers(ln, 3 * ln + 1)), int(r.integers(0, 200))
        span = (y - 1) * ys + (x - 1) * xs + ln
        addr = int(r.integers(0, self.cfg.data_bytes - span))
        if r.random() < 0.25:               # straddle the 4 KiB boundary (the master splits the burst there)
            addr = 4096 - int(r.integers(1, span + 1))
        return isa.make(Op.LOAD, mem=0, row=int(r.integers(0, m.sp_rows - rows + 1)), y=y, x=x, len=ln, pt=pt,
                        pb=pb, pl=pl, pr=pr, xs=xs, ys=ys, addr=addr)
