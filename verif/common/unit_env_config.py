"""The configuration every execution-unit environment shares (each block subclasses it: LoadEnvConfig, ...)."""
from __future__ import annotations

from dataclasses import dataclass

from golden.isa import MachineConfig

from .env_config import EnvConfig
from .unit_queue_bfm import UnitQueueBfm


@dataclass(kw_only=True)
class UnitEnvConfig(EnvConfig):
    machine: MachineConfig              # N, SP/ACC rows and the DRAM the golden model runs with
    bfm: UnitQueueBfm                   # the signal level (it holds its own timing knobs: backpressure)
    data_bytes: int                     # LOAD/STORE addresses stay below this; the predictor's program sits here

    def __post_init__(self):
        if self.data_bytes + 48 > self.machine.dram_bytes:
            raise ValueError(f"no room for the predictor's program at {self.data_bytes:#x} in "
                             f"{self.machine.dram_bytes} bytes of DRAM")
