"""Sequence base of the execution-unit environments: a block's streams say what to preload and which
instructions to send; every draw comes from the configuration's seeded generator."""
from __future__ import annotations

from pyuvm import uvm_sequence

from golden.random_program import Generator

from .unit_env_config import UnitEnvConfig


class UnitSeq(uvm_sequence):
    config_type = UnitEnvConfig
    instructions = 40

    async def body(self):
        self.cfg = self.config_type.get(self.sequencer)
        self.rng = self.cfg.rng
        self.gen = Generator(self.rng, self.cfg.machine, self.cfg.data_bytes)
        for item in self.items():
            await self.start_item(item)
            await self.finish_item(item)

    def items(self):
        """The stream: PreloadItems and InstrItems, drawn lazily (each as the driver asks for it)."""
        raise NotImplementedError
