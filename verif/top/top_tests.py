"""First end-to-end tests of npu_top: golden random programs (legal, and with each kind of error) are written
into an AXI RAM with random backpressure, started through the AXI4-Lite CSRs, and finished by the interrupt;
the error code and index and the whole final DRAM must equal the golden simulator's, and the AXI4 protocol
checker on the DRAM bus must stay silent. (The tile-by-tile
scoreboard, random stream layer and coverage of issue 4 build on this.)"""
from __future__ import annotations

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles, RisingEdge
from cocotbext.axi import AxiLiteBus, AxiLiteMaster
from pyuvm import ConfigDB

from golden.isa import MachineConfig
from golden.random_program import ERROR_KINDS, random_program
from golden.simulator import run_program
from verif.common import context
from verif.common.base_test import BaseTest
from verif.common.axi_memory import axi_ram
from verif.common.clock_reset import reset, start_clock
from verif.common.components import ScoreboardEnv


class TopBaseTest(BaseTest):
    programs = 6
    error_kinds: tuple = (None,)
    timeout_us = 50000

    def build_phase(self):
        super().build_phase()
        p = context.params()
        self.cfg = MachineConfig(n=p["N"], sp_rows=p["SP_ROWS"], acc_rows=p["ACC_ROWS"], dram_bytes=p["DRAM_BYTES"])
        ConfigDB().set(None, "*", "BFM", self)
        self.env = ScoreboardEnv("env", self)
        self.clock = None

    async def body(self):
        d = cocotb.top
        self.clock = start_clock(d.clk)
        d.rst_n.value = 0
        ram = axi_ram(d, self.cfg.dram_bytes, self.rng, 0.2)
        csr = AxiLiteMaster(AxiLiteBus.from_prefix(d, "s_axil"), d.clk, d.rst_n, reset_active_level=False)
        await reset(d.clk, d.rst_n)
        sb = self.env.scoreboard
        base_seed = int(self.rng.integers(0, 1 << 30))
        for k in range(self.programs):
            kind = self.error_kinds[k % len(self.error_kinds)]
            rp = random_program(base_seed + k, cfg=self.cfg, error_kind=kind, length=30,
                                data_bytes=min(2048, self.cfg.dram_bytes // 4))
            res = run_program(rp.cfg, rp.dram, rp.inst_base, rp.inst_count)
            ram.write(0, rp.dram)
            await csr.write_dword(0x10, rp.inst_base)
            await csr.write_dword(0x14, rp.inst_count)
            await csr.write_dword(0x00, 0b11)                      # IRQ_EN | START
            await RisingEdge(d.irq)
            code = await csr.read_dword(0x08)
            index = await csr.read_dword(0x0C)
            retired = await csr.read_dword(0x4C)
            await csr.write_dword(0x18, 1)                         # clear IRQ_STATUS
            want = (int(res.err_code), res.err_index) if res.status == "ERROR" else (0, 0)
            name = f"program {k} (random_program seed {base_seed + k}, {kind or 'legal'})"
            sb.compared += 1
            if (code, index) != want:
                sb.mismatch(f"{name}: ended with code {code} at {index}, golden {res.message()}")
                continue
            got = ram.read(0, self.cfg.dram_bytes)
            if got != bytes(res.dram):
                a = next(i for i in range(len(got)) if got[i] != res.dram[i])
                sb.mismatch(f"{name}: DRAM byte {a:#x} expected {int(res.dram[a]):#04x}, got {got[a]:#04x}")
            if retired != res.executed:
                sb.mismatch(f"{name}: RETIRED {retired}, golden executed {res.executed}")
            self.logger.info(f"{name}: {res.message()}, DRAM identical")
        await ClockCycles(d.clk, 2)
        if d.violation.value == 1:
            sb.mismatch(f"AXI4 protocol checker: rule {int(d.violation_code.value)} violated on the DRAM bus")

    def stop(self):
        if self.clock:
            self.clock.cancel()


@pyuvm.test()
class TopLegalProgramsTest(TopBaseTest):
    """Legal random programs end to end."""


@pyuvm.test()
class TopErrorProgramsTest(TopBaseTest):
    """Programs with each kind of error: the right code and index, and DRAM as the instructions before it left it."""
    error_kinds = tuple(ERROR_KINDS)
    programs = 8
