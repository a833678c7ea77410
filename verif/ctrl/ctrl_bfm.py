"""Signal level around ctrl (cocotb only): the host (START with INST_BASE/INST_COUNT), the fetch responder (the
AXI master's read client seen from ctrl, over a DRAM image with bus-error windows) and the four execution units
(each completes its queue head after a random delay and signals its counter events). Sampling coroutines put
what the controller did into queues, every event stamped with its cycle:
- `starts`: a ProgramStart each time the controller takes START (its INST_BASE/INST_COUNT pins at that edge);
- `results`: a ProgramResult each time done rises (end code, counters, and what the units executed, what was
  issued and fetched since the previous done)."""
from __future__ import annotations

import cocotb
from cocotb.queue import Queue
from cocotb.triggers import Event, ReadOnly, RisingEdge

from golden.checks import dram_span
from golden.isa import Op, decode
from golden.layout import QUEUE_ENTRY
from verif.common.clock_reset import cycle, reset, start_clock
from verif.common.counters import COUNTERS
from verif.common.triggers import until_high

from .ctrl_items import ProgramResult, ProgramStart

# Each unit model raises its own event while it "works": the controller must count exactly those cycles.
EVENTS = ("ev_stall_dma_rd", "ev_mac_active", "ev_stall_dma_wr", "ev_stall_weight", "ev_vec_active", "ev_stall_vec")
UNIT_EVENT = {"load": ("ev_stall_dma_rd", "ev_rd_bytes"), "compute": ("ev_mac_active", None),
              "store": ("ev_stall_dma_wr", "ev_wr_bytes"), "vector": ("ev_vec_active", None)}
EVENT_COUNTERS = ("mac_active", "stall_weight", "stall_dma_rd", "stall_dma_wr", "rd_bytes", "wr_bytes", "vec_active",
                  "stall_vec")
UNITS = (("load", "lq"), ("compute", "cq"), ("store", "sq"), ("vector", "vq"))
BEAT_BYTES = 16                   # one fetch beat (f_rd_data)


class CtrlBfm:
    def __init__(self, dut, rng, max_delay: int = 6):
        """`rng`: the timing generator (memory latency, unit delays, byte counts), apart from the stimulus."""
        self.dut, self.rng, self.max_delay = dut, rng, max_delay
        self.image = b""                  # what the fetch port serves
        self.faulty: list = []            # [lo, hi) DRAM bytes that answer with a bus error
        self.label = ""                   # the program being run (named in ProgramStart)
        self.starts: Queue = Queue()
        self.results: Queue = Queue()
        self.finished = Event()
        self.log = self._new_log()        # what happened since the last done
        self.tasks = []

    @staticmethod
    def _new_log() -> ProgramResult:
        return ProgramResult(0, 0, 0, {}, events={k: 0 for k in EVENT_COUNTERS})

    def _bad(self, lo, hi):
        return any(lo < f_hi and f_lo < hi for f_lo, f_hi in self.faulty)

    async def start(self):
        d = self.dut
        self.tasks.append(start_clock(d.clk))
        for s in ("start", "f_rq_ready", "f_rd_valid", "f_rd_last", "f_rd_err", "lq_done", "cq_done", "sq_done",
                  "vq_done", "lq_err", "cq_err", "sq_err", "vq_err") + EVENTS + ("ev_rd_bytes", "ev_wr_bytes"):
            getattr(d, s).value = 0
        d.f_rd_data.value = 0
        await reset(d.clk, d.rst_n)
        self.log = self._new_log()
        self.tasks += [cocotb.start_soon(c) for c in
                       [self._fetch(), *(self._unit(q, p) for q, p in UNITS), self._issues(), self._sample_start(),
                        self._sample_done()]]

    def stop(self):
        for t in self.tasks:
            t.cancel()
        self.tasks = []

    def state(self) -> str:
        d, log = self.dut, self.log
        return (f"{self.label or 'no program'}: busy={d.busy.value} done={d.done.value}, executed "
                + ", ".join(f"{q} {len(v)}" for q, v in log.executed.items()) + f", issued {len(log.issued)}")

    # -- the host ---------------------------------------------------------------------------------------------
    async def run_program(self, image: bytes, inst_base: int, inst_count: int, faulty=(), label: str = ""):
        """Serve `image` (with `faulty` windows), pulse START, and return once done has risen."""
        d = self.dut
        self.image, self.faulty, self.label = image, list(faulty), label
        self.finished.clear()
        await RisingEdge(d.clk)
        d.inst_base.value, d.inst_count.value, d.start.value = inst_base, inst_count, 1
        await RisingEdge(d.clk)
        d.start.value = 0
        # The host may program the next run while this one executes: the controller must not look.
        d.inst_base.value = int(self.rng.integers(0, 1 << 32, dtype="uint64"))
        d.inst_count.value = int(self.rng.integers(0, 1 << 16))
        await self.finished.wait()

    # -- sampling: what went in, what came out ----------------------------------------------------------------
    async def _sample_start(self):
        d = self.dut
        while True:
            await until_high(d.start)
            self.starts.put_nowait(ProgramStart(self.label, int(d.inst_base.value), int(d.inst_count.value),
                                                self.image, list(self.faulty), cycle()))
            await RisingEdge(d.clk)

    async def _sample_done(self):
        d = self.dut
        while True:
            await RisingEdge(d.done)
            done_cycle = cycle()
            await ReadOnly()
            log, self.log = self.log, self._new_log()
            log.err_code, log.err_index, log.done_cycle = int(d.err_code.value), int(d.err_index.value), done_cycle
            log.counters = {k: int(getattr(d, k).value) for k in COUNTERS}
            self.results.put_nowait(log)
            self.finished.set()

    async def _issues(self):
        d = self.dut
        while True:
            await until_high(d.busy)
            if d.issue.value == 1:
                self.log.issued.append((int(d.d_idx.value), cycle()))
            await RisingEdge(d.clk)

    # -- the responders ---------------------------------------------------------------------------------------
    async def _fetch(self):
        d = self.dut
        while True:
            await RisingEdge(d.f_rq_valid)
            d.f_rq_ready.value = 1
            await RisingEdge(d.clk)           # the request is taken at this edge
            d.f_rq_ready.value = 0
            addr, beats = int(d.f_rq_addr.value), int(d.f_rq_beats.value)
            self.log.fetches.append((addr, beats, cycle()))
            for _ in range(int(self.rng.integers(0, 8))):   # memory latency
                await RisingEdge(d.clk)
            for b in range(beats):
                a = addr + BEAT_BYTES * b
                while self.rng.random() < 0.2:                # gaps between beats
                    d.f_rd_valid.value = 0
                    await RisingEdge(d.clk)
                d.f_rd_valid.value = 1
                beat = self.image[a:a + BEAT_BYTES].ljust(BEAT_BYTES, b"\0")
                d.f_rd_data.value = int.from_bytes(beat, "little")
                d.f_rd_last.value = int(b == beats - 1)
                d.f_rd_err.value = int(self._bad(a, a + BEAT_BYTES))
                await RisingEdge(d.clk)
            d.f_rd_valid.value = 0
            d.f_rd_last.value = 0

    async def _unit(self, name, p):
        d = self.dut
        valid, head, done, err = (getattr(d, f"{p}_{s}") for s in ("valid", "head", "done", "err"))
        busy_sig, bytes_sig = UNIT_EVENT[name]
        while True:
            await until_high(valid)
            entry = QUEUE_ENTRY.unpack(int(head.value))
            index, cfg, word = entry["index"], entry["cfg"], entry["word"]
            start = cycle()
            work = int(self.rng.integers(0, self.max_delay + 1))
            await RisingEdge(d.clk)                         # leaves the ReadOnly phase
            if work:
                getattr(d, busy_sig).value = 1
                for _ in range(work):
                    await RisingEdge(d.clk)
                getattr(d, busy_sig).value = 0
                self.log.events[busy_sig[3:]] += work
                stall = {"compute": "ev_stall_weight", "vector": "ev_stall_vec"}.get(name)
                if stall and work > 1:                      # a stall now and then, one cycle
                    getattr(d, stall).value = 1
                    await RisingEdge(d.clk)
                    getattr(d, stall).value = 0
                    self.log.events[stall[3:]] += 1
            done.value = 1
            if bytes_sig:
                nbytes = int(self.rng.integers(1, 1 << 16))
                getattr(d, bytes_sig).value = nbytes
                self.log.events[bytes_sig[3:]] += nbytes
            err.value = int(self._span_bad(word))
            await RisingEdge(d.clk)
            self.log.executed[name].append((index, word, cfg, start, cycle() - 1))
            done.value = 0
            err.value = 0
            if bytes_sig:
                getattr(d, bytes_sig).value = 0
            await RisingEdge(d.clk)

    def _span_bad(self, word):
        ins = decode(word)
        if ins.op not in (Op.LOAD, Op.STORE):
            return False
        lo, hi = dram_span(ins)
        return self._bad(lo, hi + 1)
