"""The top-level testbench's hands on the DUT (cocotb only, no pyuvm): clock and reset, the CSR bus
(cocotbext-axi's AxiLiteMaster) and the DRAM model's host side (files in and out on a pulse, knobs as ports).

It drives what the driver asks (`load`, `start`, `wait_irq`, `collect`, `reset_mid_program`, `hung`) and
reports what happened in queues the monitors read, each filled by its own sampling coroutine, started when a
monitor asks for the queue:
- `programs()`: what ran, in order: a ProgramStart for each START the DUT accepts on the CSR bus (sampled on
  its AW and W channels, with the image and knobs `load` put into the DRAM model), then the ProgramResult of
  its ending (what `collect` read, the idle state after `reset_mid_program`, or `hung`'s pending state);
- `acc_writes()`: each array result row going into the accumulator (AccRowWrite);
- `dram_writes()`: each W beat of the DRAM bus, as the bytes it writes at their addresses (DramWrite).
Signals inside the testbench are read by probe name (hdl/tb_npu_top.probes.yaml), never by a path written here.
"""
from __future__ import annotations

from pathlib import Path

import cocotb
import numpy as np
from cocotb.queue import Queue
from cocotb.triggers import ClockCycles, FallingEdge, ReadOnly, RisingEdge, SimTimeoutError, Timer, with_timeout
from cocotbext.axi import AxiLiteBus, AxiLiteMaster

from verif.common import context, probes
from verif.common.bits import unpack_signed
from verif.common.clock_reset import CLOCK_NS, cycle, reset, start_clock
from verif.common.counters import COUNTER_BASE, COUNTERS
from verif.common.handshake import describe
from verif.common.triggers import until_high

from .top_items import AccRowWrite, DramKnobs, DramWrite, ProgramResult, ProgramStart, ProgramTag

CTRL, STATUS, ERR_CODE, ERR_INDEX, INST_BASE, INST_COUNT, IRQ_STATUS = 0x00, 0x04, 0x08, 0x0C, 0x10, 0x14, 0x18
START = 1
DRAM_WORD = 16
BEAT_BYTES = 16


class TopBfm:
    # tb_npu_top's internal-interface checkers, in the order of its hs_v/hs_c (verif/common/handshake.py)
    HANDSHAKE_CHECKERS = (("load_queue", "queue"), ("compute_queue", "queue"), ("store_queue", "queue"),
                          ("sp_load_port", "mem"), ("sp_compute_port", "mem"), ("acc_read_port", "mem"),
                          ("array_weights", "stream"), ("array_activations", "stream"))

    def __init__(self, dut, n: int | None = None):
        self.dut = dut
        self.n = n or context.param("N")
        # every probe of the testbench (hdl/tb_npu_top.probes.yaml) is looked up first: a missing one fails here
        self.probes = probes.of(dut)
        self.clock = start_clock(dut.clk)
        dut.rst_n.value = 0
        for k in ("dram_load", "dram_dump", "dram_latency", "stall_ar", "stall_r", "stall_aw", "stall_w",
                  "stall_b", "err_lo", "err_hi"):
            getattr(dut, k).value = 0
        dut.dram_seed.value = 1
        self.csr = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst_n, reset_active_level=False)
        self.csr.write_if.log.setLevel("WARNING")
        self.csr.read_if.log.setLevel("WARNING")
        self.tasks: list = []
        self.queues: dict[str, Queue] = {}
        # what `load` put into the DRAM model, for the START that follows
        self.loaded = (ProgramTag("(nothing loaded)", "-"), b"", DramKnobs(), ())
        self.csr_written: dict[int, int] = {}
        self.current: ProgramStart | None = None

    async def reset(self, cycles: int = 4):
        await reset(self.dut.clk, self.dut.rst_n, cycles)

    def stop(self):
        """The clock and every sampling coroutine: the next test in the same simulation starts clean."""
        for t in self.tasks:
            t.cancel()
        self.clock.cancel()

    # -- the queues the monitors read ----------------------------------------------------------------------
    def _queue(self, name: str, *samplers) -> Queue:
        if name not in self.queues:
            self.queues[name] = q = Queue()
            self.tasks += [cocotb.start_soon(s(q)) for s in samplers]
        return self.queues[name]

    def programs(self) -> Queue:
        return self._queue("programs", self._sample_csr_writes)

    def acc_writes(self) -> Queue:
        return self._queue("acc", self._sample_acc)

    def dram_writes(self) -> Queue:
        return self._queue("dram", self._sample_dram_writes)

    async def _ended(self, result: ProgramResult):
        """Record how the program ended, then let this time step's monitors publish it (a step, not a clock
        edge), so that the scoreboard has judged the program before the driver reports it done and the sequence
        decides whether to send the next one."""
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
        words = (len(image) + DRAM_WORD - 1) // DRAM_WORD
        padded = image + bytes(words * DRAM_WORD - len(image))
        Path("dram_in.hex").write_text("".join(
            f"{int.from_bytes(padded[i:i + DRAM_WORD], 'little'):032x}\n" for i in range(0, len(padded), DRAM_WORD)))
        await self._pulse(self.dut.dram_load)
        self.loaded = (tag, image, knobs, tuple(bus_errors))

    async def dump_dram(self, nbytes: int) -> bytes:
        await self._pulse(self.dut.dram_dump)
        # $writememh may add "// 0x…" address comments (Icarus does); only the data lines count
        words = [w for ln in Path("dram_out.hex").read_text().splitlines()
                 for w in ln.split("//")[0].split()]
        return b"".join(int(w, 16).to_bytes(DRAM_WORD, "little") for w in words)[:nbytes]

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
        await self.reset()
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
        await ClockCycles(self.dut.clk, n)

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

    async def _sample_acc(self, q: Queue):
        """The MAC array's result rows on their way into the accumulator, each with the value the accumulator
        stores for it (after an accumulate), in the order they land. Wakes only while the row valid is high."""
        p, n = self.probes, self.n
        clk, rst_n = p["clk"], p["rst_n"]
        valid, row = p["acc.in_valid"], p["acc.in_row"]
        s1_valid, s1_new = p["acc.wb_valid"], p["acc.wb_data"]
        while True:
            await until_high(valid)
            pending = int(row.value)
            while pending is not None:
                # the array's row was accepted at this edge; the accumulator's stage 1 writes it now
                await RisingEdge(clk)
                await ReadOnly()
                if rst_n.value != 1:                     # reset cut the row short: it is nobody's result
                    break
                vals = unpack_signed(int(s1_new.value), n, 32) if s1_valid.value == 1 else None
                q.put_nowait(AccRowWrite(pending, None if vals is None else np.array(vals, np.int64), cycle()))
                pending = int(row.value) if valid.value == 1 else None
            await RisingEdge(clk)

    async def _sample_dram_writes(self, q: Queue):
        """The AXI4 write channel: each W beat paired with its burst's address (W may lead AW), as the bytes it
        writes (strobed lanes only), in bus order. Nothing counts during reset; what was in flight is void."""
        p = self.probes
        clk, rst_n = p["clk"], p["rst_n"]
        wvalid, wready, wdata, wstrb, wlast = (p[f"axi.w{k}"] for k in ("valid", "ready", "data", "strb", "last"))
        bursts: list[int] = []                 # AW addresses not yet matched by their last W beat
        state = {"beat": 0, "epoch": 0}        # the epoch is bumped by reset

        async def on_reset():
            while True:
                await FallingEdge(rst_n)
                bursts.clear()
                state["beat"] = 0
                state["epoch"] += 1

        self.tasks.append(cocotb.start_soon(on_reset()))
        self.tasks.append(cocotb.start_soon(self._handshakes(p["axi.awvalid"], p["axi.awready"], p["axi.awaddr"],
                                                             bursts, lambda: None)))
        while True:
            await until_high(wvalid)
            if wready.value == 1 and rst_n.value == 1:
                data, strb, last = int(wdata.value), int(wstrb.value), wlast.value == 1
                epoch = state["epoch"]
                while not bursts and epoch == state["epoch"]:      # W may lead AW: wait for the address
                    await RisingEdge(clk)
                    await ReadOnly()
                if epoch != state["epoch"]:
                    await RisingEdge(clk)
                    continue
                base = bursts[0] + BEAT_BYTES * state["beat"]
                lanes = [i for i in range(BEAT_BYTES) if strb >> i & 1]
                q.put_nowait(DramWrite([base + i for i in lanes], bytes(data >> (8 * i) & 0xFF for i in lanes),
                                       cycle()))
                state["beat"] += 1
                if last:
                    bursts.pop(0)
                    state["beat"] = 0
            await RisingEdge(clk)
