// The AXI4 protocol checker (axi4_checker.v) on a testbench's m_axi_* bus, driving its `violation` and
// `violation_code`. Included inside a testbench module after it declares the localparams CHECKER_DW and
// CHECKER_MAX_OUT, so that every testbench with the bus checks it the same way.
    axi4_checker #(.DW(CHECKER_DW), .MAX_OUT(CHECKER_MAX_OUT)) u_checker (
        .clk(clk), .rst_n(rst_n),
        .arid(m_axi_arid), .araddr(m_axi_araddr), .arlen(m_axi_arlen), .arsize(m_axi_arsize),
        .arburst(m_axi_arburst), .arvalid(m_axi_arvalid), .arready(m_axi_arready),
        .rid(m_axi_rid), .rdata(m_axi_rdata), .rresp(m_axi_rresp), .rlast(m_axi_rlast), .rvalid(m_axi_rvalid),
        .rready(m_axi_rready), .awaddr(m_axi_awaddr), .awlen(m_axi_awlen), .awsize(m_axi_awsize),
        .awburst(m_axi_awburst), .awvalid(m_axi_awvalid), .awready(m_axi_awready), .wdata(m_axi_wdata),
        .wstrb(m_axi_wstrb), .wlast(m_axi_wlast), .wvalid(m_axi_wvalid), .wready(m_axi_wready),
        .bresp(m_axi_bresp), .bvalid(m_axi_bvalid), .bready(m_axi_bready),
        .violation(violation), .violation_code(violation_code));
