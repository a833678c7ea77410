"""Environment of the store unit: its configuration and the unit environment with the store scoreboard and
coverage (verif/common/unit_env.py: agent, predictor on the input monitor, comparator on the output monitor)."""
from __future__ import annotations

from dataclasses import dataclass

from verif.common.unit_env import UnitEnv
from verif.common.unit_env_config import UnitEnvConfig

from .store_bfm import StoreBfm
from .store_coverage import StoreCoverage
from .store_scoreboard import StoreScoreboard

DRAM_BYTES = 1 << 14
DATA_BYTES = 8192           # the STOREs write below this (the window read back, across a 4 KiB boundary); the
                            # predictor's program sits above it


@dataclass(kw_only=True)
class StoreEnvConfig(UnitEnvConfig):
    bfm: StoreBfm


class StoreEnv(UnitEnv):
    scoreboard_type = StoreScoreboard
    coverage_type = StoreCoverage
