"""Where the activations go in DRAM: one arena at address 0, each buffer live from the layer that writes it
to the last layer that reads it, placed first-fit among the buffers live at the same time, so that a
network's activations take the room of its widest point rather than their sum. The network's input and output
buffers live throughout (the host writes one and reads the other)."""
from __future__ import annotations

from dataclasses import dataclass

ALIGN = 16


@dataclass
class Buffer:
    name: str
    nbytes: int
    first: int                   # index of the layer that writes it (-1: the host, before the first layer)
    last: int                    # index of the last layer that reads it
    addr: int = -1


def plan(buffers: list[Buffer]) -> int:
    """Sets every buffer's addr; returns the arena's size. Larger buffers are placed first (the usual
    greedy-by-size order), each at the lowest aligned address that overlaps no buffer it is live with."""
    placed: list[Buffer] = []
    for b in sorted(buffers, key=lambda b: (-b.nbytes, b.first, b.name)):
        clash = sorted((p.addr, p.addr + p.nbytes) for p in placed if p.first <= b.last and b.first <= p.last)
        addr = 0
        for lo, hi in clash:
            if addr + b.nbytes <= lo:
                break
            addr = max(addr, -(-hi // ALIGN) * ALIGN)
        b.addr = addr
        placed.append(b)
    return max((b.addr + b.nbytes for b in buffers), default=0)
