// Protocol checker (testbench side) for one controller -> unit queue: the unit sees the queue head
// (`valid`, `head`, a queue entry of rtl/npu8_isa.vh) and pulses `done` (with `err`) when it has executed it;
// the controller `push`es each instruction it issues to this queue and goes `idle` when a program ends.
// Raises `violation` (sticky) with the first rule broken in `violation_code`, printing what it saw. Rules:
//  1 done while the head is not valid                 2 err without done (err qualifies a done)
//  3 done, err or push during reset (from its 2nd edge) 4 the head changed while valid and not yet done
//  5 more dones than instructions issued              6 a done whose index is not after the previous one
//  7 the controller went idle with issued instructions never done
// (5 and 6 together: one done per issued instruction, in order.)
`timescale 1ns / 1ps
`include "npu8_isa.vh"
module queue_checker #(
    parameter NAME = "queue"
) (
    input wire                   clk,
    input wire                   rst_n,
    input wire                   push,
    input wire                   valid,
    input wire [`NPU8_QE_W-1:0]  head,
    input wire                   done,
    input wire                   err,
    input wire                   idle,
    output reg                   violation,
    output reg [3:0]             violation_code
);
    reg                   held;           // a valid head is waiting for its done
    reg [`NPU8_QE_W-1:0]  head_q;
    reg [16:0]            pending;        // pushed and not yet done
    reg                   any_done;       // since the program started
    reg [`NPU8_INDEX_W-1:0] last_index;
    reg                   idle_q;
    wire [`NPU8_INDEX_W-1:0] index = head[`NPU8_QE_INDEX];

    localparam KIND = "QUEUE";
`include "checker_fail.vh"

    always @(posedge clk) begin
        if (!rst_n) begin
            if (in_reset && (done || err || push)) fail(4'd3);
            held <= 1'b0; pending <= 17'd0; any_done <= 1'b0; idle_q <= 1'b1;
        end else begin
            idle_q <= idle;
            if (done && !valid) fail(4'd1);
            if (err && !done) fail(4'd2);
            if (held && valid && !done && head != head_q) fail(4'd4);
            if (done && valid) begin
                if (pending == 17'd0 && !push) fail(4'd5);
                if (any_done && index <= last_index) fail(4'd6);
                last_index <= index;
                any_done   <= 1'b1;
            end
            if (idle && !idle_q) begin                     // a program just ended
                if (pending != 17'd0) fail(4'd7);
                any_done <= 1'b0;
            end
            pending <= pending + {16'd0, push} - {16'd0, done && valid && (pending != 17'd0 || push)};
            held    <= valid && !done;
            head_q  <= head;
        end
    end
endmodule
