"""Signal level of an execution unit's testbench (cocotb only, no pyuvm): the load, store and compute units each
take one queue entry at a time on `<q>_head`/`<q>_valid` and answer with a one-cycle `<q>_done` (and `<q>_err`),
with memories around them that the testbench fills and reads back.

The BFM drives (`execute`: one entry, to its done, then the memories read back; `preload`: fill a memory before
the instructions run) and reports what happened in two queues the monitors read:
- `inputs`: what went into the unit's world, in order: each memory fill (`Written`) and each entry the unit
  finished (`Done`: the head as the unit held it when done pulsed, its err, the unit's event counts since the
  previous done), sampled by a coroutine on `<q>_done`;
- `outputs`: what came out: the memories read back after each entry (`Readback`) and, on a testbench with the
  DRAM bus (and so the AXI4 protocol checker), the first rule it flags (`Violation`), sampled by a coroutine on
  `violation`.
A block's BFM names its memory ports and its AXI RAM, and may sample event counters (`counters`)."""
from __future__ import annotations

from dataclasses import dataclass

import cocotb
import numpy as np
from cocotb.queue import Queue
from cocotb.triggers import ClockCycles, FallingEdge, RisingEdge

from golden.layout import QUEUE_ENTRY

from .axi_memory import axi_ram
from .clock_reset import cycle, reset, start_clock
from .handshake import describe
from .row_access import read_rows, write_rows
from .triggers import until_high


@dataclass
class Written:
    """A memory filled outside the unit: "DRAM" bytes from `base`, or "SP"/"ACC" rows from row `base`."""
    mem: str
    base: int
    data: bytes | np.ndarray
    cycle: int


@dataclass
class Done:
    """The unit finished the entry at its queue head (the packed golden.layout.QUEUE_ENTRY)."""
    entry: int
    err: int
    counters: dict
    cycle: int


@dataclass
class Readback:
    """The memories after an entry: "SP"/"ACC" as lists of rows (a row with X/Z bits as its text), "DRAM" as
    bytes from address 0."""
    memories: dict
    cycle: int


@dataclass
class Violation:
    """A checker flagged a rule: the AXI4 protocol checker's code, or (`what`) an internal checker's, in words."""
    code: int
    cycle: int
    what: str = ""


@dataclass
class RowPort:
    """A valid/ready row port with a one-cycle response, as the testbenches expose the memories (names of the
    DUT's signals; `wdata` for a write port, `rsp_valid`/`rdata` for a read port)."""
    valid: str
    ready: str
    row: str
    count: int                  # rows in the memory (all read back)
    lanes: int
    bits: int
    wdata: str = ""
    rsp_valid: str = ""
    rdata: str = ""

    async def write(self, dut, rows) -> None:
        await write_rows(*(getattr(dut, s) for s in (self.valid, self.ready, self.row, self.wdata)), rows, self.bits)

    async def read(self, dut) -> list:
        return await read_rows(*(getattr(dut, s) for s in (self.valid, self.ready, self.row, self.rsp_valid,
                                                             self.rdata)), self.count, self.lanes, self.bits)


class UnitQueueBfm:
    settle_cycles = 2           # after done, before the memories are read back
    # the testbench's internal-interface checkers, in the order of its hs_v/hs_c (verif/common/handshake.py)
    HANDSHAKE_CHECKERS: tuple[tuple[str, str], ...] = ()

    def __init__(self, dut, queue: str, fill_ports: dict[str, RowPort] | None = None,
                 read_ports: dict[str, RowPort] | None = None, dram_bytes: int = 0, dram_window: int = 0,
                 timing_rng: np.random.Generator | None = None, backpressure: float = 0.0):
        """`queue`: the signal prefix ("lq", "sq", "cq"). `fill_ports`/`read_ports`: the row ports that fill and
        read back "SP"/"ACC". `dram_bytes`: an AXI RAM of that size on m_axi_* (filled as "DRAM"), every channel
        pausing with `backpressure` drawn from `timing_rng`; `dram_window`: bytes from 0 read back after each
        entry."""
        self.dut, self.queue = dut, queue
        self.valid, self.head, self.done, self.err = (getattr(dut, f"{queue}_{s}") for s in ("valid", "head", "done",
                                                                                            "err"))
        self.fill_ports, self.read_ports = fill_ports or {}, read_ports or {}
        self.dram_bytes, self.dram_window = dram_bytes, dram_window
        self.timing_rng, self.backpressure = timing_rng, backpressure
        self.ram = None
        self.inputs: Queue = Queue()
        self.outputs: Queue = Queue()
        self.tasks: list = []
        self.executing: int | None = None      # the entry driven, until its done
        self.entries = 0                       # entries executed (done seen) since start

    # -- what a block may add --------------------------------------------------------------------------------------
    def counters(self) -> dict:
        """The unit's event counts since the previous done (sampled when done pulses)."""
        return {}

    def samplers(self) -> list:
        """Extra sampling coroutines (event counters)."""
        return []

    # -- life cycle ------------------------------------------------------------------------------------------------
    async def start(self) -> None:
        d = self.dut
        self.stop()
        self.tasks.append(start_clock(d.clk))
        d.rst_n.value = 0
        for sig in [self.valid] + [getattr(d, p.valid) for p in (*self.fill_ports.values(), *self.read_ports.values())]:
            sig.value = 0
        if self.dram_bytes:         # the memory model attaches while the bus is in reset
            self.ram = axi_ram(d, self.dram_bytes, self.timing_rng, self.backpressure)
        await reset(d.clk, d.rst_n)
        self.executing, self.entries = None, 0
        self.tasks += [cocotb.start_soon(c) for c in [self._sample_done(), *self.samplers()]]
        if self.dram_bytes:         # every testbench with the DRAM bus has the AXI4 protocol checker on it
            self.tasks.append(cocotb.start_soon(self._sample_violation()))
        self.tasks.append(cocotb.start_soon(self._sample_handshake()))

    def stop(self) -> None:
        for t in self.tasks:
            t.cancel()
        self.tasks = []

    # -- driving ---------------------------------------------------------------------------------------------------
    async def preload(self, mem: str, base: int, data) -> None:
        """Fill `mem` ("DRAM" through the RAM model's back door, "SP"/"ACC" through its fill port)."""
        if mem == "DRAM":
            self.ram.write(base, bytes(data))
        elif base == 0 and mem in self.fill_ports:
            await self.fill_ports[mem].write(self.dut, data)
        else:
            raise ValueError(f"{type(self).__name__} cannot fill {mem} from {base}")
        self.inputs.put_nowait(Written(mem, base, data, cycle()))

    async def read_back(self) -> dict:
        memories = {mem: await port.read(self.dut) for mem, port in self.read_ports.items()}
        if self.dram_window:
            memories["DRAM"] = self.ram.read(0, self.dram_window)
        return memories

    async def execute(self, entry: int) -> None:
        """Present `entry` at the queue head until the unit reports it done, then read the memories back."""
        d = self.dut
        self.executing = entry
        self.head.value = entry
        self.valid.value = 1
        await RisingEdge(self.done)
        await RisingEdge(d.clk)             # the edge that takes the done pops the head, as the controller's queue does
        self.valid.value = 0
        self.executing = None
        await ClockCycles(d.clk, self.settle_cycles)
        memories = await self.read_back()
        self.outputs.put_nowait(Readback(memories, cycle()))

    async def wait_idle(self) -> None:
        """Until no entry is pending and the monitors have taken everything sampled."""
        while self.executing is not None or not self.inputs.empty() or not self.outputs.empty():
            await RisingEdge(self.dut.clk)
        await ClockCycles(self.dut.clk, 2)

    def pending(self) -> str:
        state = "no entry at the head" if self.executing is None else \
            f"entry {QUEUE_ENTRY.unpack(self.executing)['index']} at the head, {self.queue}_done not yet seen"
        return (f"{self.queue}: {state}, {self.entries} done; {self.inputs.qsize()} input and "
                f"{self.outputs.qsize()} output record(s) not yet taken by the monitors")

    # -- sampling --------------------------------------------------------------------------------------------------
    async def _sample_done(self) -> None:
        while True:
            await until_high(self.done)
            self.entries += 1
            self.inputs.put_nowait(Done(int(self.head.value), int(self.err.value), self.counters(), cycle()))
            await RisingEdge(self.dut.clk)

    async def _sample_violation(self) -> None:
        d = self.dut
        while True:
            await until_high(d.violation)
            self.outputs.put_nowait(Violation(int(d.violation_code.value), cycle()))
            await FallingEdge(d.violation)          # sticky until reset

    async def _sample_handshake(self) -> None:
        d = self.dut
        while True:
            await until_high(d.hs_violation)
            code = int(d.hs_code.value)
            self.outputs.put_nowait(Violation(code, cycle(), describe(self.HANDSHAKE_CHECKERS, code)))
            await FallingEdge(d.hs_violation)


async def count_high(clk, sig, counts: dict, key: str) -> None:
    """A sampling coroutine: counts[key] += 1 for every cycle `sig` is 1 (wakes on the signal, not every clock)."""
    while True:
        await until_high(sig)
        counts[key] += 1
        await RisingEdge(clk)
