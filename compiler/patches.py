"""The network input laid out by the host as its first convolution's patches (im2col), when that is faster.

A first layer with few input channels (an RGB image: C = 3) fills C of a MATMUL's N lanes for each of its
kh·kw taps: ResNet-8's 3×3 conv over 32×32×3 uses 3 of 8 lanes. The host, which already quantizes the image
and writes it channels-last, can as well write each output pixel's kh·kw·C window as one row (K = 27, padded
to 32: 4 chunks of 8 lanes instead of 9 taps of one chunk), and the convolution is a GEMM on that matrix. The
border's padding is the input zero point, as the convolution's own padding is, so the bytes are the same;
only the host's layout and the DRAM the input takes (K / C times the image) change. The compiler keeps this
layout only when the cycle model (golden/cycle_model.py) times the GEMM faster than the convolution."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Patches:
    kh: int
    kw: int
    stride: tuple                 # (sy, sx)
    pads: tuple                   # (top, left, bottom, right)
    oh: int
    ow: int
    c: int
    kp: int                       # kh·kw·c rounded up to the lanes: a patch row's bytes

    @property
    def k(self) -> int:
        return self.kh * self.kw * self.c

    @property
    def shape(self) -> tuple:
        """One image's patch matrix [OH·OW, Kp]."""
        return (self.oh * self.ow, self.kp)

    def im2col(self, images: np.ndarray, zp: int) -> np.ndarray:
        """Channels-last int8 images [B, H, W, C] -> their patch matrices [B, OH·OW, Kp]: row (i, j) holds the
        window at (i·sy − top, j·sx − left) in (row, column, channel) order, outside the image `zp`, then
        Kp − K zeros."""
        b, h, w, c = images.shape
        (sy, sx), (pt, pl, pb, pr) = self.stride, self.pads
        padded = np.full((b, h + pt + pb, w + pl + pr, c), zp, np.int8)
        padded[:, pt:pt + h, pl:pl + w] = images
        out = np.zeros((b, self.oh, self.ow, self.kp), np.int8)
        for u in range(self.kh):
            for v in range(self.kw):
                k0 = (u * self.kw + v) * c
                out[..., k0:k0 + c] = padded[:, u:u + sy * (self.oh - 1) + 1:sy, v:v + sx * (self.ow - 1) + 1:sx]
        return out.reshape(b, self.oh * self.ow, self.kp)

    def weights(self, hwio: np.ndarray) -> np.ndarray:
        """HWIO int8 weights [kh, kw, C, Cout] -> the GEMM's [Kp, Cout] (rows in the patches' order, zero rows
        for the padding lanes)."""
        w = np.zeros((self.kp, hwio.shape[3]), np.int8)
        w[:self.k] = hwio.reshape(self.k, hwio.shape[3])
        return w

    def describe(self) -> str:
        return (f"patches of a {self.kh}x{self.kw} stride {list(self.stride)} pads {list(self.pads)} convolution: "
                f"[{self.oh * self.ow}, {self.kp}] (K = {self.k} padded to {self.kp})")
