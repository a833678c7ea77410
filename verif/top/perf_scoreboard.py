"""The performance check: each program of a directed operator or network stream that ran at a fixed DRAM
latency with no backpressure and no error is held to the cycle model (golden/cycle_model.py). Simulated
cycles are deterministic, so a program whose cycles exceed the model's prediction by more than `limit` (10 %)
is a loss of pipelining -- a hazard check gone conservative, a unit that stopped overlapping -- that no
functional check sees; it fails the test with its counter breakdown beside the prediction's. Every prediction
is kept (`rows`) for network.json, make infer's table and the bench."""
from __future__ import annotations

import json

from pyuvm import uvm_subscriber

from golden.cycle_model import CycleModel, over_prediction
from verif.common import context
from verif.common.scoreboard_base import ScoreboardBase

from .top_config import TopEnvConfig
from .top_items import ProgramResult, instructions_at

# the directed operator and network streams (verif/top/seq_lib), and the benchmark's programs
CHECKED_STREAMS = ("gemm", "chain", "conv", "vector_ops", "vector", "network", "random_network")
LIMIT = 0.10
# below this DRAM latency the read channel's sharing between fetch and loads, which the model leaves out, costs
# up to ~10 % (docs/cycle_model.md): the check would measure the model, not the pipelining
MIN_LATENCY = 16


def quiet(result: ProgramResult) -> bool:
    """Ran to its end without errors, resets, bus errors or DRAM backpressure: the model's conditions."""
    p = result.program
    k = p.knobs if p is not None else None
    return (p is not None and not result.reset and result.hung is None and result.code == 0 and not p.bus_errors
            and k.latency >= MIN_LATENCY and max(k.stall_ar, k.stall_r, k.stall_aw, k.stall_w, k.stall_b) == 0)


class PerfScoreboard(ScoreboardBase, uvm_subscriber):
    limit = LIMIT

    def build_phase(self):
        super().build_phase()
        self.rows: list[dict] = []
        self.models: dict = {}

    def write(self, result: ProgramResult):
        if not quiet(result) or result.program.stream not in CHECKED_STREAMS:
            return
        p = result.program
        machine = TopEnvConfig.get(self).machine
        key = p.knobs.latency
        model = self.models.setdefault(key, CycleModel(machine, latency=p.knobs.latency))
        pred = model.run(instructions_at(p.dram, p.inst_base, p.inst_count))
        self.compared += 1
        self.rows.append({"program": p.name, "stream": p.stream, "predicted": pred.cycles,
                          "measured": result.counters["cycles"], "predicted_counters": pred.counters})
        over = over_prediction(pred, result.counters, self.limit)
        if over:
            self.mismatch(f"performance: {p.name} ({p.tag.origin}): {over}")

    def report_phase(self):
        if not self.rows:
            return
        worst = max(self.rows, key=lambda r: r["measured"] / r["predicted"])
        self.logger.info(f"performance: {len(self.rows)} programs against the cycle model, the furthest over "
                         f"{worst['program']} at {100 * (worst['measured'] / worst['predicted'] - 1):+.1f} % "
                         f"(limit +{100 * self.limit:.0f} %)")
        (context.out_dir() / "perf.json").write_text(json.dumps(self.rows, indent=1))
