"""Agent of the requantiser: the driver (a RequantBatch -> the BFM: load, configure, go, wait for the outputs),
the input monitor (RequantIn) and the output monitor (RequantOut), and the sequencer."""
from __future__ import annotations

from pyuvm import uvm_driver

from verif.common.components import BfmAgent

from .requant_config import RequantEnvConfig
from .requant_items import RequantBatch


class RequantDriver(uvm_driver):
    async def run_phase(self):
        bfm = RequantEnvConfig.get(self).bfm
        while True:
            b: RequantBatch = await self.seq_item_port.get_next_item()
            await bfm.run_batch(b.acc, b.rq, str(b.get_name()))
            self.seq_item_port.item_done()


class RequantAgent(BfmAgent):
    driver_type = RequantDriver
    config_type = RequantEnvConfig
