// Testbench top for npu_top: the accelerator with the AXI4 protocol checker on its DRAM bus, so that every
// top-level test also checks the AXI rules (verif/interconnect/hdl/axi4_checker.v).
`timescale 1ns / 1ps
module tb_npu_top #(
    parameter integer N          = 8,
    parameter integer SP_ROWS    = 4096,
    parameter integer ACC_ROWS   = 1024,
    parameter [33:0]  DRAM_BYTES = 34'h100000,
    parameter integer NB         = 4
) (
    input  wire          clk,
    input  wire          rst_n,
    output wire          irq,
    // AXI4-Lite CSR slave
    input  wire [11:0]   s_axil_awaddr,  input  wire s_axil_awvalid, output wire s_axil_awready,
    input  wire [31:0]   s_axil_wdata,   input  wire [3:0] s_axil_wstrb, input wire s_axil_wvalid,
    output wire          s_axil_wready,  output wire [1:0] s_axil_bresp, output wire s_axil_bvalid,
    input  wire          s_axil_bready,
    input  wire [11:0]   s_axil_araddr,  input  wire s_axil_arvalid, output wire s_axil_arready,
    output wire [31:0]   s_axil_rdata,   output wire [1:0] s_axil_rresp, output wire s_axil_rvalid,
    input  wire          s_axil_rready,
    // AXI4 master to DRAM
    output wire [1:0]   m_axi_arid,   output wire [31:0] m_axi_araddr, output wire [7:0] m_axi_arlen,
    output wire [2:0]   m_axi_arsize, output wire [1:0] m_axi_arburst, output wire m_axi_arvalid,
    input  wire         m_axi_arready,
    input  wire [1:0]   m_axi_rid,    input  wire [127:0] m_axi_rdata, input wire [1:0] m_axi_rresp,
    input  wire         m_axi_rlast,  input  wire m_axi_rvalid, output wire m_axi_rready,
    output wire [1:0]   m_axi_awid,   output wire [31:0] m_axi_awaddr, output wire [7:0] m_axi_awlen,
    output wire [2:0]   m_axi_awsize, output wire [1:0] m_axi_awburst, output wire m_axi_awvalid,
    input  wire         m_axi_awready,
    output wire [127:0] m_axi_wdata,  output wire [15:0] m_axi_wstrb, output wire m_axi_wlast,
    output wire         m_axi_wvalid, input  wire m_axi_wready,
    input  wire [1:0]   m_axi_bid,    input  wire [1:0] m_axi_bresp, input wire m_axi_bvalid,
    output wire         m_axi_bready,
    output wire         violation,
    output wire [3:0]   violation_code
);
    npu_top #(.N(N), .SP_ROWS(SP_ROWS), .ACC_ROWS(ACC_ROWS), .DRAM_BYTES(DRAM_BYTES), .NB(NB)) u_npu (
        .clk(clk), .rst_n(rst_n), .irq(irq), .s_axil_awaddr(s_axil_awaddr), .s_axil_awvalid(s_axil_awvalid),
        .s_axil_awready(s_axil_awready), .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb),
        .s_axil_wvalid(s_axil_wvalid), .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp),
        .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr),
        .s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready), .s_axil_rdata(s_axil_rdata),
        .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid), .s_axil_rready(s_axil_rready),
        .m_axi_arid(m_axi_arid), .m_axi_araddr(m_axi_araddr), .m_axi_arlen(m_axi_arlen),
        .m_axi_arsize(m_axi_arsize), .m_axi_arburst(m_axi_arburst), .m_axi_arvalid(m_axi_arvalid),
        .m_axi_arready(m_axi_arready), .m_axi_rid(m_axi_rid), .m_axi_rdata(m_axi_rdata),
        .m_axi_rresp(m_axi_rresp), .m_axi_rlast(m_axi_rlast), .m_axi_rvalid(m_axi_rvalid),
        .m_axi_rready(m_axi_rready), .m_axi_awid(m_axi_awid), .m_axi_awaddr(m_axi_awaddr),
        .m_axi_awlen(m_axi_awlen), .m_axi_awsize(m_axi_awsize), .m_axi_awburst(m_axi_awburst),
        .m_axi_awvalid(m_axi_awvalid), .m_axi_awready(m_axi_awready), .m_axi_wdata(m_axi_wdata),
        .m_axi_wstrb(m_axi_wstrb), .m_axi_wlast(m_axi_wlast), .m_axi_wvalid(m_axi_wvalid),
        .m_axi_wready(m_axi_wready), .m_axi_bid(m_axi_bid), .m_axi_bresp(m_axi_bresp),
        .m_axi_bvalid(m_axi_bvalid), .m_axi_bready(m_axi_bready));

    axi4_checker #(.DW(128), .MAX_OUT(4)) u_checker (
        .clk(clk), .rst_n(rst_n),
        .arid(m_axi_arid), .araddr(m_axi_araddr), .arlen(m_axi_arlen), .arsize(m_axi_arsize),
        .arburst(m_axi_arburst), .arvalid(m_axi_arvalid), .arready(m_axi_arready),
        .rid(m_axi_rid), .rdata(m_axi_rdata), .rresp(m_axi_rresp), .rlast(m_axi_rlast), .rvalid(m_axi_rvalid),
        .rready(m_axi_rready), .awaddr(m_axi_awaddr), .awlen(m_axi_awlen), .awsize(m_axi_awsize),
        .awburst(m_axi_awburst), .awvalid(m_axi_awvalid), .awready(m_axi_awready), .wdata(m_axi_wdata),
        .wstrb(m_axi_wstrb), .wlast(m_axi_wlast), .wvalid(m_axi_wvalid), .wready(m_axi_wready),
        .bresp(m_axi_bresp), .bvalid(m_axi_bvalid), .bready(m_axi_bready),
        .violation(violation), .violation_code(violation_code));
endmodule
