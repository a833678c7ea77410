"""pyuvm tests of the compute unit. The scratchpad is filled with random (or extreme) rows; MATMULs come from
the golden model's random generator (overwrite and accumulate, any rows, weight tiles anywhere, including
overlapping the activations); after each one the whole accumulator is read back and compared with the
golden simulator's."""
from __future__ import annotations

import cocotb
import numpy as np
import pyuvm
from cocotb.triggers import ClockCycles, RisingEdge
from pyuvm import ConfigDB

from golden import isa
from golden.asm import disassemble_one
from golden.isa import MachineConfig, Op
from golden.layout import queue_entry
from golden.random_program import Generator
from golden.simulator import run_program
from verif.common import context
from verif.common.base_test import BaseTest
from verif.common.clock_reset import reset, start_clock
from verif.common.components import ScoreboardEnv
from verif.common.row_access import read_rows, write_rows


class ComputeBaseTest(BaseTest):
    matmuls = 30

    def build_phase(self):
        super().build_phase()
        p = context.params()
        self.n, self.sp_rows, self.acc_rows = p["N"], p["SP_ROWS"], p["ACC_ROWS"]
        self.cfg = MachineConfig(n=self.n, sp_rows=self.sp_rows, acc_rows=self.acc_rows, dram_bytes=4096)
        ConfigDB().set(None, "*", "BFM", self)
        self.env = ScoreboardEnv("env", self)
        self.clock = None

    def scratchpad(self):
        return self.rng.integers(-128, 128, (self.sp_rows, self.n)).astype(np.int8)

    def pick(self, gen):
        return gen.matmul()

    async def body(self):
        d = cocotb.top
        self.clock = start_clock(d.clk)
        d.cq_valid.value = d.p0_valid.value = d.r_valid.value = 0
        await reset(d.clk, d.rst_n)
        sp = self.scratchpad()
        await write_rows(d.p0_valid, d.p0_ready, d.p0_row, d.p0_wdata, sp, 8)
        acc = np.zeros((self.acc_rows, self.n), np.int32)
        gen = Generator(self.rng, self.cfg, 1024)
        # the accumulator starts undefined: one overwriting MATMUL defines every row first
        first = isa.make(Op.MATMUL, acc=0, a_row=0, w_row=0, acc_row=0, m=min(self.acc_rows, self.sp_rows))
        sb = self.env.scoreboard
        macs = 0
        program = [first] + [self.pick(gen) for _ in range(self.matmuls)]
        for k, ins in enumerate(program):
            prog = isa.encode_program([ins, isa.make(Op.HALT)])
            image = bytearray(4096)
            image[2048:2048 + len(prog)] = prog
            res = run_program(self.cfg, bytes(image), 2048, 2, sp=sp, acc=acc)
            assert res.status == "DONE", res.message()
            d.cq_head.value = queue_entry(k, isa.encode(ins))
            d.cq_valid.value = 1
            while True:
                await RisingEdge(d.clk)
                macs += int(d.ev_mac_active.value)
                if d.cq_done.value == 1:
                    break
            d.cq_valid.value = 0
            await ClockCycles(d.clk, 2)
            rows = await read_rows(d.r_valid, d.r_ready, d.r_row, d.r_rsp_valid, d.r_data, self.acc_rows, self.n, 32)
            sb.compared += 1
            undefined = [r for r, v in enumerate(rows) if isinstance(v, str)]
            if undefined:
                sb.mismatch(f"MATMUL {k} `{disassemble_one(ins)}`: ACC row {undefined[0]} has undefined bits "
                            f"({rows[undefined[0]]}), expected {res.acc[undefined[0]].tolist()}")
                acc = res.acc.copy()
                continue
            got = np.array(rows)
            if not np.array_equal(got, res.acc):
                r, l = (int(v) for v in np.argwhere(got != res.acc)[0])
                sb.mismatch(f"MATMUL {k} `{disassemble_one(ins)}`: ACC row {r} lane {l} expected "
                            f"{int(res.acc[r, l])}, got {int(got[r, l])}")
            acc = res.acc.copy()
        rows = sum(i.m for i in program)
        if macs != rows:
            sb.mismatch(f"ev_mac_active counted {macs} cycles, {rows} activation rows went through the array")
        self.logger.info(f"{rows} activation rows, {rows * self.n * self.n} MACs")

    def stop(self):
        if self.clock:
            self.clock.cancel()


@pyuvm.test()
class ComputeRandomTest(ComputeBaseTest):
    """Random MATMULs: overwrite and accumulate, weight tiles anywhere in the scratchpad."""


@pyuvm.test()
class ComputeExtremesTest(ComputeBaseTest):
    """A scratchpad of -128 and 127 only, and accumulate chains on the same rows."""
    matmuls = 12

    def scratchpad(self):
        return self.rng.choice(np.array([-128, 127, -128], np.int8), (self.sp_rows, self.n))

    def pick(self, gen):
        m = int(self.rng.integers(1, min(self.acc_rows, 16) + 1))
        return isa.make(Op.MATMUL, acc=1, a_row=int(self.rng.integers(0, self.sp_rows - m + 1)),
                        w_row=int(self.rng.integers(0, self.sp_rows - self.n + 1)), acc_row=0, m=m)
