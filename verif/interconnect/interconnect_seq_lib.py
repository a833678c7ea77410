"""Sequences for the AXI master's clients, drawn from the config's seeded generator. Reads stay in the lower
half of the memory and writes in the upper half, so the initial image of DRAM stays valid for reads whatever
order the channels complete in."""
from __future__ import annotations

import cocotb
import numpy as np
from pyuvm import uvm_sequence

from verif.common.components import ItemListSeq

from .interconnect_config import InterconnectEnvConfig
from .interconnect_items import ReadXfer, WriteXfer

MEM_BYTES = 1 << 16
READ_REGION = (0, MEM_BYTES // 2)
WRITE_REGION = (MEM_BYTES // 2, MEM_BYTES)


class XferGen:
    def __init__(self, rng: np.random.Generator, nbytes: int):
        self.rng, self.nb = rng, nbytes

    def beats(self, long=False):
        if long:
            return int(self.rng.integers(40, 200))
        return int(self.rng.choice([1, self.rng.integers(2, 17), self.rng.integers(17, 65), self.rng.integers(65, 130)]))

    def addr(self, region, beats, cross_4k=None):
        lo, hi = region
        span = beats * self.nb
        if cross_4k or (cross_4k is None and self.rng.random() < 0.3):
            page = int(self.rng.integers(lo // 4096 + 1, hi // 4096))
            a = page * 4096 - self.nb * int(self.rng.integers(1, max(2, min(beats, 4096 // self.nb))))
        else:
            a = int(self.rng.integers(lo // self.nb, (hi - span) // self.nb)) * self.nb
        return max(lo, min(a, hi - span))

    def reads(self, client, count, long=False):
        out = []
        for _ in range(count):
            b = self.beats(long)
            out.append(ReadXfer(client, self.addr(READ_REGION, b), b))
        return out

    def writes(self, count):
        out = []
        for _ in range(count):
            b = self.beats()
            data = self.rng.integers(0, 256, b * self.nb, dtype=np.uint8).tobytes()
            full = (1 << self.nb) - 1
            strb = [full if self.rng.random() < 0.7 else int(self.rng.integers(0, full + 1)) for _ in range(b)]
            out.append(WriteXfer(self.addr(WRITE_REGION, b), data, strb))
        return out


class AxiTrafficSeq(uvm_sequence):
    """Virtual: every client's transfers (all drawn first), the clients at once, each on its agent's sequencer.
    Both read clients and the write client: lengths 1..130 beats, 4 KiB crossings, strobes."""

    def __init__(self, name, seqrs: dict):
        super().__init__(name)
        self.seqrs = seqrs

    def traffic(self, g: XferGen) -> dict[str, list]:
        return {"read0": g.reads(0, 12), "read1": g.reads(1, 12), "write": g.writes(10)}

    async def body(self):
        cfg = InterconnectEnvConfig.get()
        tasks = [cocotb.start_soon(ItemListSeq(f"{c}_seq", xs).start(self.seqrs[c]))
                 for c, xs in self.traffic(XferGen(cfg.rng, cfg.nbytes)).items()]
        for t in tasks:
            await t


class AxiContentionSeq(AxiTrafficSeq):
    """Long transfers from both read clients at once: bursts must alternate, neither client starves."""

    def traffic(self, g):
        return {"read0": g.reads(0, 6, long=True), "read1": g.reads(1, 6, long=True)}
