"""Bit layouts inside the hardware that software also builds or reads: the CONFIG snapshot the decoder attaches
to each queued instruction, the queue entry ({index, snapshot, word}) the units execute, and the footprint the
hazard check compares. Like the instruction fields in isa.py, these tables are the single source: the Verilog
header rtl/npu8_isa.vh is generated from them (golden/isa_header.py) and the block environments pack and unpack
with them.
"""
from __future__ import annotations

from dataclasses import dataclass

from .isa import FIELDS, INSTR_BITS, Field, Instr, Op, make

ROW_SPAN_BITS = 24    # an SP/ACC row range end: 16-bit row + up to 2^16 rows, with room for the sum
DRAM_SPAN_BITS = 34   # a DRAM byte span end: 32-bit address + stride products, computed without overflow
INDEX_BITS = 16       # instruction index within a program (inst_count <= 65535)


@dataclass(frozen=True)
class Layout:
    """Fields stacked from bit 0 upward, in the order given."""
    name: str
    fields: tuple[Field, ...]

    @property
    def width(self) -> int:
        return sum(f.width for f in self.fields)

    def __getitem__(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r} (fields: {', '.join(f.name for f in self.fields)})")

    def pack(self, **values: int) -> int:
        unknown = set(values) - {f.name for f in self.fields}
        if unknown:
            raise ValueError(f"{self.name} has no field(s) {sorted(unknown)}")
        word = 0
        for f in self.fields:
            v = values.get(f.name, 0)
            lo, hi = f.lo_hi()
            if not lo <= v <= hi:
                raise ValueError(f"{self.name}.{f.name}={v} outside {lo}..{hi}")
            word |= (v & ((1 << f.width) - 1)) << f.lo
        return word

    def unpack(self, word: int) -> dict[str, int]:
        out = {}
        for f in self.fields:
            v = (word >> f.lo) & ((1 << f.width) - 1)
            if f.signed and v >> (f.width - 1):
                v -= 1 << f.width
            out[f.name] = v
        return out


def stack(name: str, parts: list[tuple[str, int, bool]]) -> Layout:
    fields, lo = [], 0
    for fname, width, signed in parts:
        fields.append(Field(fname, lo, width, signed))
        lo += width
    return Layout(name, tuple(fields))


# The configuration registers, least significant first: CONFIG's fields, then VCONFIG's, each instruction's in
# reverse table order, so each part reads as its instruction's table does from its top bit down. The decoder
# replaces one part at a time (CONFIG_PARTS: which instruction sets which bits).
CONFIG_OPS = (Op.CONFIG, Op.VCONFIG)
CONFIG_SNAPSHOT = stack("cfg", [(f.name, f.width, f.signed) for op in CONFIG_OPS for f in reversed(FIELDS[op])])


def _part(op: Op) -> tuple[int, int]:
    """(lo, width) of the snapshot bits instruction `op` sets."""
    names = {f.name for f in FIELDS[op]}
    fs = [f for f in CONFIG_SNAPSHOT.fields if f.name in names]
    return fs[0].lo, sum(f.width for f in fs)


CONFIG_PARTS = {op: _part(op) for op in CONFIG_OPS}

QUEUE_ENTRY = stack("qe", [("word", INSTR_BITS, False), ("cfg", CONFIG_SNAPSHOT.width, False),
                           ("index", INDEX_BITS, False)])


def _range(mem: str, span_bits: int, write: bool) -> list[tuple[str, int, bool]]:
    return [(f"{mem}_hi", span_bits, False), (f"{mem}_lo", span_bits, False)] + \
        ([(f"{mem}_wr", 1, False)] if write else []) + [(f"{mem}_rd", 1, False)]


# What one instruction touches: inclusive ranges with read/write flags. Two ranges are read only: "spw", a second
# SP range (MATMUL's and VMAC's weight rows, VADD's second operand), and "accp", a second ACC range (the
# parameter row of a per-channel STORE).
FOOTPRINT = stack("fp", _range("dram", DRAM_SPAN_BITS, True) + _range("acc", ROW_SPAN_BITS, True) +
                  _range("sp", ROW_SPAN_BITS, True) + _range("spw", ROW_SPAN_BITS, False) +
                  _range("accp", ROW_SPAN_BITS, False))


def config_snapshot(*configs: Instr | None) -> int:
    """The snapshot the last CONFIG and the last VCONFIG leave (None, or one not given: the all-zero state every
    program starts with)."""
    values = {}
    for config in configs:
        if config is None:
            continue
        if config.op not in CONFIG_OPS:
            raise ValueError(f"a configuration snapshot comes from CONFIG or VCONFIG, not {config.op!r}")
        values.update({f.name: config.f[f.name] for f in FIELDS[config.op]})
    return CONFIG_SNAPSHOT.pack(**values)


def snapshot_configs(snap: int) -> tuple[Instr, Instr]:
    """The CONFIG and VCONFIG instructions that leave this snapshot."""
    v = CONFIG_SNAPSHOT.unpack(snap)
    return tuple(make(op, **{f.name: v[f.name] for f in FIELDS[op]}) for op in CONFIG_OPS)


def queue_entry(index: int, word: int, cfg: int = 0) -> int:
    return QUEUE_ENTRY.pack(index=index, cfg=cfg, word=word)
