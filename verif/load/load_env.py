"""Environment of the load unit: its configuration and the unit environment with the load scoreboard and
coverage (verif/common/unit_env.py: agent, predictor on the input monitor, comparator on the output monitor)."""
from __future__ import annotations

from dataclasses import dataclass

from verif.common.unit_env import UnitEnv
from verif.common.unit_env_config import UnitEnvConfig

from .load_bfm import LoadBfm
from .load_coverage import LoadCoverage
from .load_scoreboard import LoadScoreboard

DRAM_BYTES = 1 << 14
DATA_BYTES = 8192           # LOADs read below this; the predictor's program sits above it


@dataclass(kw_only=True)
class LoadEnvConfig(UnitEnvConfig):
    bfm: LoadBfm
    load_share: float = 0.8             # LoadRandomSeq: the share of LOADs (the rest are PADs)


class LoadEnv(UnitEnv):
    scoreboard_type = LoadScoreboard
    coverage_type = LoadCoverage
