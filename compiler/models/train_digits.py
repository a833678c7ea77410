"""Train the built-in digits network and write its float ONNX model (compiler/models/digits_cnn.onnx).

scikit-learn's 8x8 digits (1,797 images, the one real image set that ships offline), a fixed split: 360 test
images held out, the rest for training. The network has every operator the compiler must place on npu8:

    input [N,1,8,8]
    Conv 3x3 1->8 pad 1, Relu              8x8x8
    MaxPool 2x2 stride 2                   4x4x8
    residual block: Conv 3x3 8->8, Relu, Conv 3x3 8->8, Add (the block's input), Relu
    depthwise-separable block: Conv 3x3 group=8 (depthwise), Relu, Conv 1x1 8->16, Relu
    GlobalAveragePool, Flatten, Gemm 16->10 (logits)

Trained with numpy alone (forward and backward written out, stride-1 convolutions, Adam), seeded, so the same
run writes the same model: `python -m compiler.models.train_digits [--epochs 100] [--out PATH]`.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
MODEL = HERE / "digits_cnn.onnx"
TEST_IMAGES = 360
SEED = 7


def digits_split():
    """(train images, train labels, test images, test labels): float32 [N,1,8,8] scaled to 0..1, a fixed split."""
    from sklearn.datasets import load_digits
    d = load_digits()
    x = (d.images / 16.0).astype(np.float32)[:, None]
    y = d.target.astype(np.int64)
    order = np.random.default_rng(SEED).permutation(len(x))
    test, train = order[:TEST_IMAGES], order[TEST_IMAGES:]
    return x[train], y[train], x[test], y[test]


# -- layers: forward returns (output, cache); backward returns (input gradient, parameter gradients) ----------
def _windows(x, k, pad):
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    return xp, np.lib.stride_tricks.sliding_window_view(xp, (k, k), axis=(2, 3))   # [N,C,H,W,k,k]


def conv_fwd(x, w, b, pad, groups=1):
    k = w.shape[2]
    xp, win = _windows(x, k, pad)
    if groups == 1:
        out = np.einsum("nchwij,ocij->nohw", win, w, optimize=True)
    else:                                  # depthwise: one filter per channel, w [C,1,k,k]
        out = np.einsum("nchwij,cij->nchw", win, w[:, 0], optimize=True)
    return out + b[None, :, None, None], (x, w, pad, groups, xp.shape)


def conv_bwd(dout, cache):
    x, w, pad, groups, xp_shape = cache
    k = w.shape[2]
    _, win = _windows(x, k, pad)
    db = dout.sum(axis=(0, 2, 3))
    dxp = np.zeros(xp_shape, np.float32)
    oh, ow = dout.shape[2:]
    if groups == 1:
        dw = np.einsum("nchwij,nohw->ocij", win, dout, optimize=True)
        for i in range(k):
            for j in range(k):
                dxp[:, :, i:i + oh, j:j + ow] += np.einsum("nohw,oc->nchw", dout, w[:, :, i, j], optimize=True)
    else:
        dw = np.einsum("nchwij,nchw->cij", win, dout, optimize=True)[:, None]
        for i in range(k):
            for j in range(k):
                dxp[:, :, i:i + oh, j:j + ow] += dout * w[None, :, 0, i, j, None, None]
    return dxp[:, :, pad:pad + x.shape[2], pad:pad + x.shape[3]], (dw, db)


def relu_fwd(x):
    return np.maximum(x, 0), x


def relu_bwd(dout, x):
    return dout * (x > 0)


def pool_fwd(x):
    n, c, h, w = x.shape
    r = x.reshape(n, c, h // 2, 2, w // 2, 2)
    out = r.max(axis=(3, 5))
    mask = r == out[:, :, :, None, :, None]
    return out, (mask, x.shape)


def pool_bwd(dout, cache):
    mask, shape = cache
    first = mask & (np.cumsum(np.cumsum(mask, axis=3), axis=5) == 1)     # one winner per window
    return (first * dout[:, :, :, None, :, None]).reshape(shape)


class DigitsCNN:
    def __init__(self, rng):
        def he(*shape, fan_in):
            return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)
        self.p = {"c1w": he(8, 1, 3, 3, fan_in=9), "c1b": np.zeros(8, np.float32),
                  "r1w": he(8, 8, 3, 3, fan_in=72), "r1b": np.zeros(8, np.float32),
                  "r2w": he(8, 8, 3, 3, fan_in=72) * 0.5, "r2b": np.zeros(8, np.float32),
                  "dww": he(8, 1, 3, 3, fan_in=9), "dwb": np.zeros(8, np.float32),
                  "pww": he(16, 8, 1, 1, fan_in=8), "pwb": np.zeros(16, np.float32),
                  "fcw": he(10, 16, fan_in=16), "fcb": np.zeros(10, np.float32)}

    def forward(self, x):
        p, c = self.p, {}
        h, c["c1"] = conv_fwd(x, p["c1w"], p["c1b"], 1)
        h, c["a1"] = relu_fwd(h)
        h, c["pool"] = pool_fwd(h)
        skip = h
        h, c["r1"] = conv_fwd(h, p["r1w"], p["r1b"], 1)
        h, c["a2"] = relu_fwd(h)
        h, c["r2"] = conv_fwd(h, p["r2w"], p["r2b"], 1)
        h, c["a3"] = relu_fwd(h + skip)
        h, c["dw"] = conv_fwd(h, p["dww"], p["dwb"], 1, groups=8)
        h, c["a4"] = relu_fwd(h)
        h, c["pw"] = conv_fwd(h, p["pww"], p["pwb"], 0)
        h, c["a5"] = relu_fwd(h)
        c["gap_shape"] = h.shape
        g = h.mean(axis=(2, 3))
        c["g"] = g
        return g @ p["fcw"].T + p["fcb"], c

    def backward(self, dlogits, c):
        p, gr = self.p, {}
        gr["fcw"], gr["fcb"] = dlogits.T @ c["g"], dlogits.sum(0)
        dg = dlogits @ p["fcw"]
        n, ch, hh, ww = c["gap_shape"]
        dh = np.broadcast_to(dg[:, :, None, None] / (hh * ww), c["gap_shape"]).astype(np.float32)
        dh = relu_bwd(dh, c["a5"])
        dh, (gr["pww"], gr["pwb"]) = conv_bwd(dh, c["pw"])
        dh = relu_bwd(dh, c["a4"])
        dh, (gr["dww"], gr["dwb"]) = conv_bwd(dh, c["dw"])
        dsum = relu_bwd(dh, c["a3"])
        dh, (gr["r2w"], gr["r2b"]) = conv_bwd(dsum, c["r2"])
        dh = relu_bwd(dh, c["a2"])
        dh, (gr["r1w"], gr["r1b"]) = conv_bwd(dh, c["r1"])
        dh = dh + dsum
        dh = pool_bwd(dh, c["pool"])
        dh = relu_bwd(dh, c["a1"])
        _, (gr["c1w"], gr["c1b"]) = conv_bwd(dh, c["c1"])
        return gr


def train(epochs: int = 100, batch: int = 32, lr: float = 4e-3, log=print) -> tuple[DigitsCNN, float]:
    xtr, ytr, xte, yte = digits_split()
    rng = np.random.default_rng(SEED)
    net = DigitsCNN(rng)
    m = {k: np.zeros_like(v) for k, v in net.p.items()}
    v = {k: np.zeros_like(v) for k, v in net.p.items()}
    step = 0
    for epoch in range(epochs):
        order = rng.permutation(len(xtr))
        for b0 in range(0, len(xtr), batch):
            idx = order[b0:b0 + batch]
            logits, cache = net.forward(xtr[idx])
            z = logits - logits.max(1, keepdims=True)
            prob = np.exp(z) / np.exp(z).sum(1, keepdims=True)
            dl = prob.copy()
            dl[np.arange(len(idx)), ytr[idx]] -= 1
            grads = net.backward((dl / len(idx)).astype(np.float32), cache)
            step += 1
            for k, g in grads.items():                       # Adam
                m[k] = 0.9 * m[k] + 0.1 * g
                v[k] = 0.999 * v[k] + 0.001 * g * g
                mh, vh = m[k] / (1 - 0.9 ** step), v[k] / (1 - 0.999 ** step)
                net.p[k] = (net.p[k] - lr * mh / (np.sqrt(vh) + 1e-8)).astype(np.float32)
        if (epoch + 1) % 10 == 0:
            acc = float((net.forward(xte)[0].argmax(1) == yte).mean())
            log(f"epoch {epoch + 1}: test accuracy {100 * acc:.1f} %")
    acc = float((net.forward(xte)[0].argmax(1) == yte).mean())
    return net, acc


def to_onnx(net: DigitsCNN):
    """The float model, NCHW, batch dimension N, opset 13."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    p = net.p
    inits = [numpy_helper.from_array(v, k) for k, v in p.items()]
    n = helper.make_node
    nodes = [
        n("Conv", ["input", "c1w", "c1b"], ["c1"], name="conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        n("Relu", ["c1"], ["a1"], name="relu1"),
        n("MaxPool", ["a1"], ["pool1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        n("Conv", ["pool1", "r1w", "r1b"], ["r1"], name="res_conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        n("Relu", ["r1"], ["a2"], name="res_relu1"),
        n("Conv", ["a2", "r2w", "r2b"], ["r2"], name="res_conv2", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        n("Add", ["r2", "pool1"], ["res"], name="res_add"),
        n("Relu", ["res"], ["a3"], name="res_relu2"),
        n("Conv", ["a3", "dww", "dwb"], ["dw"], name="dw_conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1], group=8),
        n("Relu", ["dw"], ["a4"], name="dw_relu"),
        n("Conv", ["a4", "pww", "pwb"], ["pw"], name="pw_conv", kernel_shape=[1, 1]),
        n("Relu", ["pw"], ["a5"], name="pw_relu"),
        n("GlobalAveragePool", ["a5"], ["gap"], name="gap"),
        n("Flatten", ["gap"], ["flat"], name="flatten"),
        n("Gemm", ["flat", "fcw", "fcb"], ["logits"], name="fc", transB=1),
    ]
    graph = helper.make_graph(nodes, "digits_cnn",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 1, 8, 8])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="npu8 train_digits")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=100)
    ap.add_argument("--out", type=Path, default=MODEL)
    args = ap.parse_args(argv)
    net, acc = train(args.epochs)
    import onnx
    onnx.save(to_onnx(net), args.out)
    print(f"float test accuracy {100 * acc:.1f} % on {TEST_IMAGES} held-out images; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
