"""Sequences for mac_array: random tiles, extreme operands, back-to-back tiles that exercise the weight
double buffer, and long-K products. Data comes from the config's seeded numpy generator."""
from __future__ import annotations

import numpy as np
from pyuvm import uvm_sequence

from .mac_array_config import MacArrayEnvConfig
from .mac_array_items import TileItem


class TileBaseSeq(uvm_sequence):
    tiles = 20

    async def body(self):
        cfg = MacArrayEnvConfig.get()
        self.rng, self.n = cfg.rng, cfg.n
        for i in range(self.tiles):
            await self.start_item(item := self.make(i))
            await self.finish_item(item)

    def weights(self):
        return self.rng.integers(-128, 128, (self.n, self.n)).astype(np.int8)

    def acts(self, m):
        return self.rng.integers(-128, 128, (m, self.n)).astype(np.int8)

    def gaps(self, m, p):
        return np.where(self.rng.random(m) < p, self.rng.integers(1, 4, m), 0)

    def make(self, i) -> TileItem:
        raise NotImplementedError


class RandomTileSeq(TileBaseSeq):
    """Random lengths (1 .. 6N), weights swapped or reused, random bubbles."""
    tiles = 40

    def make(self, i):
        n = self.n
        m = int(self.rng.choice([1, self.rng.integers(2, n + 1), self.rng.integers(n + 1, 4 * n + 1),
                                 self.rng.integers(4 * n + 1, 6 * n + 1)]))
        new = i == 0 or self.rng.random() < 0.6
        return TileItem(weights=self.weights() if new else None, acts=self.acts(m),
                        gaps=self.gaps(m, float(self.rng.choice([0.0, 0.2, 0.7]))))


class ExtremesSeq(TileBaseSeq):
    """-128 x -128 everywhere (the largest sums), 127 x -128, and mixed extremes: what saturating or
    sign-extension bugs get wrong."""
    tiles = 6

    def make(self, i):
        n, m = self.n, 2 * self.n
        pick = [lambda s: np.full(s, -128), lambda s: np.full(s, 127),
                lambda s: self.rng.choice(np.array([-128, 127]), s)]
        w = pick[0 if i % 3 != 1 else 2]((n, n)).astype(np.int8)
        a = pick[i % 3]((m, n)).astype(np.int8)
        return TileItem(weights=w, acts=a, gaps=np.zeros(m, np.int64))


class LongKSeq(TileBaseSeq):
    """Products whose K is many times N, one N-deep slice per tile, as many tiles each as the config's k_groups
    say: all -128 (the largest sums an int32 accumulator must hold) and random, alternately. The scoreboard also
    sums the tiles and checks A @ W over the whole K."""

    async def body(self):
        cfg = MacArrayEnvConfig.get()
        self.rng, self.n = cfg.rng, cfg.n
        n = self.n
        for group, k_tiles in enumerate(cfg.k_groups):
            full = group % 2 == 0
            m = 2 * n
            a = np.full((m, k_tiles * n), -128, np.int8) if full else self.acts(m).repeat(k_tiles, axis=1)
            w = np.full((k_tiles * n, n), -128, np.int8) if full else \
                self.rng.integers(-128, 128, (k_tiles * n, n)).astype(np.int8)
            for t in range(k_tiles):
                item = TileItem(weights=w[t * n:(t + 1) * n], acts=a[:, t * n:(t + 1) * n],
                                gaps=np.zeros(m, np.int64))
                await self.start_item(item)
                await self.finish_item(item)


class BackToBackSeq(TileBaseSeq):
    """Short tiles, each with new weights, no bubbles: the next weights must load while the current tile
    computes, and every swap lands on the right row."""
    tiles = 30

    def make(self, i):
        m = int(self.rng.integers(self.n, 3 * self.n + 1))
        return TileItem(weights=self.weights(), acts=self.acts(m), gaps=np.zeros(m, np.int64))
