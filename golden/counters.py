"""The performance counters (docs/architecture.md, CSR map), in the order they sit at 0x40 + 4k: what the RTL
counts and the cycle model (golden/cycle_model.py) predicts. Every cycle of a run is exactly one of
CYCLE_PARTS (docs/timing.md section 4 gives each one's condition and their priority)."""
from __future__ import annotations

COUNTER_BASE = 0x40
COUNTERS = ("cycles", "stall_dep", "stall_full", "retired", "mac_active", "stall_weight", "stall_dma_rd",
            "stall_dma_wr", "rd_bytes", "wr_bytes", "stall_other", "vec_active", "stall_vec")
CYCLE_PARTS = ("mac_active", "vec_active", "stall_weight", "stall_dma_rd", "stall_dma_wr", "stall_vec", "stall_dep",
               "stall_full", "stall_other")
