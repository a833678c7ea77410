"""Instruction encoding of npu8 (docs/isa.md, section 3).

The field tables below are the single source of the bit layout: encode, decode, the reserved-bit mask and
the assembler all derive from them.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

import numpy as np

INSTR_BYTES = 16
INSTR_BITS = 128


class Op(enum.IntEnum):
    LOAD = 1
    MATMUL = 2
    STORE = 3
    PAD = 4
    CONFIG = 5
    SYNC = 6
    HALT = 7
    VADD = 8
    VMAX = 9
    VSUM = 10
    VMAC = 11
    VCONFIG = 12


class ErrorCode(enum.IntEnum):
    NONE = 0
    ILLEGAL_OPCODE = 1
    RESERVED_BITS = 2
    BAD_FIELD = 3
    SP_RANGE = 4
    ACC_RANGE = 5
    DRAM_RANGE = 6
    PROG_WRITE = 7
    NO_HALT = 8
    BUS = 9


@dataclass(frozen=True)
class Field:
    name: str
    lo: int
    width: int
    signed: bool = False
    # Stored value = logical value - bias (only `len`, encoded as len-1).
    bias: int = 0

    @property
    def mask(self) -> int:
        return ((1 << self.width) - 1) << self.lo

    def lo_hi(self) -> tuple[int, int]:
        """Legal range of the logical value that fits the field."""
        if self.signed:
            return -(1 << (self.width - 1)), (1 << (self.width - 1)) - 1
        return self.bias, (1 << self.width) - 1 + self.bias


_XFER = [Field("row", 8, 16), Field("y", 24, 8), Field("x", 32, 12), Field("len", 44, 4, bias=1),
         Field("addr", 64, 32), Field("xs", 96, 12), Field("ys", 108, 20)]
_PADS = [Field("pt", 48, 4), Field("pb", 52, 4), Field("pl", 56, 4), Field("pr", 60, 4)]
# The vector unit's window instructions: a y × x grid of output elements (ACC rows acc_row + i·x + j), each the
# reduction over a kh × kw window of SP rows a_row + (i·sy + u)·pitch + j·sx + v.
_WINDOW = [Field("acc_row", 8, 16), Field("a_row", 24, 16), Field("y", 56, 8), Field("x", 64, 12),
           Field("pitch", 76, 16), Field("sy", 92, 4), Field("sx", 96, 4), Field("kh", 100, 8),
           Field("kw", 108, 8)]

FIELDS: dict[Op, list[Field]] = {
    Op.LOAD: [Field("mem", 4, 1)] + _XFER + _PADS,
    Op.MATMUL: [Field("acc", 4, 1), Field("a_row", 8, 16), Field("w_row", 24, 16), Field("acc_row", 40, 16),
                Field("m", 56, 16)],
    Op.STORE: [Field("quant", 4, 1), Field("pc", 5, 1), Field("qrow", 48, 16)] + _XFER,
    Op.PAD: [Field("mem", 4, 1), Field("row", 8, 16), Field("count", 24, 16), Field("value", 64, 32, signed=True)],
    Op.CONFIG: [Field("relu", 4, 1), Field("pad", 8, 8, signed=True), Field("out_zp", 16, 8, signed=True),
                Field("shift", 24, 6), Field("multiplier", 32, 24)],
    Op.SYNC: [],
    Op.HALT: [],
    Op.VADD: [Field("u8", 4, 1), Field("acc_row", 8, 16), Field("a_row", 24, 16), Field("b_row", 40, 16),
              Field("count", 56, 16)],
    Op.VMAX: _WINDOW,
    Op.VSUM: [Field("acc", 4, 1)] + _WINDOW,
    Op.VMAC: [Field("acc", 4, 1), Field("w_row", 40, 16)] + _WINDOW,
    Op.VCONFIG: [Field("ra", 32, 32), Field("rb", 64, 32), Field("fixed", 96, 32)],
}

# The unit queue each instruction executes in; the others (CONFIG, SYNC, HALT) the decoder handles itself.
QUEUE: dict[Op, str] = {Op.LOAD: "load", Op.PAD: "load", Op.MATMUL: "compute", Op.STORE: "store",
                        Op.VADD: "vector", Op.VMAX: "vector", Op.VSUM: "vector", Op.VMAC: "vector"}
QUEUES = ("load", "compute", "store", "vector")
VECTOR_OPS = (Op.VADD, Op.VMAX, Op.VSUM, Op.VMAC)
WINDOW_OPS = (Op.VMAX, Op.VSUM, Op.VMAC)
VMAC_MAX_TAPS = 16      # the vector unit's weight-row cache: a VMAC window has at most 16 taps

OPCODE_BITS = 4
OPCODE_MASK = (1 << OPCODE_BITS) - 1
ILLEGAL_OPCODES = tuple(o for o in range(1 << OPCODE_BITS) if o not in set(Op))
RESERVED_MASK: dict[Op, int] = {
    op: ((1 << INSTR_BITS) - 1) & ~OPCODE_MASK & ~sum(f.mask for f in fs) for op, fs in FIELDS.items()}

MEM_SP, MEM_ACC = 0, 1


@dataclass
class MachineConfig:
    """Build-time parameters of one npu8 instance (docs/isa.md, section 1)."""
    n: int = 8
    sp_rows: int = 4096
    acc_rows: int = 1024
    dram_bytes: int = 1 << 20

    def __post_init__(self):
        for name in ("n", "sp_rows", "acc_rows", "dram_bytes"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
                raise TypeError(f"MachineConfig.{name}={v!r} must be an integer")
            setattr(self, name, int(v))
        if self.n not in (4, 8, 16):
            raise ValueError(f"MachineConfig.n={self.n}: N must be 4, 8 or 16")
        for name, lo, hi in (("sp_rows", 1, 65536), ("acc_rows", 1, 65536), ("dram_bytes", 16, 1 << 32)):
            if not lo <= getattr(self, name) <= hi:
                raise ValueError(f"MachineConfig.{name}={getattr(self, name)} outside {lo}..{hi} (docs/isa.md section 1)")


@dataclass
class Instr:
    """A decoded instruction. `op` is an Op, or an int for an illegal opcode; `raw` keeps the word so that an
    illegal or reserved-bit word survives decode/encode unchanged."""
    op: Op | int
    f: dict[str, int] = field(default_factory=dict)
    raw: int | None = None

    def __getattr__(self, name):
        try:
            return self.__dict__["f"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def legal_opcode(self) -> bool:
        return isinstance(self.op, Op)

    def reserved_bits(self) -> int:
        if not self.legal_opcode:
            return 0
        return (self.raw or 0) & RESERVED_MASK[self.op]


def make(op: Op, **values) -> Instr:
    """Build an instruction; every field not given is 0 (len defaults to 1 so that it encodes)."""
    names = {f.name: f for f in FIELDS[op]}
    unknown = set(values) - set(names)
    if unknown:
        raise ValueError(f"{op.name} has no field(s) {sorted(unknown)}")
    vals = {f.name: values.get(f.name, f.bias) for f in FIELDS[op]}
    ins = Instr(op, vals)
    ins.raw = encode(ins)
    return ins


def encode(ins: Instr) -> int:
    """Instr -> 128-bit integer. Raises ValueError when a field does not fit its bits."""
    if not ins.legal_opcode:
        if ins.raw is None:
            raise ValueError(f"illegal opcode {ins.op} has no raw word to encode")
        return ins.raw
    word = int(ins.op)
    for f in FIELDS[ins.op]:
        v = ins.f.get(f.name, f.bias)
        lo, hi = f.lo_hi()
        if not lo <= v <= hi:
            raise ValueError(f"{ins.op.name}.{f.name}={v} outside {lo}..{hi}")
        word |= ((v - f.bias) & ((1 << f.width) - 1)) << f.lo
    # Reserved bits a decoded word carried are kept, so encode(decode(w)) == w for every w.
    if ins.raw is not None:
        word |= ins.raw & RESERVED_MASK[ins.op]
    return word


def decode(word: int) -> Instr:
    """128-bit integer -> Instr. Never raises: illegal opcodes and reserved bits are for the executor to report."""
    if not 0 <= word < (1 << INSTR_BITS):
        raise ValueError("instruction word must be a 128-bit unsigned integer")
    opcode = word & OPCODE_MASK
    try:
        op = Op(opcode)
    except ValueError:
        return Instr(opcode, {}, word)
    vals = {}
    for f in FIELDS[op]:
        v = (word >> f.lo) & ((1 << f.width) - 1)
        if f.signed and v >> (f.width - 1):
            v -= 1 << f.width
        vals[f.name] = v + f.bias
    return Instr(op, vals, word)


def encode_program(prog: list[Instr]) -> bytes:
    return b"".join(encode(i).to_bytes(INSTR_BYTES, "little") for i in prog)


def decode_program(blob: bytes) -> list[Instr]:
    if len(blob) % INSTR_BYTES:
        raise ValueError(f"program length {len(blob)} is not a multiple of {INSTR_BYTES} bytes")
    return [decode(int.from_bytes(blob[i:i + INSTR_BYTES], "little")) for i in range(0, len(blob), INSTR_BYTES)]


def to_hex_lines(prog: list[Instr]) -> str:
    """One 32-digit hex word a line, most significant digit first: the format $readmemh reads."""
    return "".join(f"{encode(i):032x}\n" for i in prog)
