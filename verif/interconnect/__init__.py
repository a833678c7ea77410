"""Block environment for rtl/interconnect: the AXI4 master against cocotbext-axi's AXI RAM, with the AXI4
protocol checker (hdl/axi4_checker.v) on the bus in every test."""
