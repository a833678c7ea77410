"""Text assembler and disassembler (docs/isa.md, section 6)."""
from __future__ import annotations

import re

from .checks import Program, failing_check
from .isa import FIELDS, INSTR_BITS, MEM_ACC, WINDOW_OPS, ErrorCode, Instr, MachineConfig, Op, decode, encode, make

_WORD = re.compile(r"^\.word(?:\s+(\S+))?$", re.IGNORECASE)
_NUMBER = re.compile(r"^[+-]?(0[xX][0-9a-fA-F]+|[0-9]+)$")     # ASCII digits only (int() takes any script's)
_SYMBOLS = {"mem": {"sp": 0, "acc": 1}}


class AsmError(ValueError):
    """An assembly error, naming the line."""

    def __init__(self, lineno: int, line: str, msg: str):
        super().__init__(f"line {lineno}: {msg}: {line.strip()!r}")
        self.lineno = lineno


def _defaults(op: Op, given: dict, n: int) -> dict:
    d = {}
    if op in (Op.LOAD, Op.STORE):
        d.update(y=1, len=n, ys=0)
        if op == Op.STORE:
            d["quant"] = 1
        mem = given.get("mem", 0)
        wide = (op == Op.LOAD and mem == MEM_ACC) or (op == Op.STORE and given.get("quant", 1) == 0)
        d["xs"] = given.get("len", n) * (4 if wide else 1)
    if op in WINDOW_OPS:
        d.update(y=1, x=1, sy=1, sx=1, kh=1, kw=1, pitch=given.get("x", 1))
    return d


def assemble_line(line: str, n: int = 8, lineno: int = 1) -> Instr | None:
    if n not in (4, 8, 16):
        raise ValueError(f"assembler: N={n!r} must be 4, 8 or 16")
    text = re.split(r"[#;]", line, maxsplit=1)[0].strip()
    if not text:
        return None
    m = _WORD.match(text)
    if m:
        if m.group(1) is None or not _NUMBER.match(m.group(1)):
            raise AsmError(lineno, line, ".word needs one 128-bit value (decimal or 0x hex)")
        word = int(m.group(1), 0)
        if not 0 <= word < (1 << INSTR_BITS):
            raise AsmError(lineno, line, ".word value does not fit 128 bits")
        return decode(word)
    mnemonic, *args = text.split()
    try:
        op = Op[mnemonic.upper()]
    except KeyError:
        raise AsmError(lineno, line, f"unknown mnemonic {mnemonic!r}") from None
    names = {f.name for f in FIELDS[op]}
    given: dict[str, int] = {}
    for arg in args:
        key, sep, val = arg.partition("=")
        key = key.lower()
        if not sep or not val:
            raise AsmError(lineno, line, f"expected key=value, got {arg!r}")
        if key not in names:
            raise AsmError(lineno, line, f"{op.name} has no field {key!r} (fields: {', '.join(sorted(names))})")
        if key in given:
            raise AsmError(lineno, line, f"field {key!r} given twice")
        sym = _SYMBOLS.get(key, {})
        if val.lower() in sym:
            given[key] = sym[val.lower()]
        elif _NUMBER.match(val):
            given[key] = int(val, 0)
        else:
            raise AsmError(lineno, line, f"{key}={val!r} is not a number (decimal or 0x hex, ASCII digits)")
    try:
        ins = make(op, **{**_defaults(op, given, n), **given})
    except ValueError as e:
        raise AsmError(lineno, line, str(e)) from None
    # what the decoder would refuse whatever the memories' sizes (BAD_FIELD: a zero count, len > N, an int8
    # value out of range, ...): an assembly error here, not a program that traps; `.word` writes such words
    check = failing_check(ins, MachineConfig(n=n), Program(0, 1))
    if check is not None and check.code == ErrorCode.BAD_FIELD:
        raise AsmError(lineno, line, f"{check.name}: {check.rule} (N={n}; the decoder would raise BAD_FIELD)")
    return ins


def assemble(text: str, n: int = 8) -> list[Instr]:
    prog = []
    for lineno, line in enumerate(text.splitlines(), 1):
        ins = assemble_line(line, n, lineno)
        if ins is not None:
            prog.append(ins)
    return prog


def disassemble_one(ins: Instr) -> str:
    if not ins.legal_opcode or ins.reserved_bits():
        return f".word {encode(ins):#034x}"
    parts = [ins.op.name]
    for f in FIELDS[ins.op]:
        v = ins.f[f.name]
        if f.name == "mem":
            parts.append(f"mem={'acc' if v == MEM_ACC else 'sp'}")
        elif f.name in ("addr", "multiplier", "ra", "rb", "fixed"):
            parts.append(f"{f.name}={v:#x}")
        else:
            parts.append(f"{f.name}={v}")
    return " ".join(parts)


def assembles(ins: Instr, n: int = 8) -> bool:
    """Whether the assembler takes this instruction's fields at this N (a decoded word may fail a BAD_FIELD
    check the assembler refuses)."""
    if not ins.legal_opcode or ins.reserved_bits():
        return False
    check = failing_check(ins, MachineConfig(n=n), Program(0, 1))
    return check is None or check.code != ErrorCode.BAD_FIELD


def disassemble(prog: list[Instr], n: int = 8) -> str:
    """One line an instruction, `.word` for those the assembler refuses at this N, so that
    assemble(disassemble(p, n), n) == p for any words."""
    return "".join((disassemble_one(i) if assembles(i, n) else f".word {encode(i):#034x}") + "\n" for i in prog)
