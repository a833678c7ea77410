"""Sequences for the rtl/sram ports. Traffic draws the accesses one port will issue from the config's seeded
numpy generator; a PhasesSeq (virtual) runs phases of traffic, each port's accesses at once on its agent's
sequencer, and starts a phase when every port has answered the one before. One sequence per test."""
from __future__ import annotations

import cocotb
import numpy as np
from pyuvm import uvm_sequence

from verif.common.components import ItemListSeq

from .sram_config import SramEnvConfig
from .sram_items import Access, Drain


class Traffic:
    def __init__(self, rng: np.random.Generator, rows: int, lanes: int, bits: int):
        self.rng, self.rows, self.lanes, self.bits = rng, rows, lanes, bits

    def data(self):
        return self.rng.integers(-(1 << (self.bits - 1)), 1 << (self.bits - 1), self.lanes)

    def row(self, oor_rate=0.03, hot=None):
        if self.rng.random() < oor_rate:
            return int(self.rng.integers(self.rows, min(self.rows + 64, 0x10000)))
        if hot is not None and self.rng.random() < 0.6:
            return int(self.rng.choice(hot))
        return int(self.rng.choice([0, self.rows - 1, self.rng.integers(0, self.rows)]))

    def lanes_mask(self):
        full = (1 << self.lanes) - 1
        # a write with no lane enabled is legal and must change nothing
        return int(self.rng.choice([full, full, full, int(self.rng.integers(0, full + 1)), 0]))

    def init(self, port, rows=None):
        """Full writes of every row, so that later reads compare every lane."""
        return [Access(port, True, r, (1 << self.lanes) - 1, self.data()) for r in (rows or range(self.rows))]

    def mixed(self, port, count, *, writes=True, reads=True, acc=False, gap_rate=0.2, hot=None, oor_rate=0.03):
        out = []
        for _ in range(count):
            w = writes and (not reads or self.rng.random() < 0.5)
            out.append(Access(port, w, self.row(oor_rate, hot), self.lanes_mask() if w else 0,
                              self.data() if w else None, acc=bool(acc and w and self.rng.random() < 0.6),
                              gap=int(self.rng.integers(1, 3)) if self.rng.random() < gap_rate else 0))
        return out


class WholeRowTraffic(Traffic):
    """For ports that write whole rows (no lane enables)."""

    def lanes_mask(self):
        return (1 << self.lanes) - 1


class PhasesSeq(uvm_sequence):
    """Virtual: `phases()` lists the traffic, each phase a dict port -> accesses (all drawn before the first
    runs); a phase ends when every port has answered its accesses."""
    traffic_class = Traffic

    def __init__(self, name, seqrs: dict):
        super().__init__(name)
        self.seqrs = seqrs

    def phases(self, t: Traffic, cfg: SramEnvConfig) -> list[dict[str, list[Access]]]:
        raise NotImplementedError

    async def body(self):
        cfg = SramEnvConfig.get()
        for phase in self.phases(self.traffic_class(cfg.rng, cfg.rows, cfg.lanes, cfg.bits), cfg):
            tasks = [cocotb.start_soon(ItemListSeq(f"{port}_seq", accs + [Drain()]).start(self.seqrs[port]))
                     for port, accs in phase.items()]
            for t in tasks:
                await t


# ---- scratchpad (ports p0, p1, and the read-only p2) --------------------------------------------------------------------------------

class ScratchpadRandomSeq(PhasesSeq):
    """Ports 0 and 1: random reads and writes anywhere (a few out of range), partial lane masks, bubbles; port 2
    reads beside them."""

    def phases(self, t, cfg):
        return [{"p0": t.init("p0")}, {"p0": t.mixed("p0", 300), "p1": t.mixed("p1", 300),
                                       "p2": t.mixed("p2", 300, writes=False)}]


class ScratchpadConflictSeq(PhasesSeq):
    """Ports 0 and 1 hammer the rows of one bank back to back: every cycle a conflict, neither may starve; port 2
    reads that bank too, getting it only in the cycles the others leave it (it has the lowest priority)."""

    def phases(self, t, cfg):
        hot = [r for r in range(0, cfg.rows, cfg.params.get("NB", 4))][:6]
        return [{"p0": t.init("p0")},
                {**{p: t.mixed(p, 200, gap_rate=0.0, hot=hot, oor_rate=0.0) for p in ("p0", "p1")},
                 "p2": t.mixed("p2", 100, writes=False, hot=hot, oor_rate=0.0)}]


class ScratchpadRangeSeq(PhasesSeq):
    """Every row written through one port and read back through the other, then out-of-range rows on both:
    each must come back flagged, and must not disturb any row."""

    def phases(self, t, cfg):
        rows = range(cfg.rows)
        oor = [cfg.rows, cfg.rows + 1, 0xFFFF]
        return [{"p1": t.init("p1")},
                {"p0": [Access("p0", False, r) for r in rows]},
                {"p0": [Access("p0", True, r, (1 << cfg.lanes) - 1, t.data()) for r in oor],
                 "p1": [Access("p1", False, r) for r in oor], "p2": [Access("p2", False, r) for r in oor]},
                {"p1": [Access("p1", False, r) for r in rows]}, {"p2": [Access("p2", False, r) for r in rows]}]


# ---- accumulator (write port w, read port r) ------------------------------------------------------------------

class AccumulatorRandomSeq(PhasesSeq):
    """Overwrites, accumulates and reads anywhere, with partial lane masks and bubbles."""

    def phases(self, t, cfg):
        return [{"w": t.init("w")},
                {"w": t.mixed("w", 300, reads=False, acc=True), "r": t.mixed("r", 300, writes=False)}]


class AccumulatorChainSeq(PhasesSeq):
    """Back-to-back accumulates into a few rows while the read port reads them every cycle: every
    read-after-write distance the forwarding must cover, and read/accumulate conflicts on the RAM port."""

    def phases(self, t, cfg):
        hot = [0, 1, cfg.rows - 1]
        return [{"w": t.init("w")},
                {"w": t.mixed("w", 300, reads=False, acc=True, gap_rate=0.05, hot=hot, oor_rate=0.0),
                 "r": t.mixed("r", 300, writes=False, gap_rate=0.05, hot=hot, oor_rate=0.0)}]


class AccumulatorRangeSeq(PhasesSeq):
    """Full range through both ports, then out-of-range writes (plain and accumulate) and reads."""

    def phases(self, t, cfg):
        rows = range(cfg.rows)
        oor = [cfg.rows, 0xFFFF]
        full = (1 << cfg.lanes) - 1
        return [{"w": t.init("w")}, {"r": [Access("r", False, r) for r in rows]},
                {"w": [Access("w", True, r, full, t.data(), acc=a) for r in oor for a in (False, True)],
                 "r": [Access("r", False, r) for r in oor]},
                {"r": [Access("r", False, r) for r in rows]}]


# ---- double-buffered accumulator (the array's write port a, the load unit's write port b, read port r) --------

def bank_boundary(rows: int) -> list[int]:
    half = (rows + 1) // 2
    return [0, half - 1, half, rows - 1]


class AccumulatorBanksRandomSeq(PhasesSeq):
    """Accumulates and overwrites on A and on B (the load unit's overwrites, the vector unit's accumulates) and
    reads, all at once, anywhere."""
    traffic_class = WholeRowTraffic

    def phases(self, t, cfg):
        return [{"a": t.init("a")},
                {"a": t.mixed("a", 300, reads=False, acc=True, oor_rate=0.0),
                 "b": t.mixed("b", 300, reads=False, acc=True), "r": t.mixed("r", 300, writes=False)}]


class AccumulatorBanksBoundarySeq(PhasesSeq):
    """A, B and the reads on the rows around the bank boundary, back to back: same-bank contention (B waits),
    A and B in different banks in one cycle, and every read-after-write distance in both banks."""
    traffic_class = WholeRowTraffic

    def phases(self, t, cfg):
        hot = bank_boundary(cfg.rows)
        return [{"b": t.init("b")},
                {"a": t.mixed("a", 300, reads=False, acc=True, gap_rate=0.05, hot=hot, oor_rate=0.0),
                 "b": t.mixed("b", 300, reads=False, acc=True, gap_rate=0.05, hot=hot),
                 "r": t.mixed("r", 300, writes=False, gap_rate=0.05, hot=hot)}]
