// Synchronous RAM with one read and one write port and lane enables (the accumulator's macro).
// Read-first: a read and a write of the same word in one cycle return the old word.
`timescale 1ns / 1ps
module sram_1r1w #(
    parameter integer LANES  = 8,
    parameter integer LANE_W = 32,
    parameter integer DEPTH  = 256,
    parameter integer AW     = (DEPTH > 1) ? $clog2(DEPTH) : 1
) (
    input  wire                    clk,
    input  wire                    re,
    input  wire [AW-1:0]           raddr,
    output reg  [LANES*LANE_W-1:0] rdata,
    input  wire                    we,
    input  wire [AW-1:0]           waddr,
    input  wire [LANES-1:0]        lane_en,
    input  wire [LANES*LANE_W-1:0] wdata
);
    reg [LANES*LANE_W-1:0] mem [0:DEPTH-1];
    integer i;
    always @(posedge clk) begin
        if (re) rdata <= mem[raddr];
        if (we) begin
            for (i = 0; i < LANES; i = i + 1)
                if (lane_en[i]) mem[waddr][i*LANE_W +: LANE_W] <= wdata[i*LANE_W +: LANE_W];
        end
    end
endmodule
