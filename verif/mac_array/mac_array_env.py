"""Environment of mac_array: the env that builds the agent, scoreboard and coverage and connects the input monitor
to the predictor and the coverage, the output monitor to the comparator."""
from __future__ import annotations


from pyuvm import uvm_env


from .mac_array_agent import MacArrayAgent
from .mac_array_coverage import MacArrayCoverage
from .mac_array_scoreboard import MacArrayScoreboard


class MacArrayEnv(uvm_env):
    def build_phase(self):
        self.agent = MacArrayAgent("agent", self)
        self.scoreboard = MacArrayScoreboard("scoreboard", self)
        self.coverage = MacArrayCoverage("coverage", self)

    def connect_phase(self):
        self.agent.input_monitor.ap.connect(self.scoreboard.predictor.analysis_export)
        self.agent.input_monitor.ap.connect(self.coverage.analysis_export)
        self.agent.output_monitor.ap.connect(self.scoreboard.comparator.analysis_export)
