"""pyuvm tests of the double-buffered accumulator (rtl/sram/accumulator_banks.v, through
verif/sram/hdl/tb_accumulator_banks.v): the array's write port A, the load unit's write port B and the store
unit's read port, against the same reference memory as accumulator.v. B may wait while A writes its bank, and
only then; rows on both sides of the bank boundary and out of range are hot."""
from __future__ import annotations

import pyuvm

from .mem_port_bfm import PortMap
from .sram_base_test import SramBaseTest
from .sram_seq_lib import Traffic

A = PortMap(valid="a_valid", ready="a_ready", row="a_row", rsp_valid="a_rsp_valid", rsp_err="a_rsp_err",
            acc="a_acc", wdata="a_data", writes=True)
B = PortMap(valid="b_valid", ready="b_ready", row="b_row", rsp_valid="b_rsp_valid", rsp_err="b_rsp_err",
            wdata="b_data", writes=True)
R = PortMap(valid="r_valid", ready="r_ready", row="r_row", rsp_valid="r_rsp_valid", rsp_err="r_rsp_err",
            rdata="r_data")


class WholeRowTraffic(Traffic):
    """The banks write whole rows (no lane enables)."""

    def lanes_mask(self):
        return (1 << self.lanes) - 1


class AccumulatorBanksBaseTest(SramBaseTest):
    ports = {"a": A, "b": B, "r": R}
    bits = 32
    memory = "accumulator"
    traffic_class = WholeRowTraffic
    # A and the reads never wait (A has no ready; reads have a RAM copy per bank); B waits while A writes its bank
    limits = {"max_wait": None, "write_never_waits": False}

    def boundary(self):
        half = (self.rows + 1) // 2
        return [0, half - 1, half, self.rows - 1]


@pyuvm.test()
class AccumulatorBanksRandomTest(AccumulatorBanksBaseTest):
    """Accumulates and overwrites on A, overwrites on B and reads, all at once, anywhere."""

    def traffic(self, t):
        return [{"a": t.init("a")},
                {"a": t.mixed("a", 300, reads=False, acc=True, oor_rate=0.0),
                 "b": t.mixed("b", 300, reads=False), "r": t.mixed("r", 300, writes=False)}]


@pyuvm.test()
class AccumulatorBanksBoundaryTest(AccumulatorBanksBaseTest):
    """A, B and the reads on the rows around the bank boundary, back to back: same-bank contention (B waits),
    A and B in different banks in one cycle, and every read-after-write distance in both banks."""

    def traffic(self, t):
        hot = self.boundary()
        return [{"b": t.init("b")},
                {"a": t.mixed("a", 300, reads=False, acc=True, gap_rate=0.05, hot=hot, oor_rate=0.0),
                 "b": t.mixed("b", 300, reads=False, gap_rate=0.05, hot=hot),
                 "r": t.mixed("r", 300, writes=False, gap_rate=0.05, hot=hot)}]
