// One lane of requantisation, int32 accumulator -> int8, bit-exact with docs/isa.md section 4 (and so with
// onnxruntime's float32 arithmetic): f = R24(a); p = f * multiplier; q = R24(p); r = RNE(q, shift);
// y = clamp(r + out_zp, relu ? out_zp : -128, 127). Two pipeline stages: valid in, valid out 2 cycles later.
`timescale 1ns / 1ps
module requant_lane (
    input  wire               clk,
    input  wire               in_valid,
    input  wire signed [31:0] acc,
    input  wire [23:0]        multiplier,
    input  wire [5:0]         shift,
    input  wire signed [7:0]  out_zp,
    input  wire               relu,
    output reg                out_valid,
    output reg  signed [7:0]  y
);
    // Bit length of a 56-bit magnitude (0 for 0).
    function [5:0] bitlen56(input [55:0] v);
        integer i;
        begin
            bitlen56 = 6'd0;
            for (i = 0; i < 56; i = i + 1)
                if (v[i]) bitlen56 = i[5:0] + 6'd1;
        end
    endfunction

    // Round-half-even of v / 2^s for a magnitude v (s = 0 returns v). 64-bit arithmetic so that every shift
    // up to 63 keeps its masks exact (v itself never exceeds 2^56).
    function [63:0] rne(input [63:0] v, input [5:0] s);
        reg [63:0] t, rem, half;
        begin
            if (s == 6'd0) rne = v;
            else begin
                t    = v >> s;
                rem  = v & ((64'd1 << s) - 64'd1);
                half = 64'd1 << (s - 6'd1);
                rne  = t + ((rem > half || (rem == half && t[0])) ? 64'd1 : 64'd0);
            end
        end
    endfunction

    // R24: round a magnitude to 24 significant bits, ties to even (float32 rounding of an integer).
    /* verilator lint_off UNUSEDSIGNAL */
    function [56:0] r24(input [55:0] v);
        reg [5:0]  b, s;
        reg [63:0] rounded;   // bits 63:57 stay 0
        begin
            b = bitlen56(v);
            s = (b > 6'd24) ? b - 6'd24 : 6'd0;
            rounded = rne({8'd0, v}, s) << s;
            r24 = rounded[56:0];   // at most 2^56
        end
    endfunction
    /* verilator lint_on UNUSEDSIGNAL */

    // ---- stage 1: f = R24(|a|), p = f * multiplier -------------------------------------------------------
    wire        neg = acc[31];
    wire [31:0] mag = neg ? -acc : acc;                 // |-2^31| = 2^31 still fits 32 unsigned bits
    wire [56:0] f   = r24({24'd0, mag});                // at most 2^31: bits 56:32 stay 0
    /* verilator lint_off UNUSEDSIGNAL */
    wire [24:0] f_hi = f[56:32];
    /* verilator lint_on UNUSEDSIGNAL */
    reg  [55:0] p1;
    reg         neg1, v1, relu1;
    reg  [5:0]  shift1;
    reg  signed [7:0] zp1;
    always @(posedge clk) begin
        v1     <= in_valid;
        p1     <= {24'd0, f[31:0]} * {32'd0, multiplier};
        neg1   <= neg;
        shift1 <= shift;
        zp1    <= out_zp;
        relu1  <= relu;
    end

    // ---- stage 2: q = R24(p), r = RNE(q, shift), add the zero point, clamp ----------------------------------
    wire [56:0] q = r24(p1);
    wire [63:0] r = rne({7'd0, q}, shift1);
    // |r| above 255 saturates whatever the zero point; below, the sum fits 10 signed bits
    wire        big = r > 64'd255;
    wire signed [9:0] sum = (neg1 ? -$signed({2'b00, r[7:0]}) : $signed({2'b00, r[7:0]})) + {{2{zp1[7]}}, zp1};
    wire signed [9:0] lo = relu1 ? {{2{zp1[7]}}, zp1} : -10'sd128;
    always @(posedge clk) begin
        out_valid <= v1;
        if (big)              y <= (neg1 && !relu1) ? -8'sd128 : (neg1 ? zp1 : 8'sd127);
        else if (sum > 10'sd127) y <= 8'sd127;
        else if (sum < lo)    y <= lo[7:0];
        else                  y <= sum[7:0];
    end
endmodule
