"""The performance counters (docs/architecture.md, CSR map): their order at 0x40 + 4k, and the invariant
that every cycle of a run is MAC-active, vector-active or stalled for exactly one cause."""
from __future__ import annotations

COUNTER_BASE = 0x40
COUNTERS = ("cycles", "stall_dep", "stall_full", "retired", "mac_active", "stall_weight", "stall_dma_rd",
            "stall_dma_wr", "rd_bytes", "wr_bytes", "stall_other", "vec_active", "stall_vec")
CYCLE_PARTS = ("mac_active", "vec_active", "stall_weight", "stall_dma_rd", "stall_dma_wr", "stall_vec", "stall_dep",
               "stall_full", "stall_other")


def cycle_invariant_error(counters: dict) -> str | None:
    """None when MAC_ACTIVE + VEC_ACTIVE + the stalls = CYCLES, else what is off."""
    parts = sum(counters[k] for k in CYCLE_PARTS)
    if parts == counters["cycles"]:
        return None
    return (f"MAC_ACTIVE + VEC_ACTIVE + stalls = {parts} != CYCLES {counters['cycles']} ("
            + ", ".join(f"{k}={counters[k]}" for k in CYCLE_PARTS) + ")")
