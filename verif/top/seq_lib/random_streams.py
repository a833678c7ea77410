"""Random streams from the golden generator (golden/random_program.py): legal programs, programs with one
injected decode error of each kind, one program per legality check (golden/error_programs.py), legal programs
whose DRAM answers a data window with SLVERR, and a legal program cut by reset then run again clean."""
from __future__ import annotations

from golden.checks import CHECKS, dram_span, element_bytes
from golden.error_programs import check_program
from golden.isa import Op
from golden.random_program import ERROR_KINDS, random_program
from golden.simulator import run_program

from .program_seq import ProgramSeq


class LegalStreamSeq(ProgramSeq):
    stream = "legal"
    length = 30

    def program(self, k: int, error_kind=None):
        seed = int(self.rng.integers(0, 1 << 31))
        rp = random_program(seed, cfg=self.cfg, error_kind=error_kind, length=self.opts.get("length", self.length),
                            data_bytes=self.data_bytes())
        return rp, f"random_program(seed={seed}, error_kind={error_kind})"

    def items(self):
        for k in range(self.count):
            rp, origin = self.program(k)
            yield self.item(k, rp.dram, rp.inst_base, rp.inst_count, origin)


class ErrorStreamSeq(LegalStreamSeq):
    """Each program carries one decode error, the kinds in turn: it must end with that code at that index."""
    stream = "error"
    max_latency = 16

    def items(self):
        first = int(self.rng.integers(0, len(ERROR_KINDS)))      # short sequences still reach every kind
        for k in range(self.count):
            kind = ERROR_KINDS[(first + k) % len(ERROR_KINDS)]
            rp, origin = self.program(k, kind)
            yield self.item(k, rp.dram, rp.inst_base, rp.inst_count, origin)


class LegalityCheckSeq(LegalStreamSeq):
    """One program per legality check of docs/isa.md section 5 (golden.checks.CHECKS), in the decoder's order
    from a random first one: each ends at exactly that check (golden/error_programs.py), so every check is hit
    on purpose, not only every error code. Checks the machine makes unreachable (len > N at N = 16) are skipped."""
    stream = "checks"
    max_latency = 16

    def items(self):
        first = int(self.rng.integers(0, len(CHECKS)))
        made = 0
        for k in range(len(CHECKS)):
            if made == self.count:
                return
            check = CHECKS[(first + k) % len(CHECKS)]
            seed = int(self.rng.integers(0, 1 << 31))
            rp = check_program(check, self.cfg, seed, self.data_bytes())
            if rp is None:
                continue
            yield self.item(made, rp.dram, rp.inst_base, rp.inst_count, f"check_program({check.name}, seed={seed})")
            made += 1


class BusErrorStreamSeq(LegalStreamSeq):
    """A 16-byte-aligned window of the data area answers SLVERR; it is placed under an element that a LOAD or
    STORE really transfers (the hardware moves element by element, the golden model checks spans), so the first
    instruction whose span meets the window is also the first to touch it."""
    stream = "bus"
    max_latency = 16

    def items(self):
        k = made = 0
        while made < self.count and k < 50 * self.count:
            rp, origin = self.program(k)
            k += 1
            window = self._window(rp)
            if window is None:
                continue
            g = run_program(rp.cfg, rp.dram, rp.inst_base, rp.inst_count, bus_errors=[window])
            if g.status != "ERROR":
                continue
            yield self.item(made, rp.dram, rp.inst_base, rp.inst_count, origin + f", bus error window {window}",
                            bus_errors=(window,))
            made += 1

    def _window(self, rp):
        xfers = [ins for ins in rp.prog if ins.legal_opcode and ins.op in (Op.LOAD, Op.STORE)]
        if not xfers:
            return None
        ins = xfers[int(self.rng.integers(0, len(xfers)))]
        yi, xi = int(self.rng.integers(0, ins.y)), int(self.rng.integers(0, ins.x))
        a = (ins.addr + yi * ins.ys + xi * ins.xs) & ~15
        window = (a, a + 16)
        # the first transfer whose span meets the window must really move a byte in it
        for other in xfers:
            lo, hi = dram_span(other)
            if lo < window[1] and window[0] <= hi:
                if other is ins or self._touches(other, window):
                    return window
                return None
        return None

    @staticmethod
    def _touches(ins, window) -> bool:
        eb = element_bytes(ins)
        for yi in range(ins.y):
            for xi in range(ins.x):
                a = ins.addr + yi * ins.ys + xi * ins.xs
                if a < window[1] and window[0] < a + eb:
                    return True
        return False


class ResetMidProgramSeq(LegalStreamSeq):
    """A program cut by reset part-way, then the same program from the start: it must run clean."""
    stream = "reset"
    max_latency = 16

    def items(self):
        for k in range(self.count):
            rp, origin = self.program(k)
            cut = int(self.rng.integers(50, 1500))
            first = self.item(2 * k, rp.dram, rp.inst_base, rp.inst_count, origin + f", reset after {cut} cycles",
                              reset_after=cut)
            knobs = first.knobs
            yield first
            yield self.item(2 * k + 1, rp.dram, rp.inst_base, rp.inst_count, origin + ", after reset", knobs=knobs)
