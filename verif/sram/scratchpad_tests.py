"""pyuvm tests of the banked scratchpad (rtl/sram/scratchpad.v)."""
from __future__ import annotations

import pyuvm

from .sram_bfm import SCRATCHPAD_PORTS
from .sram_seq_lib import ScratchpadConflictSeq, ScratchpadRandomSeq, ScratchpadRangeSeq
from .sram_tests import SramBaseTest


class ScratchpadBaseTest(SramBaseTest):
    ports = SCRATCHPAD_PORTS

    def limits(self) -> dict:
        """Three ports on one bank: a fair arbiter keeps a request waiting 2 cycles at the most."""
        return {"max_wait": 2}


@pyuvm.test()
class ScratchpadRandomTest(ScratchpadBaseTest):
    sequence = ScratchpadRandomSeq


@pyuvm.test()
class ScratchpadConflictTest(ScratchpadBaseTest):
    sequence = ScratchpadConflictSeq


@pyuvm.test()
class ScratchpadRangeTest(ScratchpadBaseTest):
    sequence = ScratchpadRangeSeq
