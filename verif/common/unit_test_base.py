"""Test base of the execution-unit environments: build the block's configuration (its BFM included) and
publish it once, build the environment, then start the BFM, run the test's sequence on the agent's sequencer
and wait until the unit is idle and the monitors have published everything. A test compares nothing itself."""
from __future__ import annotations

from .base_test import BaseTest
from .unit_env import UnitEnv
from .unit_env_config import UnitEnvConfig


class UnitBaseTest(BaseTest):
    env_type = UnitEnv
    sequence = None             # the test's stream (a verif.common.unit_seq_lib.UnitSeq)

    def build_phase(self):
        super().build_phase()
        self.cfg = self.make_config()
        self.cfg.publish()
        self.env = self.env_type("env", self)

    def make_config(self) -> UnitEnvConfig:
        raise NotImplementedError

    async def body(self):
        await self.cfg.bfm.start()
        await self.sequence("seq").start(self.env.agent.seqr)
        await self.cfg.bfm.wait_idle()

    def pending(self) -> str:
        if not hasattr(self, "env"):
            return "(the environment was never built)"
        backlog = "; ".join(self.env.scoreboard.pending()) or "nothing outstanding"
        return f"{self.cfg.bfm.pending()}; scoreboard: {backlog}"

    def stop(self):
        if getattr(self, "cfg", None):
            self.cfg.bfm.stop()
