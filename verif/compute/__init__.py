"""Block environment for rtl/compute/compute_unit.v: MATMULs through the real array, scratchpad and
accumulator, compared with the golden simulator (the whole accumulator read back after each)."""
