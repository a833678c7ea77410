"""Environment of csr_regs (verif.common.components.AgentEnv): the agent, the scoreboard and the coverage; the
input monitor feeds the predictor, the output monitor the comparator and the coverage."""
from __future__ import annotations

from verif.common.components import AgentEnv

from .csr_agent import CsrAgent
from .csr_coverage import CsrCoverage
from .csr_scoreboard import CsrScoreboard


class CsrEnv(AgentEnv):
    agent_type = CsrAgent
    scoreboard_type = CsrScoreboard
    coverage_type = CsrCoverage
    coverage_of = "output_monitor"
