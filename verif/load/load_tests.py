"""pyuvm tests of the load unit. Instructions come from the golden model's random generator (SP and ACC,
1..N lanes, pads, strides of 0, unaligned and 4 KiB-crossing elements, random pad values); after each one the
whole scratchpad and accumulator are read back and compared with the golden simulator's."""
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
from verif.common.row_access import read_rows

MEM = 1 << 14
DATA = 8192            # LOADs read below this; the golden program sits above it


class LoadBaseTest(BaseTest):
    instructions = 40
    backpressure = 0.2

    def build_phase(self):
        super().build_phase()
        p = context.params()
        self.n, self.sp_rows, self.acc_rows = p["N"], p["SP_ROWS"], p["ACC_ROWS"]
        self.cfg = MachineConfig(n=self.n, sp_rows=self.sp_rows, acc_rows=self.acc_rows, dram_bytes=MEM)
        ConfigDB().set(None, "*", "BFM", self)
        self.env = ScoreboardEnv("env", self)
        self.clock = None

    async def execute(self, k, conf, ins):
        d = cocotb.top
        d.lq_head.value = queue_entry(k, isa.encode(ins), config_snapshot(conf))
        d.lq_valid.value = 1
        await RisingEdge(d.lq_done)
        d.lq_valid.value = 0
        await ClockCycles(d.clk, 2)
        return int(d.lq_err.value)

    async def body(self):
        d = cocotb.top
        self.clock = start_clock(d.clk)
        d.rst_n.value = 0
        d.lq_valid.value = d.p1_valid.value = d.r_valid.value = 0
        ram = axi_ram(d, MEM, self.rng, self.backpressure)
        await reset(d.clk, d.rst_n)
        image = bytes(self.rng.integers(0, 256, MEM, dtype=np.uint8))
        ram.write(0, image)
        gen = Generator(self.rng, self.cfg, DATA)
        sp = np.zeros((self.sp_rows, self.n), np.int8)
        acc = np.zeros((self.acc_rows, self.n), np.int32)
        sb = self.env.scoreboard
        init = gen.init_memories()          # RTL memories start undefined: define every row first
        program = init + [self.pick(gen) for _ in range(self.instructions)]
        for k, ins in enumerate(program):
            conf = gen.config()
            prog = [conf, ins, isa.make(Op.HALT)]
            golden_image = bytearray(image)
            golden_image[DATA:DATA + 48] = isa.encode_program(prog)
            res = run_program(self.cfg, bytes(golden_image), DATA, 3, sp=sp, acc=acc)
            assert res.status == "DONE", res.message()
            err = await self.execute(k, conf, ins)
            if k < len(init) - 1:
                sp, acc = res.sp.copy(), res.acc.copy()
                continue
            got_sp = await read_rows(d.p1_valid, d.p1_ready, d.p1_row, d.p1_rsp_valid, d.p1_rdata, self.sp_rows,
                                     self.n, 8)
            got_acc = await read_rows(d.r_valid, d.r_ready, d.r_row, d.r_rsp_valid, d.r_data, self.acc_rows,
                                      self.n, 32)
            sb.compared += 1
            what = f"instruction {k} `{disassemble_one(ins)}` (pad value {conf.pad})"
            for name, rows, want in (("SP", got_sp, res.sp), ("ACC", got_acc, res.acc)):
                undefined = [r for r, v in enumerate(rows) if isinstance(v, str)]
                if undefined:
                    sb.mismatch(f"{what}: {name} row {undefined[0]} has undefined bits ({rows[undefined[0]]})")
                    break
                got = np.array(rows)
                if not np.array_equal(got, want):
                    r, l = (int(v) for v in np.argwhere(got != want)[0])
                    sb.mismatch(f"{what}: {name} row {r} lane {l} expected {int(want[r, l])}, got {int(got[r, l])}")
                    break
            if err:
                sb.mismatch(f"{what}: lq_err raised with no bus error")
            sp, acc = res.sp.copy(), res.acc.copy()
        if d.violation.value == 1:
            sb.mismatch(f"AXI4 protocol checker: rule {int(d.violation_code.value)} violated")

    def pick(self, gen):
        return gen.load() if self.rng.random() < 0.8 else gen.pad()

    def stop(self):
        if self.clock:
            self.clock.cancel()


@pyuvm.test()
class LoadRandomTest(LoadBaseTest):
    """Random LOADs (SP and ACC, pads, strides) and PADs, under read-channel backpressure."""


@pyuvm.test()
class LoadPaddedWindowTest(LoadBaseTest):
    """Convolution-style windows: every pad combination around strided data, as the conv lowering issues."""
    instructions = 24

    def pick(self, gen):
        r = self.rng
        n = self.n
        ln = int(r.integers(1, n + 1))
        y, x = int(r.integers(1, 3)), int(r.integers(1, 4))
        pt, pb, pl, pr = (int(v) for v in r.integers(0, 3, 4))
        rows = (pt + y + pb) * (pl + x + pr)
        xs, ys = int(r.integers(ln, 3 * ln + 1)), int(r.integers(0, 200))
        span = (y - 1) * ys + (x - 1) * xs + ln
        return isa.make(Op.LOAD, mem=0, row=int(r.integers(0, self.sp_rows - rows + 1)), y=y, x=x, len=ln, pt=pt,
                        pb=pb, pl=pl, pr=pr, xs=xs, ys=ys, addr=int(r.integers(0, DATA - span)))
