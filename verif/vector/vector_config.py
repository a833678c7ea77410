"""The vector environment's typed configuration: the test builds one VectorEnvConfig and publishes it once;
every component reads it with `VectorEnvConfig.get(self)`. A module of its own, because the components that read
it are the ones vector_env.py imports."""
from __future__ import annotations

from dataclasses import dataclass

from verif.common.unit_env_config import UnitEnvConfig

from .vector_bfm import VectorBfm

DRAM_BYTES = 4096           # no DRAM in tb_vector: only the predictor's program lives there
DATA_BYTES = 2048           # where the predictor places it


@dataclass(kw_only=True)
class VectorEnvConfig(UnitEnvConfig):
    bfm: VectorBfm
