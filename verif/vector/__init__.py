"""Block environment for rtl/vector/vector_unit.v: VADD, VMAX, VSUM and VMAC through the real scratchpad and
accumulator, compared with the golden simulator (the whole accumulator read back after each)."""
