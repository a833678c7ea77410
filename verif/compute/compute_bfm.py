"""Signal level of tb_compute: MATMUL entries on cq_*, the scratchpad filled through its port 0, the
accumulator read back through its read port after each entry, and the cycles ev_mac_active is high counted
(a sampling coroutine) and reported with each done."""
from __future__ import annotations

from golden.isa import MachineConfig
from verif.common.unit_queue_bfm import RowPort, UnitQueueBfm, count_high


class ComputeBfm(UnitQueueBfm):
    # tb_compute's internal-interface checkers, in the order of its hs_v/hs_c
    HANDSHAKE_CHECKERS = (("compute_queue", "queue"), ("sp_read_port", "mem"), ("array_weights", "stream"),
                          ("array_activations", "stream"), ("sp_weight_port", "mem"))

    def __init__(self, dut, machine: MachineConfig):
        n = machine.n
        super().__init__(dut, "cq", fill_ports={
            "SP": RowPort("p0_valid", "p0_ready", "p0_row", machine.sp_rows, n, 8, wdata="p0_wdata")},
            read_ports={"ACC": RowPort("r_valid", "r_ready", "r_row", machine.acc_rows, n, 32,
                                       rsp_valid="r_rsp_valid", rdata="r_data")})
        self.counts = {"mac_active": 0}
        self.reported = dict(self.counts)

    def samplers(self):
        self.counts = {"mac_active": 0}
        self.reported = dict(self.counts)
        return [count_high(self.dut.clk, self.dut.ev_mac_active, self.counts, "mac_active")]

    def counters(self):
        since = {k: v - self.reported[k] for k, v in self.counts.items()}
        self.reported = dict(self.counts)
        return since
