"""Where a lowering's operands live when the operator is one layer of a network (the compiler, compiler/).

On its own a lowering lays out everything it needs in a fresh DRAM image: its input tensors, weights, bias,
output and program. In a network the activations are already placed, by the layer that wrote them or by the
host, and the output goes where the DRAM plan says; the weights and bias still go into the (shared) image by
its bump allocator, and the program is the compiler's to concatenate. A `DramTensor` stands for an input
that is in DRAM already; a `Placement` is the shared image and the output's address.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DramTensor:
    """An int8 tensor in DRAM at `addr`, dense and row-major in the layout the lowering documents (HWC for an
    image). Its values are whatever the layer before wrote: a lowering checks its shape, never its values."""
    addr: int
    shape: tuple
    dtype = np.dtype(np.int8)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    @property
    def nbytes(self) -> int:
        return self.size

    def reshape(self, *shape) -> "DramTensor":
        """The same bytes seen with another shape (a layout move that moves nothing)."""
        shape = tuple(shape[0]) if len(shape) == 1 and not isinstance(shape[0], int) else tuple(shape)
        if -1 in shape:
            known = int(np.prod([s for s in shape if s != -1]))
            shape = tuple(self.size // known if s == -1 else s for s in shape)
        if int(np.prod(shape)) != self.size:
            raise ValueError(f"cannot view {self.shape} as {shape}")
        return DramTensor(self.addr, shape)


@dataclass
class Placement:
    """A lowering inside a network: weights and bias go into `image` (shared, its program is not placed per
    operator), and the output is written at `out`."""
    image: object          # golden.ops.DramImage, shared by every layer
    out: int
