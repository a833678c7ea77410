"""pyuvm tests of mac_array (the cocotb test module sim/blocks.py names)."""
from __future__ import annotations

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles, RisingEdge
from pyuvm import ConfigDB

from verif.common import context
from verif.common.base_test import BaseTest

from .mac_array_bfm import MacArrayBfm
from .mac_array_env import MacArrayEnv
from .mac_array_seq_lib import BackToBackSeq, ExtremesSeq, LongKSeq, RandomTileSeq


class MacArrayBaseTest(BaseTest):
    sequence = RandomTileSeq

    def build_phase(self):
        super().build_phase()
        self.n = context.param("N", 8)
        self.bfm = MacArrayBfm(cocotb.top, self.n, context.param("TAG_W", 24))
        ConfigDB().set(None, "*", "BFM", self.bfm)
        ConfigDB().set(None, "*", "N", self.n)
        self.env = MacArrayEnv("env", self)

    async def body(self):
        await self.bfm.start()
        await self.sequence("seq").start(self.env.agent.seqr)
        while not self.bfm.idle():
            await RisingEdge(cocotb.top.clk)
        await ClockCycles(cocotb.top.clk, 2)
        sb = self.env.scoreboard
        self.logger.info(f"{sb.tiles_checked} tiles, {sb.compared} rows checked; weight rows loaded while "
                         f"the array was busy: {self.bfm.overlapped_weight_rows}/{self.bfm.weight_rows_sent}")


@pyuvm.test()
class MacArrayRandomTest(MacArrayBaseTest):
    sequence = RandomTileSeq


@pyuvm.test()
class MacArrayExtremesTest(MacArrayBaseTest):
    sequence = ExtremesSeq


@pyuvm.test()
class MacArrayLongKTest(MacArrayBaseTest):
    sequence = LongKSeq

    async def body(self):
        await super().body()
        assert self.env.scoreboard.k_groups_checked == 3, "not every long-K group was checked"


@pyuvm.test()
class MacArrayBackToBackTest(MacArrayBaseTest):
    sequence = BackToBackSeq

    async def body(self):
        await super().body()
        assert self.bfm.overlapped_weight_rows > 0, "no weight row ever loaded while the array computed"
