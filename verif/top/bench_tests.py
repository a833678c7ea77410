"""`make bench`'s simulation side: runs the cases named in NPU8_BENCH (comma-separated, bench_programs.CASES)
through the top environment with the DRAM model at its defaults (100-cycle latency, no backpressure), checks
them like any program (every tile, final DRAM, counters, invariant; NPU8_TILE_MONITORS=0 turns the tile
monitors and collectors off for the "monitors off" figure), and writes every measured program's counters, wall
time and simulated cycles/s to bench.json in the test directory (from what the program monitor saw end; the
MAC count is the program's work from its instructions, which the scoreboard's MAC_ACTIVE check holds the
hardware to). With NPU8_RECORD=<dir> each case's programs are recorded in <dir>/<case> for the native
baseline (sim/native.py)."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pyuvm

from golden.cycle_model import CycleModel
from verif.common import context
from verif.common.components import ItemListSeq

from .bench_programs import CASES, build
from .top_driver import ProgramRecord
from .top_tests import TopBaseTest


@pyuvm.test()
class TopBenchTest(TopBaseTest):
    timeout_us = 1_000_000_000

    async def body(self):
        sb, out = self.env.scoreboard, {}
        record = os.environ.get("NPU8_RECORD")
        for case in [c for c in os.environ.get("NPU8_BENCH", ",".join(CASES)).split(",") if c]:
            await self.cfg.bfm.reset()      # each case from reset, as the native baseline runs it (sim/native.py)
            programs = build(case, self.cfg.machine, self.cfg.rng)
            if record:                                   # one manifest per case for the native baseline
                self.cfg.record = ProgramRecord(Path(record) / case)
            first = len(self.env.runs.items)
            t0 = time.perf_counter()
            await ItemListSeq(case, [it for it, _ in programs]).start(self.env.agent.seqr)
            wall = time.perf_counter() - t0
            assert not sb.mismatches, sb.mismatches[0]
            runs = self.env.runs.items[first:]          # what the program monitor saw end, one per program
            total = sum(r.end_cycle - r.start_cycle for r in runs)
            if record:
                self.cfg.record.write_results(runs)
            for (it, measured), r in zip(programs, runs):
                if measured:
                    work = it.work()
                    pred = CycleModel(self.cfg.machine, it.knobs.latency).run(it.instructions())
                    out[case] = {"counters": r.counters, "predicted": pred.counters, "macs": work.macs, "vector_macs": work.vector_macs,
                                 "vector_reads": work.vector_reads, "n": self.cfg.machine.n,
                                 "instructions": it.inst_count, "wall_s": wall, "sim_cycles": total,
                                 "cycles_per_s": total / wall, "tiles": dict(sb.tiles)}
                    self.logger.info(f"{case}: {out[case]}")
        (context.out_dir() / "bench.json").write_text(json.dumps(out, indent=1))
