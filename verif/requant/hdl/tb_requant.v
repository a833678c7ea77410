// Testbench top for requant_lane: cocotb writes a batch of accumulators to requant_in.hex and pulses `go`;
// the batch streams through the lane at one value a cycle, with no Python per cycle, and the results land in
// requant_out.hex, after which `finished` rises.
`timescale 1ns / 1ps
module tb_requant #(
    parameter integer DEPTH = 65536
) (
    input  wire        clk,
    input  wire        go,
    input  wire [16:0] count,
    input  wire [23:0] multiplier,
    input  wire [5:0]  shift,
    input  wire [7:0]  out_zp,
    input  wire        relu,
    output reg         finished
);
    reg  [31:0] in_mem  [0:DEPTH-1];
    reg  [7:0]  out_mem [0:DEPTH-1];
    reg  [16:0] sent, got;
    reg         running;
    wire        in_valid = running && sent < count;
    wire        out_valid;
    wire [7:0]  y;

    requant_lane u_dut (.clk(clk), .in_valid(in_valid), .acc(in_mem[sent[15:0]]), .multiplier(multiplier),
                        .shift(shift), .out_zp(out_zp), .relu(relu), .out_valid(out_valid), .y(y));

    initial begin
        running = 1'b0;
        finished = 1'b0;
    end
    always @(posedge clk) begin
        if (go) begin
            $readmemh("requant_in.hex", in_mem, 0, count - 1);
            sent <= 17'd0;
            got <= 17'd0;
            running <= 1'b1;
            finished <= 1'b0;
        end else if (running) begin
            if (in_valid) sent <= sent + 17'd1;
            if (out_valid) begin
                out_mem[got[15:0]] <= y;
                got <= got + 17'd1;
                if (got + 17'd1 == count) begin
                    running <= 1'b0;
                    finished <= 1'b1;
                end
            end
        end
    end
    always @(posedge finished) $writememh("requant_out.hex", out_mem, 0, count - 1);
`ifdef NPU8_FAULT_REQUANT_SINGLE_ROUND
    // Injected fault (verif/faults.yaml): skip the float32 product rounding (one rounding only).
    initial force u_dut.q = {1'b0, u_dut.p1};
`endif
endmodule
