"""pyuvm tests of the requantiser lane (the cocotb test module sim/blocks.py names): random configurations, tie
sweeps, extremes. A test builds the configuration, publishes it, runs its batch stream and waits; the
scoreboard checks."""
from __future__ import annotations

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles

from verif.common import context
from verif.common.base_test import BaseTest

from .requant_bfm import RequantBfm
from .requant_config import RequantEnvConfig
from .requant_env import RequantEnv
from .requant_seq_lib import ExtremesSeq, RandomBatchSeq, TieSweepSeq


class RequantBaseTest(BaseTest):
    sequence = RandomBatchSeq

    def build_phase(self):
        super().build_phase()
        self.cfg = RequantEnvConfig(rng=self.rng, params=context.params(), bfm=RequantBfm(cocotb.top))
        self.cfg.publish()
        self.env = RequantEnv("env", self)

    async def body(self):
        await self.cfg.bfm.start()
        await self.sequence("batches").start(self.env.agent.seqr)
        await ClockCycles(cocotb.top.clk, 2)

    def pending(self) -> str:
        return f"scoreboard: {self.env.scoreboard.pending()}"

    def stop(self):
        self.cfg.bfm.stop()


@pyuvm.test()
class RequantRandomTest(RequantBaseTest):
    """Random (multiplier, shift, zero point, relu) with accumulators aimed at the int8 range and anywhere."""


@pyuvm.test()
class RequantTieSweepTest(RequantBaseTest):
    """Contiguous accumulator windows where float32 rounding ties (the onnxruntime cross-check's sweeps)."""
    sequence = TieSweepSeq


@pyuvm.test()
class RequantExtremesTest(RequantBaseTest):
    """int32 limits, the 2^24 boundary, zero, and the extreme multipliers and shifts."""
    sequence = ExtremesSeq
