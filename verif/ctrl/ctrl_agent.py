"""Agent of ctrl: the driver (a ProgramItem -> the BFM's host: serve the image, START, wait for done), the input
monitor (ProgramStart: what the controller took) and the output monitor (ProgramResult: how the run went), and
the sequencer."""
from __future__ import annotations

from pyuvm import uvm_driver

from verif.common.components import BfmAgent

from .ctrl_config import CtrlEnvConfig
from .ctrl_items import ProgramItem


class CtrlDriver(uvm_driver):
    async def run_phase(self):
        bfm = CtrlEnvConfig.get(self).bfm
        while True:
            item: ProgramItem = await self.seq_item_port.get_next_item()
            await bfm.run_program(item.image, item.inst_base, item.inst_count, item.faulty, item.label)
            self.seq_item_port.item_done()


class CtrlAgent(BfmAgent):
    driver_type = CtrlDriver
    config_type = CtrlEnvConfig
    input_queue, output_queue = "starts", "results"
