"""Block environment for rtl/interconnect/csr_regs.v: AXI4-Lite accesses from cocotbext-axi's AxiLiteMaster,
checked against a register model."""
