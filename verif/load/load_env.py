"""Environment of the load unit: the unit environment with the load scoreboard and coverage
(verif/common/unit_env.py: agent, predictor on the input monitor, comparator on the output monitor)."""
from __future__ import annotations

from verif.common.unit_env import UnitEnv

from .load_coverage import LoadCoverage
from .load_scoreboard import LoadScoreboard


class LoadEnv(UnitEnv):
    scoreboard_type = LoadScoreboard
    coverage_type = LoadCoverage
