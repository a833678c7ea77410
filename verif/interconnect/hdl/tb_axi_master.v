// Testbench top for axi_master: the master with the AXI4 protocol checker on its bus. cocotb drives the client
// ports and attaches the AXI RAM model to the m_axi_* ports.
`timescale 1ns / 1ps
module tb_axi_master #(
    parameter integer DW      = 128,
    parameter integer MAX_OUT = 4
) (
    input  wire            clk,
    input  wire            rst_n,
    input  wire [1:0]      rq_valid,  output wire [1:0] rq_ready,
    input  wire [63:0]     rq_addr,   input  wire [31:0] rq_beats,
    output wire [1:0]      rd_valid,  input  wire [1:0] rd_ready,
    output wire [DW-1:0]   rd_data,   output wire [1:0] rd_last,  output wire rd_err,
    input  wire            wq_valid,  output wire wq_ready,
    input  wire [31:0]     wq_addr,   input  wire [15:0] wq_beats,
    input  wire            wd_valid,  output wire wd_ready,
    input  wire [DW-1:0]   wd_data,   input  wire [DW/8-1:0] wd_strb,
    output wire            wr_done,   output wire wr_err,
    output wire [1:0]      m_axi_arid,   output wire [31:0] m_axi_araddr, output wire [7:0] m_axi_arlen,
    output wire [2:0]      m_axi_arsize, output wire [1:0] m_axi_arburst, output wire m_axi_arvalid,
    input  wire            m_axi_arready,
    input  wire [1:0]      m_axi_rid,    input  wire [DW-1:0] m_axi_rdata, input wire [1:0] m_axi_rresp,
    input  wire            m_axi_rlast,  input  wire m_axi_rvalid, output wire m_axi_rready,
    output wire [1:0]      m_axi_awid,   output wire [31:0] m_axi_awaddr, output wire [7:0] m_axi_awlen,
    output wire [2:0]      m_axi_awsize, output wire [1:0] m_axi_awburst, output wire m_axi_awvalid,
    input  wire            m_axi_awready,
    output wire [DW-1:0]   m_axi_wdata,  output wire [DW/8-1:0] m_axi_wstrb, output wire m_axi_wlast,
    output wire            m_axi_wvalid, input  wire m_axi_wready,
    input  wire [1:0]      m_axi_bid,    input  wire [1:0] m_axi_bresp, input wire m_axi_bvalid,
    output wire            m_axi_bready,
    output wire            violation,    output wire [3:0] violation_code
);
    axi_master #(.DW(DW), .MAX_OUT(MAX_OUT)) u_dut (
        .clk(clk), .rst_n(rst_n), .rq_valid(rq_valid), .rq_ready(rq_ready), .rq_addr(rq_addr),
        .rq_beats(rq_beats), .rd_valid(rd_valid), .rd_ready(rd_ready), .rd_data(rd_data), .rd_last(rd_last),
        .rd_err(rd_err), .wq_valid(wq_valid), .wq_ready(wq_ready), .wq_addr(wq_addr), .wq_beats(wq_beats),
        .wd_valid(wd_valid), .wd_ready(wd_ready), .wd_data(wd_data), .wd_strb(wd_strb), .wr_done(wr_done),
        .wr_err(wr_err),
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

    localparam integer CHECKER_DW = DW, CHECKER_MAX_OUT = MAX_OUT;
`include "axi4_checker_on_m_axi.vh"
endmodule
