"""Environment of csr_regs: the env that builds the agent, scoreboard and coverage and connects the input monitor to
the predictor, the output monitor to the comparator and the coverage."""
from __future__ import annotations


from pyuvm import uvm_env


from .csr_agent import CsrAgent
from .csr_coverage import CsrCoverage
from .csr_scoreboard import CsrScoreboard


class CsrEnv(uvm_env):
    def build_phase(self):
        self.agent = CsrAgent("agent", self)
        self.scoreboard = CsrScoreboard("scoreboard", self)
        self.coverage = CsrCoverage("coverage", self)

    def connect_phase(self):
        self.agent.in_monitor.ap.connect(self.scoreboard.predictor.analysis_export)
        self.agent.out_monitor.ap.connect(self.scoreboard.comparator.analysis_export)
        self.agent.out_monitor.ap.connect(self.coverage.analysis_export)
