"""The requant environment's typed configuration: the test builds one RequantEnvConfig and publishes it once;
every component reads it with `RequantEnvConfig.get(self)`. A module of its own, because the components that read it
are the ones requant_env.py imports."""
from __future__ import annotations

from dataclasses import dataclass

from verif.common.env_config import EnvConfig

from .requant_bfm import RequantBfm


@dataclass(kw_only=True)
class RequantEnvConfig(EnvConfig):
    bfm: RequantBfm
    batches: int = 30             # random batches per test
    batch_len: int = 2000         # accumulators per random batch
