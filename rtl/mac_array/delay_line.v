// A WIDTH-bit shift register DEPTH cycles long (DEPTH = 0 is a wire): the array's skew and de-skew.
`timescale 1ns / 1ps
module delay_line #(
    parameter integer WIDTH = 8,
    parameter integer DEPTH = 1
) (
    input  wire             clk,
    input  wire [WIDTH-1:0] d,
    output wire [WIDTH-1:0] q
);
    generate
        if (DEPTH == 0) begin : g_wire
            assign q = d;
            /* verilator lint_off UNUSEDSIGNAL */
            wire unused_clk = clk;   // a zero-depth line needs no clock
            /* verilator lint_on UNUSEDSIGNAL */
        end else begin : g_regs
            reg [WIDTH-1:0] stage [0:DEPTH-1];
            integer i;
            always @(posedge clk) begin
                stage[0] <= d;
                for (i = 1; i < DEPTH; i = i + 1) stage[i] <= stage[i-1];
            end
            assign q = stage[DEPTH-1];
        end
    endgenerate
endmodule
