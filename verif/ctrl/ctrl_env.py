"""Environment of ctrl: the env that builds the agent, scoreboard and coverage and connects the input monitor to the
predictor, the output monitor to the comparator and the coverage."""
from __future__ import annotations


from pyuvm import uvm_env


from .ctrl_agent import CtrlAgent
from .ctrl_coverage import CtrlCoverage
from .ctrl_scoreboard import CtrlScoreboard


class CtrlEnv(uvm_env):
    def build_phase(self):
        self.agent = CtrlAgent("agent", self)
        self.scoreboard = CtrlScoreboard("scoreboard", self)
        self.coverage = CtrlCoverage("coverage", self)

    def connect_phase(self):
        self.agent.in_monitor.ap.connect(self.scoreboard.predictor.analysis_export)
        self.agent.out_monitor.ap.connect(self.scoreboard.comparator.analysis_export)
        self.agent.out_monitor.ap.connect(self.coverage.analysis_export)
