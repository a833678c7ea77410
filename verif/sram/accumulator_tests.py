"""pyuvm tests of the accumulator memory (rtl/sram/accumulator.v)."""
from __future__ import annotations

import pyuvm

from verif.common import context

from .sram_bfm import ACCUMULATOR_PORTS
from .sram_seq_lib import AccumulatorChainSeq, AccumulatorRandomSeq, AccumulatorRangeSeq
from .sram_tests import SramBaseTest


class AccumulatorBaseTest(SramBaseTest):
    ports = ACCUMULATOR_PORTS
    bits = 32
    memory = "accumulator"

    def limits(self):
        # write priority: writes never wait; reads may wait as long as writes keep coming
        return {"max_wait": None, "write_never_waits": True} if context.param("WRITE_PRIORITY", 0) else {}


@pyuvm.test()
class AccumulatorRandomTest(AccumulatorBaseTest):
    sequence = AccumulatorRandomSeq


@pyuvm.test()
class AccumulatorChainTest(AccumulatorBaseTest):
    sequence = AccumulatorChainSeq


@pyuvm.test()
class AccumulatorRangeTest(AccumulatorBaseTest):
    sequence = AccumulatorRangeSeq
