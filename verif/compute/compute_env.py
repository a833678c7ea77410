"""Environment of the compute unit: the unit environment with the compute scoreboard and coverage
(verif/common/unit_env.py: agent, predictor on the input monitor, comparator on the output monitor)."""
from __future__ import annotations

from verif.common.unit_env import UnitEnv

from .compute_coverage import ComputeCoverage
from .compute_scoreboard import ComputeScoreboard


class ComputeEnv(UnitEnv):
    scoreboard_type = ComputeScoreboard
    coverage_type = ComputeCoverage
