"""pyuvm tests of the accumulator memory (rtl/sram/accumulator.v)."""
from __future__ import annotations

import pyuvm

from .mem_port_bfm import Access, PortMap
from .sram_base_test import SramBaseTest

W = PortMap(valid="w_valid", ready="w_ready", row="w_row", rsp_valid="w_rsp_valid", rsp_err="w_rsp_err",
            acc="w_acc", lane_en="w_lane_en", wdata="w_data", writes=True)
R = PortMap(valid="r_valid", ready="r_ready", row="r_row", rsp_valid="r_rsp_valid", rsp_err="r_rsp_err",
            rdata="r_data")


class AccumulatorBaseTest(SramBaseTest):
    ports = {"w": W, "r": R}
    bits = 32
    memory = "accumulator"


@pyuvm.test()
class AccumulatorRandomTest(AccumulatorBaseTest):
    """Overwrites, accumulates and reads anywhere, with partial lane masks and bubbles."""

    def traffic(self, t):
        return [{"w": t.init("w")},
                {"w": t.mixed("w", 300, reads=False, acc=True), "r": t.mixed("r", 300, writes=False)}]


@pyuvm.test()
class AccumulatorChainTest(AccumulatorBaseTest):
    """Back-to-back accumulates into a few rows while the read port reads them every cycle: every
    read-after-write distance the forwarding must cover, and read/accumulate conflicts on the RAM port."""

    def traffic(self, t):
        hot = [0, 1, self.rows - 1]
        return [{"w": t.init("w")},
                {"w": t.mixed("w", 300, reads=False, acc=True, gap_rate=0.05, hot=hot, oor_rate=0.0),
                 "r": t.mixed("r", 300, writes=False, gap_rate=0.05, hot=hot, oor_rate=0.0)}]


@pyuvm.test()
class AccumulatorRangeTest(AccumulatorBaseTest):
    """Full range through both ports, then out-of-range writes (plain and accumulate) and reads."""

    def traffic(self, t):
        rows = range(self.rows)
        oor = [self.rows, 0xFFFF]
        full = (1 << self.n) - 1
        return [{"w": t.init("w")}, {"r": [Access("r", False, r) for r in rows]},
                {"w": [Access("w", True, r, full, t.data(), acc=a) for r in oor for a in (False, True)],
                 "r": [Access("r", False, r) for r in oor]},
                {"r": [Access("r", False, r) for r in rows]}]
