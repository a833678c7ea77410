"""Environment of the AXI master: the env that builds an agent per client (read0: fetch, read1: load, write: store),
the AXI-side agent, the scoreboard and the coverage, and connects the clients' input monitors to the predictor,
their output monitors to the comparator and the coverage, and the AXI side's monitors (AR bursts, protocol
checker, final DRAM) to the comparator."""
from __future__ import annotations


from pyuvm import uvm_env


from .interconnect_agent import BusAgent, ClientAgent
from .interconnect_config import InterconnectEnvConfig
from .interconnect_coverage import InterconnectCoverage
from .interconnect_scoreboard import InterconnectScoreboard


class InterconnectEnv(uvm_env):
    def build_phase(self):
        self.agents = {c: ClientAgent(c, self) for c in InterconnectEnvConfig.get(self).bfms}
        self.bus = BusAgent("bus", self)
        self.scoreboard = InterconnectScoreboard("scoreboard", self)
        self.coverage = InterconnectCoverage("coverage", self)

    def connect_phase(self):
        sb = self.scoreboard
        for a in self.agents.values():
            a.input_monitor.ap.connect(sb.requests.analysis_export)
            a.output_monitor.ap.connect(sb.responses.analysis_export)
            a.output_monitor.ap.connect(self.coverage.analysis_export)
        self.bus.ar_monitor.ap.connect(sb.bursts.analysis_export)
        self.bus.checker_monitor.ap.connect(sb.violations.analysis_export)
        self.bus.dram_monitor.ap.connect(sb.dram.analysis_export)
