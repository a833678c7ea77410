// A first-in first-out queue of DEPTH (a power of two) entries of W bits, for the units' read-ahead buffers:
// one push and one pop a cycle, the head readable combinationally while `count` is not 0. It checks nothing:
// each user keeps credits (requests in flight plus entries held never exceed DEPTH) and pops only when
// `count` is not 0.
`timescale 1ns / 1ps
module sync_fifo #(
    parameter integer W     = 8,
    parameter integer DEPTH = 8
) (
    input  wire                      clk,
    input  wire                      rst_n,
    input  wire                      push,
    input  wire [W-1:0]              din,
    input  wire                      pop,
    output wire [W-1:0]              head,
    output reg  [$clog2(DEPTH):0]    count
);
    localparam integer AW = $clog2(DEPTH);
    reg [W-1:0]  mem [0:DEPTH-1];
    reg [AW-1:0] wr, rd;
    assign head = mem[rd];
    always @(posedge clk) begin
        if (!rst_n) begin
            wr <= {AW{1'b0}};
            rd <= {AW{1'b0}};
            count <= {(AW + 1){1'b0}};
        end else begin
            if (push) begin
                mem[wr] <= din;
                wr <= wr + 1'b1;
            end
            if (pop) rd <= rd + 1'b1;
            count <= count + {{AW{1'b0}}, push} - {{AW{1'b0}}, pop};
        end
    end
endmodule
