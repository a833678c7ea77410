"""Functional coverage of requantiser batches, subscribed to both monitors: the configuration class of each
batch, whether it hit each kind of rounding tie (golden/crosscheck.py counts them from what went in), and
whether an output saturated (what came out)."""
from __future__ import annotations

from collections import deque

from cocotb_coverage.coverage import CoverCross, CoverPoint, coverage_section
from pyuvm import uvm_component

from golden.crosscheck import Tally, _count_ties
from verif.common.analysis import ToMethod

from .requant_items import RequantIn, RequantOut


def _config_class(rq):
    return ("m=0" if rq.multiplier == 0 else "normalised" if rq.multiplier >> 23 else "short"), \
           ("0" if rq.shift == 0 else "1..23" if rq.shift < 24 else "24..40" if rq.shift <= 40 else "41..63")


_sample = coverage_section(
    CoverPoint("requant.batch.multiplier", xf=lambda b, y, t: _config_class(b.rq)[0],
               bins=["m=0", "normalised", "short"]),
    CoverPoint("requant.batch.shift", xf=lambda b, y, t: _config_class(b.rq)[1],
               bins=["0", "1..23", "24..40", "41..63"]),
    CoverPoint("requant.batch.relu", xf=lambda b, y, t: bool(b.rq.relu), bins=[True, False]),
    CoverPoint("requant.batch.acc_r24_ties", xf=lambda b, y, t: t["acc_r24"] > 0, bins=[True, False]),
    CoverPoint("requant.batch.product_r24_ties", xf=lambda b, y, t: t["product_r24"] > 0, bins=[True, False]),
    CoverPoint("requant.batch.final_ties", xf=lambda b, y, t: t["final"] > 0, bins=[True, False]),
    CoverPoint("requant.batch.saturated", xf=lambda b, y, t: bool(((y == 127) | (y == -128)).any()),
               bins=[True, False]),
    CoverCross("requant.batch.multiplier_x_shift", items=["requant.batch.multiplier", "requant.batch.shift"]),
)(lambda b, y, t: None)


class RequantCoverage(uvm_component):
    def build_phase(self):
        self.inputs = ToMethod("inputs", self, self.went_in)
        self.outputs = ToMethod("outputs", self, self.came_out)
        self.pending: deque = deque()
        self.ties = {"acc_r24": 0, "product_r24": 0, "final": 0}

    def went_in(self, b: RequantIn):
        t = Tally()
        _count_ties(t, b.acc, b.rq)
        for k, v in t.ties.items():
            self.ties[k] += v
        self.pending.append((b, t.ties))

    def came_out(self, out: RequantOut):
        if self.pending:
            b, ties = self.pending.popleft()
            _sample(b, out.y, ties)

    def report_phase(self):
        self.logger.info(f"rounding ties hit: {self.ties}")
