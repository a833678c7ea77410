"""The top-level testbench's hands on the DUT: clock and reset, the CSR bus (cocotbext-axi's AxiLiteMaster)
and the DRAM model's host side (files in and out on a pulse, knobs as ports)."""
from __future__ import annotations

from pathlib import Path

import cocotb
from cocotb.triggers import ClockCycles, RisingEdge
from cocotbext.axi import AxiLiteBus, AxiLiteMaster

from verif.common import probes
from verif.common.clock_reset import reset, start_clock
from verif.common.counters import COUNTER_BASE, COUNTERS

from .top_items import DramKnobs

CTRL, STATUS, ERR_CODE, ERR_INDEX, INST_BASE, INST_COUNT, IRQ_STATUS = 0x00, 0x04, 0x08, 0x0C, 0x10, 0x14, 0x18
DRAM_WORD = 16


class TopBfm:
    def __init__(self, dut):
        self.dut = dut
        # every probe of the testbench (hdl/tb_npu_top.probes.yaml) is looked up first: a missing one fails here
        self.probes = probes.of(dut)
        self.clock = start_clock(dut.clk)
        dut.rst_n.value = 0
        for k in ("dram_load", "dram_dump", "dram_latency", "stall_ar", "stall_r", "stall_aw", "stall_w",
                  "stall_b", "err_lo", "err_hi"):
            getattr(dut, k).value = 0
        dut.dram_seed.value = 1
        self.csr = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst_n, reset_active_level=False)
        self.csr.write_if.log.setLevel("WARNING")
        self.csr.read_if.log.setLevel("WARNING")

    async def reset(self, cycles: int = 4):
        await reset(self.dut.clk, self.dut.rst_n, cycles)

    def stop(self):
        self.clock.cancel()

    # -- DRAM model ----------------------------------------------------------------------------------------
    def set_knobs(self, k: DramKnobs, bus_errors=()):
        d = self.dut
        d.dram_latency.value = k.latency
        d.dram_seed.value = k.seed or 1
        d.stall_ar.value, d.stall_r.value, d.stall_aw.value = k.stall_ar, k.stall_r, k.stall_aw
        d.stall_w.value, d.stall_b.value = k.stall_w, k.stall_b
        lo, hi = bus_errors[0] if bus_errors else (0, 0)
        d.err_lo.value, d.err_hi.value = lo, hi

    async def load_dram(self, image: bytes):
        words = (len(image) + DRAM_WORD - 1) // DRAM_WORD
        image = image + bytes(words * DRAM_WORD - len(image))
        Path("dram_in.hex").write_text("".join(
            f"{int.from_bytes(image[i:i + DRAM_WORD], 'little'):032x}\n" for i in range(0, len(image), DRAM_WORD)))
        await self._pulse(self.dut.dram_load)

    async def dump_dram(self, nbytes: int) -> bytes:
        await self._pulse(self.dut.dram_dump)
        # $writememh may add "// 0x…" address comments (Icarus does); only the data lines count
        words = [w for ln in Path("dram_out.hex").read_text().splitlines()
                 for w in ln.split("//")[0].split()]
        return b"".join(int(w, 16).to_bytes(DRAM_WORD, "little") for w in words)[:nbytes]

    async def _pulse(self, sig):
        await RisingEdge(self.dut.clk)
        sig.value = 1
        await RisingEdge(self.dut.clk)
        sig.value = 0
        await RisingEdge(self.dut.clk)

    # -- CSRs ----------------------------------------------------------------------------------------------
    async def start(self, base: int, count: int):
        await self.csr.write_dword(INST_BASE, base)
        await self.csr.write_dword(INST_COUNT, count)
        await self.csr.write_dword(CTRL, 0b11)                     # IRQ_EN | START

    async def finish(self) -> tuple[int, int, dict]:
        """After the interrupt: error code and index, every counter, and the interrupt cleared."""
        code = await self.csr.read_dword(ERR_CODE)
        index = await self.csr.read_dword(ERR_INDEX)
        counters = {k: await self.csr.read_dword(COUNTER_BASE + 4 * i) for i, k in enumerate(COUNTERS)}
        await self.csr.write_dword(IRQ_STATUS, 1)
        return code, index, counters

    async def idle_after_reset(self) -> dict:
        return {"status": await self.csr.read_dword(STATUS), "irq_status": await self.csr.read_dword(IRQ_STATUS),
                "irq": int(self.dut.irq.value)}

    async def cycles(self, n: int):
        await ClockCycles(self.dut.clk, n)

    # -- what a hung run was waiting for -------------------------------------------------------------------
    def pending(self) -> str:
        """The probe file's hang_report probes, `name=value, ...` (X/Z bits shown as such)."""
        return self.probes.report()


def bfm() -> TopBfm:
    return TopBfm(cocotb.top)
