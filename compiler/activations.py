"""A quantized activation as the compiler places it: its ONNX shape (one image, batch dropped), its scale and
zero point, and how its bytes lie in DRAM.

Storage: an image's [C, H, W] tensor is channels-last, [H, W, C] (a pixel's channels are one scratchpad row);
any other rank is stored in ONNX order. uint8 tensors are stored as int8 minus 128 (golden/qops.py). A
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

    @property
    def stored_shape(self) -> tuple:
        if len(self.shape) == 3:
            c, h, w = self.shape
            return (h, w, c)
        return tuple(self.shape)

    @property
    def nbytes(self) -> int:
        return int(np.prod(self.shape))

    @property
    def zp_stored(self) -> int:
        """The zero point as the accelerator stores the tensor (u8: minus 128)."""
        return self.zp - 128 if self.u8 else self.zp

    def at(self, addr: int, image: int = 0) -> DramTensor:
        """Image `image` of the batch, in DRAM at `addr` (the buffer's), in its stored shape."""
        return DramTensor(addr + image * self.nbytes, self.stored_shape)

    def describe(self) -> str:
        return f"{'u8' if self.u8 else 's8'} {list(self.shape)} scale {self.scale:.6g} zp {self.zp}"
