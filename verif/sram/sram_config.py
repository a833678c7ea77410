"""The sram environment's typed configuration: the test builds one SramEnvConfig and publishes it once;
every component reads it with `SramEnvConfig.get(self)`. A module of its own, because the components that read it
are the ones sram_env.py imports."""
from __future__ import annotations

from dataclasses import dataclass

from verif.common.env_config import EnvConfig

from .sram_bfm import MemPortBfm


@dataclass(kw_only=True)
class SramEnvConfig(EnvConfig):
    bfms: dict[str, MemPortBfm]     # one per port, by agent name
    memory: str                     # "scratchpad" or "accumulator": the covergroup (its kinds of access)
    rows: int
    lanes: int
    bits: int                       # of a lane
    max_wait: int | None = 1        # cycles a request may wait (None: no bound, e.g. reads under write priority)
    write_never_waits: bool = False
