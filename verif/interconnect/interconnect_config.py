"""The interconnect environment's typed configuration: the test builds one InterconnectEnvConfig and publishes it once;
every component reads it with `InterconnectEnvConfig.get(self)`. A module of its own, because the components that read it
are the ones interconnect_env.py imports."""
from __future__ import annotations

from dataclasses import dataclass

from verif.common.env_config import EnvConfig

from .interconnect_bfm import AxiBusBfm, ReadClientBfm, WriteClientBfm


@dataclass(kw_only=True)
class InterconnectEnvConfig(EnvConfig):
    bfms: dict[str, ReadClientBfm | WriteClientBfm]   # the clients, by agent name
    bus: AxiBusBfm                                     # the AXI side: DRAM model, AR channel, protocol checker
    dram_image: bytes                                  # DRAM as the test initialised it
    faulty: list[tuple[int, int]]                      # [lo, hi) byte ranges the DRAM answers with SLVERR
    nbytes: int                                        # bytes per beat (DW / 8)
