"""Scoreboard of the AXI master. The predictor is DRAM as the test initialised it (the config's image and SLVERR
ranges), with the writes the input monitors saw replayed on it; the comparator checks what the output monitors
saw. Reads: every byte equals the image, error flags exactly on beats from faulty memory, rd_last exactly on the
final beat. Writes: the error flag is right, and DRAM afterwards holds the strobed bytes. Bursts: each transfer's
ARs cover its words in order, and while both read clients wait, neither gets two bursts in a row (no
starvation). The AXI protocol checker must stay silent."""
from __future__ import annotations

from verif.common.components import Collector
from verif.common.scoreboard_base import ScoreboardBase

from .interconnect_config import InterconnectEnvConfig
from .interconnect_bfm import ReadRequest


class InterconnectScoreboard(ScoreboardBase):
    def build_phase(self):
        super().build_phase()
        self.requests = Collector("requests", self)        # input monitors: the predictor's input
        self.responses = Collector("responses", self)      # output monitors
        self.bursts = Collector("bursts", self)            # the AR channel
        self.violations = Collector("violations", self)    # the protocol checker
        self.dram = Collector("dram", self)                # DRAM at the end
        self.cfg = InterconnectEnvConfig.get(self)

    def _faulty(self, lo, hi):
        return any(lo < f_hi and f_lo < hi for f_lo, f_hi in self.cfg.faulty)

    def check_phase(self):
        cfg = self.cfg
        nb = cfg.nbytes
        answer = {id(r.request): r for r in self.responses.items}
        for x in self.requests.items:
            self.compared += 1
            rsp = answer.get(id(x))
            if isinstance(x, ReadRequest):
                where = f"read client {x.client} transfer {x.addr:#x}+{x.beats} beats"
                if rsp is None:
                    self.mismatch(f"{where}: accepted at cycle {x.cycle}, never answered")
                    continue
                want = cfg.dram_image[x.addr:x.addr + x.beats * nb]
                for b in range(x.beats):
                    err = self._faulty(x.addr + b * nb, x.addr + (b + 1) * nb)
                    if rsp.errs[b] != err:
                        self.mismatch(f"{where}: beat {b} error flag {rsp.errs[b]}, expected {int(err)}")
                    got_b, want_b = rsp.data[b * nb:(b + 1) * nb], want[b * nb:(b + 1) * nb]
                    if not err and got_b != want_b:
                        off = next(i for i in range(nb) if got_b[i] != want_b[i])
                        self.mismatch(f"{where}: beat {b} byte {off} ({x.addr + b * nb + off:#x}) expected "
                                      f"{want_b[off]:#04x}, got {got_b[off]:#04x}")
                        break
                if rsp.lasts != [x.beats - 1]:
                    self.mismatch(f"{where}: rd_last on beats {rsp.lasts}, expected only on {x.beats - 1}")
            else:
                where = f"write transfer {x.addr:#x}+{x.beats} beats"
                err = self._faulty(x.addr, x.addr + x.beats * nb)
                if rsp is None:
                    self.mismatch(f"{where}: accepted at cycle {x.cycle}, never done")
                elif rsp.err != err:
                    self.mismatch(f"{where}: error flag {rsp.err}, expected {int(err)}")
        self._check_written_memory()
        self._check_bursts()
        if self.violations.items:
            self.mismatch(f"AXI4 protocol checker: rule {self.violations.items[0]} violated (see hdl/axi4_checker.v)")
        super().check_phase()

    def _check_written_memory(self):
        """Replays the writes in order (one write client: its order is the memory's order) on the shadow and
        compares the whole memory; bytes of transfers that hit a faulty range are not predicted."""
        nb = self.cfg.nbytes
        writes = [x for x in self.requests.items if not isinstance(x, ReadRequest)]
        want = bytearray(self.cfg.dram_image)
        known = bytearray(b"\x01" * len(want))
        for x in writes:
            lo, hi = x.addr, x.addr + x.beats * nb
            if self._faulty(lo, hi):
                known[lo:hi] = bytes(hi - lo)
                continue
            for b in range(x.beats):
                for i in range(nb):
                    if x.strb[b] >> i & 1:
                        want[lo + b * nb + i] = x.data[b * nb + i]
        got = self.dram.items[-1]
        for a in range(len(want)):
            if known[a] and got[a] != want[a]:
                writer = [x for x in writes if x.addr <= a < x.addr + x.beats * nb]
                self.mismatch(f"memory byte {a:#x} expected {want[a]:#04x}, got {got[a]:#04x} "
                              f"(written by {len(writer)} transfer(s))")
                break

    def _check_bursts(self):
        nb = self.cfg.nbytes
        reads = [x for x in self.requests.items if isinstance(x, ReadRequest)]
        by_client = {c: sorted((x for x in reads if x.client == c), key=lambda x: x.cycle) for c in (0, 1)}
        bursts = self.bursts.items
        ars = {c: [a for a in bursts if a.id == c] for c in (0, 1)}
        pending_until = {}
        for c in (0, 1):
            it = iter(ars[c])
            for x in by_client[c]:
                addr, left = x.addr, x.beats
                while left > 0:
                    ar = next(it, None)
                    if ar is None or ar.addr != addr or ar.len + 1 > left:
                        self.mismatch(f"read client {c} transfer {x.addr:#x}+{x.beats}: burst at "
                                      f"{ar and ar.addr} len {ar and ar.len}, expected to start at {addr:#x} "
                                      f"with at most {left} beats")
                        break
                    addr += (ar.len + 1) * nb
                    left -= ar.len + 1
                    pending_until[(c, x.cycle)] = ar.cycle
        # No starvation: two consecutive bursts (in AR order) of one client while the other client had a
        # transfer accepted before the first of them and still had bursts to issue after the second.
        for a1, a2 in zip(bursts, bursts[1:]):
            if a1.id != a2.id:
                continue
            other = 1 - a1.id
            if any(x.cycle < a1.cycle and pending_until.get((other, x.cycle), -1) > a2.cycle
                   for x in by_client[other]):
                self.mismatch(f"read client {other} starved: client {a1.id} got bursts at cycles {a1.cycle} and "
                              f"{a2.cycle} while it waited")
                break
