"""What the csr environment passes around. Sequence items: an AXI4-Lite access, new controller-side inputs, a done
pulse. Monitor records, each stamped with the cycle the BFM sampled it in: what went in (a write as the registers
take it, a read with the controller-side inputs it sees, a done pulse) and what came out (a B or R response, a
START pulse, an irq edge)."""
from __future__ import annotations

from dataclasses import dataclass

from pyuvm import uvm_sequence_item


# -- sequence items ---------------------------------------------------------------------------------------------
class CsrAccess(uvm_sequence_item):
    """A read of 4 bytes at `addr`, or a write of `nbytes` bytes (`data`, little-endian) at `addr` (which may
    point inside the word: the bytes it covers are the write's strobes)."""

    def __init__(self, name, op: str, addr: int, data: int = 0, nbytes: int = 4):
        super().__init__(name)
        self.op, self.addr, self.data, self.nbytes = op, addr, data, nbytes

    def __str__(self):
        return f"{self.op} {self.addr:#x}" + (f" {self.data:#x} ({self.nbytes} bytes)" if self.op == "write" else "")


class CsrInputs(uvm_sequence_item):
    """The controller-side inputs the registers read: busy, done, err_code, err_index and the counters."""

    def __init__(self, name, busy: int, done: int, err_code: int, err_index: int, counters: list[int]):
        super().__init__(name)
        self.busy, self.done, self.err_code, self.err_index, self.counters = busy, done, err_code, err_index, counters


class CsrDonePulse(uvm_sequence_item):
    """done_pulse high for one cycle (a program ended), after `wait` idle cycles."""

    def __init__(self, name, wait: int = 1):
        super().__init__(name)
        self.wait = wait


# -- what the input monitor saw ---------------------------------------------------------------------------------
@dataclass
class WriteSeen:
    cycle: int          # the cycle the registers take the write (AW and W both accepted)
    addr: int
    data: int
    strb: int


@dataclass
class ReadSeen:
    cycle: int          # the AR handshake: RDATA is what the registers and inputs hold in this cycle
    addr: int
    status: dict        # busy, done, err_code, err_index, counters (list) as sampled


@dataclass
class DonePulseSeen:
    cycle: int


# -- what the output monitor saw --------------------------------------------------------------------------------
@dataclass
class CsrResponse:
    cycle: int          # the B or R handshake
    op: str             # "write" (B) or "read" (R)
    addr: int | None    # the request it answers (None: no request was outstanding)
    strb: int
    data: int           # RDATA (0 for a write)
    resp: int
    irq: int            # the irq pin in the same cycle

    def __str__(self):
        what = "BRESP" if self.op == "write" else "RRESP"
        addr = "nothing" if self.addr is None else f"{self.addr:#x}"
        return f"{what} {self.resp} of {self.op} {addr} at cycle {self.cycle}"


@dataclass
class StartPulse:
    cycle: int          # the first cycle START is high
    width: int          # cycles it stays high


@dataclass
class IrqEdge:
    cycle: int          # the first cycle with the new level
    level: int
