"""Scoreboard of the requantiser: the predictor (fed by the input monitor) runs golden/requant.py (bit-exact
with onnxruntime) over the accumulators and configuration the lane took; the comparator (fed by the output
monitor) compares every output bit for bit and names the first that differs."""
from __future__ import annotations

import numpy as np

from verif.common.analysis import InOrderScoreboard

from .requant_items import RequantIn, RequantOut


class RequantScoreboard(InOrderScoreboard):
    def build_phase(self):
        super().build_phase()
        self.outputs = 0

    def predict(self, b: RequantIn):
        return b, b.rq(b.acc).astype(np.int64)

    def describe(self, expected) -> str:
        return str(expected[0])

    def compare(self, expected, out: RequantOut) -> None:
        b, want = expected
        self.outputs += len(want)
        if len(out.y) != len(want):
            self.mismatch(f"{b}: {len(out.y)} outputs for {len(want)} inputs")
            return
        bad = np.flatnonzero(out.y != want)
        if bad.size:
            i = int(bad[0])
            self.mismatch(f"{b}: {bad.size} of {len(want)} differ; first at {i}: acc {int(b.acc[i])} expected "
                          f"{int(want[i])}, got {int(out.y[i])}")

    def report_phase(self):
        self.logger.info(f"{self.outputs} outputs compared bit for bit")
