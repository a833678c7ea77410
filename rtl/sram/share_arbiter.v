// Which of two clients one memory port serves this cycle (sp_read_share, acc_write_share): round-robin when both
// ask, and a request offered and not taken stays offered while its client still asks, so the port sees a stable
// request until it is ready. `served1`: the port accepted client 1's request in the cycle before.
`timescale 1ns / 1ps
module share_arbiter (
    input  wire clk,
    input  wire rst_n,
    input  wire c0_valid,
    input  wire c1_valid,
    input  wire p_ready,
    output wire g1,              // client 1 is offered to the port (else client 0, if it asks)
    output reg  served1
);
    reg  prefer1, held, held1;
    wire p_valid = c0_valid || c1_valid;
    wire keep = held && (held1 ? c1_valid : c0_valid);
    assign g1 = keep ? held1 : c1_valid && (!c0_valid || prefer1);
    always @(posedge clk) begin
        if (!rst_n) begin
            prefer1 <= 1'b0;
            served1 <= 1'b0;
            held    <= 1'b0;
            held1   <= 1'b0;
        end else begin
            held    <= p_valid && !p_ready;
            held1   <= g1;
            if (c0_valid && c1_valid && p_ready) prefer1 <= !g1;
            served1 <= p_valid && p_ready && g1;
        end
    end
endmodule
