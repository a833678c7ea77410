"""Agent of csr_regs: the driver (an access -> the BFM's AXI4-Lite master; new controller-side inputs and done
pulses -> the BFM's pins), the input monitor (writes, reads and done pulses as the registers took them) and the
output monitor (responses, START pulses, irq edges), and the sequencer."""
from __future__ import annotations

from pyuvm import uvm_driver

from verif.common.components import BfmAgent

from .csr_config import CsrEnvConfig
from .csr_items import CsrAccess, CsrDonePulse, CsrInputs


class CsrDriver(uvm_driver):
    async def run_phase(self):
        bfm = CsrEnvConfig.get(self).bfm
        while True:
            item = await self.seq_item_port.get_next_item()
            if isinstance(item, CsrAccess):
                if item.op == "write":
                    await bfm.write(item.addr, item.data.to_bytes(item.nbytes, "little"))
                else:
                    await bfm.read(item.addr, 4)
            elif isinstance(item, CsrInputs):
                bfm.drive_inputs(item.busy, item.done, item.err_code, item.err_index, item.counters)
            elif isinstance(item, CsrDonePulse):
                await bfm.pulse_done(item.wait)
            else:
                raise TypeError(f"{self.get_full_name()}: no way to drive {item!r}")
            self.seq_item_port.item_done()


class CsrAgent(BfmAgent):
    driver_type = CsrDriver
    config_type = CsrEnvConfig
