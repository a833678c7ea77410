"""Environment of the AXI master: an agent per client (read 0: fetch, read 1: load, write: store) into one
scoreboard."""
from __future__ import annotations

from pyuvm import uvm_env

from .interconnect_agent import ClientAgent
from .interconnect_scoreboard import InterconnectScoreboard

CLIENTS = ("read0", "read1", "write")


class InterconnectEnv(uvm_env):
    def build_phase(self):
        self.agents = {c: ClientAgent(c, self) for c in CLIENTS}
        self.scoreboard = InterconnectScoreboard("scoreboard", self)

    def connect_phase(self):
        for a in self.agents.values():
            a.driver.ap.connect(self.scoreboard.collector.analysis_export)
