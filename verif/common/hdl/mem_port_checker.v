// Protocol checker (testbench side) for one request/response memory port (scratchpad, accumulator): a request
// is accepted when valid && ready; every accepted request gets exactly one response (rsp_valid), in order,
// within MAX_LATENCY cycles. Raises `violation` (sticky) with the first rule broken. Rules:
//  1 a response with no request outstanding           2 a request waited more than MAX_LATENCY cycles
//  3 a request accepted or a response given during reset (from its second edge)
`timescale 1ns / 1ps
module mem_port_checker #(
    parameter         NAME        = "port",
    parameter integer MAX_LATENCY = 4,        // cycles from acceptance to response
    parameter integer DEPTH       = 16        // requests that may be outstanding at once
) (
    input wire        clk,
    input wire        rst_n,
    input wire        valid,
    input wire        ready,
    input wire        rsp_valid,
    output reg        violation,
    output reg [3:0]  violation_code
);
    localparam integer AW = $clog2(DEPTH);
    reg [31:0] accepted_at [0:DEPTH-1];       // cycle of each outstanding request, oldest first
    reg [AW-1:0] wr, rd;
    reg [AW:0]   outstanding;
    reg [31:0]   now;
    wire         fire = valid && ready;

    localparam KIND = "MEM PORT";
`include "checker_fail.vh"

    initial now = 32'd0;

    always @(posedge clk) begin
        now <= now + 32'd1;
        if (!rst_n) begin
            if (in_reset && (fire || rsp_valid)) fail(4'd3);
            wr <= {AW{1'b0}}; rd <= {AW{1'b0}}; outstanding <= {(AW+1){1'b0}};
        end else begin
            if (rsp_valid && outstanding == 0) fail(4'd1);
            if (outstanding != 0 && now - accepted_at[rd] > MAX_LATENCY && !rsp_valid) fail(4'd2);
            if (fire) begin
                accepted_at[wr] <= now;
                wr <= wr + 1'b1;
            end
            if (rsp_valid && outstanding != 0) rd <= rd + 1'b1;
            outstanding <= outstanding + {{AW{1'b0}}, fire} - {{AW{1'b0}}, rsp_valid && outstanding != 0};
        end
    end
endmodule
