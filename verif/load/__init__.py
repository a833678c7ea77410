"""Block environment for rtl/load/load_unit.v: LOAD and PAD instructions against an AXI RAM, the scratchpad
and the accumulator, compared with the golden simulator (whole SP and ACC read back after each)."""
