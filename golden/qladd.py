"""QLinearAdd as onnxruntime's x86 CPU provider computes it, emulated with integers only (docs/isa.md, VADD).

onnxruntime (mlas `qladd.cpp`) forms three float32 constants on the host,
    ra = sa / sc,  rb = sb / sc,  fixed = zc - (ra·za + rb·zb)     (each operation rounded to float32),
and for every element computes two fused multiply-adds and a round-half-even conversion:
    t1 = fma(b, rb, fixed);  t2 = fma(a, ra, t1);  y = clamp(round_half_even(t2)).
An FMA rounds once, so t1 is the exact value `b·rb + fixed` rounded to 24 significant bits, ties to even.
Every float32 inside the VCONFIG ranges (`check_constants`) is an integer multiple of 2^-GRID_BITS, so the
hardware (and this model) computes each exact sum as an integer in units of 2^-GRID_BITS and rounds it with
R24, the requantiser's rounding:
    T1 = R24(b·RB + F);  T2 = R24(a·RA + T1);  y = clamp(RNE(T2, GRID_BITS))
with RA, RB, F the constants times 2^GRID_BITS. Magnitudes stay below 2^(28 + GRID_BITS), within 112 bits.

u8 tensors live in the scratchpad as s8 with 128 subtracted (a zero point moves the same way, and every other
operator is unchanged by that shift). QLinearAdd's float arithmetic is not shift-invariant, so VADD's `u8`
flag adds 128 back to each input lane and subtracts it from the result, which is clamped to 0…255 first.

Float appears only in `constants_from_scales` (host-side parameter derivation, as onnxruntime does it).
"""
from __future__ import annotations

import numpy as np

GRID_BITS = 80          # every legal constant is a multiple of 2^-80: the exact sums are integers on this grid
MANT_BITS = 24
# Exponent (of the value, not of its last bit) ranges VCONFIG accepts, value = 1.f · 2^e:
RATIO_EXP = (-32, 15)   # ra, rb: +0 or positive normal with 2^-32 <= r < 2^16
FIXED_EXP = (-56, 25)   # fixed: ±0 or normal with 2^-56 <= |fixed| < 2^26


def f32_bits(v) -> int:
    return int(np.asarray(v, dtype=np.float32).view(np.uint32))


def f32_parts(bits: int) -> tuple[int, int, int]:
    """(sign, biased exponent, 23-bit fraction) of a float32 bit pattern."""
    return bits >> 31 & 1, bits >> 23 & 0xFF, bits & 0x7FFFFF


def constant_error(name: str, bits: int) -> str | None:
    """Why VCONFIG rejects this constant (None: legal). ra and rb must be +0 or positive normal in range;
    fixed may have either sign."""
    if not 0 <= bits < 1 << 32:
        return f"{name}={bits:#x} is not a 32-bit pattern"
    sign, exp, frac = f32_parts(bits)
    lo, hi = RATIO_EXP if name in ("ra", "rb") else FIXED_EXP
    if exp == 0 and frac == 0:
        return None if (sign == 0 or name == "fixed") else f"{name} is -0"
    if exp == 0xFF:
        return f"{name} is {'NaN' if frac else 'infinite'}"
    if exp == 0:
        return f"{name} is subnormal"
    if sign and name != "fixed":
        return f"{name} is negative"
    e = exp - 127
    if not lo <= e <= hi:
        return f"{name} has exponent {e}, outside {lo}..{hi}"
    return None


def check_constants(ra: int, rb: int, fixed: int) -> None:
    for name, bits in (("ra", ra), ("rb", rb), ("fixed", fixed)):
        why = constant_error(name, bits)
        if why:
            raise ValueError(f"VCONFIG: {why}")


def to_grid(bits: int) -> int:
    """The float32 value times 2^GRID_BITS, exact (the constant must be legal)."""
    sign, exp, frac = f32_parts(bits)
    if exp == 0:
        return 0
    mant = frac | 1 << 23
    sh = exp - 127 - 23 + GRID_BITS
    assert sh >= 0, "a legal constant is a multiple of 2^-GRID_BITS"
    v = mant << sh
    return -v if sign else v


def rne_shift(v: int, s: int) -> int:
    """round_half_even(v / 2^s), symmetric in sign (Python integers, any size)."""
    if s <= 0:
        return v << -s
    mag = -v if v < 0 else v
    t, d = mag >> s, mag & ((1 << s) - 1)
    half = 1 << (s - 1)
    if d > half or (d == half and t & 1):
        t += 1
    return -t if v < 0 else t


def r24(v: int) -> int:
    """Round to 24 significant bits, ties to even: float32 rounding of an integer (no exponent limit here)."""
    s = max(abs(v).bit_length() - MANT_BITS, 0)
    return rne_shift(v, s) << s


def _t1(b: int, rb_grid: int, fixed_grid: int, u8: bool) -> int:
    """T1 = R24(b·RB + F), with b the stored lane value."""
    return r24((b + 128 if u8 else b) * rb_grid + fixed_grid)


def _result(a: int, t1: int, ra_grid: int, u8: bool) -> int:
    """T2 = R24(a·RA + T1), rounded to an integer and clamped, as the stored (s8) result."""
    y = rne_shift(r24((a + 128 if u8 else a) * ra_grid + t1), GRID_BITS)
    return min(max(y, 0), 255) - 128 if u8 else min(max(y, -128), 127)


def qladd_scalar(a: int, b: int, ra: int, rb: int, fixed: int, u8: bool = False) -> int:
    """One lane: a, b are the stored (s8) lane values; returns the stored (s8) result."""
    return _result(a, _t1(b, to_grid(rb), to_grid(fixed), u8), to_grid(ra), u8)


def qladd(a, b, ra: int, rb: int, fixed: int, u8: bool = False) -> np.ndarray:
    """Elementwise over int8 arrays of one shape. The constants go onto the grid once, T1 is computed once per
    distinct b (at most 256) and the result once per distinct (a, b) pair (at most 65,536)."""
    check_constants(ra, rb, fixed)
    a = np.asarray(a, dtype=np.int8)
    b = np.asarray(b, dtype=np.int8)
    if a.shape != b.shape:
        raise ValueError(f"qladd operands differ in shape: {a.shape} vs {b.shape}")
    ra_g, rb_g, fixed_g = to_grid(ra), to_grid(rb), to_grid(fixed)
    code = (a.astype(np.int32) + 128) * 256 + (b.astype(np.int32) + 128)
    uniq, inverse = np.unique(code.ravel(), return_inverse=True)
    t1 = {int(v) - 128: _t1(int(v) - 128, rb_g, fixed_g, u8) for v in np.unique(uniq % 256)}
    vals = np.array([_result(int(c) // 256 - 128, t1[int(c) % 256 - 128], ra_g, u8) for c in uniq], dtype=np.int8)
    return vals[inverse].reshape(a.shape)


def constants_from_scales(sa, za: int, sb, zb: int, sc, zc: int) -> tuple[int, int, int]:
    """(ra, rb, fixed) float32 bit patterns as onnxruntime's x86 build forms them (host side; zero points as
    the model stores them: int8, or uint8 for u8 tensors). Its compiler contracts `ra·za + rb·zb` into one
    FMA: fixed = zc - fma(ra, za, rb·zb). Measured here: the unfused form differs from onnxruntime on about
    1 output in 400,000, the contracted one on none."""
    f = np.float32
    ra, rb = f(f(sa) / f(sc)), f(f(sb) / f(sc))
    # Exact arithmetic on float32's finest grid (2^-149), each rounding to 24 significant bits an explicit r24.
    g_ra, g_rb = _host_grid(ra), _host_grid(rb)
    fixed = r24((int(zc) << _HOST_GRID) - r24(g_ra * int(za) + r24(g_rb * int(zb))))
    return f32_bits(ra), f32_bits(rb), _host_bits(fixed)


_HOST_GRID = 149        # every finite float32 is a multiple of 2^-149


def _host_grid(v) -> int:
    sign, exp, frac = f32_parts(f32_bits(v))
    if exp == 0xFF:
        raise ValueError(f"QLinearAdd scale ratio {float(v)!r} is not finite")
    mant, e = (frac, 1 - 127 - 23) if exp == 0 else (frac | 1 << 23, exp - 127 - 23)
    g = mant << (e + _HOST_GRID)
    return -g if sign else g


def _host_bits(g: int) -> int:
    """A value on the 2^-149 grid with at most 24 significant bits -> its float32 bit pattern."""
    val = np.float32(float(g) * 2.0 ** -_HOST_GRID)     # exact: g has at most 24 significant bits
    if not np.isfinite(val):
        raise ValueError("QLinearAdd fixed term overflows float32")
    return f32_bits(val)
