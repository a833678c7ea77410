// Accumulator memory: ROWS rows of N int32 lanes, one write port (overwrite, or accumulate: add to what the
// row holds, modulo 2^32) and one read port. Every write takes two stages: stage 0 reads the old row (an
// accumulate needs it), stage 1 writes. A one-entry forward covers the write that lands in the same cycle a
// read samples the RAM, so a read always returns the row as of every write accepted in an earlier cycle
// (a write accepted in the same cycle as the read is ordered after it).
// An accumulate and a read both need the RAM's read port: when they meet, a round-robin arbiter picks one, or,
// with WRITE_PRIORITY = 1, the write always wins (the MAC array's results cannot wait; reads can).
// With DEDICATED_READ = 1 the read port has a RAM copy of its own (both copies take every write), so reads and
// accumulates never meet: the store unit can drain one tile while the array accumulates into the next.
// Every accepted request gets a response one cycle later, with an error flag when the row is out of range.
`timescale 1ns / 1ps
module accumulator #(
    parameter integer N              = 8,
    parameter integer ROWS           = 1024,
    parameter integer WRITE_PRIORITY = 0,
    parameter integer DEDICATED_READ = 0
) (
    input  wire             clk,
    input  wire             rst_n,
    // write port
    input  wire             w_valid,
    output wire             w_ready,
    input  wire             w_acc,          // 1: accumulate, 0: overwrite
    input  wire [15:0]      w_row,
    input  wire [N-1:0]     w_lane_en,
    input  wire [N*32-1:0]  w_data,
    output reg              w_rsp_valid,
    output reg              w_rsp_err,
    output wire             w_wb_valid,     // write-back: the row a write stores, the cycle after it is accepted
    output wire [N*32-1:0]  w_wb_data,
    // read port
    input  wire             r_valid,
    output wire             r_ready,
    input  wire [15:0]      r_row,
    output reg              r_rsp_valid,
    output reg              r_rsp_err,
    output wire [N*32-1:0]  r_data
);
    localparam integer AW = (ROWS > 1) ? $clog2(ROWS) : 1;

    wire w_oor = {16'd0, w_row} >= ROWS;
    wire r_oor = {16'd0, r_row} >= ROWS;
    wire w_reads = w_valid && w_acc && !w_oor;            // needs the RAM read port
    wire clash   = (DEDICATED_READ == 0) && w_reads && r_valid && !r_oor;
    reg  prefer_r;
    assign w_ready = !clash || (WRITE_PRIORITY != 0) || !prefer_r;
    assign r_ready = !clash || ((WRITE_PRIORITY == 0) && prefer_r);
    wire w_fire = w_valid && w_ready;
    wire r_fire = r_valid && r_ready;

    // stage 1 of a write
    reg             s1_valid, s1_acc;
    reg [AW-1:0]    s1_row;
    reg [N-1:0]     s1_lanes;
    reg [N*32-1:0]  s1_data;
    // the write the RAM performs this cycle, remembered for one cycle to forward
    reg             fw_valid;
    reg [AW-1:0]    fw_row;
    reg [N-1:0]     fw_lanes;
    reg [N*32-1:0]  fw_data;
    // read response bookkeeping
    reg [AW-1:0]    r_row_q;

    wire [N*32-1:0] ram_rdata;            // the row an accumulate reads (and, when shared, a read)
    wire [N*32-1:0] rd_rdata;             // the row the read port reads
    wire            rmw_re = w_reads && w_fire;
    wire            rd_re  = r_fire && !r_oor;

    // old row as of every earlier write: the RAM word, with the lanes of the write it just missed
    function [N*32-1:0] forward(input [N*32-1:0] ram, input hit, input [N-1:0] lanes, input [N*32-1:0] data);
        integer i;
        begin
            forward = ram;
            for (i = 0; i < N; i = i + 1)
                if (hit && lanes[i]) forward[i*32 +: 32] = data[i*32 +: 32];
        end
    endfunction

    wire [N*32-1:0] s1_old = forward(ram_rdata, fw_valid && fw_row == s1_row, fw_lanes, fw_data);
    reg  [N*32-1:0] s1_new;
    integer l;
    always @* begin
        for (l = 0; l < N; l = l + 1)
            s1_new[l*32 +: 32] = s1_acc ? s1_old[l*32 +: 32] + s1_data[l*32 +: 32] : s1_data[l*32 +: 32];
    end
    generate
        if (DEDICATED_READ != 0) begin : g_copy
            sram_1r1w #(.LANES(N), .LANE_W(32), .DEPTH(ROWS)) u_ram (
                .clk(clk), .re(rmw_re), .raddr(w_row[AW-1:0]), .rdata(ram_rdata),
                .we(s1_valid), .waddr(s1_row), .lane_en(s1_lanes), .wdata(s1_new));
            sram_1r1w #(.LANES(N), .LANE_W(32), .DEPTH(ROWS)) u_ram_rd (
                .clk(clk), .re(rd_re), .raddr(r_row[AW-1:0]), .rdata(rd_rdata),
                .we(s1_valid), .waddr(s1_row), .lane_en(s1_lanes), .wdata(s1_new));
        end else begin : g_shared
            sram_1r1w #(.LANES(N), .LANE_W(32), .DEPTH(ROWS)) u_ram (
                .clk(clk), .re(rmw_re || rd_re), .raddr(rmw_re ? w_row[AW-1:0] : r_row[AW-1:0]),
                .rdata(ram_rdata), .we(s1_valid), .waddr(s1_row), .lane_en(s1_lanes), .wdata(s1_new));
            assign rd_rdata = ram_rdata;
        end
    endgenerate

    assign w_wb_valid = s1_valid;
    assign w_wb_data  = s1_new;

`ifdef NPU8_FAULT_ACC_NO_FORWARD
    // Injected fault (verif/faults.yaml): reads lose the forward (stale data after a write).
    assign r_data = rd_rdata;
`else
    assign r_data = forward(rd_rdata, fw_valid && fw_row == r_row_q, fw_lanes, fw_data);
`endif

    always @(posedge clk) begin
        if (!rst_n) begin
            prefer_r    <= 1'b0;
            s1_valid    <= 1'b0;
            fw_valid    <= 1'b0;
            w_rsp_valid <= 1'b0;
            w_rsp_err   <= 1'b0;
            r_rsp_valid <= 1'b0;
            r_rsp_err   <= 1'b0;
        end else begin
            if (clash) prefer_r <= !prefer_r;
            s1_valid    <= w_fire && !w_oor;
            fw_valid    <= s1_valid;
            w_rsp_valid <= w_fire;
            w_rsp_err   <= w_fire && w_oor;
            r_rsp_valid <= r_fire;
            r_rsp_err   <= r_fire && r_oor;
        end
        s1_acc   <= w_acc;
        s1_row   <= w_row[AW-1:0];
        s1_lanes <= w_lane_en;
        s1_data  <= w_data;
        fw_row   <= s1_row;
        fw_lanes <= s1_lanes;
        fw_data  <= s1_new;
        r_row_q  <= r_row[AW-1:0];
    end
endmodule
