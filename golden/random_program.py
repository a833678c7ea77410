"""Constrained-random npu8 programs (the golden-level counterpart of riscv-dv's instruction generator).

Every field is drawn directly from numpy (no solver: ~10 µs per instruction), constrained so the program is
legal unless an error is injected on purpose. DRAM traffic is confined to a small data window so that stores
and loads overlap often (read-after-write and write-after-read through DRAM), and SP/ACC are small so that
MATMULs read rows that recent LOADs wrote.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import isa
from .isa import INSTR_BYTES, MEM_ACC, MEM_SP, VMAC_MAX_TAPS, WINDOW_OPS, ErrorCode, Instr, MachineConfig, Op
from .checks import window_last_row
from .qladd import check_constants, constants_from_scales

ERROR_KINDS = ["ILLEGAL_OPCODE", "RESERVED_BITS", "BAD_FIELD", "SP_RANGE", "ACC_RANGE", "DRAM_RANGE",
               "PROG_WRITE", "NO_HALT"]


@dataclass
class RandomProgram:
    cfg: MachineConfig
    dram: bytes            # initial image, program included
    prog: list[Instr]
    inst_base: int
    expect_error: tuple[ErrorCode, int] | None   # (code, index) when an error was injected

    @property
    def inst_count(self) -> int:
        return len(self.prog)


class Generator:
    def __init__(self, rng: np.random.Generator, cfg: MachineConfig, data_bytes: int):
        self.rng, self.cfg, self.data_bytes = rng, cfg, data_bytes

    def r(self, lo: int, hi: int) -> int:
        """Uniform integer in [lo, hi]."""
        return int(self.rng.integers(lo, hi + 1))

    def pick(self, *options):
        return options[self.r(0, len(options) - 1)]

    # -- one legal instruction per kind --------------------------------------------------------------------
    def _xfer_shape(self, eb: int, rows: int, pads: bool):
        """y, x, pads and strides of a LOAD/STORE that fit `rows` destination rows and the data window."""
        y = self.pick(1, 1, 1, self.r(1, 4))
        x = self.r(1, max(1, min(24, rows // y)))
        pt = pb = pl = pr = 0
        if pads and self.r(0, 2) == 0:
            pt, pb, pl, pr = (self.r(0, 2) for _ in range(4))
        while (pt + y + pb) * (pl + x + pr) > rows:
            if x > 1:
                x -= 1
            elif y > 1:
                y -= 1
            else:
                pt = pb = pl = pr = 0
        xs = self.pick(eb, eb, 0, self.r(0, 3 * eb))
        ys = self.pick(x * xs, self.r(0, 4 * eb * x))
        span = (y - 1) * ys + (x - 1) * xs + eb
        if span > self.data_bytes:
            ys, xs = 0, eb if x * eb <= self.data_bytes else 0
            span = (y - 1) * ys + (x - 1) * xs + eb
        return y, x, pt, pb, pl, pr, xs, ys, span

    def load(self) -> Instr:
        mem = MEM_ACC if self.r(0, 4) == 0 else MEM_SP
        rows = self.cfg.acc_rows if mem == MEM_ACC else self.cfg.sp_rows
        ln = self.r(1, self.cfg.n)
        eb = ln * (4 if mem == MEM_ACC else 1)
        y, x, pt, pb, pl, pr, xs, ys, span = self._xfer_shape(eb, rows, pads=True)
        total = (pt + y + pb) * (pl + x + pr)
        return isa.make(Op.LOAD, mem=mem, row=self.r(0, rows - total), y=y, x=x, len=ln, pt=pt, pb=pb, pl=pl,
                        pr=pr, xs=xs, ys=ys, addr=self.r(0, self.data_bytes - span))

    def store(self) -> Instr:
        quant = self.r(0, 3) != 0
        ln = self.r(1, self.cfg.n)
        eb = ln * (1 if quant else 4)
        y, x, _, _, _, _, xs, ys, span = self._xfer_shape(eb, self.cfg.acc_rows, pads=False)
        pc = int(quant and self.r(0, 2) == 0)
        return isa.make(Op.STORE, quant=int(quant), pc=pc, qrow=self.r(0, self.cfg.acc_rows - 1),
                        row=self.r(0, self.cfg.acc_rows - y * x), y=y, x=x, len=ln,
                        xs=xs, ys=ys, addr=self.r(0, self.data_bytes - span))

    def matmul(self) -> Instr:
        sp, acc, n = self.cfg.sp_rows, self.cfg.acc_rows, self.cfg.n
        m = self.r(1, max(1, min(48, sp, acc)))
        return isa.make(Op.MATMUL, acc=self.r(0, 1), a_row=self.r(0, sp - m), w_row=self.r(0, sp - n),
                        acc_row=self.r(0, acc - m), m=m)

    def pad(self) -> Instr:
        mem = MEM_ACC if self.r(0, 2) == 0 else MEM_SP
        rows = self.cfg.acc_rows if mem == MEM_ACC else self.cfg.sp_rows
        count = self.r(1, min(32, rows))
        value = self.r(-(1 << 31), (1 << 31) - 1) if mem == MEM_ACC and self.r(0, 1) else self.r(-128, 127)
        return isa.make(Op.PAD, mem=mem, row=self.r(0, rows - count), count=count, value=value)

    def config(self) -> Instr:
        # Shifts near 20..40 keep most outputs off the clamp; the odd wide draw covers the whole field.
        shift = self.r(0, 63) if self.r(0, 7) == 0 else self.r(18, 40)
        mult = self.pick(1 << 23, 3 << 21, self.r(0, (1 << 24) - 1), self.r(1 << 23, (1 << 24) - 1))
        return isa.make(Op.CONFIG, relu=self.r(0, 1), pad=self.r(-128, 127), out_zp=self.r(-128, 127),
                        shift=shift, multiplier=mult)

    def vadd(self) -> Instr:
        sp, acc = self.cfg.sp_rows, self.cfg.acc_rows
        count = self.pick(1, self.r(1, max(1, min(48, sp, acc))), self.r(1, max(1, min(48, sp, acc))))
        return isa.make(Op.VADD, u8=self.r(0, 1), acc_row=self.r(0, acc - count), a_row=self.r(0, sp - count),
                        b_row=self.r(0, sp - count), count=count)

    def window(self, op: Op | None = None) -> Instr:
        """A VMAX, VSUM or VMAC whose window fits SP: small grids, strides and pitches, so that windows overlap
        and reach rows recent LOADs wrote."""
        op = op or self.pick(*WINDOW_OPS)
        sp, acc = self.cfg.sp_rows, self.cfg.acc_rows
        kh = self.pick(1, 2, 3, self.r(1, 5), self.r(3, 5))
        kw = self.pick(1, 2, 3, self.r(1, 5), self.r(3, 5))
        if op == Op.VMAC:
            kw = min(kw, VMAC_MAX_TAPS // kh)
        # output grids from one element to more than 4N of them
        f = dict(y=self.pick(1, 1, self.r(1, 4)), x=self.pick(1, self.r(1, 8), self.r(1, 24)), kh=kh, kw=kw,
                 sy=self.pick(1, 2, self.r(0, 3)),
                 sx=self.pick(1, 2, self.r(0, 3)), pitch=self.r(0, 24), a_row=0)
        if op != Op.VMAX:
            f["acc"] = self.r(0, 1)
        if op == Op.VMAC:
            f["w_row"] = self.r(0, sp - kh * kw)
        while window_last_row(isa.make(op, **f)) >= sp or f["y"] * f["x"] > acc:
            for k in ("pitch", "x", "y", "sy", "sx", "kh", "kw"):
                if f[k] > (0 if k in ("pitch", "sy", "sx") else 1):
                    f[k] -= 1
                    break
        f["a_row"] = self.r(0, sp - 1 - window_last_row(isa.make(op, **f)))
        f["acc_row"] = self.r(0, acc - f["y"] * f["x"])
        return isa.make(op, **f)

    def vconfig(self) -> Instr:
        """QLinearAdd constants: mostly from random scales and zero points as onnxruntime forms them, sometimes
        drawn across the whole legal range (edges of the exponent ranges, zeros, odd mantissas)."""
        if self.r(0, 2):
            sa, sb, sc = (float(np.exp(self.rng.uniform(-6, 1))) for _ in range(3))
            u8 = self.r(0, 1)
            za, zb, zc = (self.r(0, 255) if u8 else self.r(-128, 127) for _ in range(3))
            try:
                ra, rb, fixed = constants_from_scales(sa, za, sb, zb, sc, zc)
                check_constants(ra, rb, fixed)
                return isa.make(Op.VCONFIG, ra=ra, rb=rb, fixed=fixed)
            except ValueError:
                pass

        def const(lo, hi, signed):
            if self.r(0, 9) == 0:
                return 0
            e = self.pick(lo, hi, self.r(lo, hi), self.r(max(lo, -8), min(hi, 6)))
            sign = self.r(0, 1) if signed else 0
            return sign << 31 | (e + 127) << 23 | self.r(0, (1 << 23) - 1)
        return isa.make(Op.VCONFIG, ra=const(-32, 15, False), rb=const(-32, 15, False), fixed=const(-56, 25, True))

    def random_instr(self) -> Instr:
        kind = self.rng.choice(["load", "matmul", "store", "pad", "config", "sync", "vadd", "window", "vconfig"],
                               p=[0.28, 0.22, 0.20, 0.07, 0.06, 0.03, 0.05, 0.06, 0.03])
        return isa.make(Op.SYNC) if kind == "sync" else getattr(self, kind)()

    def init_memories(self) -> list[Instr]:
        """PAD every SP and ACC row: the RTL's memories start undefined, so a program defines what it reads."""
        out = []
        for mem, rows in ((MEM_SP, self.cfg.sp_rows), (MEM_ACC, self.cfg.acc_rows)):
            for r0 in range(0, rows, 0xFFFF):
                out.append(isa.make(Op.PAD, mem=mem, row=r0, count=min(0xFFFF, rows - r0), value=self.r(-128, 127)))
        return out

    # -- error injection -----------------------------------------------------------------------------------
    def corrupt(self, kind: str, ins: Instr, inst_base: int, prog_bytes: int) -> Instr:
        """An instruction that raises exactly `kind` (every earlier check passes)."""
        n, cfg = self.cfg.n, self.cfg
        if kind == "ILLEGAL_OPCODE":
            word = (self.r(0, (1 << 62) - 1) << 4) | self.pick(*isa.ILLEGAL_OPCODES)
            return isa.decode(word)
        if kind == "RESERVED_BITS":
            op = self.pick(*Op)
            base = isa.encode(ins) if ins.op == op else isa.encode(isa.make(op, **({"m": 1} if op == Op.MATMUL else {})))
            mask = isa.RESERVED_MASK[op]
            bits = [b for b in range(128) if mask >> b & 1]
            return isa.decode(base | (1 << bits[self.r(0, len(bits) - 1)]))
        if kind == "BAD_FIELD":
            choice = self.r(0, 7)
            if choice == 4:
                return isa.make(self.pick(*WINDOW_OPS), y=1, x=1, **self.pick({"kh": 0, "kw": 1}, {"kh": 1, "kw": 0}))
            if choice == 5:
                return isa.make(Op.VCONFIG, ra=self.pick(0xBF800000, 0x7F800000, 0x47800000), rb=0, fixed=0)
            if choice == 6:
                return isa.make(Op.STORE, quant=0, pc=1, y=1, x=1, len=1, xs=4)
            if choice == 7:
                return isa.make(Op.VMAC, y=1, x=1, kh=self.r(5, 16), kw=self.r(4, 16))
            if choice == 0:
                return isa.make(Op.MATMUL, m=0)
            if choice == 1:
                return isa.make(Op.PAD, mem=MEM_SP, count=1, value=self.pick(128, -129, self.r(128, 1 << 30)))
            if choice == 2 and n < 16:
                return isa.make(Op.LOAD, y=1, x=1, len=self.r(n + 1, 16))
            return isa.make(Op.STORE, y=self.pick(0, 1), x=0, len=1)
        if kind == "SP_RANGE":
            return self.pick(isa.make(Op.MATMUL, m=1, w_row=cfg.sp_rows - n + 1),
                             isa.make(Op.MATMUL, m=self.r(1, 8), a_row=cfg.sp_rows - self.r(0, 0)),
                             isa.make(Op.PAD, row=cfg.sp_rows - 1, count=2),
                             isa.make(Op.LOAD, row=cfg.sp_rows - 1, y=1, x=1, len=1, pr=1),
                             isa.make(Op.VADD, b_row=cfg.sp_rows - 1, count=2),
                             isa.make(self.pick(*WINDOW_OPS), a_row=cfg.sp_rows - 1, y=1, x=1, kh=1, kw=2))
        if kind == "ACC_RANGE":
            return self.pick(isa.make(Op.MATMUL, m=2, acc_row=cfg.acc_rows - 1),
                             isa.make(Op.STORE, quant=1, row=cfg.acc_rows - 1, y=1, x=2, len=1, xs=1),
                             isa.make(Op.PAD, mem=MEM_ACC, row=cfg.acc_rows, count=1),
                             isa.make(Op.VADD, acc_row=cfg.acc_rows - 1, count=2),
                             isa.make(Op.STORE, quant=1, pc=1, qrow=cfg.acc_rows, y=1, x=1, len=1, xs=1))
        if kind == "DRAM_RANGE":
            return self.pick(isa.make(Op.LOAD, y=1, x=1, len=n, addr=cfg.dram_bytes - n + 1, xs=n),
                             isa.make(Op.STORE, quant=0, y=2, x=1, len=1, ys=(1 << 20) - 1,
                                      addr=(1 << 32) - (1 << 19)),
                             isa.make(Op.LOAD, mem=MEM_ACC, y=2, x=1, len=1, ys=(1 << 20) - 1, addr=0))
        if kind == "PROG_WRITE":
            addr = inst_base + self.r(0, prog_bytes - 1)
            return isa.make(Op.STORE, quant=1, y=1, x=1, len=1, xs=1, addr=addr)
        raise ValueError(kind)


def random_program(seed: int, cfg: MachineConfig | None = None, length: int | None = None,
                   error_kind: str | None = None, data_bytes: int = 2048) -> RandomProgram:
    """A reproducible program from `seed`: same seed, same program, same DRAM image."""
    rng = np.random.default_rng(seed)
    if cfg is None:
        n = int(rng.choice([4, 8, 16]))
        cfg = MachineConfig(n=n, sp_rows=int(rng.choice([64, 256])), acc_rows=int(rng.choice([64, 128])),
                            dram_bytes=1 << 14)
    gen = Generator(rng, cfg, data_bytes)
    length = length if length is not None else int(rng.integers(4, 60))
    preamble = gen.init_memories()
    prog = preamble + [gen.random_instr() for _ in range(length)] + [isa.make(Op.HALT)]
    # Programs sit after the data window, at a 16-byte multiple.
    inst_base = data_bytes + 16 * int(rng.integers(0, 8))
    expect = None
    if error_kind is not None:
        prog_bytes = INSTR_BYTES * len(prog)
        if error_kind == "NO_HALT":
            prog = prog[:-1]
            expect = (ErrorCode.NO_HALT, len(prog))
        else:
            at = int(rng.integers(len(preamble), len(prog)))
            prog[at] = gen.corrupt(error_kind, prog[at], inst_base, prog_bytes)
            expect = (ErrorCode[error_kind], at)
    if inst_base + INSTR_BYTES * len(prog) > cfg.dram_bytes:
        raise ValueError("program does not fit DRAM_BYTES")
    return RandomProgram(cfg, dram_image(cfg, rng, prog, inst_base), prog, inst_base, expect)


def dram_image(cfg: MachineConfig, rng: np.random.Generator, prog: list[Instr], inst_base: int) -> bytes:
    """Random DRAM contents with `prog` at `inst_base` (words past DRAM's end are left out: a program may be
    placed to run off it)."""
    dram = bytearray(rng.integers(0, 256, cfg.dram_bytes, dtype=np.uint8).tobytes())
    blob = isa.encode_program(prog)[:max(0, cfg.dram_bytes - inst_base)]
    dram[inst_base:inst_base + len(blob)] = blob
    return bytes(dram)
