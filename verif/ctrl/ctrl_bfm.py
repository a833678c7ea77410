"""Signal-level models around ctrl: the fetch responder (the AXI master's read client seen from ctrl, over
a DRAM image), the three execution units (each completes its queue head after a random delay), the host
(start, wait for done) and an issue monitor. Every event is stamped with its cycle."""
from __future__ import annotations

import cocotb
from cocotb.triggers import ReadOnly, RisingEdge

from golden.layout import QUEUE_ENTRY
from verif.common.counters import COUNTERS
from verif.common.clock_reset import cycle, reset, start_clock
from verif.common.triggers import until_high


# Each unit model raises its own event while it "works": the controller must count exactly those cycles.
EVENTS = ("ev_stall_dma_rd", "ev_mac_active", "ev_stall_dma_wr", "ev_stall_weight")
UNIT_EVENT = {"load": ("ev_stall_dma_rd", "ev_rd_bytes"), "compute": ("ev_mac_active", None),
              "store": ("ev_stall_dma_wr", "ev_wr_bytes")}


class CtrlBfm:
    def __init__(self, dut, rng):
        self.dut, self.rng = dut, rng
        self.image = b""
        self.faulty = []                  # [lo, hi) DRAM bytes that answer with a bus error
        self.executed = {"load": [], "compute": [], "store": []}   # (index, word, cfg, head_cycle, done_cycle)
        self.issued = []                  # (index, cycle)
        self.fetches = []                 # (addr, beats, cycle)
        self.max_delay = 6
        self.tasks = []
        self.events = {}                  # counter name -> what the models drove during this program

    def _bad(self, lo, hi):
        return any(lo < f_hi and f_lo < hi for f_lo, f_hi in self.faulty)

    async def start(self):
        d = self.dut
        self.tasks.append(start_clock(d.clk))
        for s in ("start", "f_rq_ready", "f_rd_valid", "f_rd_last", "f_rd_err", "lq_done", "cq_done", "sq_done",
                  "lq_err", "cq_err", "sq_err") + EVENTS + ("ev_rd_bytes", "ev_wr_bytes"):
            getattr(d, s).value = 0
        d.f_rd_data.value = 0
        await reset(d.clk, d.rst_n)
        self.tasks += [cocotb.start_soon(self._fetch())] + \
            [cocotb.start_soon(self._unit(q, p)) for q, p in (("load", "lq"), ("compute", "cq"), ("store", "sq"))] + \
            [cocotb.start_soon(self._issues())]

    def stop(self):
        for t in self.tasks:
            t.cancel()
        self.tasks = []

    async def run_program(self, image: bytes, inst_base: int, inst_count: int, faulty=()):
        d = self.dut
        self.image, self.faulty = image, list(faulty)
        for v in self.executed.values():
            v.clear()
        self.issued.clear()
        self.events = {"mac_active": 0, "stall_weight": 0, "stall_dma_rd": 0, "stall_dma_wr": 0, "rd_bytes": 0,
                       "wr_bytes": 0}
        await RisingEdge(d.clk)
        d.inst_base.value, d.inst_count.value, d.start.value = inst_base, inst_count, 1
        await RisingEdge(d.clk)
        d.start.value = 0
        # The host may program the next run while this one executes: the controller must not look.
        d.inst_base.value = int(self.rng.integers(0, 1 << 32, dtype="uint64"))
        d.inst_count.value = int(self.rng.integers(0, 1 << 16))
        await RisingEdge(d.done)
        done_cycle = cycle()
        await ReadOnly()
        counters = {k: int(getattr(d, k).value) for k in COUNTERS}
        return int(d.err_code.value), int(d.err_index.value), done_cycle, counters

    async def _fetch(self):
        d = self.dut
        while True:
            await RisingEdge(d.f_rq_valid)
            d.f_rq_ready.value = 1
            await RisingEdge(d.clk)           # the request is taken at this edge
            d.f_rq_ready.value = 0
            addr, beats = int(d.f_rq_addr.value), int(d.f_rq_beats.value)
            self.fetches.append((addr, beats, cycle()))
            for _ in range(int(self.rng.integers(0, 8))):   # memory latency
                await RisingEdge(d.clk)
            for b in range(beats):
                a = addr + 16 * b
                while self.rng.random() < 0.2:                # gaps between beats
                    d.f_rd_valid.value = 0
                    await RisingEdge(d.clk)
                d.f_rd_valid.value = 1
                d.f_rd_data.value = int.from_bytes(self.image[a:a + 16].ljust(16, b"\0"), "little")
                d.f_rd_last.value = int(b == beats - 1)
                d.f_rd_err.value = int(self._bad(a, a + 16))
                await RisingEdge(d.clk)
            d.f_rd_valid.value = 0
            d.f_rd_last.value = 0

    async def _unit(self, name, p):
        d = self.dut
        valid, head, done, err = (getattr(d, f"{p}_{s}") for s in ("valid", "head", "done", "err"))
        while True:
            await until_high(valid)
            h = int(head.value)
            entry = QUEUE_ENTRY.unpack(h)
            index, cfg, word = entry["index"], entry["cfg"], entry["word"]
            start = cycle()
            busy_sig, bytes_sig = UNIT_EVENT[name]
            work = int(self.rng.integers(0, self.max_delay + 1))
            await RisingEdge(d.clk)                         # leaves the ReadOnly phase
            if work:
                getattr(d, busy_sig).value = 1
                for _ in range(work):
                    await RisingEdge(d.clk)
                getattr(d, busy_sig).value = 0
                self.events[busy_sig[3:]] += work
                if name == "compute" and work > 1:       # a weight stall now and then, one cycle
                    d.ev_stall_weight.value = 1
                    await RisingEdge(d.clk)
                    d.ev_stall_weight.value = 0
                    self.events["stall_weight"] += 1
            done.value = 1
            if bytes_sig:
                nbytes = int(self.rng.integers(1, 1 << 16))
                getattr(d, bytes_sig).value = nbytes
                self.events[bytes_sig[3:]] += nbytes
            err.value = int(self._span_bad(word))
            await RisingEdge(d.clk)
            self.executed[name].append((index, word, cfg, start, cycle() - 1))
            done.value = 0
            err.value = 0
            if bytes_sig:
                getattr(d, bytes_sig).value = 0
            await RisingEdge(d.clk)

    def _span_bad(self, word):
        from golden.checks import dram_span
        from golden.isa import Op, decode
        ins = decode(word)
        return ins.op in (Op.LOAD, Op.STORE) and self._bad(dram_span(ins)[0], dram_span(ins)[1] + 1)

    async def _issues(self):
        d = self.dut
        while True:
            await until_high(d.busy)
            if d.issue.value == 1:
                self.issued.append((int(d.d_idx.value), cycle()))
            await RisingEdge(d.clk)
