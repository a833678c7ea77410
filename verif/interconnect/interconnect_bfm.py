"""Signal level of tb_axi_master (cocotb only). Client side (ClientPorts): two read clients and one write client,
each driving one transfer at a time, and a sampling coroutine per interface (the read clients share vector ports,
rq_valid[1:0] ..., so one for both) that puts every request the master accepted (a write with the data beats it
took) and every answer it gave into the client's queues, which the monitors read. AXI side (AxiBusBfm): the clock
and reset, the DRAM model (cocotbext-axi's AxiRam with backpressure and SLVERR ranges), and samplers of the AR
channel and of the AXI4 protocol checker."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import cocotb
import numpy as np
from cocotb.queue import Queue
from cocotb.triggers import ReadOnly, RisingEdge, ValueChange

from verif.common.axi_memory import axi_ram
from verif.common.clock_reset import cycle, reset, start_clock
from verif.common.sampling_tally import SamplingTally
from verif.common.triggers import until_high

CLIENT_INPUTS = ("rq_valid", "rq_addr", "rq_beats", "rd_ready", "wq_valid", "wd_valid", "wq_addr", "wq_beats",
                 "wd_data", "wd_strb")


@dataclass
class ReadRequest:
    client: int
    addr: int
    beats: int
    cycle: int                     # accepted


@dataclass
class ReadResponse:
    request: ReadRequest           # the transfer these beats answer (each client's transfers answer in order)
    data: bytes = b""
    errs: list[int] = field(default_factory=list)     # rd_err per beat
    lasts: list[int] = field(default_factory=list)    # the beats flagged rd_last


@dataclass
class WriteRequest:
    addr: int
    beats: int
    cycle: int                     # accepted
    data: bytearray = field(default_factory=bytearray)   # the data beats the master took
    strb: list[int] = field(default_factory=list)
    client: str = "w"


@dataclass
class WriteResponse:
    request: WriteRequest
    err: int
    cycle: int                     # wr_done


@dataclass
class ArBurst:
    cycle: int
    id: int
    addr: int
    len: int


class _Queues:
    """A client's queues: the requests the master accepted, and its answers; and the tally of transfers its
    driving and sampling coroutines saw end."""

    def __init__(self):
        self.requests: Queue = Queue()
        self.responses: Queue = Queue()
        self.tally = SamplingTally()


class ReadPort:
    """The two read clients' shared vector ports (rq_valid[1:0] ...): Python-side copies of the inputs each client
    drives a field of, and one sampling coroutine for both clients."""
    WIDTHS = {"rq_valid": 1, "rq_addr": 32, "rq_beats": 16, "rd_ready": 1}

    def __init__(self, dut, dw: int):
        self.dut, self.bytes = dut, dw // 8
        self.vals = {k: 0 for k in self.WIDTHS}
        self.clients: dict[int, ReadClientBfm] = {}
        self.task = None

    def set(self, name: str, index: int, value: int):
        w = self.WIDTHS[name]
        mask = ((1 << w) - 1) << (index * w)
        self.vals[name] = (self.vals[name] & ~mask) | ((value << (index * w)) & mask)
        getattr(self.dut, name).value = self.vals[name]

    def start(self):
        self.task = cocotb.start_soon(self._sample())

    def stop(self):
        if self.task:
            self.task.cancel()

    async def _sample(self):
        d = self.dut
        open_: dict[int, deque[ReadResponse]] = {c: deque() for c in self.clients}   # accepted, taking beats
        while True:
            await ReadOnly()
            busy = any(open_.values())
            valid = int(d.rq_valid.value)
            if not busy and not valid:
                await ValueChange(d.rq_valid)          # nothing to see until a request
                await ReadOnly()
                valid = int(d.rq_valid.value)
            fire = valid and valid & int(d.rq_ready.value)
            for c in open_:
                if fire >> c & 1:
                    req = ReadRequest(c, int(d.rq_addr.value) >> (32 * c) & 0xFFFFFFFF,
                                      int(d.rq_beats.value) >> (16 * c) & 0xFFFF, cycle())
                    self.clients[c].requests.put_nowait(req)
                    open_[c].append(ReadResponse(req))
            beat = busy and int(d.rd_valid.value)
            beat = beat and beat & int(d.rd_ready.value)
            for c in open_:
                if beat >> c & 1 and open_[c]:
                    rsp = open_[c][0]
                    rsp.data += int(d.rd_data.value).to_bytes(self.bytes, "little")
                    rsp.errs.append(int(d.rd_err.value))
                    if int(d.rd_last.value) >> c & 1:
                        rsp.lasts.append(len(rsp.errs) - 1)
                    if len(rsp.errs) == rsp.request.beats:
                        self.clients[c].tally.sampled["transfers"] += 1
                        self.clients[c].responses.put_nowait(open_[c].popleft())
            await RisingEdge(d.clk)


class ReadClientBfm(_Queues):
    def __init__(self, dut, client: int, port: ReadPort, rng: np.random.Generator, ready_p: float = 1.0):
        super().__init__()
        self.dut, self.c, self.sh, self.rng = dut, client, port, rng
        self.ready_p = ready_p     # chance per cycle that rd_ready is high
        port.clients[client] = self

    def _bit(self, sig) -> int:
        return (int(sig.value) >> self.c) & 1

    async def transfer(self, addr: int, beats: int):
        """Requests `beats` beats from `addr` and takes them, rd_ready drawn each cycle."""
        d, sh, c = self.dut, self.sh, self.c
        await RisingEdge(d.clk)
        sh.set("rq_valid", c, 1)
        sh.set("rq_addr", c, addr)
        sh.set("rq_beats", c, beats)
        while True:
            await ReadOnly()
            fire = self._bit(d.rq_ready)
            await RisingEdge(d.clk)
            if fire:
                break
        sh.set("rq_valid", c, 0)
        taken = 0
        while taken < beats:
            sh.set("rd_ready", c, int(self.rng.random() < self.ready_p))
            await ReadOnly()
            taken += self._bit(d.rd_valid) & (sh.vals["rd_ready"] >> c) & 1
            await RisingEdge(d.clk)
        sh.set("rd_ready", c, 0)
        self.tally.driven["transfers"] += 1


class WriteClientBfm(_Queues):
    def __init__(self, dut, rng: np.random.Generator, dw: int, valid_p: float = 1.0):
        super().__init__()
        self.dut, self.rng, self.bytes = dut, rng, dw // 8
        self.valid_p = valid_p     # chance per cycle that a data beat is offered
        self.task = None

    def start(self):
        self.task = cocotb.start_soon(self._sample())

    def stop(self):
        if self.task:
            self.task.cancel()

    async def transfer(self, addr: int, data: bytes, strb: list[int]):
        """Requests the write, offers its data beats (each cycle with chance valid_p) and waits for wr_done."""
        d = self.dut
        beats = len(strb)
        await RisingEdge(d.clk)
        d.wq_valid.value, d.wq_addr.value, d.wq_beats.value = 1, addr, beats
        while True:
            await ReadOnly()
            fire = d.wq_ready.value == 1
            await RisingEdge(d.clk)
            if fire:
                break
        d.wq_valid.value = 0
        sent = 0
        done = False
        while not done:
            offer = sent < beats and self.rng.random() < self.valid_p
            d.wd_valid.value = int(offer)
            if offer:
                d.wd_data.value = int.from_bytes(data[sent * self.bytes:(sent + 1) * self.bytes], "little")
                d.wd_strb.value = strb[sent]
            await ReadOnly()
            if offer and d.wd_ready.value == 1:
                sent += 1
            done = d.wr_done.value == 1
            await RisingEdge(d.clk)
        d.wd_valid.value = 0
        if sent != beats:
            raise AssertionError(f"write transfer finished after {sent} of {beats} data beats")
        self.tally.driven["transfers"] += 1

    async def _sample(self):
        d = self.dut
        filling: deque[WriteRequest] = deque()     # accepted, taking data beats
        answering: deque[WriteRequest] = deque()   # accepted, not yet done
        while True:
            await ReadOnly()
            if not answering and d.wq_valid.value != 1:
                await RisingEdge(d.wq_valid)           # nothing to see until a request
                await ReadOnly()
            if d.wq_valid.value == 1 and d.wq_ready.value == 1:
                req = WriteRequest(int(d.wq_addr.value), int(d.wq_beats.value), cycle())
                filling.append(req)
                answering.append(req)
            if filling and d.wd_valid.value == 1 and d.wd_ready.value == 1:
                req = filling[0]
                req.data += int(d.wd_data.value).to_bytes(self.bytes, "little")
                req.strb.append(int(d.wd_strb.value))
                if len(req.strb) == req.beats:
                    self.requests.put_nowait(filling.popleft())
            if answering and d.wr_done.value == 1:
                self.tally.sampled["transfers"] += 1
                self.responses.put_nowait(WriteResponse(answering.popleft(), int(d.wr_err.value), cycle()))
            await RisingEdge(d.clk)


class ClientPorts:
    """The master's client side: the two read clients (one sampler for their shared ports) and the write client;
    `by_agent` names each client's BFM after its agent: read0 (fetch), read1 (load), write (store)."""

    def __init__(self, dut, rng: np.random.Generator, dw: int, ready_p: float):
        self.read = ReadPort(dut, dw)
        self.write = WriteClientBfm(dut, rng, dw, ready_p)
        self.by_agent = {"read0": ReadClientBfm(dut, 0, self.read, rng, ready_p),
                         "read1": ReadClientBfm(dut, 1, self.read, rng, ready_p), "write": self.write}

    def start(self):
        self.read.start()
        self.write.start()

    def stop(self):
        self.read.stop()
        self.write.stop()


class AxiBusBfm:
    """The testbench around the master: clock and reset (client inputs idle), the DRAM model on m_axi_* holding
    `image`, every channel pausing with `backpressure` and the `faulty` byte ranges answering SLVERR, and samplers
    of the AR handshakes and of the protocol checker's `violation`."""

    def __init__(self, dut, rng: np.random.Generator, backpressure: float, faulty: list, image: bytes):
        self.dut, self.rng, self.backpressure, self.faulty, self.image = dut, rng, backpressure, faulty, image
        self.ar_bursts: Queue[ArBurst] = Queue()
        self.violations: Queue[int] = Queue()      # the checker's code, when it raises `violation`
        self.ram = None
        self.tasks = []

    async def start(self):
        """Clock; reset, with the client inputs idle and the DRAM image in place; then the samplers."""
        d = self.dut
        self.tasks = [start_clock(d.clk)]
        d.rst_n.value = 0          # the memory model attaches while the bus is in reset
        for name in CLIENT_INPUTS:
            getattr(d, name).value = 0
        self.ram = self._memory()
        await reset(d.clk, d.rst_n)
        self.tasks += [cocotb.start_soon(self._sample_ar()), cocotb.start_soon(self._sample_checker())]

    def stop(self):
        for t in self.tasks:
            t.cancel()
        self.tasks = []

    def dump(self) -> bytes:
        return bytes(self.ram.read(0, len(self.image)))

    def _memory(self):
        ram = axi_ram(self.dut, len(self.image), self.rng, self.backpressure)
        faulty = self.faulty
        for side, attr in ((ram.read_if, "_read"), (ram.write_if, "_write")):
            real = getattr(side, attr)

            async def guarded(address, arg, real=real):
                # An access to a faulty range raises, which cocotbext-axi answers with SLVERR.
                if any(lo <= address < hi for lo, hi in faulty):
                    raise IOError(f"injected bus error at {address:#x}")
                return await real(address, arg)
            setattr(side, attr, guarded)
        ram.write(0, self.image)
        return ram

    async def _sample_ar(self):
        d = self.dut
        while True:
            await until_high(d.m_axi_arvalid)
            if d.m_axi_arready.value == 1:
                self.ar_bursts.put_nowait(ArBurst(cycle(), int(d.m_axi_arid.value), int(d.m_axi_araddr.value),
                                                  int(d.m_axi_arlen.value)))
            await RisingEdge(d.clk)

    async def _sample_checker(self):
        d = self.dut
        await until_high(d.violation)
        self.violations.put_nowait(int(d.violation_code.value))     # sticky until reset: the first rule broken
