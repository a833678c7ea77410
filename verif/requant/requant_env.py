"""Environment of the requantiser: its typed configuration, and the env that builds the agent, scoreboard and
coverage and connects the input monitor to the predictor and the coverage, the output monitor to the comparator
and the coverage."""
from __future__ import annotations

from dataclasses import dataclass

from pyuvm import uvm_env

from verif.common.env_config import EnvConfig

from .requant_agent import RequantAgent
from .requant_bfm import RequantBfm
from .requant_coverage import RequantCoverage
from .requant_scoreboard import RequantScoreboard


@dataclass(kw_only=True)
class RequantEnvConfig(EnvConfig):
    bfm: RequantBfm
    batches: int = 30             # random batches per test
    batch_len: int = 2000         # accumulators per random batch


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
