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
    output reg              served1
);
    reg  prefer1;
    // a request offered and not taken stays offered (the port sees a stable request until it is ready)
    reg  held, held1;
    wire keep = held && (held1 ? c1_valid : c0_valid);
    wire g1 = keep ? held1 : c1_valid && (!c0_valid || prefer1);
    assign p_valid  = c0_valid || c1_valid;
    assign p_acc    = g1 && c1_acc;
    assign p_row    = g1 ? c1_row : c0_row;
    assign p_data   = g1 ? c1_data : c0_data;
    assign c0_ready = p_ready && !g1;
    assign c1_ready = p_ready && g1;
    always @(posedge clk) begin
        if (!rst_n) begin
            prefer1 <= 1'b0;
            served1 <= 1'b0;
            held    <= 1'b0;
            held1   <= 1'b0;
        end else begin
            held  <= p_valid && !p_ready;
            held1 <= g1;
            if (c0_valid && c1_valid && p_ready) prefer1 <= !g1;
            served1 <= p_valid && p_ready && g1;
        end
    end
endmodule
