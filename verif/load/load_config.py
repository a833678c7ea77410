"""The load environment's typed configuration: the test builds one LoadEnvConfig and publishes it once;
every component reads it with `LoadEnvConfig.get(self)`. A module of its own, because the components that read it
are the ones load_env.py imports."""
from __future__ import annotations

from dataclasses import dataclass

from verif.common.unit_env_config import UnitEnvConfig

from .load_bfm import LoadBfm

DRAM_BYTES = 1 << 14
DATA_BYTES = 8192           # LOADs read below this; the predictor's program sits above it


@dataclass(kw_only=True)
class LoadEnvConfig(UnitEnvConfig):
    bfm: LoadBfm
    load_share: float = 0.8             # LoadRandomSeq: the share of LOADs (the rest are PADs)
