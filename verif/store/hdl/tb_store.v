// Testbench top for the store unit: store_unit + accumulator + axi_master (write client) + the AXI4 protocol
// checker. cocotb fills the accumulator through its write port, hands STORE records to the unit and attaches
// an AXI RAM to m_axi_*.
`timescale 1ns / 1ps
`include "npu8_isa.vh"
module tb_store #(
    parameter integer N    = 8,
    parameter integer ROWS = 64
) (
    input  wire             clk,
    input  wire             rst_n,
    // accumulator preload
    input  wire             w_valid,
    output wire             w_ready,
    input  wire [15:0]      w_row,
    input  wire [N*32-1:0]  w_data,
    // the store queue's head
    input  wire             sq_valid,
    input  wire [`NPU8_QE_W-1:0]     sq_head,
    output wire             sq_done,
    output wire             sq_err,
    output wire             ev_stall_dma_wr,
    output wire [15:0]      ev_wr_bytes,
    // AXI4 to the memory model (read channels unused here)
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
    output wire         violation,    output wire [3:0] violation_code,
    // the internal-interface checkers (verif/common/hdl), in the order the block's BFM names them
    output wire             hs_violation,
    output wire [7:0]       hs_code
);
    wire            r_valid, r_ready, r_rsp_valid, r_rsp_err;
    wire [15:0]     r_row;
    wire [N*32-1:0] r_data;
    wire            wq_valid, wq_ready, wd_valid, wd_ready, wr_done, wr_err;
    wire [31:0]     wq_addr;
    wire [15:0]     wq_beats, wd_strb;
    wire [127:0]    wd_data;
    wire            w_rsp_valid, w_rsp_err;
    wire [1:0]      rq_ready, rd_valid, rd_last;
    wire [127:0]    rd_data;
    wire            rd_err;

    accumulator #(.N(N), .ROWS(ROWS), .WRITE_PRIORITY(1), .DEDICATED_READ(1)) u_acc (
        .clk(clk), .rst_n(rst_n), .w_valid(w_valid), .w_ready(w_ready), .w_acc(1'b0), .w_row(w_row),
        .w_lane_en({N{1'b1}}), .w_data(w_data), .w_rsp_valid(w_rsp_valid), .w_rsp_err(w_rsp_err),
        .w_wb_valid(), .w_wb_data(),
        .r_valid(r_valid), .r_ready(r_ready), .r_row(r_row), .r_rsp_valid(r_rsp_valid), .r_rsp_err(r_rsp_err),
        .r_data(r_data));

    store_unit #(.N(N)) u_dut (
        .clk(clk), .rst_n(rst_n), .sq_valid(sq_valid), .sq_head(sq_head), .sq_done(sq_done), .sq_err(sq_err),
        .r_valid(r_valid), .r_ready(r_ready), .r_row(r_row), .r_rsp_valid(r_rsp_valid), .r_data(r_data),
        .wq_valid(wq_valid), .wq_ready(wq_ready), .wq_addr(wq_addr), .wq_beats(wq_beats), .wd_valid(wd_valid),
        .wd_ready(wd_ready), .wd_data(wd_data), .wd_strb(wd_strb), .wr_done(wr_done), .wr_err(wr_err),
        .ev_stall_dma_wr(ev_stall_dma_wr), .ev_wr_bytes(ev_wr_bytes));

    axi_master #(.DW(128), .MAX_OUT(4)) u_axi (
        .clk(clk), .rst_n(rst_n), .rq_valid(2'b00), .rq_ready(rq_ready), .rq_addr(64'd0), .rq_beats(32'd0),
        .rd_valid(rd_valid), .rd_ready(2'b00), .rd_data(rd_data), .rd_last(rd_last), .rd_err(rd_err),
        .wq_valid(wq_valid), .wq_ready(wq_ready), .wq_addr(wq_addr), .wq_beats(wq_beats), .wd_valid(wd_valid),
        .wd_ready(wd_ready), .wd_data(wd_data), .wd_strb(wd_strb), .wr_done(wr_done), .wr_err(wr_err),
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

    localparam integer CHECKER_DW = 128, CHECKER_MAX_OUT = 4;
`include "axi4_checker_on_m_axi.vh"

    // ---- internal interfaces ---------------------------------------------------------------------------------
    localparam integer HS_N = 2;
    wire [HS_N-1:0]   hs_v;
    wire [4*HS_N-1:0] hs_c;
    reg sq_valid_q;
    always @(posedge clk) sq_valid_q <= rst_n && sq_valid;
    queue_checker #(.NAME("store_queue")) u_hs_q (.clk(clk), .rst_n(rst_n), .push(sq_valid && !sq_valid_q),
        .valid(sq_valid), .head(sq_head), .done(sq_done), .err(sq_err), .idle(1'b0),
        .violation(hs_v[0]), .violation_code(hs_c[3:0]));
    mem_port_checker #(.NAME("acc_read_port"), .MAX_LATENCY(4)) u_hs_acc (.clk(clk), .rst_n(rst_n),
        .valid(r_valid), .ready(r_ready), .rsp_valid(r_rsp_valid), .violation(hs_v[1]), .violation_code(hs_c[7:4]));
`include "handshake_report.vh"

    /* verilator lint_off UNUSEDSIGNAL */
    wire unused = &{w_rsp_valid, w_rsp_err, r_rsp_err, rq_ready, rd_valid, rd_last, rd_data, rd_err};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
