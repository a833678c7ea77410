"""The cross-check's second comparison for the vector unit's operators and per-channel requantisation: each
case's operator lowered to an npu8 program (golden/vector_lowering.py, golden/ops.py) and run on the ISA
simulator, its output read back from DRAM (in the accelerator's s8 storage, as the cases' `want` is).

The machine cycles through N = 4, 8, 16 from one case to the next, with memories large enough for the
biggest case of each section."""
from __future__ import annotations

import itertools
from typing import Callable

import numpy as np

from . import qops
from .isa import MachineConfig
from .ops import Requant, lower_conv2d, lower_gemm
from .qladd import constants_from_scales
from .vector_lowering import lower_depthwise_conv, lower_global_avgpool, lower_maxpool, lower_qlinear_add

_N = itertools.cycle((4, 8, 16))


class NotLowerable(Exception):
    """The lowering refuses this case (a limit of the ISA or of the lowering, named in the message): the
    cross-check counts such cases apart instead of comparing them."""


def _machine(data_bytes: int = 0) -> MachineConfig:
    """The next N, with DRAM for the case's data (its inputs and outputs, twice over) and the program."""
    dram = 1 << max(24, (4 * data_bytes).bit_length())
    return MachineConfig(n=next(_N), sp_rows=16384, acc_rows=2048, dram_bytes=min(dram, 1 << 32))


def _run(lower: Callable, *args, **kw) -> np.ndarray:
    try:
        low = lower(*args, **kw)
    except ValueError as e:
        raise NotLowerable(str(e)) from None
    return low.run()[0]


def qladd(case) -> np.ndarray:
    a = case.args
    ra, rb, fixed = constants_from_scales(a["sa"], a["za"], a["sb"], a["zb"], a["sc"], a["zc"])
    return _run(lower_qlinear_add, _machine(), a["a"], a["b"], ra, rb, fixed, u8=a["u8"])


def maxpool(case) -> np.ndarray:
    """ceil_mode becomes extra trailing padding (a window that ceil mode keeps starts inside the input or the
    leading padding, so the extra pad rows are −128 that never win)."""
    a = case.args
    x, kh, kw, sy, sx = a["x_hwc"], a["kh"], a["kw"], a["sy"], a["sx"]
    pt, pl, pb, pr = a["pads"]
    h, w, _ = x.shape
    oh = qops.pool_output_size(h, kh, sy, pt, pb, a["ceil_mode"])
    ow = qops.pool_output_size(w, kw, sx, pl, pr, a["ceil_mode"])
    pb = max(pb, (oh - 1) * sy + kh - h - pt)
    pr = max(pr, (ow - 1) * sx + kw - w - pl)
    return _run(lower_maxpool, _machine(), x, (kh, kw), (sy, sx), (pt, pl, pb, pr))


def gap(case) -> np.ndarray:
    a = case.args
    h, w, _ = a["x_hwc"].shape
    rq = Requant(*qops.gap_multiplier(a["s_in"], a["s_out"], h * w), int(a["z_out"]))
    return _run(lower_global_avgpool, _machine(a["x_hwc"].nbytes), a["x_hwc"], int(a["z_in"]), rq)


def conv_pc(case) -> np.ndarray:
    a = case.args
    rq = qops.per_channel_requant(a["sa"], a["sw_vec"], a["sy"], a["zy"])
    return _run(lower_conv2d, _machine(), a["x_hwc"], a["w_hwio"], a["bias"], int(a["za"]), rq,
                             a.get("stride", (1, 1)), a.get("pads", (0, 0, 0, 0)))


def depthwise(case) -> np.ndarray:
    a = case.args
    rq = qops.per_channel_requant(a["sa"], a["sw_vec"], a["sy"], a["zy"])
    return _run(lower_depthwise_conv, _machine(), a["x_hwc"], a["w_khkwc"], a["bias"], int(a["za"]), rq,
                                     a.get("stride", (1, 1)), a.get("pads", (0, 0, 0, 0)))


def matmul_pc(case) -> np.ndarray:
    a = case.args
    rq = qops.per_channel_requant(a["sa"], a["sw_vec"], a["sy"], a["zy"])
    return _run(lower_gemm, _machine(), np.asarray(a["a"], np.int8), np.asarray(a["w"], np.int8), None,
                int(a["za"]), rq)


def qgemm(case) -> np.ndarray:
    a = case.args
    rq = qops.per_channel_requant(a["sa"], a["sw_vec"], a["sy"], a["zy"])
    return _run(lower_gemm, _machine(), np.asarray(a["a"], np.int8), np.asarray(a["w"], np.int8), a["bias"],
                int(a["za"]), rq)


LOWERED: dict[str, Callable] = {"qladd": qladd, "maxpool": maxpool, "gap": gap, "conv_pc": conv_pc,
                                "depthwise": depthwise, "matmul_pc": matmul_pc, "qgemm": qgemm}
