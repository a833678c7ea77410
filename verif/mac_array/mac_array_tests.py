"""pyuvm tests of mac_array (the cocotb test module sim/blocks.py names): each builds the BFM and the config,
starts its sequence and waits until the array has drained; the scoreboard does the checking."""
from __future__ import annotations

import cocotb
import pyuvm

from verif.common import context
from verif.common.base_test import BaseTest

from .mac_array_bfm import MacArrayBfm
from .mac_array_config import MacArrayEnvConfig
from .mac_array_env import MacArrayEnv
from .mac_array_seq_lib import BackToBackSeq, ExtremesSeq, LongKSeq, RandomTileSeq


class MacArrayBaseTest(BaseTest):
    sequence = RandomTileSeq
    k_groups: tuple[int, ...] = ()
    expect_weight_overlap = False

    def build_phase(self):
        super().build_phase()
        self.bfm = MacArrayBfm(cocotb.top, context.param("N", 8), context.param("TAG_W", 24))
        MacArrayEnvConfig(rng=self.rng, params=context.params(), bfm=self.bfm, n=self.bfm.n,
                          k_groups=self.k_groups, expect_weight_overlap=self.expect_weight_overlap).publish()
        self.env = MacArrayEnv("env", self)

    async def body(self):
        await self.bfm.start()
        await self.sequence("seq").start(self.env.agent.seqr)
        await self.bfm.drain()

    def stop(self):
        self.bfm.stop()


@pyuvm.test()
class MacArrayRandomTest(MacArrayBaseTest):
    sequence = RandomTileSeq


@pyuvm.test()
class MacArrayExtremesTest(MacArrayBaseTest):
    sequence = ExtremesSeq


@pyuvm.test()
class MacArrayLongKTest(MacArrayBaseTest):
    sequence = LongKSeq
    k_groups = (16, 9, 32)


@pyuvm.test()
class MacArrayBackToBackTest(MacArrayBaseTest):
    sequence = BackToBackSeq
    expect_weight_overlap = True
