"""Whole networks at the speed of the RTL: a compiled network's programs run in turn on one DRAM on the native
testbench (sim/native.py, no cocotb), each program's counters beside the cycle model's prediction
(golden/cycle_model.py). `make bench` measures its networks with it, and the cycle model's tests hold the
model to it."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from golden.cycle_model import CycleModel, Prediction

from . import native


@dataclass
class ProgramPerf:
    layer: str
    op: str
    layer_index: int
    instructions: int
    measured: dict | None            # the RTL's counters (None: predicted only)
    predicted: Prediction

    @property
    def error(self) -> float | None:
        """Predicted over measured cycles, minus 1."""
        return None if self.measured is None else self.predicted.cycles / self.measured["cycles"] - 1


def params_for(cfg) -> dict:
    return {"N": cfg.n, "SP_ROWS": cfg.sp_rows, "ACC_ROWS": cfg.acc_rows, "DRAM_BYTES": cfg.dram_bytes}


def network_programs(net, x: np.ndarray, latency: int) -> list[native.Program]:
    """The network's programs, the first on the DRAM image holding the input `x`, each later one on the DRAM
    the one before left (as a host runs them)."""
    img = net.dram_for(x)
    return [native.Program(img if k == 0 else None, s.inst_base, s.count, latency)
            for k, s in enumerate(net.segments)]


def measure(net, x: np.ndarray, workdir: Path, latency: int = 100, measured: list | None = None) -> list[ProgramPerf]:
    """Every program predicted, and run on the RTL (natively): all in turn, or only the segment indices
    `measured` names (a program's cycles do not depend on the data, so each runs on whatever the one before
    left: the timing is the same, the bytes are not checked here)."""
    model = CycleModel(net.cfg, latency)
    which = list(range(len(net.segments))) if measured is None else sorted(measured)
    runs = {}
    if which:
        progs = network_programs(net, x, latency)
        chosen = [progs[k] for k in which]
        if chosen[0].image is None:
            chosen[0] = native.Program(progs[0].image, chosen[0].inst_base, chosen[0].inst_count, latency)
        for k, r in zip(which, native.run_programs(chosen, params_for(net.cfg), workdir)):
            if r["code"]:
                raise RuntimeError(f"program {k} ({net.segments[k].layer}) ended with error code {r['code']}")
            runs[k] = r
    return [ProgramPerf(s.layer, s.op, s.layer_index, s.count, runs.get(k), model.run(s.prog))
            for k, s in enumerate(net.segments)]
