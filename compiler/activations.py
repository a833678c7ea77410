"""A quantized activation as the compiler places it: its ONNX shape (one image, batch dropped), its scale and
zero point, and how its bytes lie in DRAM.

Storage: an image's [C, H, W] tensor is channels-last, [H, W, C] (a pixel's channels are one scratchpad row),
or, for the network input only, its first convolution's patches [OH·OW, Kp] when that is faster (compiler/patches.py);
a 1-D image [C, L] (Conv1d's) is the image [C, 1, L]; any other rank is stored in ONNX order. uint8 tensors are stored as int8 minus 128 (golden/qops.py). A
flattened channels-last tensor keeps its bytes where they are: `perm[k]` is where ONNX's flat element k is
stored, and the layer that reads it (a matrix multiply) permutes its weight rows to match. A batch of B images
is B such tensors back to back."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from golden.placement import DramTensor


@dataclass
class QAct:
    name: str
    shape: tuple                  # ONNX shape of one image: (C, H, W), (K,), (M, K) ...
    scale: float                  # float32 value
    zp: int                       # as the model stores it (int8, or uint8 when u8)
    u8: bool
    buffer: str = ""              # the DRAM plan's buffer (tensors that alias share one)
    perm: np.ndarray | None = None
    onnx_shape: tuple | None = None   # a 1-D image [C, L] is placed as the image [C, 1, L]; this is its ONNX shape
    patches: object | None = None     # the network input laid out as its first conv's patches (compiler/patches.py)

    @property
    def onnx(self) -> tuple:
        """The shape the model sees (one image)."""
        return self.onnx_shape or tuple(self.shape)

    def like(self, name: str, shape: tuple, scale: float, zp: int, u8: bool) -> "QAct":
        """An image of `shape` ([C, H, W]) from an operator on this one: 1-D (H = 1, ONNX [C, L]) if this is."""
        shape = tuple(int(d) for d in shape)
        one_d = self.onnx_shape is not None and len(self.onnx_shape) == 2 and len(shape) == 3
        return QAct(name, shape, scale, zp, u8, onnx_shape=(shape[0], shape[2]) if one_d else None)

    @property
    def stored_shape(self) -> tuple:
        if self.patches is not None:
            return self.patches.shape
        if len(self.shape) == 3:
            c, h, w = self.shape
            return (h, w, c)
        return tuple(self.shape)

    @property
    def nbytes(self) -> int:
        return int(np.prod(self.stored_shape))

    @property
    def zp_stored(self) -> int:
        """The zero point as the accelerator stores the tensor (u8: minus 128)."""
        return self.zp - 128 if self.u8 else self.zp

    def at(self, addr: int, image: int = 0) -> DramTensor:
        """Image `image` of the batch, in DRAM at `addr` (the buffer's), in its stored shape."""
        return DramTensor(addr + image * self.nbytes, self.stored_shape)

    def describe(self) -> str:
        return f"{'u8' if self.u8 else 's8'} {list(self.onnx)} scale {self.scale:.6g} zp {self.zp}"
