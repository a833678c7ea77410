"""pyuvm tests of the store unit. Each STORE comes from the golden model's random generator (raw and
requantised, 1..N lanes, strides of 0, overlapping and 4 KiB-crossing elements, random CONFIG); the
accumulator is filled with random rows first; the expected DRAM is the golden simulator running
CONFIG + STORE + HALT from the same state."""
from __future__ import annotations

import cocotb
import numpy as np
import pyuvm
from cocotb.triggers import ClockCycles, RisingEdge
from pyuvm import ConfigDB

from golden import isa
from golden.asm import disassemble_one
from golden.isa import MachineConfig, Op
from golden.layout import config_snapshot, queue_entry
from golden.random_program import Generator
from golden.simulator import run_program
from verif.common import context
from verif.common.base_test import BaseTest
from verif.common.axi_memory import axi_ram
from verif.common.clock_reset import reset, start_clock
from verif.common.components import ScoreboardEnv
from verif.common.row_access import write_rows

MEM = 1 << 14
DATA = 4096            # the STOREs write below this; the golden program sits above it


class StoreBaseTest(BaseTest):
    stores = 40
    backpressure = 0.2

    def build_phase(self):
        super().build_phase()
        self.n, self.rows = context.param("N", 8), context.param("ROWS", 64)
        self.cfg = MachineConfig(n=self.n, sp_rows=64, acc_rows=self.rows, dram_bytes=MEM)
        ConfigDB().set(None, "*", "BFM", self)
        self.env = ScoreboardEnv("env", self)
        self.clock = None

    async def body(self):
        d = cocotb.top
        self.clock = start_clock(d.clk)
        d.rst_n.value = 0
        d.w_valid.value = d.sq_valid.value = 0
        ram = axi_ram(d, MEM, self.rng, self.backpressure)
        await reset(d.clk, d.rst_n)
        gen = Generator(self.rng, self.cfg, DATA)
        acc = self.rng.integers(-(1 << 31), 1 << 31, (self.rows, self.n), dtype=np.int64)
        await write_rows(d.w_valid, d.w_ready, d.w_row, d.w_data, acc, 32)
        image = bytearray(self.rng.integers(0, 256, MEM, dtype=np.uint8).tobytes())
        ram.write(0, bytes(image))
        sb = self.env.scoreboard
        for k in range(self.stores):
            conf, store = gen.config(), self.pick_store(gen)
            prog = [conf, store, isa.make(Op.HALT)]
            blob = isa.encode_program(prog)
            golden_image = bytearray(image)
            golden_image[DATA:DATA + len(blob)] = blob
            res = run_program(self.cfg, bytes(golden_image), DATA, 3, acc=acc)
            assert res.status == "DONE", res.message()
            d.sq_head.value = queue_entry(k, isa.encode(store), config_snapshot(conf))
            d.sq_valid.value = 1
            await RisingEdge(d.sq_done)
            d.sq_valid.value = 0
            await ClockCycles(d.clk, 2)
            got = ram.read(0, DATA)
            want = bytes(res.dram[:DATA])
            sb.compared += 1
            if got != want:
                a = next(i for i in range(DATA) if got[i] != want[i])
                sb.mismatch(f"store {k} `{disassemble_one(store)}` with `{disassemble_one(conf)}`: DRAM byte {a:#x} "
                            f"expected {want[a]:#04x}, got {got[a]:#04x}")
            if int(d.sq_err.value):
                sb.mismatch(f"store {k}: sq_err raised with no bus error")
            image[:DATA] = want
        if d.violation.value == 1:
            sb.mismatch(f"AXI4 protocol checker: rule {int(d.violation_code.value)} violated")

    def pick_store(self, gen):
        return gen.store()

    def stop(self):
        if self.clock:
            self.clock.cancel()


@pyuvm.test()
class StoreRandomTest(StoreBaseTest):
    """Random STOREs (raw and requantised) with random CONFIG, under write-channel backpressure."""


@pyuvm.test()
class StoreUnalignedTest(StoreBaseTest):
    """Elements at every byte offset and of every length: the strobes and the shifts of the aligner."""
    stores = 32

    def pick_store(self, gen):
        n = self.n
        ln = int(self.rng.integers(1, n + 1))
        quant = int(self.rng.integers(0, 2))
        eb = ln * (1 if quant else 4)
        x = int(self.rng.integers(1, 4))
        xs = int(self.rng.choice([eb, eb + int(self.rng.integers(1, 17)), 0]))
        addr = int(self.rng.integers(0, DATA - 4 * xs - eb))
        return isa.make(Op.STORE, quant=quant, row=int(self.rng.integers(0, self.rows - x)), y=1, x=x, len=ln,
                        xs=xs, ys=0, addr=addr)
