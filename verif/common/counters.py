"""The performance counters (docs/architecture.md, CSR map): their order at 0x40 + 4k, and the invariant
that every cycle of a run is MAC-active, vector-active or stalled for exactly one cause."""
from __future__ import annotations

from golden.counters import COUNTER_BASE, COUNTERS, CYCLE_PARTS

__all__ = ["COUNTER_BASE", "COUNTERS", "CYCLE_PARTS", "cycle_invariant_error"]


def cycle_invariant_error(counters: dict) -> str | None:
    """None when MAC_ACTIVE + VEC_ACTIVE + the stalls = CYCLES, else what is off."""
    parts = sum(counters[k] for k in CYCLE_PARTS)
    if parts == counters["cycles"]:
        return None
    return (f"MAC_ACTIVE + VEC_ACTIVE + stalls = {parts} != CYCLES {counters['cycles']} ("
            + ", ".join(f"{k}={counters[k]}" for k in CYCLE_PARTS) + ")")
