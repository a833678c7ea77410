"""Scoreboard of the AXI master. Reads: every byte equals the shadow of DRAM, error flags exactly on beats
from faulty memory, rd_last exactly on the final beat. Writes: DRAM afterwards holds the strobed bytes, the
error flag is right. Bursts: each transfer's ARs cover its words in order, and while both read clients wait,
neither gets two bursts in a row (no starvation). The AXI protocol checker must stay silent."""
from __future__ import annotations

from verif.common.components import Collector
from verif.common.scoreboard_base import ScoreboardBase

from .interconnect_coverage import sample_xfer
from .interconnect_items import ReadXfer


class InterconnectScoreboard(ScoreboardBase):
    def build_phase(self):
        super().build_phase()
        self.collector = Collector("collector", self)
        self.shadow = None           # bytearray: DRAM as the test initialised it (reads target untouched areas)
        self.ram = None              # the AxiRam, read back for writes
        self.faulty = []             # [lo, hi) byte ranges the memory answers with SLVERR
        self.ar_log = []
        self.bytes = 16
        self.violation = None        # (code) from the protocol checker

    def _faulty(self, lo, hi):
        return any(lo < f_hi and f_lo < hi for f_lo, f_hi in self.faulty)

    def check_phase(self):
        nb = self.bytes
        for x in self.collector.items:
            self.compared += 1
            sample_xfer(x, nb)
            if isinstance(x, ReadXfer):
                where = f"read client {x.client} transfer {x.addr:#x}+{x.beats} beats"
                want = bytes(self.shadow[x.addr:x.addr + x.beats * nb])
                for b in range(x.beats):
                    err = self._faulty(x.addr + b * nb, x.addr + (b + 1) * nb)
                    if x.errs[b] != err:
                        self.mismatch(f"{where}: beat {b} error flag {x.errs[b]}, expected {int(err)}")
                    got_b, want_b = x.data[b * nb:(b + 1) * nb], want[b * nb:(b + 1) * nb]
                    if not err and got_b != want_b:
                        off = next(i for i in range(nb) if got_b[i] != want_b[i])
                        self.mismatch(f"{where}: beat {b} byte {off} ({x.addr + b * nb + off:#x}) expected "
                                      f"{want_b[off]:#04x}, got {got_b[off]:#04x}")
                        break
                if x.lasts != [x.beats - 1]:
                    self.mismatch(f"{where}: rd_last on beats {x.lasts}, expected only on {x.beats - 1}")
            else:
                where = f"write transfer {x.addr:#x}+{x.beats} beats"
                err = self._faulty(x.addr, x.addr + x.beats * nb)
                if x.err != err:
                    self.mismatch(f"{where}: error flag {x.err}, expected {int(err)}")
        self._check_written_memory()
        self._check_bursts()
        if self.violation:
            self.mismatch(f"AXI4 protocol checker: rule {self.violation} violated (see hdl/axi4_checker.v)")
        super().check_phase()

    def _check_written_memory(self):
        """Replays the writes in order (one write client: its order is the memory's order) on the shadow and
        compares the whole memory; bytes of transfers that hit a faulty range are not predicted."""
        nb = self.bytes
        want = bytearray(self.shadow)
        known = bytearray(b"\x01" * len(want))
        for x in (x for x in self.collector.items if not isinstance(x, ReadXfer)):
            lo, hi = x.addr, x.addr + x.beats * nb
            if self._faulty(lo, hi):
                known[lo:hi] = bytes(hi - lo)
                continue
            for b in range(x.beats):
                for i in range(nb):
                    if x.strb[b] >> i & 1:
                        want[lo + b * nb + i] = x.data[b * nb + i]
        got = self.ram.read(0, len(want))
        for a in range(len(want)):
            if known[a] and got[a] != want[a]:
                writer = [x for x in self.collector.items if not isinstance(x, ReadXfer)
                          and x.addr <= a < x.addr + x.beats * nb]
                self.mismatch(f"memory byte {a:#x} expected {want[a]:#04x}, got {got[a]:#04x} "
                              f"(written by {len(writer)} transfer(s))")
                break

    def _check_bursts(self):
        nb = self.bytes
        reads = [x for x in self.collector.items if isinstance(x, ReadXfer)]
        by_client = {c: sorted((x for x in reads if x.client == c), key=lambda x: x.accepted) for c in (0, 1)}
        ars = {c: [a for a in self.ar_log if a[1] == c] for c in (0, 1)}
        pending_until = {}
        for c in (0, 1):
            it = iter(ars[c])
            for x in by_client[c]:
                addr, left = x.addr, x.beats
                while left > 0:
                    cyc, _, a_addr, a_len = next(it, (None, None, None, None))
                    if cyc is None or a_addr != addr or a_len + 1 > left:
                        self.mismatch(f"read client {c} transfer {x.addr:#x}+{x.beats}: burst at {a_addr} len "
                                      f"{a_len}, expected to start at {addr:#x} with at most {left} beats")
                        break
                    addr += (a_len + 1) * nb
                    left -= a_len + 1
                    pending_until[(c, x.accepted)] = cyc
        # No starvation: two consecutive bursts (in AR order) of one client while the other client had a
        # transfer accepted before the first of them and still had bursts to issue after the second.
        for (c1, first), (c2, second) in zip([(a[1], a[0]) for a in self.ar_log],
                                             [(a[1], a[0]) for a in self.ar_log][1:]):
            if c1 != c2:
                continue
            other = 1 - c1
            if any(x.accepted < first and pending_until.get((other, x.accepted), -1) > second
                   for x in by_client[other]):
                self.mismatch(f"read client {other} starved: client {c1} got bursts at cycles {first} and "
                              f"{second} while it waited")
                break
