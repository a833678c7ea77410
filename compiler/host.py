"""The two operators that run on the host, as onnxruntime's CPU provider computes them: the first
QuantizeLinear (float32 x / scale, rounded half to even, plus the zero point, saturated; written channels-last,
as the accelerator stores an image) and the last DequantizeLinear ((q − zp) · scale in float32)."""
from __future__ import annotations

import numpy as np

from .activations import QAct


def quantize(x: np.ndarray, act: QAct) -> np.ndarray:
    """float32 [B, *shape] -> the stored int8 bytes of the batch ([B, H, W, C] for images; [B, OH·OW, Kp] when
    the input is stored as its first convolution's patches)."""
    x = np.asarray(x, np.float32)
    if x.ndim >= 2 and x.shape[1:] == tuple(act.onnx) and act.onnx != act.shape:
        x = x.reshape(x.shape[0], *act.shape)          # a 1-D image [C, L] as [C, 1, L]
    q = np.rint(x / np.float32(act.scale)) + np.float32(act.zp)
    lo, hi = (0, 255) if act.u8 else (-128, 127)
    q = np.clip(q, lo, hi).astype(np.int16)
    if act.u8:
        q = q - 128
    q = q.astype(np.int8)
    if q.ndim == 4:
        q = q.transpose(0, 2, 3, 1)
    if act.patches is not None:
        q = act.patches.im2col(q, act.zp_stored)
    return np.ascontiguousarray(q)


def from_storage(stored: np.ndarray, act: QAct, batch: int) -> np.ndarray:
    """The stored bytes of a batch -> the tensor in ONNX layout and dtype (uint8 for u8 tensors)."""
    s = np.asarray(stored, np.int8).reshape(batch, -1)
    if act.perm is not None:
        s = s[:, act.perm]
    if len(act.shape) == 3:
        c, h, w = act.shape
        s = s.reshape(batch, h, w, c).transpose(0, 3, 1, 2)
    s = s.reshape(batch, *act.onnx)
    return (s.astype(np.int16) + 128).astype(np.uint8) if act.u8 else s


def dequantize(q: np.ndarray, act: QAct) -> np.ndarray:
    return ((q.astype(np.int32) - np.int32(act.zp)).astype(np.float32) * np.float32(act.scale)).astype(np.float32)


def to_storage(q: np.ndarray, act: QAct) -> bytes:
    """A batch of the tensor in ONNX layout and dtype -> its stored bytes (the inverse of from_storage)."""
    batch = q.shape[0]
    s = (q.astype(np.int16) - 128 if act.u8 else q.astype(np.int16)).reshape(batch, *act.shape)
    if len(act.shape) == 3:
        s = s.transpose(0, 2, 3, 1)
    s = s.reshape(batch, -1)
    if act.perm is not None:
        out = np.empty_like(s)
        out[:, act.perm] = s
        s = out
    return np.ascontiguousarray(s.astype(np.int8)).tobytes()
