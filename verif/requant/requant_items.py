"""What the requant environment passes around: the batch a sequence asks for (RequantBatch), what the input
monitor saw go in at `go` (RequantIn: the accumulators loaded and the configuration pins), and what the output
monitor read back when `finished` rose (RequantOut)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pyuvm import uvm_sequence_item

from golden.ops import Requant


def describe(name: str, rq: Requant) -> str:
    return f"{name} (multiplier={rq.multiplier:#x} shift={rq.shift} out_zp={rq.out_zp} relu={int(rq.relu)})"


class RequantBatch(uvm_sequence_item):
    def __init__(self, name, acc: np.ndarray, rq: Requant):
        super().__init__(name)
        self.acc, self.rq = np.asarray(acc, np.int64), rq

    def __str__(self):
        return describe(self.get_name(), self.rq)


@dataclass
class RequantIn:
    label: str
    acc: np.ndarray          # int64, the int32 accumulators the lane reads
    rq: Requant              # multiplier, shift, out_zp (signed), relu as the pins held them
    cycle: int

    def __str__(self):
        return describe(self.label, self.rq)


@dataclass
class RequantOut:
    y: np.ndarray            # int64, the int8 outputs in order
    cycle: int
