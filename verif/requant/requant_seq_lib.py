"""Batch streams for the requantiser, drawn from the config's seeded generator: random configurations with
accumulators aimed at the int8 range and anywhere, the onnxruntime cross-check's tie sweeps, and extremes."""
from __future__ import annotations

import numpy as np
from pyuvm import uvm_sequence

from golden.crosscheck import SWEEPS
from golden.ops import Requant
from golden.requant import decompose_float32

from .requant_config import RequantEnvConfig
from .requant_items import RequantBatch

I32 = (-(1 << 31), (1 << 31) - 1)


class BatchSeq(uvm_sequence):
    async def body(self):
        self.cfg = RequantEnvConfig.get()
        self.rng = self.cfg.rng
        for b in self.batches():
            await self.start_item(b)
            await self.finish_item(b)

    def batches(self):
        raise NotImplementedError


class RandomBatchSeq(BatchSeq):
    """Random (multiplier, shift, zero point, relu) with accumulators aimed at the int8 range and anywhere."""

    def batches(self):
        for i in range(self.cfg.batches):
            rq = self.random_rq()
            yield RequantBatch(f"batch{i}", self.useful_acc(rq, self.cfg.batch_len), rq)

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


class TieSweepSeq(BatchSeq):
    """Contiguous accumulator windows where float32 rounding ties (the onnxruntime cross-check's sweeps)."""

    def batches(self):
        for i, (m32, centre) in enumerate(SWEEPS):
            mult, shift = decompose_float32(np.float32(m32))
            zp = int(np.clip(-np.round(float(np.float32(m32)) * centre), -128, 127))
            start = int(np.clip(centre - 8192, I32[0], I32[1] - 16384))
            yield RequantBatch(f"sweep{i}", np.arange(start, start + 16384), Requant(mult, shift, zp, i % 3 == 0))


class ExtremesSeq(BatchSeq):
    """int32 limits, the 2^24 boundary, zero, and the extreme multipliers and shifts."""

    def batches(self):
        edges = [I32[0], I32[0] + 1, -1, 0, 1, I32[1], I32[1] - 1]
        edges += [s * ((1 << 24) + k) for s in (1, -1) for k in range(-3, 4)]
        edges += [s * ((1 << 25) + k) for s in (1, -1) for k in range(-3, 4)]
        acc = np.array(edges, np.int64)
        for mult in (0, 1, 0x800000, 0xFFFFFF):
            for shift in (0, 1, 23, 24, 31, 47, 63):
                for zp, relu in ((0, False), (-128, True), (127, False), (-3, True)):
                    yield RequantBatch(f"m{mult:#x}-s{shift}-zp{zp}", acc, Requant(mult, shift, zp, relu))
