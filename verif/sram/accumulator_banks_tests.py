"""pyuvm tests of the double-buffered accumulator (rtl/sram/accumulator_banks.v, through
verif/sram/hdl/tb_accumulator_banks.v): the array's write port A, the load unit's write port B and the store
unit's read port, against the same reference memory as accumulator.v. B may wait while A writes its bank, and
only then; rows on both sides of the bank boundary and out of range are hot."""
from __future__ import annotations

import pyuvm

from .sram_bfm import ACCUMULATOR_BANKS_PORTS
from .sram_seq_lib import AccumulatorBanksBoundarySeq, AccumulatorBanksRandomSeq
from .sram_tests import SramBaseTest


class AccumulatorBanksBaseTest(SramBaseTest):
    ports = ACCUMULATOR_BANKS_PORTS
    bits = 32
    memory = "accumulator"

    def limits(self):
        # A and the reads never wait (A has no ready; reads have a RAM copy per bank); B waits while A writes its bank
        return {"max_wait": None}


@pyuvm.test()
class AccumulatorBanksRandomTest(AccumulatorBanksBaseTest):
    sequence = AccumulatorBanksRandomSeq


@pyuvm.test()
class AccumulatorBanksBoundaryTest(AccumulatorBanksBaseTest):
    sequence = AccumulatorBanksBoundarySeq
