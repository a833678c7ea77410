"""pyuvm tests of the requantiser lane: random configurations, tie sweeps, extremes."""
from __future__ import annotations

import cocotb
import numpy as np
import pyuvm
from pyuvm import ConfigDB

from golden.crosscheck import SWEEPS
from golden.ops import Requant
from golden.requant import decompose_float32
from verif.common.base_test import BaseTest
from verif.common.clock_reset import start_clock

from .requant_env import ItemListSeq, RequantBatch, RequantEnv

I32 = (-(1 << 31), (1 << 31) - 1)


class RequantBaseTest(BaseTest):
    def build_phase(self):
        super().build_phase()
        ConfigDB().set(None, "*", "BFM", self)
        self.env = RequantEnv("env", self)
        self.clock = None

    def batches(self) -> list[RequantBatch]:
        raise NotImplementedError

    def random_rq(self) -> Requant:
        r = self.rng
        mult = int(r.choice([0, int(r.integers(1 << 23, 1 << 24)), int(r.integers(1, 1 << 23))])) \
            if r.random() < 0.3 else int(r.integers(1 << 23, 1 << 24))
        shift = int(r.choice([0, int(r.integers(1, 24)), int(r.integers(24, 41)), int(r.integers(41, 64))]))
        return Requant(mult, shift, int(r.integers(-128, 128)), bool(r.integers(0, 2)))

    def useful_acc(self, rq: Requant, n: int) -> np.ndarray:
        """Accumulators whose outputs land inside int8 (where rounding shows), plus some anywhere."""
        r = self.rng
        m = rq.multiplier * 2.0 ** -rq.shift
        centre = -rq.out_zp / m if m else 0.0
        span = 200 / m if m else 1e6
        inside = np.clip(np.round(centre + r.uniform(-span, span, n // 2)), *I32)
        anywhere = r.integers(*I32, n - n // 2, endpoint=True)
        return np.concatenate([inside, anywhere]).astype(np.int64)

    async def body(self):
        d = cocotb.top
        self.clock = start_clock(d.clk)
        d.go.value = 0
        await ItemListSeq("batches", self.batches()).start(self.env.agent.seqr)

    def stop(self):
        if self.clock:
            self.clock.cancel()


@pyuvm.test()
class RequantRandomTest(RequantBaseTest):
    """Random (multiplier, shift, zero point, relu) with accumulators aimed at the int8 range and anywhere."""

    def batches(self):
        return [RequantBatch(f"batch{i}", self.useful_acc(rq, 2000), rq)
                for i, rq in enumerate(self.random_rq() for _ in range(30))]


@pyuvm.test()
class RequantTieSweepTest(RequantBaseTest):
    """Contiguous accumulator windows where float32 rounding ties (the onnxruntime cross-check's sweeps)."""

    def batches(self):
        out = []
        for i, (m32, centre) in enumerate(SWEEPS):
            mult, shift = decompose_float32(np.float32(m32))
            zp = int(np.clip(-np.round(float(np.float32(m32)) * centre), -128, 127))
            start = int(np.clip(centre - 8192, I32[0], I32[1] - 16384))
            out.append(RequantBatch(f"sweep{i}", np.arange(start, start + 16384), Requant(mult, shift, zp, i % 3 == 0)))
        return out


@pyuvm.test()
class RequantExtremesTest(RequantBaseTest):
    """int32 limits, the 2^24 boundary, zero, and the extreme multipliers and shifts."""

    def batches(self):
        edges = [I32[0], I32[0] + 1, -1, 0, 1, I32[1], I32[1] - 1]
        edges += [s * ((1 << 24) + k) for s in (1, -1) for k in range(-3, 4)]
        edges += [s * ((1 << 25) + k) for s in (1, -1) for k in range(-3, 4)]
        acc = np.array(edges, np.int64)
        out = []
        for mult in (0, 1, 0x800000, 0xFFFFFF):
            for shift in (0, 1, 23, 24, 31, 47, 63):
                for zp, relu in ((0, False), (-128, True), (127, False), (-3, True)):
                    out.append(RequantBatch(f"m{mult:#x}-s{shift}-zp{zp}", acc, Requant(mult, shift, zp, relu)))
        return out
