// HDL-side collector of an AXI4 write channel (the dram monitor's source, verif/top/top_bfm.py): each AW and
// each W handshake, in bus order, with its cycle. The Python side pairs beats with their burst's address (W
// may lead AW). One record a line:
//     A <cycle: 16 hex> <awaddr: 8 hex>
//     W <cycle: 16 hex> <wdata: DW/4 hex> <wstrb: DW/32 hex> <wlast: 1 hex>
//     R <cycle: 16 hex>                     reset asserted: what was in flight is void
// Nothing is recorded during reset.
`timescale 1ns / 1ps
module axi_write_collector #(
    parameter integer DW          = 128,
    parameter         FILE        = "dram_writes.txt",
    parameter integer DRAIN_EVERY = 4096
) (
    input  wire            clk,
    input  wire            rst_n,
    input  wire            en,
    input  wire [63:0]     cycle,
    input  wire [31:0]     awaddr,
    input  wire            awvalid,
    input  wire            awready,
    input  wire [DW-1:0]   wdata,
    input  wire [DW/8-1:0] wstrb,
    input  wire            wlast,
    input  wire            wvalid,
    input  wire            wready,
    input  wire            flush_req,
    input  wire            rewind_req,
    output wire            strobe
);
`include "collector_file.vh"
    reg was_reset = 1'b0;
    // sampled between edges: the handshake that the next rising edge completes
    always @(negedge clk)
        if (!en) begin
        end else if (!rst_n) begin
            if (!was_reset) begin
                $fwrite(fd, "R %h\n", cycle);
                collector_wrote;
            end
            was_reset = 1'b1;
        end else begin
            was_reset = 1'b0;
            if (awvalid && awready) begin
                $fwrite(fd, "A %h %h\n", cycle, awaddr);
                collector_wrote;
            end
            if (wvalid && wready) begin
                $fwrite(fd, "W %h %h %h %h\n", cycle, wdata, wstrb, {3'b000, wlast});
                collector_wrote;
            end
        end
endmodule
