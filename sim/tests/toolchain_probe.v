// A counter that proves the simulator flow (build, clock, reset, signed read-back) before any npu8 RTL.
`timescale 1ns / 1ps
module toolchain_probe #(parameter integer WIDTH = 8) (
    input  wire             clk,
    input  wire             rst_n,
    output reg  [WIDTH-1:0] count
);
    always @(posedge clk) begin
        if (!rst_n) count <= {WIDTH{1'b0}};
        else        count <= count - 1'b1;
    end
endmodule
