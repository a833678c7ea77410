// Banked int8 scratchpad: ROWS rows of N lanes in NB single-port banks (row r lives in bank r % NB), shared by
// two request ports (port 0: the load unit, port 1: the compute and vector units, through sp_read_share). When
// both ports want one bank in the same cycle a round-robin arbiter picks one and holds the other (ready low),
// so neither can starve.
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
    wire [BB-1:0] p0_bank = (NB > 1) ? p0_row[BB-1:0] : {BB{1'b0}};
    wire [BB-1:0] p1_bank = (NB > 1) ? p1_row[BB-1:0] : {BB{1'b0}};
    wire          clash   = p0_valid && p1_valid && !p0_oor && !p1_oor && (p0_bank == p1_bank);
    reg           prefer1;                                      // whom the next clash goes to

    assign p0_ready = !clash || !prefer1;
    assign p1_ready = !clash ||  prefer1;
    wire p0_fire = p0_valid && p0_ready;
    wire p1_fire = p1_valid && p1_ready;

    reg [BB-1:0] p0_bank_q, p1_bank_q;
    wire [N*8-1:0] bank_rdata [0:NB-1];

    always @(posedge clk) begin
        if (!rst_n) begin
            prefer1      <= 1'b0;
            p0_rsp_valid <= 1'b0;
            p1_rsp_valid <= 1'b0;
            p0_rsp_err   <= 1'b0;
            p1_rsp_err   <= 1'b0;
            conflicts    <= 32'd0;
        end else begin
            if (clash) begin
                prefer1   <= !prefer1;
                conflicts <= conflicts + 32'd1;
            end
            p0_rsp_valid <= p0_fire;
            p1_rsp_valid <= p1_fire;
            p0_rsp_err   <= p0_fire && p0_oor;
            p1_rsp_err   <= p1_fire && p1_oor;
        end
        p0_bank_q <= p0_bank;
        p1_bank_q <= p1_bank;
    end
    assign p0_rdata = bank_rdata[p0_bank_q];
    assign p1_rdata = bank_rdata[p1_bank_q];

    genvar b;
    generate
        for (b = 0; b < NB; b = b + 1) begin : g_bank
            wire use0 = p0_fire && !p0_oor && p0_bank == b;
            wire use1 = p1_fire && !p1_oor && p1_bank == b;
            wire [15:0] row = use1 ? p1_row : p0_row;
            /* verilator lint_off UNUSEDSIGNAL */
            wire [15:0] bank_row = (NB > 1) ? row >> BB : row;   // the low bits chose the bank
            /* verilator lint_on UNUSEDSIGNAL */
            sram_1rw #(.LANES(N), .LANE_W(8), .DEPTH(DEPTH)) u_bank (
                .clk(clk), .en(use0 || use1), .we(use1 ? p1_we : p0_we), .addr(bank_row[AW-1:0]),
                .lane_en(use1 ? p1_lane_en : p0_lane_en), .wdata(use1 ? p1_wdata : p0_wdata),
                .rdata(bank_rdata[b]));
        end
    endgenerate
endmodule
