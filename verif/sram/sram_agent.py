"""Agent for one memory port (named after it): a driver that hands Access items to the port's BFM (and waits on a
Drain until the port has answered everything), an input monitor (the requests the memory accepted, with their
cycle and wait), an output monitor (what it answered) and a sequencer (verif/common/port_agent.py)."""
from __future__ import annotations

from pyuvm import uvm_driver

from verif.common.port_agent import PortAgent

from .sram_config import SramEnvConfig
from .sram_bfm import MemPortBfm
from .sram_items import Drain


class MemPortDriver(uvm_driver):
    async def run_phase(self):
        bfm = self.get_parent().bfm()
        while True:
            a = await self.seq_item_port.get_next_item()
            if isinstance(a, Drain):
                await bfm.drain()
            else:
                bfm.send(a.write, a.row, a.lanes, a.data, a.acc, a.gap)
            self.seq_item_port.item_done()


class MemPortAgent(PortAgent):
    driver_type = MemPortDriver

    def bfm(self) -> MemPortBfm:
        return SramEnvConfig.get(self).bfms[self.get_name()]
