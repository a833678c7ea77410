// In-order queue of issued instructions for one unit (load, compute or store). The head is the instruction
// the unit is executing; it leaves only when the unit reports it done, so every instruction still queued or
// executing shows its footprint to the dispatcher's hazard check (slots flattened in `fp_all`).
`timescale 1ns / 1ps
`include "npu8_isa.vh"
module instr_queue #(
    parameter integer DEPTH = 4,                 // a power of two
    parameter integer W     = `NPU8_QE_W,        // a queue entry {index, cfg, word}
    parameter integer FPW   = `NPU8_FP_W
) (
    input  wire               clk,
    input  wire               rst_n,
    input  wire               clear,
    input  wire               push,
    input  wire [W-1:0]       push_data,
    input  wire [FPW-1:0]     push_fp,
    output wire               full,
    output wire               empty,
    output wire [W-1:0]       head,
    output wire               next_valid,        // the entry behind the head (a unit may start it early)
    output wire [W-1:0]       next,
    input  wire               pop,
    output wire [DEPTH-1:0]   valid_all,
    output wire [DEPTH*FPW-1:0] fp_all
);
    localparam integer AW = (DEPTH > 1) ? $clog2(DEPTH) : 1;
    reg [W-1:0]   data [0:DEPTH-1];
    reg [FPW-1:0] fp   [0:DEPTH-1];
    reg [DEPTH-1:0] valid;
    reg [AW-1:0]  rd, wr;

    assign empty     = valid == {DEPTH{1'b0}};
    assign full      = valid == {DEPTH{1'b1}};
    assign head      = data[rd];
    wire [AW-1:0] rd_next = rd + 1'b1;         // an AW-bit index: it wraps like the queue
    assign next       = data[rd_next];
    assign next_valid = valid[rd_next];
    assign valid_all = valid;

    genvar g;
    generate
        for (g = 0; g < DEPTH; g = g + 1) begin : g_fp
            assign fp_all[g*FPW +: FPW] = fp[g];
        end
    endgenerate

    always @(posedge clk) begin
        if (!rst_n || clear) begin
            valid <= {DEPTH{1'b0}};
            rd    <= {AW{1'b0}};
            wr    <= {AW{1'b0}};
        end else begin
            if (pop && !empty) begin
                valid[rd] <= 1'b0;
                rd        <= rd + 1'b1;
            end
            if (push && !full) begin
                data[wr]  <= push_data;
                fp[wr]    <= push_fp;
                valid[wr] <= 1'b1;
                wr        <= wr + 1'b1;
            end
        end
    end
endmodule
