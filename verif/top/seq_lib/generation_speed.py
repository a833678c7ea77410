"""Stimulus generation speed for `make bench`: instructions per second of the golden numpy generator and of the
pyvsc solver-backed one, printed as JSON.

    python -m verif.top.seq_lib.generation_speed
"""
from __future__ import annotations

import json
import time

import numpy as np

from golden.isa import MachineConfig
from golden.random_program import Generator
from verif.top.seq_lib.solver_stream import SolverGenerator


def generation_speed() -> dict:
    cfg = MachineConfig(n=8, sp_rows=256, acc_rows=128, dram_bytes=16384)
    out = {}
    for name, gen, count in (("numpy", Generator(np.random.default_rng(1), cfg, 2048), 20000),
                             ("pyvsc", SolverGenerator(np.random.default_rng(1), cfg, 2048, 1), 300)):
        t0 = time.perf_counter()
        for _ in range(count):
            gen.random_instr()
        out[name] = count / (time.perf_counter() - t0)
    return out


if __name__ == "__main__":
    print(json.dumps(generation_speed()))
