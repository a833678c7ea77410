"""npu_top tests: whole programs from DRAM through the CSRs, every tile scored against the golden model.

Each test runs a list of program sequences (seq_lib) on one TopEnv. A test stops issuing programs after the
first bad tile, so its failure report is that tile. Programs cut by reset are checked for a clean idle
state, and the program after them must pass like any other."""
from __future__ import annotations

import os

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles
from pyuvm import ConfigDB

from golden.isa import MachineConfig
from sim.coverage_merge import merge, uncovered
from verif.common import context
from verif.common.base_test import BaseTest

from .seq_lib import (BusErrorStreamSeq, ChainSeq, ConvSeq, ErrorStreamSeq, GemmSeq, HazardStreamSeq,
                      LegalStreamSeq, ResetMidProgramSeq, SolverStreamSeq)
from .top_bfm import TopBfm
from .top_env import TopEnv


def _coverage_report(logger):
    merged = merge([context.out_dir() / "coverage.yml"])
    for k in sorted(k for k, v in merged.items() if "bins:_hits" not in v and k.count(".") <= 1):
        v = merged[k]
        logger.info(f"coverage {k}: {v['coverage']}/{v['size']} bins ({v['cover_percentage']:.1f} %)")
    for k, bins in uncovered(merged).items():
        logger.info(f"coverage {k}: not hit {', '.join(map(str, bins[:6]))}{' ...' if len(bins) > 6 else ''}")


class TopBaseTest(BaseTest):
    timeout_us = 400_000
    sequences: tuple = ((LegalStreamSeq, 4),)
    tile_monitors = True

    def report_phase(self):
        super().report_phase()                       # writes coverage.yml
        _coverage_report(self.logger)

    def pending(self) -> str:
        return f"{self.bfm.pending()}; scoreboard: {self.env.scoreboard.backlog()}"

    def build_phase(self):
        super().build_phase()
        p = context.params()
        self.cfg = MachineConfig(n=p["N"], sp_rows=p["SP_ROWS"], acc_rows=p["ACC_ROWS"], dram_bytes=p["DRAM_BYTES"])
        ConfigDB().set(None, "*", "CFG", self.cfg)
        self.bfm = TopBfm(cocotb.top)
        ConfigDB().set(None, "*", "BFM", self.bfm)
        ConfigDB().set(None, "*", "TILE_MONITORS", self.tile_monitors)
        self.env = TopEnv("env", self)

    async def body(self):
        await self.bfm.reset()
        sb = self.env.scoreboard
        # NPU8_REPEAT (the regression's `repeat`, make sim REPEAT=k): the program mix k times in one simulation
        for _ in range(int(os.environ.get("NPU8_REPEAT", "1"))):
            for cls, n in self.sequences:
                if sb.mismatches:
                    break
                await cls(cls.stream, n).start(self.env.agent.seqr)
        await ClockCycles(self.bfm.dut.clk, 2)
        for item in self.env.done:
            r = item.result
            if r.reset and (r.extra["status"] & 1 or r.extra["irq_status"] or r.extra["irq"]):
                sb.mismatch(f"{item}: after reset STATUS={r.extra['status']:#x}, IRQ_STATUS="
                            f"{r.extra['irq_status']}, irq={r.extra['irq']} (expected idle)")
        ran = {}
        for item in self.env.done:
            ran[item.stream] = ran.get(item.stream, 0) + 1
        self.logger.info(f"programs run: {ran}; tiles compared: {sb.tiles}")
        if SolverStreamSeq.rate and any(it.stream == "solver" for it in self.env.done):
            rate = sorted(SolverStreamSeq.rate)[len(SolverStreamSeq.rate) // 2]
            self.logger.info(f"solver stream generation: {rate:.0f} instructions/s (median)")


@pyuvm.test()
class TopSmokeTest(TopBaseTest):
    """Every stream kind, a few programs each."""
    sequences = ((LegalStreamSeq, 2), (HazardStreamSeq, 2), (SolverStreamSeq, 1), (GemmSeq, 1), (ConvSeq, 1),
                 (ChainSeq, 1), (ErrorStreamSeq, 8), (BusErrorStreamSeq, 2), (ResetMidProgramSeq, 1))


@pyuvm.test()
class TopLegalStreamTest(TopBaseTest):
    sequences = ((LegalStreamSeq, 6),)


@pyuvm.test()
class TopHazardStreamTest(TopBaseTest):
    sequences = ((HazardStreamSeq, 6),)


@pyuvm.test()
class TopSolverStreamTest(TopBaseTest):
    sequences = ((SolverStreamSeq, 3),)


@pyuvm.test()
class TopDirectedTest(TopBaseTest):
    sequences = ((GemmSeq, 3), (ConvSeq, 3), (ChainSeq, 2))


@pyuvm.test()
class TopErrorStreamTest(TopBaseTest):
    sequences = ((ErrorStreamSeq, 16), (BusErrorStreamSeq, 4))


@pyuvm.test()
class TopResetTest(TopBaseTest):
    sequences = ((ResetMidProgramSeq, 3),)



@pyuvm.test()
class TopNightlyTest(TopBaseTest):
    """The nightly mix (19 programs; the regression repeats it): mostly random and hazard streams."""
    sequences = ((LegalStreamSeq, 6), (HazardStreamSeq, 4), (SolverStreamSeq, 1), (GemmSeq, 1), (ConvSeq, 1),
                 (ChainSeq, 1), (ErrorStreamSeq, 2), (BusErrorStreamSeq, 1), (ResetMidProgramSeq, 1))
