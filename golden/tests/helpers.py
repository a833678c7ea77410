"""Small builders for directed golden tests (deliberately not named test_*)."""
import numpy as np

from golden import isa
from golden.asm import assemble
from golden.isa import MachineConfig
from golden.simulator import run_program

CFG = MachineConfig(n=4, sp_rows=64, acc_rows=32, dram_bytes=4096)
PROG_BASE = 0xC00


def run_asm(text: str, dram: bytes = b"", cfg: MachineConfig = CFG, **kw):
    """Assemble, place at PROG_BASE, run on the simulator."""
    prog = assemble(text, n=cfg.n)
    image = bytearray(cfg.dram_bytes)
    image[:len(dram)] = dram
    blob = isa.encode_program(prog)
    image[PROG_BASE:PROG_BASE + len(blob)] = blob
    return run_program(cfg, bytes(image), PROG_BASE, len(prog), **kw)


def i32_bytes(values) -> bytes:
    return np.asarray(values, "<i4").tobytes()
