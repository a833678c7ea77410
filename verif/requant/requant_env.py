"""Environment of the requantiser (verif.common.components.AgentEnv): the agent, the scoreboard and the coverage;
the input monitor feeds the predictor and the coverage, the output monitor the comparator and the coverage."""
from __future__ import annotations

from verif.common.components import AgentEnv

from .requant_agent import RequantAgent
from .requant_coverage import RequantCoverage
from .requant_scoreboard import RequantScoreboard


class RequantEnv(AgentEnv):
    agent_type = RequantAgent
    scoreboard_type = RequantScoreboard
    coverage_type = RequantCoverage

    def connect_coverage(self):
        self.agent.input_monitor.ap.connect(self.coverage.inputs.analysis_export)
        self.agent.output_monitor.ap.connect(self.coverage.outputs.analysis_export)
