"""Integer-only requantisation, bit-exact with onnxruntime's float32 arithmetic (docs/isa.md, section 4).

No floating point touches a result here: float32 appears only in `multiplier_from_scales`, which derives the
integer (multiplier, shift) pair from tensor scales the way the host (and onnxruntime) does.
"""
from __future__ import annotations

import numpy as np

MANT_BITS = 24


def bit_length(v: np.ndarray) -> np.ndarray:
    """Bit length of non-negative int64 values (0 for 0), by a 6-step binary search."""
    v = np.asarray(v, dtype=np.int64)
    n = np.zeros(v.shape, dtype=np.int64)
    x = v.copy()
    for step in (32, 16, 8, 4, 2, 1):
        hit = (x >> step) > 0
        n = np.where(hit, n + step, n)
        x = np.where(hit, x >> step, x)
    return n + (x > 0)


def rne_shift(v: np.ndarray, s: np.ndarray) -> np.ndarray:
    """round_half_even(v / 2**s) for int64 v (any sign) and 0 <= s <= 63, symmetric in sign."""
    v = np.asarray(v, dtype=np.int64)
    s = np.broadcast_to(np.asarray(s, dtype=np.int64), v.shape)
    mag = np.abs(v)
    t = mag >> s
    d = mag - (t << s)
    half = np.where(s > 0, np.int64(1) << np.maximum(s - 1, 0), np.int64(0))
    up = (s > 0) & ((d > half) | ((d == half) & ((t & 1) == 1)))
    t = t + up
    return np.where(v < 0, -t, t)


def round_to_24_bits(v: np.ndarray) -> np.ndarray:
    """R24: round to 24 significant bits, ties to even; equals float32(v) for integers up to 2^62."""
    v = np.asarray(v, dtype=np.int64)
    s = np.maximum(bit_length(np.abs(v)) - MANT_BITS, 0)
    return rne_shift(v, s) << s


def requantize(acc, multiplier: int, shift: int, out_zp: int, relu: bool = False) -> np.ndarray:
    """int32 accumulators -> int8, the four integer steps of docs/isa.md section 4."""
    if not 0 <= multiplier < (1 << MANT_BITS):
        raise ValueError(f"multiplier {multiplier} is not a 24-bit unsigned integer")
    if not 0 <= shift <= 63:
        raise ValueError(f"shift {shift} outside 0..63")
    if not -128 <= out_zp <= 127:
        raise ValueError(f"out_zp {out_zp} outside int8")
    a = np.asarray(acc, dtype=np.int64)
    f = round_to_24_bits(a)
    q = round_to_24_bits(f * np.int64(multiplier))
    r = rne_shift(q, shift)
    lo = out_zp if relu else -128
    return np.clip(r + out_zp, lo, 127).astype(np.int8)


def requantize_lanes(acc, multipliers, shifts, out_zp: int, relu: bool = False) -> np.ndarray:
    """Per-channel requantisation (docs/isa.md 4.1): `requantize` with a (multiplier, shift) per lane of the
    last axis (scalars broadcast), the same four integer steps."""
    a = np.asarray(acc, np.int64)
    m = np.asarray(multipliers, np.int64)
    s = np.asarray(shifts, np.int64)
    if np.any((m < 0) | (m >= 1 << MANT_BITS)):
        raise ValueError("requantisation multipliers must be 24-bit unsigned integers")
    if np.any((s < 0) | (s > 63)):
        raise ValueError("requantisation shifts must lie in 0..63")
    if not -128 <= int(out_zp) <= 127:
        raise ValueError(f"out_zp {out_zp} outside int8")
    if a.ndim and m.ndim and m.shape[-1] != a.shape[-1]:
        raise ValueError(f"{m.shape[-1]} multipliers for {a.shape[-1]} lanes")
    q = round_to_24_bits(round_to_24_bits(a) * m)
    r = rne_shift(q, np.broadcast_to(s, q.shape))
    return np.clip(r + int(out_zp), int(out_zp) if relu else -128, 127).astype(np.int8)


def pack_lane_params(multipliers, shifts) -> np.ndarray:
    """The int32 ACC row a per-channel STORE reads its parameters from: lane value shift << 24 | multiplier."""
    m = np.asarray(multipliers, dtype=np.int64)
    s = np.asarray(shifts, dtype=np.int64)
    if ((m < 0) | (m >= 1 << MANT_BITS)).any() or ((s < 0) | (s > 63)).any():
        raise ValueError("per-channel multiplier must be 24-bit unsigned and shift 0..63")
    v = (s << 24) | m
    return ((v + (1 << 31)) % (1 << 32) - (1 << 31)).astype(np.int32)


def multiplier_from_scales(s_a: float, s_w: float, s_y: float) -> tuple[int, int]:
    """(multiplier, shift) such that multiplier * 2**-shift == float32(float32(s_a*s_w)/s_y) exactly.

    This is host-side parameter derivation, the only place float is used; it mirrors how onnxruntime forms
    the real multiplier (in float32) so that the integer datapath reproduces onnxruntime bit for bit.
    """
    m32 = np.float32(np.float32(np.float32(s_a) * np.float32(s_w)) / np.float32(s_y))
    return decompose_float32(m32)


def decompose_float32(m32) -> tuple[int, int]:
    bits = int(np.asarray(m32, dtype=np.float32).view(np.uint32))
    if bits >> 31:
        raise ValueError(f"requantisation multiplier {m32} is negative")
    exp = (bits >> 23) & 0xFF
    frac = bits & 0x7FFFFF
    if exp == 0xFF:
        raise ValueError(f"requantisation multiplier {m32} is not finite")
    if exp == 0:
        if frac == 0:
            return 0, 0
        raise ValueError(f"requantisation multiplier {m32} is subnormal; shift would exceed 63")
    mant = frac | (1 << 23)
    shift = 23 - (exp - 127)
    # Trailing zero bits of the mantissa can be traded for a smaller shift, reaching large M values too.
    while shift < 0 and mant % 2 == 0:
        mant >>= 1
        shift += 1
    if not 0 <= shift <= 63:
        raise ValueError(f"requantisation multiplier {float(m32)!r} needs shift {shift}, outside 0..63")
    return mant, shift
