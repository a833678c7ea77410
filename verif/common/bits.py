"""Packing lanes into the flat vectors of RTL ports, and back."""
from __future__ import annotations

import numpy as np


def pack(values, bits: int) -> int:
    """Lane i of `values` into bits [i*bits, (i+1)*bits) of one integer (two's complement per lane)."""
    mask = (1 << bits) - 1
    word = 0
    for i, v in enumerate(values):
        word |= (int(v) & mask) << (i * bits)
    return word


def unpack_signed(word: int, n: int, bits: int) -> np.ndarray:
    """The inverse of pack: n signed lanes of `bits` bits."""
    mask, sign = (1 << bits) - 1, 1 << (bits - 1)
    vals = [(word >> (i * bits)) & mask for i in range(n)]
    return np.array([v - (1 << bits) if v & sign else v for v in vals], dtype=np.int64)
