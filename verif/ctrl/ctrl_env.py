"""Environment of ctrl: its typed configuration, and the env that builds the agent, scoreboard and coverage and
connects the input monitor to the predictor, the output monitor to the comparator and the coverage."""
from __future__ import annotations

from dataclasses import dataclass

from pyuvm import uvm_env

from golden.isa import MachineConfig
from verif.common.env_config import EnvConfig

from .ctrl_agent import CtrlAgent
from .ctrl_bfm import CtrlBfm
from .ctrl_coverage import CtrlCoverage
from .ctrl_scoreboard import CtrlScoreboard


@dataclass(kw_only=True)
class CtrlEnvConfig(EnvConfig):
    bfm: CtrlBfm                  # the signal level (its own timing generator, apart from `rng`)
    machine: MachineConfig        # the build's N, SP_ROWS, ACC_ROWS, DRAM_BYTES, for the golden model
    programs: int = 30            # programs per test

    @property
    def data_bytes(self) -> int:
        """The random programs' data window (they sit after it)."""
        return min(2048, self.machine.dram_bytes // 4)


class CtrlEnv(uvm_env):
    def build_phase(self):
        self.agent = CtrlAgent("agent", self)
        self.scoreboard = CtrlScoreboard("scoreboard", self)
        self.coverage = CtrlCoverage("coverage", self)

    def connect_phase(self):
        self.agent.in_monitor.ap.connect(self.scoreboard.predictor.analysis_export)
        self.agent.out_monitor.ap.connect(self.scoreboard.comparator.analysis_export)
        self.agent.out_monitor.ap.connect(self.coverage.analysis_export)
