"""Environment of an rtl/sram memory: one agent per port, all monitors into one scoreboard."""
from __future__ import annotations

from pyuvm import ConfigDB, uvm_env

from .sram_agent import MemPortAgent
from .sram_scoreboard import SramScoreboard


class SramEnv(uvm_env):
    def build_phase(self):
        cfg = ConfigDB().get(self, "", "SRAM_CFG")
        self.agents = {name: MemPortAgent(name, self) for name in cfg["ports"]}
        self.scoreboard = SramScoreboard("scoreboard", self)
        self.scoreboard.rows, self.scoreboard.lanes, self.scoreboard.bits = cfg["rows"], cfg["lanes"], cfg["bits"]
        self.scoreboard.memory = cfg["memory"]
        if cfg["write_priority"]:
            # writes never wait; reads may wait as long as writes keep coming
            self.scoreboard.max_wait = None
            self.scoreboard.write_never_waits = True
        for k, v in (cfg.get("limits") or {}).items():
            setattr(self.scoreboard, k, v)

    def connect_phase(self):
        for agent in self.agents.values():
            agent.monitor.ap.connect(self.scoreboard.collector.analysis_export)
