"""Parameters as Verilog literals of their declared width: a `parameter [33:0] DRAM_BYTES` overridden with a
plain 16384 (32 bits) would be widened with a WIDTHEXPAND warning, so the builds pass `34'd16384`. The widths
are read from the top module's source."""
from __future__ import annotations

import re
from pathlib import Path

_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
# one `parameter` declaration: up to the next parameter/localparam keyword, the end of a body declaration (;)
# or the end of the header's parameter list (`) (`)
_PARAM_DECL = re.compile(r"\bparameter\b(.*?)(?=\bparameter\b|\blocalparam\b|;|\)\s*\(|\Z)", re.S)
_RANGE = re.compile(r"\s*(signed\s+)?\[\s*(\d+)\s*:\s*(\d+)\s*\]")


def declared_widths(toplevel: str, sources: list[Path]) -> dict[str, tuple[int, bool]]:
    """{parameter: (width, signed)} for the parameters of module `toplevel` declared with a constant range
    (`parameter [33:0] DRAM_BYTES`). Integer and untyped parameters (32 bits for an integer value) are left
    out, and so is a range that is not two numbers: lint then reports any width warning it causes."""
    for src in sources:
        text = _COMMENTS.sub(" ", Path(src).read_text(errors="replace"))
        m = re.search(rf"\bmodule\s+{re.escape(toplevel)}\b(.*?)\bendmodule\b", text, re.S)
        if m:
            break
    else:
        return {}
    widths = {}
    for decl in _PARAM_DECL.finditer(m.group(1)):
        rng = _RANGE.match(decl.group(1))
        if not rng:
            continue
        width = abs(int(rng.group(2)) - int(rng.group(3))) + 1
        for name in re.findall(r"([A-Za-z_]\w*)\s*=(?!=)", decl.group(1)):
            widths[name] = (width, bool(rng.group(1)))
    return widths


def hdl_parameters(toplevel: str, sources: list[Path], parameters: dict) -> dict:
    """The parameter values as the builds pass them: an integer for a 32-bit (integer or untyped) parameter,
    a sized literal for one declared with another width, e.g. {"N": 8, "DRAM_BYTES": "34'd16384"}."""
    widths = declared_widths(toplevel, sources)
    out = {}
    for name, value in parameters.items():
        width, signed = widths.get(name, (32, False))
        if width != 32 and isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            value = f"{width}'{'s' if signed else ''}d{value}"
        out[name] = value
    return out
