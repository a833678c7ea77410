"""Reading the record files of the testbench's tile collectors (hdl/acc_row_collector.v,
verif/common/hdl/axi_write_collector.v) in batches: each reader keeps its offset and returns what is new since
the last read, whole lines only (the simulator's buffer may have flushed half a line).

- AccRowReader: fixed-width lines, parsed for the whole batch at once with numpy (a conv layer writes
  millions of rows);
- DramWriteReader: AW and W records in bus order, each W beat paired with its burst's address (W may lead AW;
  a reset record voids what was in flight), as the bytes each beat writes.
"""
from __future__ import annotations

from collections import deque
from pathlib import Path

import numpy as np

from .top_items import AccRows, DramWrites

BEAT_BYTES = 16

# hex digit -> value; anything else (x, z, X, Z) -> 255
_NIBBLE = np.full(256, 255, np.uint8)
_NIBBLE[np.frombuffer(b"0123456789", np.uint8)] = np.arange(10)
_NIBBLE[np.frombuffer(b"abcdef", np.uint8)] = np.arange(10, 16)
_NIBBLE[np.frombuffer(b"ABCDEF", np.uint8)] = np.arange(10, 16)


class _Tail:
    """The new whole lines of a file another process appends to."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.offset = 0

    def rewound(self):
        """The file was emptied (the collector's rewind): read from its start again."""
        self.offset = 0

    def read(self) -> bytes:
        if not self.path.exists():
            return b""
        with self.path.open("rb") as f:
            f.seek(self.offset)
            data = f.read()
        end = data.rfind(b"\n") + 1
        self.offset += end
        return data[:end]


def _hex_columns(nib: np.ndarray) -> np.ndarray:
    """(k, d) nibbles, most significant first -> (k,) uint64 (d <= 16)."""
    out = np.zeros(nib.shape[0], np.uint64)
    for j in range(nib.shape[1]):
        out = (out << np.uint64(4)) | nib[:, j].astype(np.uint64)
    return out


class _Reader:
    def rewound(self):
        """The file was emptied (the collector's rewind, before a program): read from its start again."""
        self.tail.rewound()


class AccRowReader(_Reader):
    """`<cycle 16 hex> <row 8 hex> <written 1 hex> <values 8N hex, lane N-1 first>` a line."""

    def __init__(self, path: Path, n: int):
        self.tail, self.n = _Tail(path), n
        self.width = 16 + 1 + 8 + 1 + 1 + 1 + 8 * n + 1

    def read(self) -> AccRows | None:
        data = self.tail.read()
        if not data:
            return None
        n, w = self.n, self.width
        if len(data) % w:
            raise ValueError(f"{self.tail.path}: a record is not {w} characters long (N={n}?)")
        lines = np.frombuffer(data, np.uint8).reshape(-1, w)
        try:                                       # the usual case, at C speed: every digit is 0-9a-f
            cycles = _fromhex(lines[:, :16], ">u8")
            rows = _fromhex(lines[:, 17:25], ">u4")
            written = lines[:, 26] == ord("1")
            vals = _fromhex(lines[:, 28:28 + 8 * n], ">u4").astype(np.uint32).reshape(-1, n)
            known = np.ones(len(lines), bool)
        except ValueError:                         # X/Z somewhere: digit by digit
            cycles, rows, written, vals, known = self._by_digit(lines)
        return AccRows(rows=rows.astype(np.int64), written=written, known=known,
                       values=vals.view(np.int32)[:, ::-1].astype(np.int64), cycles=cycles.astype(np.int64))

    def _by_digit(self, lines: np.ndarray):
        n = self.n
        nib = _NIBBLE[lines]
        head_known = (nib[:, :16] != 255).all(1) & (nib[:, 17:25] != 255).all(1) & (nib[:, 26] != 255)
        if not head_known.all():
            k = int(np.nonzero(~head_known)[0][0])
            raise ValueError(f"{self.tail.path}: record {lines[k].tobytes()!r} has X/Z in its cycle, row or flag")
        vals = nib[:, 28:28 + 8 * n]
        known = (vals != 255).all(1)
        words = _hex_columns(np.where(vals == 255, 0, vals).reshape(-1, 8)).astype(np.uint32).reshape(-1, n)
        return (_hex_columns(nib[:, :16]), _hex_columns(nib[:, 17:25]), nib[:, 26] == 1, words, known)


def _fromhex(cols: np.ndarray, dtype: str) -> np.ndarray:
    """(k, d) ASCII hex digits -> the big-endian words they spell, flattened (raises ValueError on x/z)."""
    return np.frombuffer(bytes.fromhex(np.ascontiguousarray(cols).tobytes().decode("ascii")), dtype)


class DramWriteReader(_Reader):
    """`A <cycle> <awaddr>`, `W <cycle> <wdata> <wstrb> <wlast>`, `R <cycle>` a line."""

    def __init__(self, path: Path):
        self.tail = _Tail(path)
        self.bursts: deque[int] = deque()         # AW addresses whose last beat has not been seen
        self.beat = 0                             # beats of the head burst seen
        self.waiting: deque[tuple[int, int, int, bool]] = deque()   # W beats ahead of their AW

    def rewound(self):
        """Before a program: nothing of the last one is in flight (it was drained at its end)."""
        super().rewound()
        self.bursts.clear()
        self.waiting.clear()
        self.beat = 0

    def read(self) -> DramWrites | None:
        data = self.tail.read()
        if not data:
            return None
        addrs: list[int] = []
        bytes_: list[int] = []
        cycles: list[int] = []
        for line in data.decode("ascii", "replace").splitlines():
            f = line.split()
            kind = f[0]
            if kind == "R":
                self.bursts.clear()
                self.waiting.clear()
                self.beat = 0
            elif kind == "A":
                self.bursts.append(int(f[2], 16))
            elif kind == "W":
                try:
                    self.waiting.append((int(f[1], 16), int(f[2], 16), int(f[3], 16), f[4] == "1"))
                except ValueError:
                    raise ValueError(f"{self.tail.path}: W beat with X/Z bits: {line}") from None
            else:
                raise ValueError(f"{self.tail.path}: unknown record {line!r}")
            while self.waiting and self.bursts:
                cyc, wdata, strb, last = self.waiting.popleft()
                base = self.bursts[0] + BEAT_BYTES * self.beat
                for i in range(BEAT_BYTES):
                    if strb >> i & 1:
                        addrs.append(base + i)
                        bytes_.append(wdata >> (8 * i) & 0xFF)
                        cycles.append(cyc)
                self.beat += 1
                if last:
                    self.bursts.popleft()
                    self.beat = 0
        if not addrs:
            return None
        return DramWrites(np.array(addrs, np.int64), np.array(bytes_, np.uint8), np.array(cycles, np.int64))
