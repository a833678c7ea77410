// Double-buffered accumulator: two `accumulator` banks, rows [0, HALF) and [HALF, ROWS), each with a write
// pipeline of its own, so that the load unit can preload one half (a bias) while the MAC array accumulates
// into the other, as Gemmini's double-buffered accumulator allows. Write port A (the array's results) never
// waits; write port B (load-unit overwrites and vector-unit results, which may accumulate) waits only while A
// writes the same bank. One read port (the
// store unit) reaches either bank; a row >= ROWS is out of range in bank 1 and answered with the error flag.
// Each bank keeps accumulator.v's ordering: a read returns the row as of every write accepted earlier.
`timescale 1ns / 1ps
module accumulator_banks #(
    parameter integer N    = 8,
    parameter integer ROWS = 1024
) (
    input  wire             clk,
    input  wire             rst_n,
    // write port A: accumulate or overwrite, never waits
    input  wire             a_valid,
    input  wire             a_acc,
    input  wire [15:0]      a_row,
    input  wire [N*32-1:0]  a_data,
    output wire             a_wb_valid,     // the row A's write stores, the cycle after it (monitors)
    output wire [N*32-1:0]  a_wb_data,
    // write port B: overwrite or accumulate
    input  wire             b_valid,
    output wire             b_ready,
    input  wire             b_acc,
    input  wire [15:0]      b_row,
    input  wire [N*32-1:0]  b_data,
    output wire             b_wb_valid,     // the row B's write stores, the cycle after it (monitors)
    output wire [N*32-1:0]  b_wb_data,
    // read port
    input  wire             r_valid,
    output wire             r_ready,
    input  wire [15:0]      r_row,
    output wire             r_rsp_valid,
    output wire             r_rsp_err,
    output wire [N*32-1:0]  r_data
);
    localparam integer HALF = (ROWS + 1) / 2;
    localparam [15:0]  H    = HALF[15:0];
    localparam integer R1   = (ROWS - HALF > 0) ? ROWS - HALF : 1;

    wire a_hi = a_row >= H;
    wire b_hi = b_row >= H;
    wire r_hi = r_row >= H;

    wire [1:0]      w_ready, wb_valid, rsp_valid, rsp_err, rd_ready;
    wire [N*32-1:0] wb_data [0:1];
    wire [N*32-1:0] rd_data [0:1];
    reg             a_hi_q, r_hi_q, b_hi_q;
    reg  [1:0]      b_won_q;                // per bank: the write it took last cycle was B's

    genvar k;
    generate
        for (k = 0; k < 2; k = k + 1) begin : g_bank
            wire        hi    = (k == 1);
            wire        use_a = a_valid && a_hi == hi;
            wire        use_b = b_valid && b_hi == hi && !use_a;
            wire [15:0] base  = hi ? H : 16'd0;
            /* verilator lint_off UNUSEDSIGNAL */
            wire        w_rsp_valid, w_rsp_err;
            /* verilator lint_on UNUSEDSIGNAL */
            accumulator #(.N(N), .ROWS(k == 0 ? HALF : R1), .WRITE_PRIORITY(1), .DEDICATED_READ(1)) u_bank (
                .clk(clk), .rst_n(rst_n),
                .w_valid(use_a || use_b), .w_ready(w_ready[k]), .w_acc(use_a ? a_acc : b_acc),
                .w_row((use_a ? a_row : b_row) - base), .w_lane_en({N{1'b1}}), .w_data(use_a ? a_data : b_data),
                .w_rsp_valid(w_rsp_valid), .w_rsp_err(w_rsp_err), .w_wb_valid(wb_valid[k]), .w_wb_data(wb_data[k]),
                .r_valid(r_valid && r_hi == hi), .r_ready(rd_ready[k]), .r_row(r_row - base),
                .r_rsp_valid(rsp_valid[k]), .r_rsp_err(rsp_err[k]), .r_data(rd_data[k]));
            always @(posedge clk) b_won_q[k] <= use_b && w_ready[k];
        end
    endgenerate

    assign b_ready     = w_ready[b_hi] && !(a_valid && a_hi == b_hi);
    assign r_ready     = rd_ready[r_hi];
    assign r_rsp_valid = |rsp_valid;
    assign r_rsp_err   = |rsp_err;
    assign r_data      = rd_data[r_hi_q];
    assign a_wb_valid  = wb_valid[a_hi_q];
    assign a_wb_data   = wb_data[a_hi_q];
    assign b_wb_valid  = wb_valid[b_hi_q] && b_won_q[b_hi_q];
    assign b_wb_data   = wb_data[b_hi_q];

    always @(posedge clk) begin
        a_hi_q <= a_hi;
        b_hi_q <= b_hi;
        if (r_valid && r_ready) r_hi_q <= r_hi;
    end
endmodule
