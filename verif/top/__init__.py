"""Top-level environment of npu_top: whole programs through the CSRs and an AXI RAM, against the golden model."""
