"""Environment of the compute unit: its configuration and the unit environment with the compute scoreboard and
coverage (verif/common/unit_env.py: agent, predictor on the input monitor, comparator on the output monitor)."""
from __future__ import annotations

from dataclasses import dataclass

from verif.common.unit_env import UnitEnv
from verif.common.unit_env_config import UnitEnvConfig

from .compute_bfm import ComputeBfm
from .compute_coverage import ComputeCoverage
from .compute_scoreboard import ComputeScoreboard

DRAM_BYTES = 4096           # no DRAM in tb_compute: only the predictor's program lives there
DATA_BYTES = 2048           # where the predictor places it


@dataclass(kw_only=True)
class ComputeEnvConfig(UnitEnvConfig):
    bfm: ComputeBfm


class ComputeEnv(UnitEnv):
    scoreboard_type = ComputeScoreboard
    coverage_type = ComputeCoverage
