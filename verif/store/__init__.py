"""Block environment for rtl/store/store_unit.v: STORE instructions executed against an accumulator the test
fills and an AXI RAM, compared with the golden simulator's STORE (DRAM image and tile)."""
