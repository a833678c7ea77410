// N x N weight-stationary systolic MAC array, int8 x int8 -> int32 (docs/architecture.md, "MAC array").
//
// Weights: a tile is N rows (row k = input channel k's weights for the N output lanes), written in order
// into the shadow bank while the active bank computes. An activation row with a_swap = 1 makes the shadow
// bank active (it waits until the shadow holds a whole tile). Rows already in flight keep their bank.
// Activations: one row of N int8 per cycle; row k of the array sees element k skewed by k cycles.
// Results: one row of N int32 (sum_k a[k] * W[k][j]) LATENCY = 2N cycles after the row was accepted,
// de-skewed, with the row's tag. Results are never back-pressured: the consumer takes one row a cycle.
`timescale 1ns / 1ps
module mac_array #(
    parameter integer N     = 8,
    parameter integer TAG_W = 16
) (
    input  wire               clk,
    input  wire               rst_n,
    // weight rows into the shadow bank
    input  wire               w_valid,
    output wire               w_ready,
    input  wire [N*8-1:0]     w_data,
    // activation rows
    input  wire               a_valid,
    output wire               a_ready,
    input  wire [N*8-1:0]     a_data,
    input  wire               a_swap,
    input  wire [TAG_W-1:0]   a_tag,
    // result rows
    output wire               o_valid,
    output wire [N*32-1:0]    o_data,
    output wire [TAG_W-1:0]   o_tag,
    // status
    output wire               busy,          // rows in flight
    output wire               shadow_full    // a whole tile waits in the shadow bank
);
    localparam integer LATENCY = 2 * N;
    localparam integer CW = $clog2(LATENCY + 2);

    // ---- bank bookkeeping ---------------------------------------------------------------------------
    reg            active;                  // bank used by new activation rows
    reg            full;                    // shadow bank holds N rows
    reg [4:0]      w_count;                 // next weight row to write
    reg [CW-1:0]   inflight [0:1];          // rows in the array per bank
    wire           shadow = ~active;
    wire           a_fire = a_valid && a_ready;
    wire           w_fire = w_valid && w_ready;
    wire           row_bank = a_swap ? shadow : active;

    // The shadow bank may be overwritten only once no row that reads it is still in flight.
    assign w_ready     = !full && (inflight[shadow] == 0);
    assign a_ready     = !a_swap || full;
    assign shadow_full = full;

    // Meta pipeline, aligned with the data path: a reset valid bit, and the bank and tag of each row.
    localparam integer LAST_ROW = N - 1;
    reg  [LATENCY-1:0] v_pipe;
    wire               m_valid = v_pipe[LATENCY-1];
    wire               m_bank;
    wire [TAG_W-1:0]   m_tag;
    delay_line #(.WIDTH(TAG_W + 1), .DEPTH(LATENCY)) u_meta (
        .clk(clk), .d({row_bank, a_tag}), .q({m_bank, m_tag}));

    always @(posedge clk) begin
        if (!rst_n) begin
            v_pipe      <= {LATENCY{1'b0}};
            active      <= 1'b0;
            full        <= 1'b0;
            w_count     <= 5'd0;
            inflight[0] <= {CW{1'b0}};
            inflight[1] <= {CW{1'b0}};
        end else begin
            v_pipe <= {v_pipe[LATENCY-2:0], a_fire};
            if (w_fire) begin
                w_count <= (w_count == LAST_ROW[4:0]) ? 5'd0 : w_count + 5'd1;
                if (w_count == LAST_ROW[4:0]) full <= 1'b1;
            end
            if (a_fire && a_swap) begin
                active <= shadow;
                full   <= 1'b0;
            end
            inflight[0] <= inflight[0] + {{(CW-1){1'b0}}, a_fire && !row_bank}
                                       - {{(CW-1){1'b0}}, m_valid && !m_bank};
            inflight[1] <= inflight[1] + {{(CW-1){1'b0}}, a_fire && row_bank}
                                       - {{(CW-1){1'b0}}, m_valid && m_bank};
        end
    end

    assign busy    = (inflight[0] != 0) || (inflight[1] != 0);
    assign o_valid = m_valid;
    assign o_tag   = m_tag;

    // ---- data path --------------------------------------------------------------------------------------
    // Separate nets per PE (not one wide vector): Icarus is orders of magnitude faster this way.
    wire signed [7:0]  a_h   [0:N-1][0:N];     // activations, left to right
    wire               b_h   [0:N-1][0:N];     // bank bits, travelling with them
    wire signed [31:0] p_v   [0:N][0:N-1];     // partial sums, top to bottom

    genvar r, c;
    generate
        for (r = 0; r < N; r = r + 1) begin : g_skew
            // Row r's element enters r cycles after element 0: the input skew.
            wire [8:0] skew_in  = {row_bank, a_fire ? a_data[r*8 +: 8] : 8'd0};
            wire [8:0] skew_out;
            delay_line #(.WIDTH(9), .DEPTH(r + 1)) u_skew (.clk(clk), .d(skew_in), .q(skew_out));
            assign a_h[r][0] = skew_out[7:0];
            assign b_h[r][0] = skew_out[8];
        end
        for (c = 0; c < N; c = c + 1) begin : g_top
            assign p_v[0][c] = 32'sd0;
        end
        for (r = 0; r < N; r = r + 1) begin : g_row
            for (c = 0; c < N; c = c + 1) begin : g_col
                mac_pe u_pe (
                    .clk(clk), .a_in(a_h[r][c]), .bank_in(b_h[r][c]), .psum_in(p_v[r][c]),
                    .w_we(w_fire && w_count == r[4:0]), .w_bank(shadow), .w_data(w_data[c*8 +: 8]),
                    .a_out(a_h[r][c+1]), .bank_out(b_h[r][c+1]), .psum_out(p_v[r+1][c]));
            end
        end
        for (c = 0; c < N; c = c + 1) begin : g_deskew
            // Column c's sum leaves the array c cycles after column 0's: delay it N-1-c cycles.
            wire [31:0] q;
            delay_line #(.WIDTH(32), .DEPTH(N - 1 - c)) u_deskew (.clk(clk), .d(p_v[N][c]), .q(q));
            assign o_data[c*32 +: 32] = q;
        end
    endgenerate
endmodule
