"""Signal level of tb_load: LOAD/PAD entries on lq_*, an AXI RAM on m_axi_* (the DRAM the LOADs read, with
random backpressure), the scratchpad read back through its port 1 and the accumulator through its read port
after each entry; the protocol checker's flag sampled."""
from __future__ import annotations

import numpy as np

from golden.isa import MachineConfig
from verif.common.unit_queue_bfm import RowPort, UnitQueueBfm


class LoadBfm(UnitQueueBfm):
    # tb_load's internal-interface checkers, in the order of its hs_v/hs_c
    HANDSHAKE_CHECKERS = (("load_queue", "queue"), ("sp_write_port", "mem"), ("acc_write_port", "mem"))

    def __init__(self, dut, machine: MachineConfig, timing_rng: np.random.Generator, backpressure: float):
        n = machine.n
        super().__init__(dut, "lq", read_ports={
            "SP": RowPort("p1_valid", "p1_ready", "p1_row", machine.sp_rows, n, 8, rsp_valid="p1_rsp_valid",
                          rdata="p1_rdata"),
            "ACC": RowPort("r_valid", "r_ready", "r_row", machine.acc_rows, n, 32, rsp_valid="r_rsp_valid",
                           rdata="r_data")},
            dram_bytes=machine.dram_bytes, timing_rng=timing_rng, backpressure=backpressure)
