"""Environment of the store unit: the unit environment with the store scoreboard and coverage
(verif/common/unit_env.py: agent, predictor on the input monitor, comparator on the output monitor)."""
from __future__ import annotations

from verif.common.unit_env import UnitEnv

from .store_coverage import StoreCoverage
from .store_scoreboard import StoreScoreboard


class StoreEnv(UnitEnv):
    scoreboard_type = StoreScoreboard
    coverage_type = StoreCoverage
