"""The mac array environment's typed configuration: the test builds one MacArrayEnvConfig and publishes it once;
every component reads it with `MacArrayEnvConfig.get(self)`. A module of its own, because the components that read it
are the ones mac_array_env.py imports."""
from __future__ import annotations

from dataclasses import dataclass

from verif.common.env_config import EnvConfig

from .mac_array_bfm import MacArrayBfm


@dataclass(kw_only=True)
class MacArrayEnvConfig(EnvConfig):
    bfm: MacArrayBfm
    n: int                                  # the array is N x N
    k_groups: tuple[int, ...] = ()          # long-K products: how many consecutive tiles (from the first) make each
    expect_weight_overlap: bool = False     # a weight row must load while the array computes (double buffering)
