"""Base of the program sequences: how many programs, the machine they target and the seeded generator (numpy,
from the test's seed; both from the environment's TopEnvConfig), the DRAM model settings each program gets,
and placing a program into a DRAM image."""
from __future__ import annotations

import numpy as np
from pyuvm import uvm_sequence

from golden.isa import INSTR_BYTES, Instr, MachineConfig
from golden.random_program import dram_image

from ..top_config import TopEnvConfig
from ..top_items import DramKnobs, ProgramItem

LATENCIES = (1, 4, 16, 40, 100)


def random_knobs(rng: np.random.Generator, max_latency: int = 100) -> DramKnobs:
    """Latency classes from 1 cycle to the DRAM default; backpressure none, light or heavy per channel."""
    lat = int(rng.choice([v for v in LATENCIES if v <= max_latency]))
    level = int(rng.choice([0, 24, 96]))
    stalls = {k: int(rng.integers(0, level + 1)) for k in ("stall_ar", "stall_r", "stall_aw", "stall_w", "stall_b")}
    return DramKnobs(latency=lat, seed=int(rng.integers(1, 1 << 31)), **stalls)


def place(cfg: MachineConfig, prog: list[Instr], rng: np.random.Generator, data_bytes: int) -> tuple[bytes, int]:
    """A DRAM image of random data with the program after the data window, at a 16-byte multiple."""
    base = data_bytes + INSTR_BYTES * int(rng.integers(0, 8))
    if base + INSTR_BYTES * len(prog) > cfg.dram_bytes:
        raise ValueError(f"program of {len(prog)} instructions does not fit DRAM_BYTES={cfg.dram_bytes}")
    return dram_image(cfg, rng, prog, base), base


class ProgramSeq(uvm_sequence):
    stream = "legal"
    max_latency = 100

    def __init__(self, name: str, count: int = 1, rng: np.random.Generator | None = None, **opts):
        super().__init__(name)
        self.count, self.opts = count, opts
        self._rng = rng
        self._env_cfg: TopEnvConfig | None = None

    @property
    def env_cfg(self) -> TopEnvConfig:
        if self._env_cfg is None:
            self._env_cfg = TopEnvConfig.get()
        return self._env_cfg

    @property
    def rng(self) -> np.random.Generator:
        if self._rng is None:
            self._rng = self.env_cfg.rng
        return self._rng

    @property
    def cfg(self) -> MachineConfig:
        return self.env_cfg.machine

    def data_bytes(self) -> int:
        return min(2048, self.cfg.dram_bytes // 4)

    def items(self):
        """Yields ProgramItems; subclasses build them from self.rng."""
        raise NotImplementedError

    def item(self, k: int, dram: bytes, base: int, count: int, origin: str, **kw) -> ProgramItem:
        given = kw.pop("knobs", None)           # a test's fixed knobs first, then the item's, else random ones
        knobs = self.env_cfg.knobs or given or random_knobs(self.rng, self.max_latency)
        return ProgramItem(f"{self.stream}[{k}]", self.cfg, dram, base, count, self.stream, knobs,
                           origin=origin, **kw)

    async def body(self):
        stop = self.env_cfg.stop
        for item in self.items():
            if stop.is_set():                      # the first bad tile is the report: stop issuing programs
                return
            await self.start_item(item)
            await self.finish_item(item)
