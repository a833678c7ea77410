// Protocol checker (testbench side) for a valid/ready stream (the MAC array's weight and activation inputs):
// once raised, valid stays up and the payload stays the same until ready takes it. Raises `violation`
// (sticky) with the first rule broken. Rules:
//  1 valid dropped before ready                       2 the payload changed while valid and not ready
//  3 a transfer during reset (from its second edge)
`timescale 1ns / 1ps
module stream_checker #(
    parameter         NAME = "stream",
    parameter integer W    = 8
) (
    input wire         clk,
    input wire         rst_n,
    input wire         valid,
    input wire         ready,
    input wire [W-1:0] payload,
    output reg         violation,
    output reg [3:0]   violation_code
);
    reg         waiting;            // valid and not ready last cycle
    reg [W-1:0] payload_q;

    localparam KIND = "STREAM";
`include "checker_fail.vh"

    always @(posedge clk) begin
        if (!rst_n) begin
            if (in_reset && (valid && ready)) fail(4'd3);
            waiting <= 1'b0;
        end else begin
            if (waiting && !valid) fail(4'd1);
            if (waiting && valid && payload != payload_q) fail(4'd2);
            waiting   <= valid && !ready;
            payload_q <= payload;
        end
    end
endmodule
