"""Signal level of tb_store: STORE entries on sq_*, the accumulator filled through its write port, an AXI RAM
on m_axi_* (with random backpressure) whose data window is read back after each entry; the protocol
checker's flag sampled."""
from __future__ import annotations

import numpy as np

from golden.isa import MachineConfig
from verif.common.unit_queue_bfm import RowPort, UnitQueueBfm


class StoreBfm(UnitQueueBfm):
    # tb_store's internal-interface checkers, in the order of its hs_v/hs_c
    HANDSHAKE_CHECKERS = (("store_queue", "queue"), ("acc_read_port", "mem"))

    def __init__(self, dut, machine: MachineConfig, data_bytes: int, timing_rng: np.random.Generator,
                 backpressure: float):
        super().__init__(dut, "sq", fill_ports={
            "ACC": RowPort("w_valid", "w_ready", "w_row", machine.acc_rows, machine.n, 32, wdata="w_data")},
            dram_bytes=machine.dram_bytes, dram_window=data_bytes, timing_rng=timing_rng, backpressure=backpressure)
