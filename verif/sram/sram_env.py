"""Environment of an rtl/sram memory (the scratchpad, the accumulator and the double-buffered accumulator share it):
the env that builds one agent per port, the scoreboard and the coverage, and connects every input monitor (the
requests) to the predictor and the coverage, every output monitor (the responses) to the comparator."""
from __future__ import annotations


from pyuvm import uvm_env


from .sram_agent import MemPortAgent
from .sram_config import SramEnvConfig
from .sram_coverage import SramCoverage
from .sram_scoreboard import SramScoreboard


class SramEnv(uvm_env):
    def build_phase(self):
        self.agents = {name: MemPortAgent(name, self) for name in SramEnvConfig.get(self).bfms}
        self.scoreboard = SramScoreboard("scoreboard", self)
        self.coverage = SramCoverage("coverage", self)

    def connect_phase(self):
        for agent in self.agents.values():
            agent.input_monitor.ap.connect(self.scoreboard.requests.analysis_export)
            agent.input_monitor.ap.connect(self.coverage.analysis_export)
            agent.output_monitor.ap.connect(self.scoreboard.responses.analysis_export)
