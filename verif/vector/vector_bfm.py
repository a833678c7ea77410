"""Signal level of tb_vector: vector-queue entries on vq_*, the scratchpad filled through its port 0, the
accumulator read back through its read port after each entry, the testbench's LFSR backpressure on the unit's
SP read and ACC write ports (bp_sp, bp_acc: ready withheld in that many of 16 cycles), and the unit's counter
events, which the testbench counts (cnt_*), read at each done: `busy` is the cycles the entry was at the head
before its done (from the cycle it appeared to the one before done pulsed)."""
from __future__ import annotations

from golden.isa import MachineConfig
from verif.common.unit_queue_bfm import RowPort, UnitQueueBfm


class VectorBfm(UnitQueueBfm):
    # tb_vector's internal-interface checkers, in the order of its hs_v/hs_c
    HANDSHAKE_CHECKERS = (("vector_queue", "queue"), ("sp_read_port", "mem"), ("acc_write_port", "stream"))
    COUNTERS = {"vec_active": "cnt_active", "stall_vec": "cnt_stall", "busy": "cnt_busy"}

    def __init__(self, dut, machine: MachineConfig, bp_sp: int = 0, bp_acc: int = 0, bp_seed: int = 1):
        n = machine.n
        super().__init__(dut, "vq", fill_ports={
            "SP": RowPort("p0_valid", "p0_ready", "p0_row", machine.sp_rows, n, 8, wdata="p0_wdata")},
            read_ports={"ACC": RowPort("r_valid", "r_ready", "r_row", machine.acc_rows, n, 32,
                                       rsp_valid="r_rsp_valid", rdata="r_data")})
        if not (0 <= bp_sp < 16 and 0 <= bp_acc < 16):
            raise ValueError(f"backpressure is k of 16 cycles, 0 <= k < 16: bp_sp={bp_sp}, bp_acc={bp_acc}")
        self.bp_sp, self.bp_acc, self.bp_seed = bp_sp, bp_acc, bp_seed & 0xFFFF
        self.reported = dict.fromkeys(self.COUNTERS, 0)

    @property
    def backpressure_on(self) -> bool:
        return bool(self.bp_sp or self.bp_acc)

    async def start(self) -> None:
        d = self.dut
        d.bp_sp.value, d.bp_acc.value, d.bp_seed.value = self.bp_sp, self.bp_acc, self.bp_seed
        await super().start()

    def samplers(self):
        self.reported = dict.fromkeys(self.COUNTERS, 0)     # the testbench's counters restart with reset
        return []

    def counters(self):
        now = {k: int(getattr(self.dut, sig).value) for k, sig in self.COUNTERS.items()}
        since = {k: v - self.reported[k] for k, v in now.items()}
        self.reported = now
        return since
