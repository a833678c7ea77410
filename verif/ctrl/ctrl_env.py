"""Environment of ctrl (verif.common.components.AgentEnv): the agent, the scoreboard and the coverage; the input
monitor feeds the predictor, the output monitor the comparator and the coverage."""
from __future__ import annotations

from verif.common.components import AgentEnv

from .ctrl_agent import CtrlAgent
from .ctrl_coverage import CtrlCoverage
from .ctrl_scoreboard import CtrlScoreboard


class CtrlEnv(AgentEnv):
    agent_type = CtrlAgent
    scoreboard_type = CtrlScoreboard
    coverage_type = CtrlCoverage
    coverage_of = "output_monitor"
