"""Access streams for csr_regs, drawn from the config's seeded generator: random reads and writes (byte strobes,
unmapped addresses) with the controller-side inputs changing and programs ending between them, and the
interrupt protocol."""
from __future__ import annotations

from pyuvm import uvm_sequence

from .csr_config import CsrEnvConfig
from .csr_items import CsrAccess, CsrDonePulse, CsrInputs
from .csr_model import NCNT

ADDRS = [0x00, 0x04, 0x08, 0x0C, 0x10, 0x14, 0x18, 0x1C, 0x20, 0x24, 0x28] + [0x40 + 4 * k for k in range(NCNT)]
UNMAPPED = [0x2C, 0x30, 0x3C, 0x40 + 4 * NCNT, 0x100, 0xFFC]


class CsrSeq(uvm_sequence):
    async def send(self, item):
        await self.start_item(item)
        await self.finish_item(item)


class RandomAccessSeq(CsrSeq):
    """`cfg.accesses` reads and writes of every register and of unmapped addresses, with partial strobes."""

    async def body(self):
        cfg = CsrEnvConfig.get()
        r = cfg.rng
        await self.send(self.inputs(r))
        for k in range(cfg.accesses):
            if r.random() < cfg.inputs_rate:
                await self.send(self.inputs(r))
            if r.random() < cfg.done_rate:
                await self.send(CsrDonePulse(f"done{k}", int(r.integers(0, 3))))
            await self.send(self.access(r, k))

    @staticmethod
    def inputs(r) -> CsrInputs:
        return CsrInputs("inputs", busy=int(r.integers(0, 2)), done=int(r.integers(0, 2)),
                         err_code=int(r.integers(0, 16)), err_index=int(r.integers(0, 1 << 16)),
                         counters=[int(v) for v in r.integers(0, 1 << 32, NCNT, dtype="uint64")])

    @staticmethod
    def access(r, k) -> CsrAccess:
        addr = int(r.choice(ADDRS)) if r.random() < 0.9 else int(r.choice(UNMAPPED))
        if r.random() < 0.5:
            nbytes = int(r.choice([4, 4, 1, 2]))
            offset = int(r.integers(0, 5 - nbytes)) if nbytes < 4 else 0
            data = int(r.integers(0, 1 << 32, dtype="uint64"))
            if addr == 0x00 and r.random() < 0.7:
                data &= ~1          # keep START rare
            return CsrAccess(f"access{k}", "write", addr + offset, data >> (8 * offset) & ((1 << (8 * nbytes)) - 1),
                             nbytes)
        return CsrAccess(f"access{k}", "read", addr)


class IrqSeq(CsrSeq):
    """For IRQ_EN = 1, 0, 1: START, a program ends (done pulse), read IRQ_STATUS, write 1 to clear it, read it
    again."""

    async def body(self):
        for en in (1, 0, 1):
            await self.send(CsrAccess(f"start-en{en}", "write", 0x00, en << 1 | 1))
            await self.send(CsrDonePulse(f"done-en{en}", wait=1))
            await self.send(CsrAccess(f"status-en{en}", "read", 0x18))
            await self.send(CsrAccess(f"clear-en{en}", "write", 0x18, 1))
            await self.send(CsrAccess(f"cleared-en{en}", "read", 0x18))
