// Store unit (docs/architecture.md, "Execution units"): executes STORE, the head of the store queue.
// For each element (i, j) in order it reads ACC row `row + i*x + j`, requantises its lanes (N requant_lanes,
// using the CONFIG snapshot the instruction carries) or keeps them as int32, and writes the element's `eb`
// bytes to DRAM at `addr + i*ys + j*xs` as one strobed AXI write transfer of whole bus words. Elements go
// one after another, so overlapping elements leave the later one's bytes, as the ISA says.
// Bus width 128 bits: an element (at most 64 bytes) spans at most 5 words.
`timescale 1ns / 1ps
module store_unit #(
    parameter integer N = 8
) (
    input  wire             clk,
    input  wire             rst_n,
    // store queue head: {index[15:0], cfg[46:0], word[127:0]}
    input  wire             sq_valid,
    input  wire [190:0]     sq_head,
    output reg              sq_done,
    output reg              sq_err,
    // accumulator read port
    output reg              r_valid,
    input  wire             r_ready,
    output reg  [15:0]      r_row,
    input  wire             r_rsp_valid,
    input  wire [N*32-1:0]  r_data,
    // AXI master write client
    output reg              wq_valid,
    input  wire             wq_ready,
    output reg  [31:0]      wq_addr,
    output reg  [15:0]      wq_beats,
    output reg              wd_valid,
    input  wire             wd_ready,
    output wire [127:0]     wd_data,
    output wire [15:0]      wd_strb,
    input  wire             wr_done,
    input  wire             wr_err,
    // counter events
    output wire             ev_stall_dma_wr,
    output reg  [15:0]      ev_wr_bytes
);
    localparam [3:0] S_IDLE = 4'd0, S_READ = 4'd1, S_RSP = 4'd2, S_QUANT = 4'd3, S_REQ = 4'd4, S_DATA = 4'd5,
                     S_RESP = 4'd6, S_NEXT = 4'd7, S_DONE = 4'd8;
    reg [3:0] state;

    // the instruction (latched when taken)
    reg         quant, relu;
    reg [15:0]  row;
    reg [7:0]   y;
    reg [11:0]  x;
    reg [4:0]   len;
    reg [11:0]  xs;
    reg [19:0]  ys;
    reg [23:0]  mult;
    reg [5:0]   shift;
    reg [7:0]   zp;
    // position
    reg [7:0]   i;
    reg [11:0]  j;
    reg [15:0]  k;                        // element number i*x + j
    reg [31:0]  row_addr, e_addr;         // DRAM address of element (i, 0) and (i, j)
    reg         any_err;

    // the element's bytes, little-endian, lanes past len masked off by the strobes
    reg  [511:0]    elem;                 // up to 16 lanes x 4 bytes
    wire [6:0]      eb = quant ? {2'd0, len} : {len, 2'b00};
    wire [31:0]     e_last = e_addr + {25'd0, eb} - 32'd1;
    wire [27:0]     first_word = e_addr[31:4];
    wire [2:0]      n_beats = e_last[6:4] - e_addr[6:4] + 3'd1;   // at most 5, as 64 bytes span <= 5 words
    // element shifted to its byte offset inside the first word; strobes likewise
    wire [639:0]    shifted = {128'd0, elem} << {e_addr[3:0], 3'b000};
`ifdef NPU8_FAULT_STORE_STROBE
    // Injected fault for the scoreboard's self-test: strobes one byte short of the element.
    wire [79:0]     mask    = ({16'd0, 64'hFFFF_FFFF_FFFF_FFFF} >> (7'd65 - eb)) << e_addr[3:0];
`else
    wire [79:0]     mask    = ({16'd0, 64'hFFFF_FFFF_FFFF_FFFF} >> (7'd64 - eb)) << e_addr[3:0];
`endif
    reg  [2:0]      beat;
    assign wd_data = shifted[beat * 128 +: 128];
    assign wd_strb = mask[beat * 16 +: 16];
    assign ev_stall_dma_wr = (state == S_REQ && !wq_ready) || (state == S_DATA && !wd_ready) || state == S_RESP;

    // requantisation of all lanes
    reg  [N*32-1:0] r_data_q;
    wire [N-1:0] q_valid;
    wire [N*8-1:0] q_bytes;
    reg          q_start;
    genvar g;
    generate
        for (g = 0; g < N; g = g + 1) begin : g_lane
            requant_lane u_q (.clk(clk), .in_valid(q_start), .acc(r_data_q[g*32 +: 32]), .multiplier(mult),
                              .shift(shift), .out_zp(zp), .relu(relu), .out_valid(q_valid[g]), .y(q_bytes[g*8 +: 8]));
        end
    endgenerate

    always @(posedge clk) begin
        if (!rst_n) begin
            state <= S_IDLE; sq_done <= 1'b0; sq_err <= 1'b0; r_valid <= 1'b0; wq_valid <= 1'b0;
            wd_valid <= 1'b0; q_start <= 1'b0; ev_wr_bytes <= 16'd0;
        end else begin
            sq_done <= 1'b0;
            q_start <= 1'b0;
            ev_wr_bytes <= 16'd0;
            case (state)
                S_IDLE: if (sq_valid && !sq_done) begin
                    quant <= sq_head[4];  row <= sq_head[23:8];  y <= sq_head[31:24];  x <= sq_head[43:32];
                    len <= {1'b0, sq_head[47:44]} + 5'd1;  xs <= sq_head[107:96];
                    ys <= sq_head[127:108];
                    relu <= sq_head[174];  zp <= sq_head[165:158];  shift <= sq_head[157:152];
                    mult <= sq_head[151:128];
                    i <= 8'd0; j <= 12'd0; k <= 16'd0; any_err <= 1'b0;
                    row_addr <= sq_head[95:64]; e_addr <= sq_head[95:64];
                    state <= S_READ;
                end
                S_READ: begin
                    r_valid <= 1'b1;
                    r_row   <= row + k;
                    if (r_valid && r_ready) begin
                        r_valid <= 1'b0;
                        state   <= S_RSP;
                    end
                end
                S_RSP: if (r_rsp_valid) begin
                    r_data_q <= r_data;
                    if (quant) begin
                        q_start <= 1'b1;
                        state   <= S_QUANT;
                    end else begin
                        elem  <= {{(512 - N*32){1'b0}}, r_data};
                        state <= S_REQ;
                    end
                end
                S_QUANT: if (q_valid[0]) begin
                    elem  <= {{(512 - N*8){1'b0}}, q_bytes};
                    state <= S_REQ;
                end
                S_REQ: begin
                    wq_valid <= 1'b1;
                    wq_addr  <= {first_word, 4'd0};
                    wq_beats <= {13'd0, n_beats};
                    beat     <= 3'd0;
                    if (wq_valid && wq_ready) begin
                        wq_valid <= 1'b0;
                        wd_valid <= 1'b1;
                        state    <= S_DATA;
                    end
                end
                S_DATA: if (wd_ready) begin
                    if (beat + 3'd1 == n_beats) begin
                        wd_valid <= 1'b0;
                        state    <= S_RESP;
                    end
                    beat <= beat + 3'd1;
                end
                S_RESP: if (wr_done) begin
                    any_err <= any_err || wr_err;
                    ev_wr_bytes <= {9'd0, eb};
                    state <= S_NEXT;
                end
                S_NEXT: begin
                    k <= k + 16'd1;
                    if (j + 12'd1 == x) begin
                        j <= 12'd0;
                        i <= i + 8'd1;
                        row_addr <= row_addr + {12'd0, ys};
                        e_addr   <= row_addr + {12'd0, ys};
                        state    <= (i + 8'd1 == y) ? S_DONE : S_READ;
                    end else begin
                        j <= j + 12'd1;
                        e_addr <= e_addr + {20'd0, xs};
                        state  <= S_READ;
                    end
                end
                default: begin           // S_DONE: tell the queue, then wait for the next head
                    sq_done <= 1'b1;
                    sq_err  <= any_err;
                    state   <= S_IDLE;
                end
            endcase
        end
    end
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused = &{sq_head[190:175], sq_head[173:166], sq_head[63:48], sq_head[7:5], sq_head[3:0],
                    e_last[31:7], e_last[3:0], q_valid[N-1:1]};   // index, pad value, opcode: not needed here
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
