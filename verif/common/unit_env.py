"""The environment of an execution unit: its agent, its scoreboard (predictor on the input monitor, comparator on
the output monitor) and, when the block has one, a coverage subscriber on the input monitor."""
from __future__ import annotations

from pyuvm import uvm_env, uvm_subscriber

from .unit_agent import UnitAgent
from .unit_env_config import UnitEnvConfig
from .unit_items import Executed
from .unit_scoreboard import UnitScoreboard


class UnitEnv(uvm_env):
    scoreboard_type = UnitScoreboard
    coverage_type = None

    def build_phase(self):
        self.agent = UnitAgent("agent", self)
        self.scoreboard = self.scoreboard_type("scoreboard", self)
        self.coverage = self.coverage_type("coverage", self) if self.coverage_type else None

    def connect_phase(self):
        self.agent.input_monitor.ap.connect(self.scoreboard.predictor.analysis_export)
        self.agent.output_monitor.ap.connect(self.scoreboard.comparator.analysis_export)
        if self.coverage:
            self.agent.input_monitor.ap.connect(self.coverage.analysis_export)


class UnitCoverage(uvm_subscriber):
    """Samples each executed instruction (the input monitor's Executed items) with the block's `sample(ex, n)`
    (a cocotb-coverage section)."""

    def build_phase(self):
        self.n = UnitEnvConfig.get(self).machine.n

    def write(self, item):
        if isinstance(item, Executed):
            self.sample(item, self.n)

    def sample(self, ex: Executed, n: int) -> None:
        raise NotImplementedError
