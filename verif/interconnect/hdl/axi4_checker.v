// AXI4 protocol checker (testbench side): watches one AXI4 interface and raises `violation` (sticky) with
// the first rule broken in `violation_code`, printing what it saw. Rules:
//  1 AR payload changed or ARVALID dropped before ARREADY      2 AW likewise      3 W likewise
//  4 R payload/valid unstable (slave)                          5 B likewise (slave)
//  6 a burst that is not INCR of full-width beats, longer than 16 beats, or unaligned
//  7 a burst crossing a 4 KiB boundary                         8 WLAST on the wrong beat
//  9 more than MAX_OUT read bursts outstanding                10 RLAST on the wrong beat
`timescale 1ns / 1ps
module axi4_checker #(
    parameter integer DW      = 128,
    parameter integer MAX_OUT = 4
) (
    input wire            clk,
    input wire            rst_n,
    input wire [1:0]      arid,  input wire [31:0] araddr, input wire [7:0] arlen, input wire [2:0] arsize,
    input wire [1:0]      arburst, input wire arvalid, input wire arready,
    input wire [1:0]      rid, input wire [DW-1:0] rdata, input wire [1:0] rresp, input wire rlast,
    input wire            rvalid, input wire rready,
    input wire [31:0]     awaddr, input wire [7:0] awlen, input wire [2:0] awsize, input wire [1:0] awburst,
    input wire            awvalid, input wire awready,
    input wire [DW-1:0]   wdata, input wire [DW/8-1:0] wstrb, input wire wlast, input wire wvalid,
    input wire            wready,
    input wire [1:0]      bresp, input wire bvalid, input wire bready,
    output reg            violation,
    output reg [3:0]      violation_code
);
    localparam integer SHIFT = $clog2(DW / 8);

    reg        ar_wait, aw_wait, w_wait, r_wait, b_wait;
    reg [44:0] ar_q;
    reg [42:0] aw_q;
    reg [DW+DW/8:0] w_q;
    reg [DW+4:0]    r_q;
    reg [1:0]  b_q;
    reg [7:0]  aw_len_fifo [0:15];
    reg [3:0]  aw_wr, aw_rd;
    reg [8:0]  w_beat;
    reg [8:0]  r_beat [0:3];           // per ID: beat of the burst now returning; lengths queue per ID
    reg [7:0]  r_fifo [0:3][0:127];        // burst lengths per ID (up to 128 outstanding)
    reg [6:0]  r_wr [0:3], r_rd [0:3];
    reg [7:0]  outstanding;

    task fail(input [3:0] code);
        begin
            if (!violation) begin
                violation      <= 1'b1;
                violation_code <= code;
                $display("%t AXI4 CHECKER: rule %0d violated", $time, code);
            end
        end
    endtask

    function burst_bad(input [31:0] addr, input [7:0] len, input [2:0] size, input [1:0] burst);
        burst_bad = burst != 2'b01 || size != SHIFT[2:0] || len > 8'd15 || (addr & ((1 << SHIFT) - 1)) != 0;
    endfunction
    function crosses_4k(input [11:0] offset_in_4k, input [7:0] len);
        crosses_4k = ({20'd0, offset_in_4k} + (({24'd0, len} + 32'd1) << SHIFT)) > 32'd4096;
    endfunction

    integer i;
    wire ar_fire = arvalid && arready;
    wire r_fire  = rvalid && rready;
    always @(posedge clk) begin
        if (!rst_n) begin
            violation <= 1'b0; violation_code <= 4'd0;
            ar_wait <= 1'b0; aw_wait <= 1'b0; w_wait <= 1'b0; r_wait <= 1'b0; b_wait <= 1'b0;
            aw_wr <= 4'd0; aw_rd <= 4'd0; w_beat <= 9'd0; outstanding <= 8'd0;
            for (i = 0; i < 4; i = i + 1) begin r_wr[i] <= 7'd0; r_rd[i] <= 7'd0; r_beat[i] <= 9'd0; end
        end else begin
            // stability: once VALID, hold VALID and payload until READY
            if (ar_wait && (!arvalid || ar_q != {arid, araddr, arlen, arsize})) fail(4'd1);
            if (aw_wait && (!awvalid || aw_q != {awaddr, awlen, awsize})) fail(4'd2);
            if (w_wait  && (!wvalid  || w_q  != {wdata, wstrb, wlast})) fail(4'd3);
            if (r_wait  && (!rvalid  || r_q  != {rid, rdata, rresp, rlast})) fail(4'd4);
            if (b_wait  && (!bvalid  || b_q  != bresp)) fail(4'd5);
            ar_wait <= arvalid && !arready; ar_q <= {arid, araddr, arlen, arsize};
            aw_wait <= awvalid && !awready; aw_q <= {awaddr, awlen, awsize};
            w_wait  <= wvalid && !wready;   w_q  <= {wdata, wstrb, wlast};
            r_wait  <= rvalid && !rready;   r_q  <= {rid, rdata, rresp, rlast};
            b_wait  <= bvalid && !bready;   b_q  <= bresp;
            // burst shape
            if (arvalid && burst_bad(araddr, arlen, arsize, arburst)) fail(4'd6);
            if (awvalid && burst_bad(awaddr, awlen, awsize, awburst)) fail(4'd6);
            if (arvalid && crosses_4k(araddr[11:0], arlen)) fail(4'd7);
            if (awvalid && crosses_4k(awaddr[11:0], awlen)) fail(4'd7);
            // WLAST on beat awlen of the oldest unmatched AW
            if (awvalid && awready) begin aw_len_fifo[aw_wr] <= awlen; aw_wr <= aw_wr + 4'd1; end
            if (wvalid && wready) begin
                if (aw_rd == aw_wr && !(awvalid && awready)) begin
                    // W ahead of AW is legal AXI; npu8's master never does it, so the length is unknown here
                    w_beat <= w_beat + 9'd1;
                end else if (wlast != (w_beat == {1'b0, aw_len_fifo[aw_rd]})) fail(4'd8);
                else if (wlast) begin w_beat <= 9'd0; aw_rd <= aw_rd + 4'd1; end
                else w_beat <= w_beat + 9'd1;
            end
            // outstanding reads and RLAST per ID
            if (ar_fire) begin r_fifo[arid][r_wr[arid]] <= arlen; r_wr[arid] <= r_wr[arid] + 7'd1; end
            if (ar_fire && !(r_fire && rlast)) outstanding <= outstanding + 8'd1;
            if (!ar_fire && r_fire && rlast)   outstanding <= outstanding - 8'd1;
            if ({24'd0, outstanding} > MAX_OUT) fail(4'd9);
            if (r_fire) begin
                if (rlast != (r_beat[rid] == {1'b0, r_fifo[rid][r_rd[rid]]})) fail(4'd10);
                if (rlast) begin r_beat[rid] <= 9'd0; r_rd[rid] <= r_rd[rid] + 7'd1; end
                else r_beat[rid] <= r_beat[rid] + 9'd1;
            end
        end
    end
endmodule
