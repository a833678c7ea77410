"""One agent per DMA client: the driver runs each transfer to completion on the client's BFM and publishes
it, results included, on its analysis port; the clients' sequences run concurrently."""
from __future__ import annotations

from pyuvm import ConfigDB, uvm_agent, uvm_analysis_port, uvm_driver, uvm_sequence, uvm_sequencer

from .interconnect_items import ReadXfer


class ClientDriver(uvm_driver):
    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)

    def start_of_simulation_phase(self):
        self.bfm = ConfigDB().get(self, "", "CLIENT_BFM")

    async def run_phase(self):
        while True:
            x = await self.seq_item_port.get_next_item()
            if isinstance(x, ReadXfer):
                x.accepted, x.data, x.errs, x.lasts = await self.bfm.transfer(x.addr, x.beats)
            else:
                x.err, x.cycles = await self.bfm.transfer(x.addr, x.data, x.strb)
            self.ap.write(x)
            self.seq_item_port.item_done()


class ClientAgent(uvm_agent):
    def build_phase(self):
        self.seqr = uvm_sequencer("seqr", self)
        self.driver = ClientDriver("driver", self)

    def connect_phase(self):
        self.driver.seq_item_port.connect(self.seqr.seq_item_export)


class XferListSeq(uvm_sequence):
    def __init__(self, name, xfers):
        super().__init__(name)
        self.xfers = xfers

    async def body(self):
        for x in self.xfers:
            await self.start_item(x)
            await self.finish_item(x)
