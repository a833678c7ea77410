"""Environment of mac_array: its typed configuration, and the env that builds the agent, scoreboard and coverage
and connects the input monitor to the predictor and the coverage, the output monitor to the comparator."""
from __future__ import annotations

from dataclasses import dataclass

from pyuvm import uvm_env

from verif.common.env_config import EnvConfig

from .mac_array_agent import MacArrayAgent
from .mac_array_bfm import MacArrayBfm
from .mac_array_coverage import MacArrayCoverage
from .mac_array_scoreboard import MacArrayScoreboard


@dataclass(kw_only=True)
class MacArrayEnvConfig(EnvConfig):
    bfm: MacArrayBfm
    n: int                                  # the array is N x N
    k_groups: tuple[int, ...] = ()          # long-K products: how many consecutive tiles (from the first) make each
    expect_weight_overlap: bool = False     # a weight row must load while the array computes (double buffering)


class MacArrayEnv(uvm_env):
    def build_phase(self):
        self.agent = MacArrayAgent("agent", self)
        self.scoreboard = MacArrayScoreboard("scoreboard", self)
        self.coverage = MacArrayCoverage("coverage", self)

    def connect_phase(self):
        self.agent.input_monitor.ap.connect(self.scoreboard.predictor.analysis_export)
        self.agent.input_monitor.ap.connect(self.coverage.analysis_export)
        self.agent.output_monitor.ap.connect(self.scoreboard.comparator.analysis_export)
