"""npu_top tests: whole programs from DRAM through the CSRs, every tile scored against the golden model.

Each test builds the environment's configuration (TopEnvConfig: the machine, the BFM, the seeded generator),
publishes it, and runs a list of program sequences (seq_lib) on one TopEnv; it compares nothing itself. A test
stops issuing programs after the first mismatch (the configuration's `stop`), so its failure report is the
first bad tile. Programs cut by reset are checked for a clean idle state, and the program after them must pass
like any other."""
from __future__ import annotations

import json
import os
from collections import Counter

import cocotb
import pyuvm

from golden.checks import CHECKS
from golden.isa import MachineConfig
from sim.coverage_merge import merge, uncovered
from verif.common import context
from verif.common.base_test import BaseTest

from .seq_lib import (BusErrorStreamSeq, ChainSeq, ConvSeq, ErrorStreamSeq, GemmSeq, HazardStreamSeq, LegalityCheckSeq,
                      LegalStreamSeq, NetworkSeq, RandomNetworkSeq, ResetMidProgramSeq, SolverStreamSeq, VectorOpSeq)
from .top_bfm import TopBfm
from .top_items import DramKnobs
from .top_driver import ProgramRecord
from .top_env import TopEnv, TopEnvConfig


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

    def build_phase(self):
        super().build_phase()
        p = context.params()
        machine = MachineConfig(n=p["N"], sp_rows=p["SP_ROWS"], acc_rows=p["ACC_ROWS"], dram_bytes=p["DRAM_BYTES"])
        # NPU8_TILE_MONITORS=0: monitors and collectors off (make bench's "monitors off" figure)
        monitors = self.tile_monitors and os.environ.get("NPU8_TILE_MONITORS", "1") != "0"
        record = ProgramRecord(os.environ["NPU8_RECORD"]) if os.environ.get("NPU8_RECORD") else None
        self.cfg = TopEnvConfig(rng=self.rng, params=p, machine=machine, bfm=TopBfm(cocotb.top, machine.n, monitors),
                                tile_monitors=monitors, record=record)
        self.cfg.publish()
        self.env = TopEnv("env", self)

    def pending(self) -> str:
        if getattr(self, "cfg", None) is None:
            return "(not built)"
        return f"{self.cfg.bfm.pending()}; scoreboard: {self.env.scoreboard.backlog()}"

    def stop(self):
        if getattr(self, "cfg", None) is not None:        # None: the build failed (a probe names no signal)
            self.cfg.bfm.stop()

    async def body(self):
        await self.cfg.bfm.reset()
        # NPU8_REPEAT (the regression's `repeat`, make sim REPEAT=k): the program mix k times in one simulation
        for _ in range(int(os.environ.get("NPU8_REPEAT", "1"))):
            for cls, n in self.sequences:
                if self.cfg.stop.is_set():
                    break
                await cls(cls.stream, n).start(self.env.agent.seqr)
        await self.cfg.bfm.cycles(2)
        ran = dict(Counter(r.program.stream for r in self.env.runs.items if r.program is not None))
        ref = self.env.scoreboard.reference
        self.logger.info(f"programs run: {ran}; tiles compared: {self.env.scoreboard.tiles}; output bytes against "
                         f"onnxruntime: {ref['bytes']} in {ref['outputs']} operators, {ref['differing']} differing")
        # for make bench (programs scored per core-hour) and the native baseline's comparison
        (context.out_dir() / "programs_run.json").write_text(json.dumps(
            {"programs": sum(ran.values()), "by_stream": ran, "tiles": self.env.scoreboard.tiles,
             "onnxruntime": ref}))
        if "network" in ran:
            _write_network_runs(self.env.runs.items, self.logger)
        if "random_network" in ran:
            nets = sum(1 for r in self.env.runs.items
                       if r.program is not None and r.program.tag.stream == "random_network" and r.program.tag.reference)
            self.logger.info(f"random networks: {nets} run, {RandomNetworkSeq.skipped} drawn that did not fit this "
                             f"machine's DRAM (drawn again)")
        if self.cfg.record is not None:
            self.cfg.record.write_results(self.env.runs.items)
        if SolverStreamSeq.rate and "solver" in ran:
            rate = sorted(SolverStreamSeq.rate)[len(SolverStreamSeq.rate) // 2]
            self.logger.info(f"solver stream generation: {rate:.0f} instructions/s (median)")


def _write_network_runs(runs, logger):
    """network.json, what make infer reports: per program (a layer of an image) its cycles (CYCLES), counters and, for
    an image's last layer, how many output bytes differ from onnxruntime's."""
    rows = []
    for r in runs:
        if r.program is None or r.program.tag.stream != "network":
            continue
        image, j, layer, op, macs = NetworkSeq.layers[r.program.tag.name]
        # the chip's CYCLES counter (START to the end; the same on every simulator), and what the host saw
        row = {"image": image, "index": j, "layer": layer, "op": op, "macs": macs, "cycles": r.counters.get("cycles", r.end_cycle - r.start_cycle),
               "host_cycles": r.end_cycle - r.start_cycle, "code": r.code, "counters": r.counters}
        ref = r.program.tag.reference
        if ref is not None:
            addr, want, _ = ref
            row["differing"] = sum(a != b for a, b in zip(r.dram[addr:addr + len(want)], want))
            row["output"] = list(r.dram[addr:addr + len(want)])
        rows.append(row)
    images = [r for r in rows if "differing" in r]
    logger.info(f"network: {sum(r['differing'] == 0 for r in images)} of {len(images)} images bit-exact with onnxruntime")
    (context.out_dir() / "network.json").write_text(json.dumps({"runs": rows}))


@pyuvm.test()
class TopNetworkTest(TopBaseTest):
    """The compiled network (the digits CNN unless NPU8_MODEL names another), image by image, every layer scored
    and every image's output against onnxruntime: what make infer SIM=verilator|icarus runs."""
    sequences = ((NetworkSeq, 4),)


@pyuvm.test()
class TopNetworkNightlyTest(TopBaseTest):
    """Every image of the digits network's held-out test split, each against onnxruntime (the nightly)."""
    sequences = ((NetworkSeq, 360),)


@pyuvm.test()
class TopRandomNetworkTest(TopBaseTest):
    """Constrained-random quantized networks, compiled and run, each against onnxruntime (the nightly's share)."""
    sequences = ((RandomNetworkSeq, 200),)


@pyuvm.test()
class TopSmokeTest(TopBaseTest):
    """Every stream kind, a few programs each."""
    sequences = ((LegalStreamSeq, 2), (HazardStreamSeq, 2), (SolverStreamSeq, 1), (GemmSeq, 1), (ConvSeq, 1),
                 (ChainSeq, 1), (VectorOpSeq, 7), (NetworkSeq, 2), (RandomNetworkSeq, 2), (ErrorStreamSeq, 8),
                 (BusErrorStreamSeq, 2), (ResetMidProgramSeq, 1))


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
    sequences = ((GemmSeq, 3), (ConvSeq, 3), (ChainSeq, 2), (VectorOpSeq, 7))


@pyuvm.test()
class TopVectorOpsTest(TopBaseTest):
    """The vector unit's lowered operators and per-channel requantisation, each against onnxruntime too."""
    sequences = ((VectorOpSeq, 14),)


@pyuvm.test()
class TopErrorStreamTest(TopBaseTest):
    sequences = ((ErrorStreamSeq, 16), (BusErrorStreamSeq, 4))


@pyuvm.test()
class TopLegalityChecksTest(TopBaseTest):
    """One program per legality check of docs/isa.md section 5, each ending at exactly that check."""
    sequences = ((LegalityCheckSeq, len(CHECKS)),)


@pyuvm.test()
class TopResetTest(TopBaseTest):
    sequences = ((ResetMidProgramSeq, 3),)


@pyuvm.test()
class TopPerfTest(TopBaseTest):
    """The performance check on: directed operator and network streams, every program at DRAM latency 100 with no
    backpressure, each held to the cycle model (perf_scoreboard.py: more than 10 % over its prediction fails,
    with the counter breakdown)."""
    sequences = ((GemmSeq, 3), (ConvSeq, 3), (ChainSeq, 2), (VectorOpSeq, 7), (NetworkSeq, 1), (RandomNetworkSeq, 6))

    def build_phase(self):
        super().build_phase()
        self.cfg.knobs = DramKnobs()

    async def body(self):
        await super().body()
        ran = sum(1 for r in self.env.runs.items if r.program is not None)
        assert self.env.perf.compared == ran > 0, \
            f"the performance check compared {self.env.perf.compared} of the {ran} programs run"


@pyuvm.test()
class TopNightlyTest(TopBaseTest):
    """The nightly mix (24 programs; the regression repeats it): mostly random and hazard streams, two lowered
    vector-unit operators checked against onnxruntime."""
    sequences = ((LegalStreamSeq, 6), (HazardStreamSeq, 4), (SolverStreamSeq, 1), (GemmSeq, 1), (ConvSeq, 1),
                 (ChainSeq, 1), (VectorOpSeq, 2), (ErrorStreamSeq, 2), (LegalityCheckSeq, 3), (BusErrorStreamSeq, 1),
                 (ResetMidProgramSeq, 1))
