"""What the lowerings (golden/ops.py, golden/vector_lowering.py) accept, checked before anything is laid out:
each bad operand stops the lowering with an OperandError naming the operator, the tensor or parameter, and
the constraint, never a silent wrap, truncation or reinterpretation. And when an operator needs an
instruction field beyond its range, `isa_limits` says so in the operator's terms."""
from __future__ import annotations

import functools
import re
from contextlib import contextmanager

import numpy as np

from .placement import DramTensor


class OperandError(ValueError):
    """`<operator>: <tensor or parameter>: <constraint>`."""

    def __init__(self, op: str, what: str, constraint: str):
        super().__init__(f"{op}: {what}: {constraint}")
        self.op, self.what, self.constraint = op, what, constraint


def int8_tensor(op: str, name: str, arr, ndim: int, layout: str) -> np.ndarray:
    """An integer array of `ndim` dimensions (`layout` names them) with every value in int8, returned as int8;
    or a tensor already in DRAM (a network's activation: only its shape can be checked)."""
    if isinstance(arr, DramTensor):
        if arr.ndim != ndim or 0 in arr.shape:
            raise OperandError(op, name, f"must be {ndim}-D {layout} with no empty dimension, got shape {arr.shape}")
        return arr
    if not isinstance(arr, np.ndarray):
        raise OperandError(op, name, f"must be a numpy array, got {type(arr).__name__}")
    if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.integer):
        raise OperandError(op, name, f"must hold integers (int8 values), got dtype {arr.dtype}: quantize first")
    if arr.ndim != ndim:
        hint = " (one image, channels last: an NCHW tensor must be transposed)" if "C" in layout else ""
        raise OperandError(op, name, f"must be {ndim}-D {layout}{hint}, got shape {arr.shape}")
    if 0 in arr.shape:
        raise OperandError(op, name, f"has an empty dimension: shape {arr.shape} ({layout})")
    if arr.dtype != np.int8 and (arr.min() < -128 or arr.max() > 127):
        raise OperandError(op, name, f"values {int(arr.min())}..{int(arr.max())} outside int8 (-128..127)")
    return arr.astype(np.int8, copy=False)


def int_scalar(op: str, name: str, v, lo: int, hi: int) -> int:
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
        raise OperandError(op, name, f"must be an integer, got {v!r}")
    if not lo <= int(v) <= hi:
        raise OperandError(op, name, f"{int(v)} outside {lo}..{hi}")
    return int(v)


def int32_vector(op: str, name: str, v, length: int) -> np.ndarray | None:
    if v is None:
        return None
    arr = np.asarray(v)
    if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.integer):
        raise OperandError(op, name, f"must hold integers (int32), got dtype {arr.dtype}")
    if arr.shape != (length,):
        raise OperandError(op, name, f"must have shape ({length},), one per output channel, got {arr.shape}")
    if arr.size and (arr.min() < -(1 << 31) or arr.max() >= 1 << 31):
        raise OperandError(op, name, "values outside int32")
    return arr.astype(np.int64)


def pair(op: str, name: str, v, lo: int, hi: int) -> tuple[int, int]:
    """A per-axis (y, x) pair, or one integer for both."""
    vals = (v, v) if np.isscalar(v) else tuple(v)
    if len(vals) != 2:
        raise OperandError(op, name, f"must be one integer or (y, x), got {v!r}")
    return tuple(int_scalar(op, f"{name}[{k}]", x, lo, hi) for k, x in enumerate(vals))


def pads4(op: str, v, hi: int = 15) -> tuple[int, int, int, int]:
    """(top, left, bottom, right), or one integer for all four; LOAD's pad fields hold 0..15."""
    vals = (v,) * 4 if np.isscalar(v) else tuple(v)
    if len(vals) != 4:
        raise OperandError(op, "pads", f"must be one integer or (top, left, bottom, right), got {v!r}")
    return tuple(int_scalar(op, f"pads[{k}]", x, 0, hi) for k, x in enumerate(vals))


def requantiser(op: str, rq, channels: int):
    if not hasattr(rq, "per_channel"):
        raise OperandError(op, "requantiser", f"must be a Requant or RequantPerChannel, got {type(rq).__name__}")
    if rq.per_channel and len(rq.multipliers) != channels:
        raise OperandError(op, "requantiser", f"{len(rq.multipliers)} per-channel multipliers for {channels} "
                                              f"output channels")
    return rq


# What an instruction field holds, for the message when a shape needs more of it.
_FIELD_MEANING = {"x": "elements per row", "y": "rows of elements", "xs": "DRAM bytes between elements",
                  "ys": "DRAM bytes between rows", "row": "a scratchpad/accumulator row", "addr": "a DRAM address",
                  "m": "activation rows", "count": "rows", "pitch": "scratchpad rows between input rows",
                  "a_row": "a scratchpad row", "w_row": "a scratchpad row", "acc_row": "an accumulator row",
                  "b_row": "a scratchpad row", "qrow": "an accumulator row", "kh": "window rows",
                  "kw": "window elements", "value": "a PAD value"}
_FIELD_ERROR = re.compile(r"^(\w+)\.(\w+)=(-?\d+) outside (-?\d+)\.\.(-?\d+)$")


@contextmanager
def isa_limits(op: str, shapes: str):
    """An instruction field out of range while lowering `op` (of `shapes`) becomes an OperandError that says
    which limit of the ISA the operator's shape exceeds."""
    try:
        yield
    except OperandError:
        raise
    except ValueError as e:
        m = _FIELD_ERROR.match(str(e))
        if not m:
            raise
        ins, fld, v, lo, hi = m.groups()
        meaning = _FIELD_MEANING.get(fld, "a field")
        raise OperandError(op, shapes, f"needs a {ins} with {fld}={v} ({meaning}), beyond the ISA's "
                                       f"{lo}..{hi} (docs/isa.md section 3)") from None


def lowering(op: str):
    """A lowering whose instruction-field overflows are reported as `isa_limits` does, with its operands' shapes."""
    def wrap(fn):
        @functools.wraps(fn)
        def lowered(cfg, *args, **kw):
            shapes = ", ".join(str(a.shape) for a in args if isinstance(a, (np.ndarray, DramTensor)))
            with isa_limits(op, f"operands {shapes}"):
                return fn(cfg, *args, **kw)
        return lowered
    return wrap
