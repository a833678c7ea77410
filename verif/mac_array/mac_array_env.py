"""Environment of mac_array: agent, scoreboard (with its predictor) and coverage, connected by analysis ports."""
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
        self.agent.driver.ap.connect(self.scoreboard.predictor.analysis_export)
        self.agent.driver.ap.connect(self.coverage.analysis_export)
        self.agent.monitor.ap.connect(self.scoreboard.actual.analysis_export)
