// One lane of QLinearAdd (VADD), bit-exact with docs/isa.md section 4.2 and golden/qladd.py (and so with
// onnxruntime's two float32 FMAs): with the constants as integers on the 2^-80 grid (RA, RB, F: the vector unit
// decodes them once per instruction),
//     T1 = R24(b*RB + F);  T2 = R24(a*RA + T1);  y = clamp(RNE(T2, 80))
// where R24 rounds to 24 significant bits and RNE(v, s) is v / 2^s rounded, both ties to even and symmetric in
// sign. u8: the inputs are the stored int8 plus 128, the result is clamped to 0..255 and stored minus 128;
// otherwise it is clamped to -128..127. Every exact sum is below 2^108 in magnitude: W = 112-bit arithmetic.
// Two pipeline stages: valid in, valid out 2 cycles later (stage 1: T1; stage 2: T2, y).
`timescale 1ns / 1ps
module qladd_lane (
    input  wire                 clk,
    input  wire                 in_valid,
    input  wire                 u8,
    input  wire signed [7:0]    a,
    input  wire signed [7:0]    b,
    input  wire [111:0]         ra,       // RA, RB: +ratio * 2^80 (non-negative, below 2^96)
    input  wire [111:0]         rb,
    input  wire signed [111:0]  fixed,    // F: fixed * 2^80 (below 2^106 in magnitude)
    output reg                  out_valid,
    output reg  signed [7:0]    y
);
    localparam integer W = 112;

    // Bit length of a magnitude (0 for 0).
    function [6:0] bitlen(input [W-1:0] v);
        integer i;
        begin
            bitlen = 7'd0;
            for (i = 0; i < W; i = i + 1)
                if (v[i]) bitlen = i[6:0] + 7'd1;
        end
    endfunction

    // Round-half-even of v / 2^s for a magnitude v (s = 0 returns v; s < W).
    function [W-1:0] rne(input [W-1:0] v, input [6:0] s);
        reg [W-1:0] t, rem, half;
        begin
            if (s == 7'd0) rne = v;
            else begin
                t    = v >> s;
                rem  = v & (({{(W-1){1'b0}}, 1'b1} << s) - {{(W-1){1'b0}}, 1'b1});
                half = {{(W-1){1'b0}}, 1'b1} << (s - 7'd1);
                rne  = t + {{(W-1){1'b0}}, (rem > half || (rem == half && t[0]))};
            end
        end
    endfunction

    // R24 of a signed value: its magnitude rounded to 24 significant bits (ties to even), the sign kept.
    // |v| < 2^108, so the rounded magnitude (at most 2^108) and its negation fit W bits.
    function signed [W-1:0] r24(input signed [W-1:0] v);
        reg [W-1:0] mag, rounded;
        reg [6:0]   bl, s;
        begin
            mag     = v[W-1] ? -v : v;
            bl      = bitlen(mag);
            s       = (bl > 7'd24) ? bl - 7'd24 : 7'd0;
            rounded = rne(mag, s) << s;
            r24     = v[W-1] ? -rounded : rounded;
        end
    endfunction

    // the stored int8 as the operand: sign-extended, plus 128 with u8 (0..255)
    function signed [W-1:0] operand(input signed [7:0] v, input off);
        begin
            operand = {{(W-8){v[7]}}, v} + (off ? 112'sd128 : 112'sd0);
        end
    endfunction

    // ---- stage 1: T1 = R24(b*RB + F) (registers load only with a valid input) --------------------------
    reg  signed [W-1:0] t1;
    reg  signed [W-1:0] a1;
    reg                 v1, u8_1;
    always @(posedge clk) begin
        v1 <= in_valid;
        if (in_valid) begin
            t1   <= r24(operand(b, u8) * $signed(rb) + fixed);
            a1   <= operand(a, u8);
            u8_1 <= u8;
        end
    end

    // ---- stage 2: T2 = R24(a*RA + T1), y = RNE(T2, 80), clamped (computed only with a valid stage 1, as
    // stage 1 is: combinational logic this wide would be evaluated every cycle by a cycle-based simulator) ------
    function signed [7:0] result(input signed [W-1:0] a_op, input signed [W-1:0] t1_v, input [W-1:0] ra_v,
                                 input u8_v);
        reg signed [W-1:0] t2;
        reg [W-1:0]        mag2, yi;
        reg                neg, big;
        reg [7:0]          y8;
        begin
            t2   = r24(a_op * $signed(ra_v) + t1_v);
            neg  = t2[W-1];
            mag2 = neg ? -t2 : t2;
            yi   = rne(mag2, 7'd80);                        // |y| below 2^28
            big  = yi > 112'd255;                           // saturates whatever the mode
            y8   = yi[7:0];
            if (u8_v)                                       // clamp to 0..255, store minus 128
                result = neg ? -8'sd128 : big ? 8'sd127 : $signed(y8 ^ 8'h80);
            else if (neg)                                   // clamp to -128..127
                result = (big || y8 > 8'd128) ? -8'sd128 : -$signed(y8);
            else
                result = (big || y8 > 8'd127) ? 8'sd127 : $signed(y8);
        end
    endfunction

    always @(posedge clk) begin
        out_valid <= v1;
        if (v1) y <= result(a1, t1, ra, u8_1);
    end
endmodule
