// Testbench wrapper of accumulator_banks for the rtl/sram environment: gives the two write ports the
// request/response shape the memory-port BFMs drive (port A has no ready: it never waits; each accepted write
// answers the next cycle, with the out-of-range flag as the bank sees it, i.e. row >= ROWS).
`timescale 1ns / 1ps
module tb_accumulator_banks #(
    parameter integer N    = 8,
    parameter integer ROWS = 64
) (
    input  wire             clk,
    input  wire             rst_n,
    input  wire             a_valid,
    output wire             a_ready,
    input  wire             a_acc,
    input  wire [15:0]      a_row,
    input  wire [N*32-1:0]  a_data,
    output reg              a_rsp_valid,
    output reg              a_rsp_err,
    output wire             a_wb_valid,
    output wire [N*32-1:0]  a_wb_data,
    input  wire             b_valid,
    output wire             b_ready,
    input  wire             b_acc,
    input  wire [15:0]      b_row,
    input  wire [N*32-1:0]  b_data,
    output reg              b_rsp_valid,
    output reg              b_rsp_err,
    input  wire             r_valid,
    output wire             r_ready,
    input  wire [15:0]      r_row,
    output wire             r_rsp_valid,
    output wire             r_rsp_err,
    output wire [N*32-1:0]  r_data
);
    assign a_ready = 1'b1;
    accumulator_banks #(.N(N), .ROWS(ROWS)) u_dut (
        .clk(clk), .rst_n(rst_n), .a_valid(a_valid), .a_acc(a_acc), .a_row(a_row), .a_data(a_data),
        .a_wb_valid(a_wb_valid), .a_wb_data(a_wb_data), .b_valid(b_valid), .b_ready(b_ready), .b_acc(b_acc), .b_row(b_row),
        .b_data(b_data), .b_wb_valid(), .b_wb_data(), .r_valid(r_valid), .r_ready(r_ready), .r_row(r_row), .r_rsp_valid(r_rsp_valid),
        .r_rsp_err(r_rsp_err), .r_data(r_data));
    always @(posedge clk) begin
        a_rsp_valid <= rst_n && a_valid;
        a_rsp_err   <= {16'd0, a_row} >= ROWS;
        b_rsp_valid <= rst_n && b_valid && b_ready;
        b_rsp_err   <= {16'd0, b_row} >= ROWS;
    end
`ifdef NPU8_FAULT_ACC_BANKS_READ_SELECT
    // Injected fault (verif/faults.yaml): the response picks its bank by the row now on the request lines,
    // not by the row it answers.
    initial force u_dut.r_data = u_dut.rd_data[u_dut.r_hi];
`endif
endmodule
