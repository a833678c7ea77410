"""Environment of the requantiser: the env that builds the agent, scoreboard and coverage and connects the input
monitor to the predictor and the coverage, the output monitor to the comparator and the coverage."""
from __future__ import annotations


from pyuvm import uvm_env


from .requant_agent import RequantAgent
from .requant_coverage import RequantCoverage
from .requant_scoreboard import RequantScoreboard


class RequantEnv(uvm_env):
    def build_phase(self):
        self.agent = RequantAgent("agent", self)
        self.scoreboard = RequantScoreboard("scoreboard", self)
        self.coverage = RequantCoverage("coverage", self)

    def connect_phase(self):
        self.agent.in_monitor.ap.connect(self.scoreboard.predictor.analysis_export)
        self.agent.in_monitor.ap.connect(self.coverage.inputs.analysis_export)
        self.agent.out_monitor.ap.connect(self.scoreboard.comparator.analysis_export)
        self.agent.out_monitor.ap.connect(self.coverage.outputs.analysis_export)
