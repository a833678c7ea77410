"""Scoreboard of the vector unit: the unit scoreboard (golden model from the input monitor, the whole accumulator
compared after each instruction), and per instruction ev_vec_active high for exactly the SP reads it needs
(VADD: 2 per row; a window op: y*x*kh*kw, VMAC kh*kw more for its weight rows). Without backpressure, the unit
must also keep its read port busy: an instruction may take only SLACK cycles more than its reads (the last
response and the qladd pipeline, the last write, done). The report gives cycles per element of each opcode."""
from __future__ import annotations

from golden.asm import disassemble_one
from golden.checks import vector_reads
from golden.isa import Op
from verif.common.unit_items import Executed
from verif.common.unit_scoreboard import UnitScoreboard

from .vector_config import VectorEnvConfig

# cycles from the entry appearing to done, beyond one per read (the first read goes out the cycle the entry
# appears): the last read's response (for VADD and the two qladd stages), the accumulator write, the done pulse
SLACK = {Op.VADD: 5, Op.VMAX: 3, Op.VSUM: 3, Op.VMAC: 3}


def elements(ins) -> int:
    return ins.count if ins.op == Op.VADD else ins.y * ins.x


class VectorScoreboard(UnitScoreboard):
    def build_phase(self):
        super().build_phase()
        self.check_speed = not VectorEnvConfig.get(self).bfm.backpressure_on
        self.stats = {op: [0, 0, 0, 0] for op in SLACK}     # instructions, elements, reads, cycles

    def describe(self, ex: Executed) -> str:
        return f"{ex.ins.op.name} {ex.index} `{disassemble_one(ex.ins)}`"

    def check_more(self, ex: Executed, what: str) -> None:
        want = vector_reads(ex.ins)
        got = ex.counters["vec_active"]
        if got != want:
            self.mismatch(f"{what}: ev_vec_active counted {got} accepted SP reads, the instruction needs {want}")
        cycles = ex.counters["busy"] + 1                    # + the done cycle
        s = self.stats[ex.ins.op]
        s[0] += 1
        s[1] += elements(ex.ins)
        s[2] += want
        s[3] += cycles
        if self.check_speed and cycles > want + SLACK[ex.ins.op]:
            self.mismatch(f"{what}: took {cycles} cycles for {want} SP reads without backpressure (at most "
                          f"{want + SLACK[ex.ins.op]}): the read port idled")

    def report_phase(self):
        for op, (k, elems, reads, cycles) in self.stats.items():
            if k:
                self.logger.info(f"{op.name}: {k} instructions, {elems} elements, {reads} SP reads, {cycles} cycles: "
                                 f"{cycles / elems:.2f} cycles/element, {(cycles - reads) / k:.1f} cycles/instruction "
                                 f"beyond its reads{'' if self.check_speed else ' (with backpressure)'}")
