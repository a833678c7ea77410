"""Signal level of the rtl/sram memories (cocotb only). One request/response port: a driving coroutine issues
requests with valid/ready, and a sampling coroutine puts every request the memory accepted (with the cycles it
waited) and every response it gave into the queues the monitors read. SramBfm holds a memory's ports and its
clock and reset."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import cocotb
import numpy as np
from cocotb.queue import Queue
from cocotb.triggers import Event, ReadOnly, RisingEdge

from verif.common.bits import pack, unpack_signed
from verif.common.clock_reset import cycle, reset, start_clock
from verif.common.sampling_tally import SamplingTally


@dataclass
class PortMap:
    """Signal names of one port; a role the port lacks is None."""
    valid: str
    ready: str
    row: str
    rsp_valid: str
    rsp_err: str
    we: str | None = None          # 1 = write (scratchpad); absent = the port's fixed direction
    acc: str | None = None         # accumulate flag (accumulator write port)
    lane_en: str | None = None     # absent on a write port: it writes whole rows
    wdata: str | None = None
    rdata: str | None = None
    writes: bool = False           # a write-only port


def _sp_port(p):
    return PortMap(valid=f"{p}_valid", ready=f"{p}_ready", row=f"{p}_row", rsp_valid=f"{p}_rsp_valid",
                   rsp_err=f"{p}_rsp_err", we=f"{p}_we", lane_en=f"{p}_lane_en", wdata=f"{p}_wdata",
                   rdata=f"{p}_rdata")


def _read_port(p):
    return PortMap(valid=f"{p}_valid", ready=f"{p}_ready", row=f"{p}_row", rsp_valid=f"{p}_rsp_valid",
                   rsp_err=f"{p}_rsp_err", rdata=f"{p}_data")


# the ports of each memory, by agent name
SCRATCHPAD_PORTS = {"p0": _sp_port("p0"), "p1": _sp_port("p1"),
                    "p2": PortMap(valid="p2_valid", ready="p2_ready", row="p2_row", rsp_valid="p2_rsp_valid",
                                  rsp_err="p2_rsp_err", rdata="p2_rdata")}     # the compute unit's weight reads
ACCUMULATOR_PORTS = {
    "w": PortMap(valid="w_valid", ready="w_ready", row="w_row", rsp_valid="w_rsp_valid", rsp_err="w_rsp_err",
                 acc="w_acc", lane_en="w_lane_en", wdata="w_data", writes=True),
    "r": _read_port("r")}
ACCUMULATOR_BANKS_PORTS = {     # verif/sram/hdl/tb_accumulator_banks.v: the array's A, the load unit's B, the read port
    "a": PortMap(valid="a_valid", ready="a_ready", row="a_row", rsp_valid="a_rsp_valid", rsp_err="a_rsp_err",
                 acc="a_acc", wdata="a_data", writes=True),
    "b": PortMap(valid="b_valid", ready="b_ready", row="b_row", rsp_valid="b_rsp_valid", rsp_err="b_rsp_err",
                 acc="b_acc", wdata="b_data", writes=True),
    "r": _read_port("r")}


@dataclass
class Request:
    """A request the memory accepted: on which port, what it asked, in which cycle, after how many cycles of
    valid without ready."""
    port: str
    write: bool
    row: int
    lanes: int                     # lane mask of a write (whole rows: every lane); 0 for a read
    data: np.ndarray | None        # a write's lanes
    acc: bool
    cycle: int
    waited: int


@dataclass
class Response:
    port: str
    cycle: int
    err: bool
    data: np.ndarray | str | None  # the read port's lanes; text when some bits are X/Z; None without rdata


@dataclass
class _Pending:
    write: bool
    row: int
    lanes: int
    data: object
    acc: bool
    gap: int                       # idle cycles still to leave before the request


class MemPortBfm:
    def __init__(self, dut, name: str, pm: PortMap, lanes: int, lane_bits: int):
        self.dut, self.name, self.pm, self.lanes, self.bits = dut, name, pm, lanes, lane_bits
        self.queue: deque[_Pending] = deque()
        self.requests: Queue[Request] = Queue()
        self.responses: Queue[Response] = Queue()
        self.outstanding = 0                       # accepted, not yet answered (as sampled)
        self.event = Event()
        self.tasks = []
        self.tally = SamplingTally()

    def sig(self, role):
        return getattr(self.dut, getattr(self.pm, role))

    def start(self):
        self.sig("valid").value = 0
        self.tasks = [cocotb.start_soon(self._drive()), cocotb.start_soon(self._sample())]

    def stop(self):
        for t in self.tasks:
            t.cancel()
        self.tasks = []

    def send(self, write: bool, row: int, lanes: int = 0, data=None, acc: bool = False, gap: int = 0):
        self.queue.append(_Pending(write, row, lanes, data, acc, gap))
        self.event.set()

    def idle(self) -> bool:
        return not self.queue and self.outstanding <= 0

    async def drain(self):
        """Until every request sent has been accepted and answered."""
        while not self.idle():
            await RisingEdge(self.dut.clk)

    async def _drive(self):
        pm, clk = self.pm, self.dut.clk
        while True:
            if not self.queue:
                self.sig("valid").value = 0
                self.event.clear()
                await self.event.wait()
                await RisingEdge(clk)
            req = self.queue[0]
            if req.gap > 0:
                req.gap -= 1
                self.sig("valid").value = 0
                await RisingEdge(clk)
                continue
            self.sig("valid").value = 1
            self.sig("row").value = req.row
            if pm.we:
                self.sig("we").value = int(req.write)
            if pm.acc:
                self.sig("acc").value = int(req.acc)
            if pm.lane_en:
                self.sig("lane_en").value = req.lanes
            if pm.wdata:
                self.sig("wdata").value = pack(req.data if req.data is not None else [0] * self.lanes, self.bits)
            await ReadOnly()
            if self.sig("ready").value == 1:
                self.queue.popleft()
                self.tally.driven["requests"] += 1
            await RisingEdge(clk)

    async def _sample(self):
        pm, clk = self.pm, self.dut.clk
        valid, ready, rsp_valid = self.sig("valid"), self.sig("ready"), self.sig("rsp_valid")
        waited = 0
        while True:
            await ReadOnly()
            if valid.value != 1 and rsp_valid.value != 1 and self.outstanding <= 0:
                await RisingEdge(valid)                 # nothing to see until the next request
                await ReadOnly()
            now = cycle()
            if rsp_valid.value == 1:
                self.outstanding -= 1
                data = None
                if pm.rdata:
                    raw = self.sig("rdata").value
                    # X/Z data is kept as its text; the scoreboard decides whether it matters.
                    data = unpack_signed(int(raw), self.lanes, self.bits) if raw.is_resolvable else str(raw)
                self.responses.put_nowait(Response(self.name, now, self.sig("rsp_err").value == 1, data))
            if valid.value == 1 and ready.value == 1:
                write = self.sig("we").value == 1 if pm.we else pm.writes
                lanes = (int(self.sig("lane_en").value) if pm.lane_en else (1 << self.lanes) - 1) if write else 0
                data = unpack_signed(int(self.sig("wdata").value), self.lanes, self.bits) if write else None
                self.tally.sampled["requests"] += 1
                self.requests.put_nowait(Request(self.name, write, int(self.sig("row").value), lanes, data,
                                                 pm.acc is not None and self.sig("acc").value == 1, now, waited))
                self.outstanding += 1
                waited = 0
            elif valid.value == 1:
                waited += 1
            await RisingEdge(clk)


class SramBfm:
    """A memory's ports (by agent name), its clock and its reset."""

    def __init__(self, dut, ports: dict[str, PortMap], lanes: int, lane_bits: int):
        self.dut = dut
        self.ports = {name: MemPortBfm(dut, name, pm, lanes, lane_bits) for name, pm in ports.items()}
        self.clock = None

    async def start(self):
        self.clock = start_clock(self.dut.clk)
        for p in self.ports.values():
            p.sig("valid").value = 0
        await reset(self.dut.clk, self.dut.rst_n)
        for p in self.ports.values():
            p.start()

    def stop(self):
        for p in self.ports.values():
            p.stop()
        if self.clock:
            self.clock.cancel()
