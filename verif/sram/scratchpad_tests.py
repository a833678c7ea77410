"""pyuvm tests of the banked scratchpad (rtl/sram/scratchpad.v)."""
from __future__ import annotations

import pyuvm

from verif.common import context

from .mem_port_bfm import PortMap
from .sram_base_test import SramBaseTest


def _port(p):
    return PortMap(valid=f"{p}_valid", ready=f"{p}_ready", row=f"{p}_row", rsp_valid=f"{p}_rsp_valid",
                   rsp_err=f"{p}_rsp_err", we=f"{p}_we", lane_en=f"{p}_lane_en", wdata=f"{p}_wdata",
                   rdata=f"{p}_rdata")


class ScratchpadBaseTest(SramBaseTest):
    ports = {"p0": _port("p0"), "p1": _port("p1")}


@pyuvm.test()
class ScratchpadRandomTest(ScratchpadBaseTest):
    """Both ports: random reads and writes anywhere (a few out of range), partial lane masks, bubbles."""

    def traffic(self, t):
        return [{"p0": t.init("p0")}, {"p0": t.mixed("p0", 300), "p1": t.mixed("p1", 300)}]


@pyuvm.test()
class ScratchpadConflictTest(ScratchpadBaseTest):
    """Both ports hammer the rows of one bank back to back: every cycle a conflict, neither may starve."""

    def traffic(self, t):
        nb = context.param("NB", 4)
        hot = [r for r in range(0, self.rows, nb)][:6]
        return [{"p0": t.init("p0")},
                {p: t.mixed(p, 200, gap_rate=0.0, hot=hot, oor_rate=0.0) for p in ("p0", "p1")}]


@pyuvm.test()
class ScratchpadRangeTest(ScratchpadBaseTest):
    """Every row written through one port and read back through the other, then out-of-range rows on both:
    each must come back flagged, and must not disturb any row."""

    def traffic(self, t):
        from .mem_port_bfm import Access
        rows = range(self.rows)
        oor = [self.rows, self.rows + 1, 0xFFFF]
        return [{"p1": t.init("p1")},
                {"p0": [Access("p0", False, r) for r in rows]},
                {"p0": [Access("p0", True, r, (1 << self.n) - 1, t.data()) for r in oor],
                 "p1": [Access("p1", False, r) for r in oor]},
                {"p1": [Access("p1", False, r) for r in rows]}]
