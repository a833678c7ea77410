"""The top-level testbench's hands on the DUT (cocotb only, no pyuvm): reset (asked of the testbench, which
makes the clock and the reset itself), the CSR bus (cocotbext-axi's AxiLiteMaster), the DRAM model's host side
(files in and out on a pulse, knobs as ports) and the tile collectors' files.

Python never wakes on a clock edge of its own accord: it waits for the interrupt, a collector's strobe, or a
number of cycles with a timer, and it runs a few cycles at a time only while it talks on the CSR bus.

It drives what the driver asks (`load`, `start`, `wait_irq`, `collect`, `reset_mid_program`, `hung`) and
reports what happened in queues the monitors read, each filled by its own coroutine (started when a monitor
asks for the queue) and, for the tile queues, by the drain at each program's end:
- `programs()`: what ran, in order: a ProgramStart for each START the DUT accepts on the CSR bus (sampled on
  its AW and W channels, with the image and knobs `load` put into the DRAM model), then the ProgramResult of
  its ending (what `collect` read, the idle state after `reset_mid_program`, or `hung`'s pending state);
- `acc_writes()`: the array result rows going into the accumulator (AccRows batches), recorded by the
  testbench's acc_row_collector;
- `vec_writes()`: the vector unit's result rows going into the accumulator (AccRows batches), recorded by its
  second acc_row_collector;
- `dram_writes()`: the W beats of the DRAM bus, as the bytes they write at their addresses (DramWrites
  batches), recorded by its axi_write_collector.
The collectors write files (collector_files.py reads them); a batch is read when a collector strobes (every
4096 records) and at each program's end, before its ending is reported, so the scoreboard has every tile of a
program before it judges the program.
Signals inside the testbench are read by probe name (hdl/tb_npu_top.probes.yaml), never by a path written here.
"""
from __future__ import annotations

from pathlib import Path

import cocotb
import numpy as np
from cocotb.queue import Queue
from cocotb.triggers import RisingEdge, SimTimeoutError, Timer, ValueChange, with_timeout
from cocotbext.axi import AxiLiteBus, AxiLiteMaster

from sim.native import DRAM_WORD, dram_hex
from verif.common import context, probes
from verif.common.clock_reset import CLOCK_NS, clock_cycles, cycle
from verif.common.counters import COUNTER_BASE, COUNTERS
from verif.common.handshake import describe
from verif.common.triggers import until_high

from .collector_files import AccRowReader, DramWriteReader
from .top_items import DramKnobs, ProgramResult, ProgramStart, ProgramTag

CTRL, STATUS, ERR_CODE, ERR_INDEX, INST_BASE, INST_COUNT, IRQ_STATUS = 0x00, 0x04, 0x08, 0x0C, 0x10, 0x14, 0x18
START = 1
# the collectors' FILE parameters
ACC_ROWS_FILE, DRAM_WRITES_FILE, VEC_ROWS_FILE = "acc_rows.txt", "dram_writes.txt", "vec_rows.txt"
COLLECTORS = ("acc", "dram", "vec")


class _Toggles:
    """The levels last written to the testbench's toggled requests (reset_req, collect_flush, collect_rewind):
    the HDL acts on a change, so a later test of the same simulation must go on from them, not from 0."""
    levels = {"reset_req": 0, "collect_flush": 0, "collect_rewind": 0}

    @classmethod
    def toggle(cls, dut, name: str):
        cls.levels[name] ^= 1
        getattr(dut, name).value = cls.levels[name]


class TopBfm:
    # tb_npu_top's internal-interface checkers, in the order of its hs_v/hs_c (verif/common/handshake.py)
    HANDSHAKE_CHECKERS = (("load_queue", "queue"), ("compute_queue", "queue"), ("store_queue", "queue"),
                          ("sp_load_port", "mem"), ("sp_compute_port", "mem"), ("acc_read_port", "mem"),
                          ("array_weights", "stream"), ("array_activations", "stream"), ("vector_queue", "queue"),
                          ("sp_vector_port", "mem"), ("acc_port_b", "stream"), ("sp_weight_port", "mem"))

    def __init__(self, dut, n: int | None = None, collect: bool = True):
        self.dut = dut
        self.n = n or context.param("N")
        # every probe of the testbench (hdl/tb_npu_top.probes.yaml) is looked up first: a missing one fails here
        self.probes = probes.of(dut)
        # the tile collectors record only when a monitor reads them (a benchmark turns them off)
        self.collecting = collect
        dut.collect_en.value = int(collect)
        self.readers = (AccRowReader(ACC_ROWS_FILE, self.n), DramWriteReader(DRAM_WRITES_FILE),
                        AccRowReader(VEC_ROWS_FILE, self.n))
        for k in ("dram_load", "dram_dump", "dram_latency", "stall_ar", "stall_r", "stall_aw", "stall_w",
                  "stall_b", "err_lo", "err_hi"):
            getattr(dut, k).value = 0
        dut.dram_seed.value = 1
        self.csr: AxiLiteMaster | None = None     # made at the first reset (rst_n is X before the HDL's first step)
        self.tasks: list = []
        self.queues: dict[str, Queue] = {}
        # what `load` put into the DRAM model, for the START that follows
        self.loaded = (ProgramTag("(nothing loaded)", "-"), b"", DramKnobs(), ())
        self.csr_written: dict[int, int] = {}
        self.current: ProgramStart | None = None

    async def reset(self, discard: bool = True):
        """The testbench's reset (tb_clock_reset.vh): asked by toggling reset_req, held for its RESET_CYCLES
        edges; returns at the first edge out of reset, as a reset driven from here did. `discard`: what the
        collectors recorded before it (an earlier test's or program's) is dropped."""
        clk, rst_n = self.probes["clk"], self.probes["rst_n"]
        _Toggles.toggle(self.dut, "reset_req")
        await RisingEdge(clk)                      # the edge that takes the request: rst_n falls
        if self.csr is None:
            await Timer(1, unit="step")
            self.csr = AxiLiteMaster(AxiLiteBus.from_prefix(self.dut, "s_axil"), clk, rst_n, reset_active_level=False)
            self.csr.write_if.log.setLevel("WARNING")
            self.csr.read_if.log.setLevel("WARNING")
        await RisingEdge(rst_n)
        await RisingEdge(clk)
        if self.collecting and discard:
            await self.drain(keep=False)

    def stop(self):
        """Every sampling coroutine: the next test in the same simulation starts clean (the clock is the HDL's)."""
        for t in self.tasks:
            t.cancel()

    # -- the queues the monitors read ----------------------------------------------------------------------
    def _queue(self, name: str, *samplers) -> Queue:
        if name not in self.queues:
            self.queues[name] = q = Queue()
            self.tasks += [cocotb.start_soon(s(q)) for s in samplers]
        return self.queues[name]

    def programs(self) -> Queue:
        return self._queue("programs", self._sample_csr_writes)

    def acc_writes(self) -> Queue:
        return self._queue("acc", lambda q: self._drain_on_strobe(q, self.readers[0], self.dut.acc_strobe))

    def dram_writes(self) -> Queue:
        return self._queue("dram", lambda q: self._drain_on_strobe(q, self.readers[1], self.dut.dram_strobe))

    def vec_writes(self) -> Queue:
        return self._queue("vec", lambda q: self._drain_on_strobe(q, self.readers[2], self.dut.vec_strobe))

    async def _ended(self, result: ProgramResult):
        """Record how the program ended: first every tile the collectors recorded up to now (flushed and read),
        published in a step of their own, then the ending, published in the next step, so that the scoreboard
        has judged the program before the driver reports it done and the sequence decides whether to send the
        next one."""
        if self.collecting:
            await self.drain()
            await Timer(1, unit="step")
        result.program = self.current
        self.current = None
        if "programs" in self.queues:
            self.queues["programs"].put_nowait(result)
        await Timer(1, unit="step")

    # -- DRAM model ----------------------------------------------------------------------------------------
    async def load(self, tag: ProgramTag, image: bytes, knobs: DramKnobs, bus_errors=()):
        """The DRAM model's knobs and SLVERR window, then its whole memory from `image`."""
        d = self.dut
        d.dram_latency.value = knobs.latency
        d.dram_seed.value = knobs.seed or 1
        d.stall_ar.value, d.stall_r.value, d.stall_aw.value = knobs.stall_ar, knobs.stall_r, knobs.stall_aw
        d.stall_w.value, d.stall_b.value = knobs.stall_w, knobs.stall_b
        lo, hi = bus_errors[0] if bus_errors else (0, 0)
        d.err_lo.value, d.err_hi.value = lo, hi
        if self.collecting:                        # everything before was read: the files start over
            _Toggles.toggle(d, "collect_rewind")
            await RisingEdge(self.probes["clk"])
            await Timer(1, unit="step")
            for reader in self.readers:
                reader.rewound()
        Path("dram_in.hex").write_text(dram_hex(image))
        await self._pulse(self.dut.dram_load)
        self.loaded = (tag, image, knobs, tuple(bus_errors))

    async def dump_dram(self, nbytes: int) -> bytes:
        await self._pulse(self.dut.dram_dump)
        # $writememh may add "// 0x…" address comments (Icarus does); only the data lines count
        words = "".join(w for ln in Path("dram_out.hex").read_text().splitlines() for w in ln.split("//")[0].split())
        return np.frombuffer(bytes.fromhex(words), np.uint8).reshape(-1, DRAM_WORD)[:, ::-1].tobytes()[:nbytes]

    async def _pulse(self, sig):
        await RisingEdge(self.dut.clk)
        sig.value = 1
        await RisingEdge(self.dut.clk)
        sig.value = 0
        await RisingEdge(self.dut.clk)

    # -- a program's run -----------------------------------------------------------------------------------
    async def start(self, base: int, count: int):
        await self.csr.write_dword(INST_BASE, base)
        await self.csr.write_dword(INST_COUNT, count)
        await self.csr.write_dword(CTRL, 0b10 | START)             # IRQ_EN | START

    async def wait_irq(self, budget: int) -> bool:
        """True when the interrupt rises within `budget` cycles."""
        try:
            await with_timeout(RisingEdge(self.dut.irq), budget * CLOCK_NS, "ns")
            return True
        except SimTimeoutError:
            return False

    async def collect(self, nbytes: int) -> ProgramResult:
        """After the interrupt: error code and index, every counter, the interrupt cleared, then the DRAM."""
        code = await self.csr.read_dword(ERR_CODE)
        index = await self.csr.read_dword(ERR_INDEX)
        counters = {k: await self.csr.read_dword(COUNTER_BASE + 4 * i) for i, k in enumerate(COUNTERS)}
        await self.csr.write_dword(IRQ_STATUS, 1)
        dram = await self.dump_dram(nbytes)
        r = ProgramResult(None, code, index, counters, dram, self._start_cycle(), cycle(),
                          dram_stalls=int(self.dut.dram_stalled.value), violation=self._violation(), handshake=self._handshake())
        await self._ended(r)
        return r

    async def reset_mid_program(self, after: int) -> ProgramResult:
        """Reset `after` cycles after START, then the CSRs read back (they must be idle)."""
        await self.cycles(after)
        await self.reset(discard=False)            # the rows it wrote before the reset are still scored
        idle = {"status": await self.csr.read_dword(STATUS), "irq_status": await self.csr.read_dword(IRQ_STATUS),
                "irq": int(self.dut.irq.value)}
        r = ProgramResult(None, -1, -1, {}, b"", self._start_cycle(), cycle(), reset=True, extra=idle,
                          violation=self._violation(), handshake=self._handshake())
        await self._ended(r)
        return r

    async def hung(self, budget: int) -> ProgramResult:
        """No interrupt within `budget` cycles: what the hardware was waiting for, now."""
        r = ProgramResult(None, -1, -1, {}, b"", self._start_cycle(), cycle(), hung=budget, pending=self.pending(),
                          violation=self._violation(), handshake=self._handshake())
        await self._ended(r)
        return r

    def _start_cycle(self) -> int:
        return self.current.cycle if self.current is not None else cycle()

    def _violation(self) -> int | None:
        p = self.probes
        return int(p["checker.violation_code"].value) if p["checker.violation"].value == 1 else None

    def _handshake(self) -> str | None:
        p = self.probes
        return describe(self.HANDSHAKE_CHECKERS, int(p["checker.hs_code"].value)) \
            if p["checker.hs_violation"].value == 1 else None

    async def cycles(self, n: int):
        await clock_cycles(self.probes["clk"], n)

    # -- what a hung run was waiting for -------------------------------------------------------------------
    def pending(self) -> str:
        """The probe file's hang_report probes, `name=value, ...` (X/Z bits shown as such)."""
        return self.probes.report()

    # -- sampling coroutines -------------------------------------------------------------------------------
    async def _sample_csr_writes(self, q: Queue):
        """Each CSR write the DUT accepts (AW and W handshakes, paired in order); a CTRL write with START set
        is a ProgramStart."""
        addrs, datas = [], []

        def pair():
            while addrs and datas:
                addr, data = addrs.pop(0), datas.pop(0)
                self.csr_written[addr] = data
                if addr == CTRL and data & START:
                    tag, image, knobs, bus_errors = self.loaded
                    self.current = ProgramStart(tag, image, self.csr_written.get(INST_BASE, 0),
                                                self.csr_written.get(INST_COUNT, 0), knobs, bus_errors, cycle())
                    q.put_nowait(self.current)

        p = self.probes
        self.tasks.append(cocotb.start_soon(self._handshakes(p["csr.awvalid"], p["csr.awready"], p["csr.awaddr"],
                                                             addrs, pair)))
        await self._handshakes(p["csr.wvalid"], p["csr.wready"], p["csr.wdata"], datas, pair)

    async def _handshakes(self, valid, ready, data, into: list, then):
        clk, rst_n = self.probes["clk"], self.probes["rst_n"]
        while True:
            await until_high(valid)
            if ready.value == 1 and rst_n.value == 1:
                into.append(int(data.value))
                then()
            await RisingEdge(clk)

    # -- the tile collectors -------------------------------------------------------------------------------
    async def drain(self, keep: bool = True):
        """Flush the collectors' files (at the next rising edge) and read what is new into the queues (or
        drop it: `keep` False)."""
        _Toggles.toggle(self.dut, "collect_flush")
        await RisingEdge(self.probes["clk"])
        await Timer(1, unit="step")                 # after the edge's processes: the flush has run
        self._read_collectors(keep)

    def _read_collectors(self, keep: bool = True):
        for name, reader in zip(COLLECTORS, self.readers):
            batch = reader.read()
            if keep and batch is not None and name in self.queues:
                self.queues[name].put_nowait(batch)

    async def _drain_on_strobe(self, q: Queue, reader, strobe):
        """A collector's strobe: a batch of its records is flushed to its file."""
        while True:
            await ValueChange(strobe)
            if (batch := reader.read()) is not None:
                q.put_nowait(batch)
