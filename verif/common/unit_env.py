"""The environment of an execution unit: its agent, its scoreboard (predictor on the input monitor, comparator on
the output monitor) and, when the block has one, a coverage subscriber on the input monitor."""
from __future__ import annotations

from pyuvm import uvm_subscriber

from .components import AgentEnv
from .unit_agent import UnitAgent
from .unit_env_config import UnitEnvConfig
from .unit_items import Executed
from .unit_scoreboard import UnitScoreboard


class UnitEnv(AgentEnv):
    agent_type = UnitAgent
    scoreboard_type = UnitScoreboard


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
