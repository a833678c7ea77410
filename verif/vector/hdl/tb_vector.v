// Testbench top for the vector unit: vector_unit + scratchpad + accumulator. cocotb fills the scratchpad through
// port 0 (the unit reads through port 1), hands vector-queue entries to the unit and reads the accumulator back.
// Backpressure: a free-running LFSR takes ready away from the unit's SP read port (as a bank conflict or the
// arbitration of npu_top would) in bp_sp of every 16 cycles, and from its ACC write port in bp_acc of 16.
// The unit's counter events are counted here (cnt_*), so Python reads them at each done instead of every cycle.
`timescale 1ns / 1ps
`include "npu8_isa.vh"
module tb_vector #(
    parameter integer N        = 8,
    parameter integer SP_ROWS  = 64,
    parameter integer ACC_ROWS = 48
) (
    input  wire             clk,
    input  wire             rst_n,
    input  wire             vq_valid,
    input  wire [`NPU8_QE_W-1:0] vq_head,
    output wire             vq_done,
    output wire             vq_err,
    output wire             ev_vec_active,
    output wire             ev_stall_vec,
    output reg  [31:0]      cnt_active,     // cycles ev_vec_active was high since reset
    output reg  [31:0]      cnt_stall,      // ... and ev_stall_vec
    output reg  [31:0]      cnt_busy,       // ... and vq_valid && !vq_done (the cycles an entry waits for its done)
    input  wire [3:0]       bp_sp,          // backpressure: ready withheld in bp/16 of the cycles
    input  wire [3:0]       bp_acc,
    input  wire [15:0]      bp_seed,
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
    wire            sp_valid, sp_ready, sp_rsp_valid, sp_rsp_err, p0_rsp_valid, p0_rsp_err, p1_ready;
    wire [15:0]     sp_row, acc_row;
    wire [N*8-1:0]  sp_rdata, p0_rdata;
    wire [31:0]     conflicts;
    wire [N*32-1:0] acc_data;
    wire            acc_valid, acc_acc, acc_ready, w_ready, w_rsp_valid, w_rsp_err, r_rsp_err, w_wb_valid;
    wire [N*32-1:0] w_wb_data;

    // ---- backpressure ------------------------------------------------------------------------------------
    reg  [15:0] lfsr;
    always @(posedge clk)
        if (!rst_n) lfsr <= bp_seed | 16'h0001;
        else        lfsr <= {lfsr[14:0], lfsr[15] ^ lfsr[13] ^ lfsr[12] ^ lfsr[10]};
    wire sp_stall  = lfsr[3:0] < bp_sp;
    wire acc_stall = lfsr[11:8] < bp_acc;
    assign sp_ready  = p1_ready && !sp_stall;
    assign acc_ready = w_ready && !acc_stall;

    vector_unit #(.N(N)) u_dut (
        .clk(clk), .rst_n(rst_n), .vq_valid(vq_valid), .vq_head(vq_head), .vq_done(vq_done), .vq_err(vq_err),
        .sp_valid(sp_valid), .sp_ready(sp_ready), .sp_row(sp_row), .sp_rsp_valid(sp_rsp_valid), .sp_rdata(sp_rdata),
        .acc_valid(acc_valid), .acc_ready(acc_ready), .acc_acc(acc_acc), .acc_row(acc_row), .acc_data(acc_data),
        .ev_vec_active(ev_vec_active), .ev_stall_vec(ev_stall_vec));

    wire            p2_ready, p2_rsp_valid, p2_rsp_err;  // the weight port: the compute unit's, not this block's
    wire [N*8-1:0]  p2_rdata;
    scratchpad #(.N(N), .ROWS(SP_ROWS), .NB(4)) u_sp (
        .clk(clk), .rst_n(rst_n),
        .p0_valid(p0_valid), .p0_ready(p0_ready), .p0_we(1'b1), .p0_row(p0_row), .p0_lane_en({N{1'b1}}),
        .p0_wdata(p0_wdata), .p0_rsp_valid(p0_rsp_valid), .p0_rsp_err(p0_rsp_err), .p0_rdata(p0_rdata),
        .p1_valid(sp_valid && !sp_stall), .p1_ready(p1_ready), .p1_we(1'b0), .p1_row(sp_row),
        .p1_lane_en({N{1'b0}}), .p1_wdata({N*8{1'b0}}), .p1_rsp_valid(sp_rsp_valid), .p1_rsp_err(sp_rsp_err),
        .p1_rdata(sp_rdata), .p2_valid(1'b0), .p2_ready(p2_ready), .p2_row(16'd0), .p2_rsp_valid(p2_rsp_valid), .p2_rsp_err(p2_rsp_err),
        .p2_rdata(p2_rdata), .conflicts(conflicts));

    accumulator #(.N(N), .ROWS(ACC_ROWS)) u_acc (
        .clk(clk), .rst_n(rst_n), .w_valid(acc_valid && !acc_stall), .w_ready(w_ready), .w_acc(acc_acc),
        .w_row(acc_row), .w_lane_en({N{1'b1}}), .w_data(acc_data), .w_rsp_valid(w_rsp_valid), .w_rsp_err(w_rsp_err),
        .w_wb_valid(w_wb_valid), .w_wb_data(w_wb_data),
        .r_valid(r_valid), .r_ready(r_ready), .r_row(r_row), .r_rsp_valid(r_rsp_valid), .r_rsp_err(r_rsp_err),
        .r_data(r_data));

    // ---- event counters ------------------------------------------------------------------------------------
    always @(posedge clk)
        if (!rst_n) begin
            cnt_active <= 32'd0; cnt_stall <= 32'd0; cnt_busy <= 32'd0;
        end else begin
            cnt_busy   <= cnt_busy + {31'd0, vq_valid && !vq_done};
            cnt_active <= cnt_active + {31'd0, ev_vec_active};
            cnt_stall  <= cnt_stall + {31'd0, ev_stall_vec};
        end

    // ---- internal interfaces ---------------------------------------------------------------------------------
    localparam integer HS_N = 3;
    wire [HS_N-1:0]   hs_v;
    wire [4*HS_N-1:0] hs_c;
    reg vq_valid_q;
    always @(posedge clk) vq_valid_q <= rst_n && vq_valid;
    queue_checker #(.NAME("vector_queue")) u_hs_q (.clk(clk), .rst_n(rst_n), .push(vq_valid && !vq_valid_q),
        .valid(vq_valid), .head(vq_head), .done(vq_done), .err(vq_err), .idle(1'b0),
        .violation(hs_v[0]), .violation_code(hs_c[3:0]));
    mem_port_checker #(.NAME("sp_read_port"), .MAX_LATENCY(1)) u_hs_sp (.clk(clk), .rst_n(rst_n),
        .valid(sp_valid), .ready(sp_ready), .rsp_valid(sp_rsp_valid), .violation(hs_v[1]), .violation_code(hs_c[7:4]));
    stream_checker #(.NAME("acc_write_port"), .W(1 + 16 + 32 * N)) u_hs_acc (.clk(clk), .rst_n(rst_n),
        .valid(acc_valid), .ready(acc_ready), .payload({acc_acc, acc_row, acc_data}), .violation(hs_v[2]),
        .violation_code(hs_c[11:8]));
`include "handshake_report.vh"

    /* verilator lint_off UNUSEDSIGNAL */
    wire unused = &{p2_ready, p2_rsp_valid, p2_rsp_err, p2_rdata, sp_rsp_err, p0_rsp_valid, p0_rsp_err, p0_rdata, conflicts, w_rsp_valid, w_rsp_err, r_rsp_err,
                    w_wb_valid, w_wb_data};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
