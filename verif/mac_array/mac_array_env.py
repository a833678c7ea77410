"""Environment of mac_array (verif.common.components.AgentEnv): the agent, the scoreboard and the coverage; the
input monitor feeds the predictor and the coverage, the output monitor the comparator."""
from __future__ import annotations

from verif.common.components import AgentEnv

from .mac_array_agent import MacArrayAgent
from .mac_array_coverage import MacArrayCoverage
from .mac_array_scoreboard import MacArrayScoreboard


class MacArrayEnv(AgentEnv):
    agent_type = MacArrayAgent
    scoreboard_type = MacArrayScoreboard
    coverage_type = MacArrayCoverage
