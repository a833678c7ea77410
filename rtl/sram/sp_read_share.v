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
    reg  prefer1, served1;
    // a request offered and not taken stays offered (the port sees a stable request until it is ready)
    reg  held, held1;
    wire keep = held && (held1 ? c1_valid : c0_valid);
    wire g1 = keep ? held1 : c1_valid && (!c0_valid || prefer1);
    assign p_valid  = c0_valid || c1_valid;
    assign p_row    = g1 ? c1_row : c0_row;
    assign c0_ready = p_ready && !g1;
    assign c1_ready = p_ready && g1;
    assign c0_rsp_valid = p_rsp_valid && !served1;
    assign c1_rsp_valid = p_rsp_valid && served1;
    always @(posedge clk) begin
        if (!rst_n) begin
            prefer1 <= 1'b0;
            served1 <= 1'b0;
            held    <= 1'b0;
            held1   <= 1'b0;
        end else begin
            held  <= p_valid && !p_ready;
            held1 <= g1;
            if (c0_valid && c1_valid && p_ready) prefer1 <= !g1;
            if (p_valid && p_ready) served1 <= g1;
        end
    end
endmodule
