// HDL-side collector of the MAC array's result rows on their way into the accumulator (the acc monitor's
// source, verif/top/top_bfm.py): for each row the array offers, the value the accumulator writes for it one
// cycle later (after an accumulate), with that cycle. One record a line, fixed width so that numpy parses a
// whole batch at once:
//     <cycle: 16 hex> <acc row: 8 hex> <written: 1 hex> <values: 8N hex, lane N-1 first>
// A row offered before or during reset is nobody's result and is not recorded, as a reset cuts it short.
`timescale 1ns / 1ps
module acc_row_collector #(
    parameter integer N           = 8,
    parameter integer ROW_W       = 16,
    parameter         FILE        = "acc_rows.txt",
    parameter integer DRAIN_EVERY = 4096
) (
    input  wire             clk,
    input  wire             rst_n,
    input  wire             en,
    input  wire [63:0]      cycle,
    input  wire             in_valid,     // the array offers a result row ...
    input  wire [ROW_W-1:0] in_row,       // ... for this accumulator row
    input  wire             wb_valid,     // the accumulator's stage 1 writes, the cycle after ...
    input  wire [32*N-1:0]  wb_data,      // ... this value
    input  wire             flush_req,
    input  wire             rewind_req,
    output wire             strobe
);
`include "collector_file.vh"
    reg             pend;
    reg [ROW_W-1:0] pend_row;
    always @(posedge clk) begin
        pend     <= en && rst_n && in_valid;
        pend_row <= in_row;
    end
    // sampled between edges: the values the accumulator took at the last edge
    wire [31:0] row32 = {{(32 - ROW_W){1'b0}}, pend_row};
    always @(negedge clk)
        if (pend && rst_n) begin
            $fwrite(fd, "%h %h %h %h\n", cycle, row32, {3'b000, wb_valid}, wb_data);
            collector_wrote;
        end
endmodule
