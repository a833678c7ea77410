"""Scoreboard of csr_regs. The predictor (fed by the input monitor) runs the register model (csr_model.py) over
every write, read and done pulse in cycle order and expects: a BRESP per write, an RRESP and RDATA per read, a
one-cycle START pulse the cycle after each write of CTRL.START, and the irq level from the cycle after each event
on. The comparator (fed by the output monitor) checks each response, START pulse and irq edge against them, and
the irq pin sampled with every response."""
from __future__ import annotations

from collections import deque

from verif.common.analysis import ToMethod
from verif.common.scoreboard_base import ScoreboardBase

from .csr_config import CsrEnvConfig
from .csr_items import CsrResponse, DonePulseSeen, IrqEdge, ReadSeen, StartPulse, WriteSeen
from .csr_model import CsrModel, reg


def _access(addr, strb=None) -> str:
    return f"{addr:#x} ({reg(addr)})" + (f" strb {strb:#x}" if strb is not None else "")


class CsrScoreboard(ScoreboardBase):
    def build_phase(self):
        super().build_phase()
        self.model = CsrModel(CsrEnvConfig.get(self).params)
        self.predictor = ToMethod("predictor", self, self.predict)
        self.comparator = ToMethod("comparator", self, self.compare)
        self.bresp: deque = deque()       # (write, expected BRESP)
        self.rresp: deque = deque()       # (read, expected RDATA, expected RRESP)
        self.starts: deque = deque()      # (expected first cycle, the write that asks for it)
        self.pulses = 0                   # START pulses seen
        self.irq_since = [(0, 0, "reset")]   # (first cycle, expected irq level, why), in cycle order

    # -- predictor --------------------------------------------------------------------------------------------
    def predict(self, ev):
        m = self.model
        if isinstance(ev, WriteSeen):
            starts = m.starts
            self.bresp.append((ev, m.write(ev.addr, ev.data, ev.strb)))
            if m.starts != starts:
                self.starts.append((ev.cycle + 1, f"write of CTRL {ev.data:#x} at cycle {ev.cycle}"))
            w1c = reg(ev.addr) == "IRQ_STATUS" and ev.strb & 1 and ev.data & 1
            why = (f"write-1-to-clear of IRQ_STATUS at cycle {ev.cycle}" if w1c else
                   f"write of {_access(ev.addr, ev.strb)} data {ev.data:#x} at cycle {ev.cycle}")
        elif isinstance(ev, ReadSeen):
            self.rresp.append((ev, *m.read(ev.addr, ev.status)))
            return
        elif isinstance(ev, DonePulseSeen):
            m.done_pulse()
            why = f"done pulse at cycle {ev.cycle} with IRQ_EN={m.irq_en}"
        else:
            raise TypeError(f"the predictor takes writes, reads and done pulses, not {ev!r}")
        if m.irq != self.irq_since[-1][1]:
            self.irq_since.append((ev.cycle + 1, m.irq, why))

    def irq_at(self, c: int) -> tuple[int, int, str]:
        return next(e for e in reversed(self.irq_since) if e[0] <= c)

    # -- comparator -------------------------------------------------------------------------------------------
    def expect(self, what: str, got: int, want: int) -> None:
        self.compared += 1
        if got != want:
            self.mismatch(f"{what}: expected {want:#x}, got {got:#x}")

    def check_irq(self, what: str, c: int, got: int) -> None:
        since, want, why = self.irq_at(c)
        self.compared += 1
        if got != want:
            self.mismatch(f"irq {what} (cycle {c}): expected {want}, got {got} (expected since cycle {since}, "
                          f"after the {why})")

    def compare(self, out):
        if isinstance(out, CsrResponse):
            self.response(out)
        elif isinstance(out, StartPulse):
            self.pulses += 1
            if not self.starts:
                self.mismatch(f"unexpected START pulse at cycle {out.cycle} (no write of CTRL.START before it)")
                return
            at, why = self.starts.popleft()
            self.compared += 1
            if (out.cycle, out.width) != (at, 1):
                self.mismatch(f"START pulse after the {why}: high from cycle {out.cycle} for {out.width} cycle(s), "
                              f"expected from cycle {at} for 1 (START pulse width and timing)")
        elif isinstance(out, IrqEdge):
            self.check_irq("rose" if out.level else "fell", out.cycle, out.level)
        else:
            raise TypeError(f"the comparator takes responses, START pulses and irq edges, not {out!r}")

    def response(self, out: CsrResponse):
        queue = self.bresp if out.op == "write" else self.rresp
        if not queue or out.addr is None:
            self.mismatch(f"{out}: no {out.op} was waiting for a response")
            return
        if out.op == "write":
            ev, want_resp = queue.popleft()
            self.expect(f"BRESP of write {_access(ev.addr, ev.strb)}", out.resp, want_resp)
            self.check_irq(f"at the BRESP of write {_access(ev.addr, ev.strb)} data {ev.data:#x}", out.cycle, out.irq)
        else:
            ev, want_data, want_resp = queue.popleft()
            self.expect(f"RRESP of read {_access(ev.addr)}", out.resp, want_resp)
            if want_resp == 0:
                self.expect(f"read {_access(ev.addr)} at cycle {ev.cycle}", out.data, want_data)
            self.check_irq(f"at the RRESP of read {_access(ev.addr)}", out.cycle, out.irq)

    def pending(self) -> list[str]:
        left = [f"write {_access(ev.addr, ev.strb)} at cycle {ev.cycle}: no BRESP" for ev, _ in self.bresp]
        left += [f"read {_access(ev.addr)} at cycle {ev.cycle}: no RRESP" for ev, _, _ in self.rresp]
        if self.starts:
            left.append(f"START pulses: expected {self.pulses + len(self.starts)}, got {self.pulses} (the first "
                        f"missing one after the {self.starts[0][1]})")
        return left
