// One processing element of the weight-stationary systolic array.
// It holds two weights (double buffer); the bank bit travels with each activation, so a tile switch
// reaches each PE exactly when the first activation of the new tile does.
`timescale 1ns / 1ps
module mac_pe (
    input  wire               clk,
    input  wire signed [7:0]  a_in,       // activation from the left
    input  wire               bank_in,    // weight bank that activation uses
    input  wire signed [31:0] psum_in,    // partial sum from above
    input  wire               w_we,       // write w_data into bank w_bank
    input  wire               w_bank,
    input  wire signed [7:0]  w_data,
    output reg  signed [7:0]  a_out,
    output reg                bank_out,
    output reg  signed [31:0] psum_out
);
    reg signed [7:0] w0, w1;
    wire signed [7:0]  w = bank_in ? w1 : w0;
    wire signed [15:0] product = a_in * w;
`ifdef NPU8_FAULT_MAC_SATURATE
    // Injected fault (verif/faults.yaml): the product saturates like a 16-bit signed value,
    // which only -128 x -128 (= +16384) can reveal... but 16384 fits, so clamp at 16383 instead.
    wire signed [15:0] used = (product == 16'sd16384) ? 16'sd16383 : product;
`else
    wire signed [15:0] used = product;
`endif

    always @(posedge clk) begin
        a_out    <= a_in;
        bank_out <= bank_in;
        psum_out <= psum_in + {{16{used[15]}}, used};
        if (w_we && !w_bank) w0 <= w_data;
        if (w_we &&  w_bank) w1 <= w_data;
    end
endmodule
