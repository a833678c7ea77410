"""Item, driver, scoreboard, coverage and environment of the requantiser block."""
from __future__ import annotations

from pathlib import Path

import cocotb
import numpy as np
from cocotb.triggers import RisingEdge
from cocotb_coverage.coverage import CoverCross, CoverPoint, coverage_section
from pyuvm import ConfigDB, uvm_analysis_port, uvm_driver, uvm_env, uvm_sequence_item, uvm_subscriber

from golden.crosscheck import Tally, _count_ties
from golden.ops import Requant
from verif.common.components import DriverAgent, ItemListSeq
from verif.common.scoreboard_base import ScoreboardBase


class RequantBatch(uvm_sequence_item):
    def __init__(self, name, acc: np.ndarray, rq: Requant):
        super().__init__(name)
        self.acc, self.rq = np.asarray(acc, np.int64), rq
        self.y: np.ndarray | None = None

    def __str__(self):
        r = self.rq
        return f"{self.get_name()} (multiplier={r.multiplier:#x} shift={r.shift} out_zp={r.out_zp} relu={int(r.relu)})"


class RequantDriver(uvm_driver):
    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)

    async def run_phase(self):
        d = cocotb.top
        while True:
            b: RequantBatch = await self.seq_item_port.get_next_item()
            Path("requant_in.hex").write_text("".join(f"{int(v) & 0xFFFFFFFF:08x}\n" for v in b.acc))
            d.count.value, d.multiplier.value, d.shift.value = len(b.acc), b.rq.multiplier, b.rq.shift
            d.out_zp.value, d.relu.value = b.rq.out_zp & 0xFF, int(b.rq.relu)
            await RisingEdge(d.clk)
            d.go.value = 1
            await RisingEdge(d.clk)
            d.go.value = 0
            await RisingEdge(d.finished)
            await RisingEdge(d.clk)             # $writememh has run
            # $writememh may add "// 0x…" address comments (Icarus does); only the data lines count
            lines = [ln.split("//")[0].strip() for ln in Path("requant_out.hex").read_text().splitlines()]
            b.y = np.array([int(w, 16) for ln in lines for w in ln.split()], np.int64)
            b.y = np.where(b.y > 127, b.y - 256, b.y)
            self.ap.write(b)
            self.seq_item_port.item_done()


def _config_class(rq):
    return ("m=0" if rq.multiplier == 0 else "normalised" if rq.multiplier >> 23 else "short"), \
           ("0" if rq.shift == 0 else "1..23" if rq.shift < 24 else "24..40" if rq.shift <= 40 else "41..63")


_sample = coverage_section(
    CoverPoint("requant.batch.multiplier", xf=lambda b, t: _config_class(b.rq)[0], bins=["m=0", "normalised", "short"]),
    CoverPoint("requant.batch.shift", xf=lambda b, t: _config_class(b.rq)[1], bins=["0", "1..23", "24..40", "41..63"]),
    CoverPoint("requant.batch.relu", xf=lambda b, t: bool(b.rq.relu), bins=[True, False]),
    CoverPoint("requant.batch.acc_r24_ties", xf=lambda b, t: t["acc_r24"] > 0, bins=[True, False]),
    CoverPoint("requant.batch.product_r24_ties", xf=lambda b, t: t["product_r24"] > 0, bins=[True, False]),
    CoverPoint("requant.batch.final_ties", xf=lambda b, t: t["final"] > 0, bins=[True, False]),
    CoverPoint("requant.batch.saturated", xf=lambda b, t: bool(((b.y == 127) | (b.y == -128)).any()), bins=[True, False]),
    CoverCross("requant.batch.multiplier_x_shift", items=["requant.batch.multiplier", "requant.batch.shift"]),
)(lambda b, t: None)


class RequantScoreboard(ScoreboardBase):
    def build_phase(self):
        super().build_phase()
        self.outputs = 0
        self.ties = {"acc_r24": 0, "product_r24": 0, "final": 0}
        self.export = _Export("export", self)

    def check(self, b: RequantBatch):
        want = b.rq(b.acc).astype(np.int64)
        self.compared += 1
        self.outputs += len(want)
        t = Tally()
        _count_ties(t, b.acc, b.rq)
        for k, v in t.ties.items():
            self.ties[k] += v
        _sample(b, t.ties)
        if b.y is None or len(b.y) != len(want):
            self.mismatch(f"{b}: {0 if b.y is None else len(b.y)} outputs for {len(want)} inputs")
            return
        bad = np.flatnonzero(b.y != want)
        if bad.size:
            i = int(bad[0])
            self.mismatch(f"{b}: {bad.size} of {len(want)} differ; first at {i}: acc {int(b.acc[i])} expected "
                          f"{int(want[i])}, got {int(b.y[i])}")

    def report_phase(self):
        self.logger.info(f"{self.outputs} outputs compared bit for bit; ties hit {self.ties}")


class _Export(uvm_subscriber):
    def write(self, b):
        self.get_parent().check(b)


class RequantAgent(DriverAgent):
    driver_type = RequantDriver


class RequantEnv(uvm_env):
    def build_phase(self):
        self.agent = RequantAgent("agent", self)
        self.scoreboard = RequantScoreboard("scoreboard", self)

    def connect_phase(self):
        self.agent.driver.ap.connect(self.scoreboard.export.analysis_export)


__all__ = ["ConfigDB", "ItemListSeq", "RequantBatch", "RequantEnv"]
