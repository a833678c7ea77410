"""Register model of csr_regs (the table at the top of rtl/interconnect/csr_regs.v): what every read returns,
which accesses answer SLVERR, and the irq and start pins."""
from __future__ import annotations

NCNT = 11
REGS = {0x00: "CTRL", 0x04: "STATUS", 0x08: "ERR_CODE", 0x0C: "ERR_INDEX", 0x10: "INST_BASE", 0x14: "INST_COUNT",
        0x18: "IRQ_STATUS", 0x1C: "N", 0x20: "SP_ROWS", 0x24: "ACC_ROWS", 0x28: "DRAM_BYTES"}


def reg(addr: int) -> str:
    """The register an address selects (word-addressed)."""
    addr &= ~3
    return REGS.get(addr, "COUNTER" if 0x40 <= addr < 0x40 + 4 * NCNT else "unmapped")


class CsrModel:
    def __init__(self, params: dict):
        self.p = params
        self.irq_en = self.irq_status = 0
        self.inst_base = self.inst_count = 0
        self.starts = 0

    @staticmethod
    def mapped(addr: int) -> bool:
        addr &= ~3          # word-addressed: WSTRB picks the bytes
        return addr <= 0x28 or 0x40 <= addr < 0x40 + 4 * NCNT

    def write(self, addr: int, data: int, strb: int) -> int:
        """Applies a write (WDATA, WSTRB; AWADDR's low bits are ignored); returns the expected BRESP."""
        addr &= ~3
        def merge(old):
            return sum(((data if strb >> b & 1 else old) >> (8 * b) & 0xFF) << (8 * b) for b in range(4))
        if addr == 0x00 and strb & 1:
            self.starts += data & 1
            self.irq_en = data >> 1 & 1
        elif addr == 0x10:
            self.inst_base = merge(self.inst_base) & 0xFFFFFFF0
        elif addr == 0x14:
            self.inst_count = merge(self.inst_count) & 0xFFFF
        elif addr == 0x18 and strb & 1 and data & 1:
            self.irq_status = 0
        return 0 if self.mapped(addr) else 2

    def read(self, addr: int, status: dict) -> tuple[int, int]:
        """(RDATA, RRESP) given the controller-side inputs in force."""
        addr &= ~3
        if not self.mapped(addr):
            return 0, 2
        if addr >= 0x40:
            return status["counters"][(addr - 0x40) // 4], 0
        p = self.p
        value = {0x00: self.irq_en << 1, 0x04: (status["err_code"] != 0) << 2 | status["done"] << 1 | status["busy"],
                 0x08: status["err_code"], 0x0C: status["err_index"], 0x10: self.inst_base, 0x14: self.inst_count,
                 0x18: self.irq_status, 0x1C: p["N"], 0x20: p["SP_ROWS"], 0x24: p["ACC_ROWS"],
                 0x28: p["DRAM_BYTES"] & 0xFFFFFFFF}
        return value.get(addr, 0), 0

    def done_pulse(self):
        self.irq_status = 1

    @property
    def irq(self) -> int:
        return self.irq_en & self.irq_status
