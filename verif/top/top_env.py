"""The npu_top environment: the program agent (sequencer, driver, program monitor), the three tile monitors, the
tile scoreboard (golden-model predictor inside) and the coverage collector, connected by analysis ports:

    program monitor  ap_start -> scoreboard.predictor -> scoreboard (expected tiles, final state)
                     ap_end   -> scoreboard.end_export, perf (cycles against the cycle model), coverage, runs
    acc monitor      ap       -> scoreboard.acc_export
    vec monitor      ap       -> scoreboard.vec_export
    dram monitor     ap       -> scoreboard.dram_export

Its configuration is TopEnvConfig (top_config.py), published by the test."""
from __future__ import annotations

from pyuvm import uvm_env

from verif.common.analysis import QueueMonitor
from verif.common.components import Collector

from .perf_scoreboard import PerfScoreboard
from .tile_scoreboard import TileScoreboard
from .top_config import TopEnvConfig
from .top_coverage import TopCoverage
from .top_driver import ProgramAgent

__all__ = ["TopEnv", "TopEnvConfig"]


class TopEnv(uvm_env):
    def build_phase(self):
        # the tile monitors and the testbench's collectors; a benchmark switches them off (final checks stay)
        self.tile_monitors = TopEnvConfig.get(self).tile_monitors
        self.agent = ProgramAgent("agent", self)
        if self.tile_monitors:
            self.acc_monitor = QueueMonitor("acc_monitor", self, "acc_writes")
            self.dram_monitor = QueueMonitor("dram_monitor", self, "dram_writes")
            self.vec_monitor = QueueMonitor("vec_monitor", self, "vec_writes")
        self.scoreboard = TileScoreboard("scoreboard", self)
        self.perf = PerfScoreboard("perf", self)
        self.coverage = TopCoverage("coverage", self)
        self.runs = Collector("runs", self)          # every ProgramResult, for the test's summary and the bench

    def connect_phase(self):
        mon = self.agent.monitor
        mon.ap_start.connect(self.scoreboard.predictor.analysis_export)
        mon.ap_end.connect(self.scoreboard.end_export.analysis_export)
        mon.ap_end.connect(self.perf.analysis_export)
        mon.ap_end.connect(self.coverage.analysis_export)
        mon.ap_end.connect(self.runs.analysis_export)
        if self.tile_monitors:
            self.acc_monitor.ap.connect(self.scoreboard.acc_export.analysis_export)
            self.dram_monitor.ap.connect(self.scoreboard.dram_export.analysis_export)
            self.vec_monitor.ap.connect(self.scoreboard.vec_export.analysis_export)

    def bfm(self):
        return TopEnvConfig.get(self).bfm          # the tile monitors' queues
