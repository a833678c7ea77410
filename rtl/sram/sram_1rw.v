// Synchronous single-port RAM with lane enables (the scratchpad's bank macro).
// A read returns the word as it was before a write in the same cycle cannot happen: one access a cycle.
`timescale 1ns / 1ps
module sram_1rw #(
    parameter integer LANES  = 8,        // lanes per word
    parameter integer LANE_W = 8,        // bits per lane
    parameter integer DEPTH  = 256,
    parameter integer AW     = (DEPTH > 1) ? $clog2(DEPTH) : 1
) (
    input  wire                    clk,
    input  wire                    en,
    input  wire                    we,
    input  wire [AW-1:0]           addr,
    input  wire [LANES-1:0]        lane_en,
    input  wire [LANES*LANE_W-1:0] wdata,
    output reg  [LANES*LANE_W-1:0] rdata
);
    reg [LANES*LANE_W-1:0] mem [0:DEPTH-1];
    integer i;
    always @(posedge clk) begin
        if (en && we) begin
            for (i = 0; i < LANES; i = i + 1)
                if (lane_en[i]) mem[addr][i*LANE_W +: LANE_W] <= wdata[i*LANE_W +: LANE_W];
        end
        if (en && !we) rdata <= mem[addr];
    end
endmodule
