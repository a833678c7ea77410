// Two read clients on one scratchpad port: the compute unit (client 0) and the vector unit (client 1). When
// both ask in the same cycle a round-robin arbiter serves one and holds the other (ready low), so neither
// starves; the response, one cycle after acceptance as the scratchpad gives it, goes to whoever was served.
`timescale 1ns / 1ps
module sp_read_share (
    input  wire             clk,
    input  wire             rst_n,
    input  wire             c0_valid,
    output wire             c0_ready,
    input  wire [15:0]      c0_row,
    output wire             c0_rsp_valid,
    input  wire             c1_valid,
    output wire             c1_ready,
    input  wire [15:0]      c1_row,
    output wire             c1_rsp_valid,
    // the scratchpad port (read only)
    output wire             p_valid,
    input  wire             p_ready,
    output wire [15:0]      p_row,
    input  wire             p_rsp_valid
);
    wire g1, served1;
    share_arbiter u_arb (.clk(clk), .rst_n(rst_n), .c0_valid(c0_valid), .c1_valid(c1_valid), .p_ready(p_ready),
                         .g1(g1), .served1(served1));
    assign p_valid  = c0_valid || c1_valid;
    assign p_row    = g1 ? c1_row : c0_row;
    assign c0_ready = p_ready && !g1;
    assign c1_ready = p_ready && g1;
    assign c0_rsp_valid = p_rsp_valid && !served1;
    assign c1_rsp_valid = p_rsp_valid && served1;
endmodule
