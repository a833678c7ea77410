"""Environment of the vector unit: the unit environment with the vector scoreboard and coverage
(verif/common/unit_env.py: agent, predictor on the input monitor, comparator on the output monitor)."""
from __future__ import annotations

from verif.common.unit_env import UnitEnv

from .vector_coverage import VectorCoverage
from .vector_scoreboard import VectorScoreboard


class VectorEnv(UnitEnv):
    scoreboard_type = VectorScoreboard
    coverage_type = VectorCoverage
