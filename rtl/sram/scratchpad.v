// Banked int8 scratchpad: ROWS rows of N lanes in NB single-port banks (row r lives in bank r % NB), shared by
// three request ports (port 0: the load unit, port 1: the compute unit's activations and the vector unit,
// through sp_read_share; port 2, read only: the compute unit's weights). When ports want one bank in the
// same cycle a round-robin arbiter picks one and holds the others (ready low), so none can starve (a
// sequential weight stream beside a sequential activation stream loses a cycle at a clash, then the two walk
// the banks out of step).
// Every accepted request gets a response one cycle later: read data, or an error flag when the row is out of
// range (that access touches no bank: it is flagged, never wrapped).
`timescale 1ns / 1ps
module scratchpad #(
    parameter integer N    = 8,
    parameter integer ROWS = 4096,
    parameter integer NB   = 4           // banks, a power of two
) (
    input  wire             clk,
    input  wire             rst_n,
    // port 0
    input  wire             p0_valid,
    output wire             p0_ready,
    input  wire             p0_we,
    input  wire [15:0]      p0_row,
    input  wire [N-1:0]     p0_lane_en,
    input  wire [N*8-1:0]   p0_wdata,
    output reg              p0_rsp_valid,
    output reg              p0_rsp_err,
    output wire [N*8-1:0]   p0_rdata,
    // port 1
    input  wire             p1_valid,
    output wire             p1_ready,
    input  wire             p1_we,
    input  wire [15:0]      p1_row,
    input  wire [N-1:0]     p1_lane_en,
    input  wire [N*8-1:0]   p1_wdata,
    output reg              p1_rsp_valid,
    output reg              p1_rsp_err,
    output wire [N*8-1:0]   p1_rdata,
    // port 2 (reads)
    input  wire             p2_valid,
    output wire             p2_ready,
    input  wire [15:0]      p2_row,
    output reg              p2_rsp_valid,
    output reg              p2_rsp_err,
    output wire [N*8-1:0]   p2_rdata,
    // bank conflicts seen (for the performance counters)
    output reg  [31:0]      conflicts
);
    localparam integer BB    = (NB > 1) ? $clog2(NB) : 1;      // bank-select bits
    localparam integer DEPTH = (ROWS + NB - 1) / NB;
    localparam integer AW    = (DEPTH > 1) ? $clog2(DEPTH) : 1;

`ifdef NPU8_FAULT_SP_WRAP
    // Injected fault (verif/faults.yaml): out-of-range rows wrap silently into the banks.
    wire          p0_oor  = 1'b0;
    wire          p1_oor  = 1'b0;
`else
    wire          p0_oor  = {16'd0, p0_row} >= ROWS;
    wire          p1_oor  = {16'd0, p1_row} >= ROWS;
`endif
    wire          p2_oor  = {16'd0, p2_row} >= ROWS;
    wire [BB-1:0] p0_bank = (NB > 1) ? p0_row[BB-1:0] : {BB{1'b0}};
    wire [BB-1:0] p1_bank = (NB > 1) ? p1_row[BB-1:0] : {BB{1'b0}};
    wire [BB-1:0] p2_bank = (NB > 1) ? p2_row[BB-1:0] : {BB{1'b0}};
    // Round robin among the ports that want one bank this cycle (three ports: at most one bank is contested):
    // the one first from `turn` wins, and the turn passes to the port after it, so a request waits 2 cycles at
    // the most. An out-of-range request touches no bank and never waits.
    wire          v0 = p0_valid && !p0_oor, v1 = p1_valid && !p1_oor, v2 = p2_valid && !p2_oor;
    wire          c01 = v0 && v1 && p0_bank == p1_bank;
    wire          c02 = v0 && v2 && p0_bank == p2_bank;
    wire          c12 = v1 && v2 && p1_bank == p2_bank;
    reg  [1:0]    turn;                                         // the port the next contest goes to first
    // each port's rank in this cycle's order, (port - turn) mod 3: 0 goes first
    wire [1:0]    r0 = (turn == 2'd0) ? 2'd0 : (turn == 2'd1) ? 2'd2 : 2'd1;
    wire [1:0]    r1 = (turn == 2'd0) ? 2'd1 : (turn == 2'd1) ? 2'd0 : 2'd2;
    wire [1:0]    r2 = (turn == 2'd0) ? 2'd2 : (turn == 2'd1) ? 2'd1 : 2'd0;
    wire          lose0 = (c01 && r1 < r0) || (c02 && r2 < r0);
    wire          lose1 = (c01 && r0 < r1) || (c12 && r2 < r1);
    wire          lose2 = (c02 && r0 < r2) || (c12 && r1 < r2);
    wire          clash = c01 || c02 || c12;
    assign p0_ready = !lose0;
    assign p1_ready = !lose1;
    assign p2_ready = !lose2;
    wire p0_fire = p0_valid && p0_ready;
    wire p1_fire = p1_valid && p1_ready;
    wire p2_fire = p2_valid && p2_ready;
    wire [1:0]    winner = ((c01 || c02) && !lose0) ? 2'd0 : ((c01 || c12) && !lose1) ? 2'd1 : 2'd2;

    reg [BB-1:0] p0_bank_q, p1_bank_q, p2_bank_q;
    wire [N*8-1:0] bank_rdata [0:NB-1];

    always @(posedge clk) begin
        if (!rst_n) begin
            turn         <= 2'd0;
            p0_rsp_valid <= 1'b0;
            p1_rsp_valid <= 1'b0;
            p2_rsp_valid <= 1'b0;
            p0_rsp_err   <= 1'b0;
            p1_rsp_err   <= 1'b0;
            p2_rsp_err   <= 1'b0;
            conflicts    <= 32'd0;
        end else begin
            if (clash) begin
                turn      <= (winner == 2'd2) ? 2'd0 : winner + 2'd1;
                conflicts <= conflicts + 32'd1;
            end
            p0_rsp_valid <= p0_fire;
            p1_rsp_valid <= p1_fire;
            p0_rsp_err   <= p0_fire && p0_oor;
            p1_rsp_err   <= p1_fire && p1_oor;
            p2_rsp_valid <= p2_fire;
            p2_rsp_err   <= p2_fire && p2_oor;
        end
        p0_bank_q <= p0_bank;
        p1_bank_q <= p1_bank;
        p2_bank_q <= p2_bank;
    end
    assign p0_rdata = bank_rdata[p0_bank_q];
    assign p1_rdata = bank_rdata[p1_bank_q];
    assign p2_rdata = bank_rdata[p2_bank_q];

    genvar b;
    generate
        for (b = 0; b < NB; b = b + 1) begin : g_bank
            wire use0 = p0_fire && !p0_oor && p0_bank == b;
            wire use1 = p1_fire && !p1_oor && p1_bank == b;
            wire use2 = p2_fire && !p2_oor && p2_bank == b;
            wire [15:0] row = use1 ? p1_row : use2 ? p2_row : p0_row;
            /* verilator lint_off UNUSEDSIGNAL */
            wire [15:0] bank_row = (NB > 1) ? row >> BB : row;   // the low bits chose the bank
            /* verilator lint_on UNUSEDSIGNAL */
            sram_1rw #(.LANES(N), .LANE_W(8), .DEPTH(DEPTH)) u_bank (
                .clk(clk), .en(use0 || use1 || use2), .we(use1 ? p1_we : use2 ? 1'b0 : p0_we), .addr(bank_row[AW-1:0]),
                .lane_en(use1 ? p1_lane_en : p0_lane_en), .wdata(use1 ? p1_wdata : p0_wdata),
                .rdata(bank_rdata[b]));
        end
    endgenerate
endmodule
