"""The store environment's typed configuration: the test builds one StoreEnvConfig and publishes it once;
every component reads it with `StoreEnvConfig.get(self)`. A module of its own, because the components that read it
are the ones store_env.py imports."""
from __future__ import annotations

from dataclasses import dataclass

from verif.common.unit_env_config import UnitEnvConfig

from .store_bfm import StoreBfm

DRAM_BYTES = 1 << 14
DATA_BYTES = 8192           # the STOREs write below this (the window read back, across a 4 KiB boundary); the


@dataclass(kw_only=True)
class StoreEnvConfig(UnitEnvConfig):
    bfm: StoreBfm
