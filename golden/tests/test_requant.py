"""The integer requantiser against float32 arithmetic done by numpy (the semantics it must reproduce)."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from golden.requant import (bit_length, decompose_float32, multiplier_from_scales, requantize, rne_shift,
                            round_to_24_bits)


def float32_model(acc, m32, zp, relu=False):
    """What onnxruntime computes, written with numpy float32: the test oracle, never the golden path."""
    y = np.rint(np.asarray(acc).astype(np.float32) * np.float32(m32)).astype(np.int64) + zp
    return np.clip(y, zp if relu else -128, 127).astype(np.int8)


def test_bit_length_matches_python():
    vals = np.array([0, 1, 2, 3, 255, 256, (1 << 31) - 1, 1 << 40, (1 << 62) + 5], np.int64)
    assert bit_length(vals).tolist() == [int(v).bit_length() for v in vals]


@given(st.integers(-(1 << 62), 1 << 62), st.integers(0, 63))
def test_rne_shift_is_round_half_even(v, s):
    from fractions import Fraction
    exact = Fraction(v, 1 << s)
    fl = exact.numerator // exact.denominator
    frac = exact - fl
    want = fl + (1 if frac > Fraction(1, 2) or (frac == Fraction(1, 2) and fl % 2) else 0)
    assert int(rne_shift(np.array([v]), s)[0]) == want


@given(st.integers(-(1 << 31), (1 << 31) - 1))
def test_r24_of_int32_is_float32_conversion(v):
    assert int(round_to_24_bits(np.array([v]))[0]) == int(np.float32(v))


def test_r24_ties_around_2_pow_24_exhaustively():
    v = np.arange((1 << 24) - 4096, (1 << 24) + 65536, dtype=np.int64)
    for sign in (1, -1):
        assert np.array_equal(round_to_24_bits(sign * v), (sign * v).astype(np.float32).astype(np.int64))


@pytest.mark.parametrize("m32", [0.5, 2.0 ** -8, 3 * 2.0 ** -12, 0.3, 1.7e-6, 0.9999999, 2.0 ** -30, 1.25])
def test_requantize_equals_float32_model_on_a_window(m32):
    m32 = np.float32(m32)
    mult, shift = decompose_float32(m32)
    centre = int(40 / float(m32))
    acc = np.arange(centre - 200_000, centre + 200_000, dtype=np.int64).clip(-(1 << 31), (1 << 31) - 1)
    for zp, relu in ((0, False), (-100, True), (77, False)):
        assert np.array_equal(requantize(acc, mult, shift, zp, relu), float32_model(acc, m32, zp, relu))


F32_BITS = st.integers(int(np.float32(2.0 ** -40).view(np.uint32)), int(np.float32(1000.0).view(np.uint32)))


@given(st.integers(-(1 << 31), (1 << 31) - 1), F32_BITS, st.integers(-128, 127), st.booleans())
def test_requantize_equals_float32_model_random(acc, m_bits, zp, relu):
    m = np.uint32(m_bits).view(np.float32)
    mult, shift = decompose_float32(m)
    assert requantize([acc], mult, shift, zp, relu)[0] == float32_model([acc], m, zp, relu)[0]


def test_decompose_is_exact_and_rejects_unencodable():
    for m in (0.5, 1e-9, 123.0, 2.0 ** -40):
        mult, shift = decompose_float32(np.float32(m))
        assert mult < (1 << 24) and 0 <= shift <= 63
        assert mult * 2.0 ** -shift == float(np.float32(m))
    assert decompose_float32(np.float32(0)) == (0, 0)
    for bad in (1e-30, -0.5, np.inf):
        with pytest.raises(ValueError):
            decompose_float32(np.float32(bad))


def test_multiplier_from_scales_rounds_like_onnxruntime():
    mult, shift = multiplier_from_scales(0.1, 0.2, 0.3)
    m32 = np.float32(np.float32(np.float32(0.1) * np.float32(0.2)) / np.float32(0.3))
    assert mult * 2.0 ** -shift == float(m32)


def test_single_rounding_differs_somewhere():
    """The double rounding matters: a single rounding of the exact product disagrees on some input,
    so the tests above would catch an implementation that took the shortcut."""
    m32 = np.float32(0.3)
    mult, shift = decompose_float32(m32)
    acc = np.arange(-(1 << 22), 1 << 22, dtype=np.int64)
    single = np.clip(rne_shift(acc * mult, shift), -128, 127)
    assert (single != requantize(acc, mult, shift, 0)).any()
