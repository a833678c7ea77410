"""Environment of an rtl/sram memory (the scratchpad, the accumulator and the double-buffered accumulator share
it): its typed configuration, and the env that builds one agent per port, the scoreboard and the coverage, and
connects every request monitor to the predictor and the coverage, every response monitor to the comparator."""
from __future__ import annotations

from dataclasses import dataclass

from pyuvm import uvm_env

from verif.common.env_config import EnvConfig

from .sram_agent import MemPortAgent
from .sram_bfm import MemPortBfm
from .sram_coverage import SramCoverage
from .sram_scoreboard import SramScoreboard


@dataclass(kw_only=True)
class SramEnvConfig(EnvConfig):
    bfms: dict[str, MemPortBfm]     # one per port, by agent name
    memory: str                     # "scratchpad" or "accumulator": the covergroup (its kinds of access)
    rows: int
    lanes: int
    bits: int                       # of a lane
    max_wait: int | None = 1        # cycles a request may wait (None: no bound, e.g. reads under write priority)
    write_never_waits: bool = False


class SramEnv(uvm_env):
    def build_phase(self):
        self.agents = {name: MemPortAgent(name, self) for name in SramEnvConfig.get(self).bfms}
        self.scoreboard = SramScoreboard("scoreboard", self)
        self.coverage = SramCoverage("coverage", self)

    def connect_phase(self):
        for agent in self.agents.values():
            agent.request_monitor.ap.connect(self.scoreboard.requests.analysis_export)
            agent.request_monitor.ap.connect(self.coverage.analysis_export)
            agent.response_monitor.ap.connect(self.scoreboard.responses.analysis_export)
