// Two write clients on the accumulator's write port B: the load unit (client 0: LOAD/PAD into ACC, overwrite)
// and the vector unit (client 1: its results, overwrite or accumulate). Round-robin when both ask in the same
// cycle; `served1` says, one cycle after an accepted write, that it was the vector unit's (for the monitors).
`timescale 1ns / 1ps
module acc_write_share #(
    parameter integer N = 8
) (
    input  wire             clk,
    input  wire             rst_n,
    input  wire             c0_valid,
    output wire             c0_ready,
    input  wire [15:0]      c0_row,
    input  wire [N*32-1:0]  c0_data,
    input  wire             c1_valid,
    output wire             c1_ready,
    input  wire             c1_acc,
    input  wire [15:0]      c1_row,
    input  wire [N*32-1:0]  c1_data,
    output wire             p_valid,
    input  wire             p_ready,
    output wire             p_acc,
    output wire [15:0]      p_row,
    output wire [N*32-1:0]  p_data,
    output wire             served1
);
    wire g1;
    share_arbiter u_arb (.clk(clk), .rst_n(rst_n), .c0_valid(c0_valid), .c1_valid(c1_valid), .p_ready(p_ready),
                         .g1(g1), .served1(served1));
    assign p_valid  = c0_valid || c1_valid;
    assign p_acc    = g1 && c1_acc;
    assign p_row    = g1 ? c1_row : c0_row;
    assign p_data   = g1 ? c1_data : c0_data;
    assign c0_ready = p_ready && !g1;
    assign c1_ready = p_ready && g1;
endmodule
