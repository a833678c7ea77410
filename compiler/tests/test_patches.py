"""The network input laid out as its first convolution's patches (compiler/patches.py): the patch matrix times
the reshaped weights is the convolution, a first conv with few channels compiles to a GEMM on patches that is
bit-exact with onnxruntime (batches too), and the compiler keeps the channels-last input when there is nothing
to gain or the cycle model says the convolution is faster."""
from __future__ import annotations

import numpy as np
import pytest

from compiler import layers
from compiler.network import compile_model
from compiler.patches import Patches
from compiler.reference import Reference
from golden.isa import MachineConfig
from golden.qops import conv_acc

from .qmodels import conv_model


@pytest.mark.parametrize("c, k, stride, pads", [(3, 3, (1, 1), (1, 1, 1, 1)), (1, 5, (2, 1), (2, 0, 1, 2)),
                                                 (3, 7, (2, 2), (3, 3, 3, 3)), (2, 1, (1, 1), (0, 0, 0, 0))])
def test_patches_times_weights_is_the_convolution(c, k, stride, pads):
    rng = np.random.default_rng(c * 10 + k)
    h, w, cout, za = 11, 9, 5, -7
    x = rng.integers(-128, 128, (h, w, c), dtype=np.int8)
    wt = rng.integers(-128, 128, (k, k, c, cout), dtype=np.int8)
    oh = (h + pads[0] + pads[2] - k) // stride[0] + 1
    ow = (w + pads[1] + pads[3] - k) // stride[1] + 1
    pt = Patches(k, k, stride, pads, oh, ow, c, -(-k * k * c // 8) * 8)
    cols = pt.im2col(x[None], za)[0].astype(np.int64)
    got = (cols - za) @ pt.weights(wt).astype(np.int64)      # the padding lanes meet zero weight rows
    assert np.array_equal(got.reshape(oh, ow, cout), conv_acc(x, wt, None, za, stride, pads))


def _rgb_model(cin=3, cout=8):
    w = np.random.default_rng(5).integers(-100, 100, (cout, cin, 3, 3)).astype(np.int8)
    return conv_model(w, in_shape=("n", cin, 12, 12), pads=[1, 1, 1, 1])


@pytest.mark.parametrize("batch", [1, 3])
def test_a_first_conv_with_few_channels_runs_on_patches_bit_exact(batch):
    q = _rgb_model()
    net = compile_model(q, MachineConfig(n=8, dram_bytes=1 << 18), batch)
    assert net.input.patches is not None and net.input.stored_shape == (144, 32)
    assert net.manifest()["input"]["layout"].startswith("patches of a 3x3")
    assert net.segments[0].op == "QLinearConv"
    x = np.random.default_rng(batch).random((batch, 3, 12, 12), dtype=np.float32)
    got, _ = net.run_golden(x)
    want, _ = Reference(q).run(x)
    assert int((got != want).sum()) == 0 and got.size == batch * 8 * 12 * 12


def test_a_first_conv_with_n_channels_keeps_the_image_channels_last():
    net = compile_model(_rgb_model(cin=8), MachineConfig(n=8, dram_bytes=1 << 18))
    assert net.input.patches is None and net.manifest()["input"]["layout"] == "channels-last"


def test_the_cycle_model_decides(monkeypatch):
    """A model that times every longer program faster prefers the convolution (more instructions than the
    GEMM): the input stays channels-last, and the bytes are the same."""
    class LongerIsFaster:
        def __init__(self, *a, **k):
            pass

        def run(self, prog):
            return type("P", (), {"cycles": -len(prog)})()
    q = _rgb_model()
    monkeypatch.setattr(layers, "CycleModel", LongerIsFaster)
    net = compile_model(q, MachineConfig(n=8, dram_bytes=1 << 18))
    assert net.input.patches is None
    x = np.random.default_rng(0).random((1, 3, 12, 12), dtype=np.float32)
    assert np.array_equal(net.run_golden(x)[0], Reference(q).run(x)[0])


def test_a_large_first_conv_takes_the_patches_untimed(monkeypatch):
    """Above PATCHES_TIMED_LIMIT MAC cycles the layer is MAC-bound and the fewer chunks win without the model
    (timing both lowerings of a ResNet-50-sized first layer cost seconds of every compile)."""
    class Refuses:
        def __init__(self, *a, **k):
            raise AssertionError("the cycle model was asked")
    monkeypatch.setattr(layers, "CycleModel", Refuses)
    w = np.random.default_rng(5).integers(-100, 100, (16, 3, 3, 3)).astype(np.int8)
    net = compile_model(conv_model(w, in_shape=("n", 3, 96, 96), pads=[1, 1, 1, 1]), MachineConfig(n=8, dram_bytes=1 << 20))
    assert 96 * 96 * 9 * 2 > layers.PATCHES_TIMED_LIMIT and net.input.patches is not None
