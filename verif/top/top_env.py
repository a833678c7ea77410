"""The npu_top environment: the program agent (CSR + DRAM model driver), the two tile monitors, the tile
scoreboard (golden-model predictor inside) and the coverage collector."""
from __future__ import annotations

from pyuvm import ConfigDB, uvm_env, uvm_subscriber

from .tile_scoreboard import TileScoreboard
from .top_coverage import sample
from .top_driver import ProgramAgent
from .top_monitors import AccWriteMonitor, DramWriteMonitor


class _Predict(uvm_subscriber):
    def write(self, item):
        item.golden = self.get_parent().scoreboard.start(item)


class _Finish(uvm_subscriber):
    def write(self, item):
        env = self.get_parent()
        env.scoreboard.finish(item.result)
        sample(item, item.result, item.golden.executed)
        env.done.append(item)


class TopEnv(uvm_env):
    def build_phase(self):
        self.agent = ProgramAgent("agent", self)
        # the tile monitors run Python on every result row; a benchmark switches them off (final checks stay)
        cdb = ConfigDB()
        self.monitors = cdb.get(self, "", "TILE_MONITORS") if cdb.exists(self, "", "TILE_MONITORS") else True
        if self.monitors:
            self.acc_monitor = AccWriteMonitor("acc_monitor", self)
            self.dram_monitor = DramWriteMonitor("dram_monitor", self)
        self.scoreboard = TileScoreboard("scoreboard", self)
        self.predict = _Predict("predict", self)
        self.finish = _Finish("finish", self)
        self.done = []
        ConfigDB().set(None, "*", "SCOREBOARD", self.scoreboard)

    def connect_phase(self):
        super().connect_phase()
        self.agent.driver.ap_start.connect(self.predict.analysis_export)
        self.agent.driver.ap_done.connect(self.finish.analysis_export)
        if self.monitors:
            self.acc_monitor.ap.connect(self.scoreboard.acc_export.analysis_export)
            self.dram_monitor.ap.connect(self.scoreboard.dram_export.analysis_export)
        else:
            self.scoreboard.tiles_expected = False
