// Testbench top for the compute unit: compute_unit + mac_array + scratchpad + accumulator. cocotb fills the
// scratchpad through port 0, hands MATMUL records to the unit and reads the accumulator back.
`timescale 1ns / 1ps
`include "npu8_isa.vh"
module tb_compute #(
    parameter integer N        = 8,
    parameter integer SP_ROWS  = 64,
    parameter integer ACC_ROWS = 48
) (
    input  wire             clk,
    input  wire             rst_n,
    input  wire             cq_valid,
    input  wire [`NPU8_QE_W-1:0]     cq_head,
    output wire             cq_done,
    output wire             cq_err,
    output wire             ev_mac_active,
    output wire             ev_stall_weight,
    // scratchpad fill (port 0)
    input  wire             p0_valid,
    output wire             p0_ready,
    input  wire [15:0]      p0_row,
    input  wire [N*8-1:0]   p0_wdata,
    // accumulator read-back
    input  wire             r_valid,
    output wire             r_ready,
    input  wire [15:0]      r_row,
    output wire             r_rsp_valid,
    output wire [N*32-1:0]  r_data,
    // the internal-interface checkers (verif/common/hdl), in the order the block's BFM names them
    output wire             hs_violation,
    output wire [7:0]       hs_code
);
    wire            sp_valid, sp_ready, sp_rsp_valid, sp_rsp_err, p0_rsp_valid, p0_rsp_err;
    wire            wsp_valid, wsp_ready, wsp_rsp_valid, wsp_rsp_err;
    wire [15:0]     sp_row, wsp_row;
    wire [N*8-1:0]  sp_rdata, p0_rdata, wsp_rdata;
    wire [31:0]     conflicts;
    wire            w_valid, w_ready, a_valid, a_ready, a_swap, o_valid, busy, shadow_full;
    wire [N*8-1:0]  w_data, a_data;
    wire [16:0]     a_tag, o_tag;
    wire [N*32-1:0] o_data, acc_data;
    wire            acc_valid, acc_acc, acc_ready, w_rsp_valid, w_rsp_err, r_rsp_err;
    wire [15:0]     acc_row;

    compute_unit #(.N(N)) u_dut (
        .clk(clk), .rst_n(rst_n), .cq_valid(cq_valid), .cq_head(cq_head), .cq_next_valid(1'b0),
        .cq_next({`NPU8_QE_W{1'b0}}), .cq_done(cq_done), .cq_err(cq_err),
        .sp_valid(sp_valid), .sp_ready(sp_ready), .sp_row(sp_row), .sp_rsp_valid(sp_rsp_valid), .sp_rdata(sp_rdata),
        .wsp_valid(wsp_valid), .wsp_ready(wsp_ready), .wsp_row(wsp_row), .wsp_rsp_valid(wsp_rsp_valid),
        .wsp_rdata(wsp_rdata), .w_valid(w_valid), .w_ready(w_ready), .w_data(w_data), .a_valid(a_valid), .a_ready(a_ready),
        .a_data(a_data), .a_swap(a_swap), .a_tag(a_tag), .o_valid(o_valid), .o_data(o_data), .o_tag(o_tag),
        .acc_valid(acc_valid), .acc_acc(acc_acc), .acc_row(acc_row), .acc_data(acc_data),
        .ev_mac_active(ev_mac_active), .ev_stall_weight(ev_stall_weight));

    mac_array #(.N(N), .TAG_W(17)) u_array (
        .clk(clk), .rst_n(rst_n), .w_valid(w_valid), .w_ready(w_ready), .w_data(w_data), .a_valid(a_valid),
        .a_ready(a_ready), .a_data(a_data), .a_swap(a_swap), .a_tag(a_tag), .o_valid(o_valid), .o_data(o_data),
        .o_tag(o_tag), .busy(busy), .shadow_full(shadow_full));

    scratchpad #(.N(N), .ROWS(SP_ROWS), .NB(4)) u_sp (
        .clk(clk), .rst_n(rst_n),
        .p0_valid(p0_valid), .p0_ready(p0_ready), .p0_we(1'b1), .p0_row(p0_row), .p0_lane_en({N{1'b1}}),
        .p0_wdata(p0_wdata), .p0_rsp_valid(p0_rsp_valid), .p0_rsp_err(p0_rsp_err), .p0_rdata(p0_rdata),
        .p1_valid(sp_valid), .p1_ready(sp_ready), .p1_we(1'b0), .p1_row(sp_row), .p1_lane_en({N{1'b0}}),
        .p1_wdata({N*8{1'b0}}), .p1_rsp_valid(sp_rsp_valid), .p1_rsp_err(sp_rsp_err), .p1_rdata(sp_rdata),
        .p2_valid(wsp_valid), .p2_ready(wsp_ready), .p2_row(wsp_row), .p2_rsp_valid(wsp_rsp_valid),
        .p2_rsp_err(wsp_rsp_err), .p2_rdata(wsp_rdata), .conflicts(conflicts));

    accumulator #(.N(N), .ROWS(ACC_ROWS), .WRITE_PRIORITY(1)) u_acc (
        .clk(clk), .rst_n(rst_n), .w_valid(acc_valid), .w_ready(acc_ready), .w_acc(acc_acc), .w_row(acc_row),
        .w_lane_en({N{1'b1}}), .w_data(acc_data), .w_rsp_valid(w_rsp_valid), .w_rsp_err(w_rsp_err),
        .w_wb_valid(), .w_wb_data(),
        .r_valid(r_valid), .r_ready(r_ready), .r_row(r_row), .r_rsp_valid(r_rsp_valid), .r_rsp_err(r_rsp_err),
        .r_data(r_data));

    // ---- internal interfaces ---------------------------------------------------------------------------------
    localparam integer HS_N = 5;
    wire [HS_N-1:0]   hs_v;
    wire [4*HS_N-1:0] hs_c;
    reg cq_valid_q;
    always @(posedge clk) cq_valid_q <= rst_n && cq_valid;
    queue_checker #(.NAME("compute_queue")) u_hs_q (.clk(clk), .rst_n(rst_n), .push(cq_valid && !cq_valid_q),
        .valid(cq_valid), .head(cq_head), .done(cq_done), .err(cq_err), .idle(1'b0),
        .violation(hs_v[0]), .violation_code(hs_c[3:0]));
    mem_port_checker #(.NAME("sp_read_port"), .MAX_LATENCY(1)) u_hs_sp (.clk(clk), .rst_n(rst_n),
        .valid(sp_valid), .ready(sp_ready), .rsp_valid(sp_rsp_valid), .violation(hs_v[1]), .violation_code(hs_c[7:4]));
    stream_checker #(.NAME("array_weights"), .W(8 * N)) u_hs_w (.clk(clk), .rst_n(rst_n),
        .valid(w_valid), .ready(w_ready), .payload(w_data), .violation(hs_v[2]), .violation_code(hs_c[11:8]));
    stream_checker #(.NAME("array_activations"), .W(8 * N + 18)) u_hs_a (.clk(clk), .rst_n(rst_n),
        .valid(a_valid), .ready(a_ready), .payload({a_swap, a_tag, a_data}), .violation(hs_v[3]),
        .violation_code(hs_c[15:12]));
    mem_port_checker #(.NAME("sp_weight_port"), .MAX_LATENCY(1)) u_hs_wsp (.clk(clk), .rst_n(rst_n),
        .valid(wsp_valid), .ready(wsp_ready), .rsp_valid(wsp_rsp_valid), .violation(hs_v[4]),
        .violation_code(hs_c[19:16]));
`include "handshake_report.vh"

    /* verilator lint_off UNUSEDSIGNAL */
    wire unused = &{sp_rsp_err, wsp_rsp_err, p0_rsp_valid, p0_rsp_err, p0_rdata, conflicts, busy, shadow_full, acc_ready,
                    w_rsp_valid, w_rsp_err, r_rsp_err};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
