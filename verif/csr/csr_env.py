"""Environment of csr_regs: its typed configuration, and the env that builds the agent, scoreboard and coverage
and connects the input monitor to the predictor, the output monitor to the comparator and the coverage."""
from __future__ import annotations

from dataclasses import dataclass

from pyuvm import uvm_env

from verif.common.env_config import EnvConfig

from .csr_agent import CsrAgent
from .csr_bfm import CsrBfm
from .csr_coverage import CsrCoverage
from .csr_scoreboard import CsrScoreboard


@dataclass(kw_only=True)
class CsrEnvConfig(EnvConfig):
    bfm: CsrBfm
    accesses: int = 400           # random accesses per test
    inputs_rate: float = 0.3      # chance, before an access, of new controller-side inputs
    done_rate: float = 0.1        # chance, before an access, of a done pulse


class CsrEnv(uvm_env):
    def build_phase(self):
        self.agent = CsrAgent("agent", self)
        self.scoreboard = CsrScoreboard("scoreboard", self)
        self.coverage = CsrCoverage("coverage", self)

    def connect_phase(self):
        self.agent.in_monitor.ap.connect(self.scoreboard.predictor.analysis_export)
        self.agent.out_monitor.ap.connect(self.scoreboard.comparator.analysis_export)
        self.agent.out_monitor.ap.connect(self.coverage.analysis_export)
