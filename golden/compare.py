"""Run one program on both implementations of docs/isa.md and report the first difference.

The vectorised simulator (simulator.py) and the scalar reference interpreter (reference_interp.py, written
from the document alone) share no code, so agreement is evidence, not a rerun.
"""
from __future__ import annotations

import numpy as np

from . import reference_interp
from .simulator import run_program


def compare(cfg, dram, inst_base, inst_count):
    """First difference between the two implementations, or None."""
    a = run_program(cfg, dram, inst_base, inst_count)
    b = reference_interp.run(cfg.n, cfg.sp_rows, cfg.acc_rows, cfg.dram_bytes, dram, inst_base, inst_count)
    for key, mine in (("status", a.status), ("err_code", int(a.err_code)), ("err_index", a.err_index),
                      ("executed", a.executed)):
        if mine != b[key]:
            return f"{key}: simulator {mine}, reference {b[key]}"
    if len(a.trace) != len(b["trace"]):
        return f"trace length: simulator {len(a.trace)}, reference {len(b['trace'])}"
    for t, (op, index, data) in zip(a.trace, b["trace"]):
        if t.op.name != op or t.index != index or not np.array_equal(t.data, np.array(data).reshape(t.data.shape)):
            return f"tile of instruction {t.index} ({t.op.name}) differs"
    for name, mine, ref in (("sp", a.sp, np.array(b["sp"])), ("acc", a.acc, np.array(b["acc"])),
                            ("dram", a.dram, np.frombuffer(b["dram"], np.uint8))):
        if not np.array_equal(mine, ref):
            return f"final {name} differs at {np.argwhere(mine != ref)[0].tolist()}"
    return None
