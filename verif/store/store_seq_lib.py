"""Instruction streams of the store unit, drawn from the configuration's seeded generator: random accumulator
rows and a random DRAM image, then STOREs (raw and requantised, 1..N lanes, strides of 0, overlapping and
4 KiB-crossing elements), each under a random CONFIG."""
from __future__ import annotations

import numpy as np

from golden import isa
from golden.isa import Op
from verif.common.unit_items import InstrItem, PreloadItem
from verif.common.unit_seq_lib import UnitSeq

from .store_config import StoreEnvConfig


class StoreRandomSeq(UnitSeq):
    config_type = StoreEnvConfig
    instructions = 40

    def items(self):
        m = self.cfg.machine
        yield PreloadItem("ACC", self.rng.integers(-(1 << 31), 1 << 31, (m.acc_rows, m.n), dtype=np.int64))
        yield PreloadItem("DRAM", self.rng.integers(0, 256, m.dram_bytes, dtype=np.uint8).tobytes())
        for _ in range(self.instructions):
            conf = self.gen.config()
            yield InstrItem(self.pick(), conf)

    def pick(self):
        return self.gen.store()


class StoreUnalignedSeq(StoreRandomSeq):
    """Elements at every byte offset and of every length, a quarter of them across the 4 KiB boundary: the
    strobes and the shifts of the aligner."""
    instructions = 32

    def pick(self):
        r, m = self.rng, self.cfg.machine
        ln = int(r.integers(1, m.n + 1))
        quant = int(r.integers(0, 2))
        eb = ln * (1 if quant else 4)
        x = int(r.integers(1, 4))
        xs = int(r.choice([eb, eb + int(r.integers(1, 17)), 0]))
        addr = int(r.integers(0, self.cfg.data_bytes - 4 * xs - eb))
        if r.random() < 0.25:               # straddle the 4 KiB boundary (the master splits the burst there)
            addr = 4096 - int(r.integers(1, (x - 1) * xs + eb + 1))
        return isa.make(Op.STORE, quant=quant, row=int(r.integers(0, m.acc_rows - x)), y=1, x=x, len=ln, xs=xs,
                        ys=0, addr=addr)
