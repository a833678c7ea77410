// Store unit (docs/architecture.md, "Execution units"): executes STORE, the head of the store queue.
// Element k = (i, j) is ACC row `row + k`; its lanes, requantised (N requant_lanes, with the CONFIG snapshot the
// instruction carries, or per lane with the multiplier and shift of ACC row `qrow`, read first) or kept as int32,
// are `eb` bytes written to DRAM at `addr + i*ys + j*xs` with strobes, in AXI transfers of whole bus words.
// Two stages that overlap: a reader issues the ACC reads back to back (one a cycle, at most EQ elements ahead
// of the writer) and pushes each element, requantised or raw, into a small FIFO; a writer takes the FIFO head,
// asks the AXI master for a transfer and hands over its beats. A transfer is the rest of a row when its
// elements neither overlap nor lie more than 32 bytes apart (a channels-last tensor's rows: one burst run,
// elements sharing a word merged into one beat), else one element. Writes are posted: the next transfer goes
// out without waiting for this one's write response, and the instruction is done once every response is back
// (wr_done comes once per transfer, in order). One AXI ID keeps the writes in order at the memory, so where
// elements overlap (each then its own transfer) the later one's bytes remain, as the ISA says.
// Bus width 128 bits: an element (at most 64 bytes) spans at most 5 words.
`timescale 1ns / 1ps
`include "npu8_isa.vh"
module store_unit #(
    parameter integer N = 8
) (
    input  wire             clk,
    input  wire             rst_n,
    // store queue head: a queue entry {index, cfg, word} (rtl/npu8_isa.vh)
    input  wire             sq_valid,
    input  wire [`NPU8_QE_W-1:0] sq_head,
    output reg              sq_done,
    output reg              sq_err,
    // accumulator read port
    output wire             r_valid,
    input  wire             r_ready,
    output wire [15:0]      r_row,
    input  wire             r_rsp_valid,
    input  wire [N*32-1:0]  r_data,
    // AXI master write client
    output wire             wq_valid,
    input  wire             wq_ready,
    output wire [31:0]      wq_addr,
    output wire [15:0]      wq_beats,
    output wire             wd_valid,
    input  wire             wd_ready,
    output wire [127:0]     wd_data,
    output wire [15:0]      wd_strb,
    input  wire             wr_done,
    input  wire             wr_err,
    // counter events
    output wire             ev_stall_dma_wr,
    output reg  [15:0]      ev_wr_bytes
);
    localparam [1:0] S_IDLE = 2'd0, S_RUN = 2'd1, S_DRAIN = 2'd2, S_PARAM = 2'd3;
    wire [`NPU8_INSTR_W-1:0] hw = sq_head[`NPU8_QE_WORD];
    wire [7:0]  h_y = hw[`NPU8_STORE_Y];
    wire [11:0] h_x = hw[`NPU8_STORE_X];
    localparam [3:0] EQ = 4'd6;           // elements read ahead: covers read + requantise + pop latency, so a
                                          // writer merging an element a cycle never waits (FIFO of 8)
    localparam integer EW = N * 32;       // a FIFO entry: raw lanes, or the requantised bytes in its low bits
    reg [1:0] state;

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
    reg [19:0]  total;                    // elements, y * x
    reg         any_err;
    // per-channel requantisation: lane g's multiplier and shift, from ACC row qrow (docs/isa.md 4.1)
    reg         pcm, p_sent;
    reg [15:0]  qrow;
    reg [N*24-1:0] p_mult;
    reg [N*6-1:0]  p_shift;
    wire        in_param = state == S_PARAM;

    // ---- reader: ACC reads in element order, requantised, into the FIFO -----------------------------------
    reg  [19:0]     k_r;                  // next element to read
    reg  [3:0]      ahead;                // elements read (or being read) and not yet popped by the writer
    wire            pop;
    assign r_valid = (state == S_RUN && k_r != total && ahead != EQ) || (in_param && !p_sent);
    assign r_row   = in_param ? qrow : row + k_r[15:0];
    wire            r_fire = r_valid && r_ready && !in_param;   // an element read (the parameter row is not one)
    wire            elem_rsp = r_rsp_valid && !in_param;

    wire [N-1:0]    q_valid;
    wire [N*8-1:0]  q_bytes;
    genvar g;
    generate
        for (g = 0; g < N; g = g + 1) begin : g_lane
            wire [23:0] lane_mult  = pcm ? p_mult[g*24 +: 24] : mult;
            wire [5:0]  lane_shift = pcm ? p_shift[g*6 +: 6] : shift;
            requant_lane u_q (.clk(clk), .in_valid(elem_rsp && quant), .acc(r_data[g*32 +: 32]),
                              .multiplier(lane_mult), .shift(lane_shift), .out_zp(zp), .relu(relu), .out_valid(q_valid[g]),
                              .y(q_bytes[g*8 +: 8]));
        end
    endgenerate
    wire            push   = quant ? q_valid[0] : elem_rsp;
    wire [EW-1:0]   push_d = quant ? {{(EW - N * 8){1'b0}}, q_bytes} : r_data;
    wire [3:0]      f_count;
    wire [EW-1:0]   elem;
    sync_fifo #(.W(EW), .DEPTH(8)) u_fifo (.clk(clk), .rst_n(rst_n), .push(push), .din(push_d), .pop(pop),
                                           .head(elem), .count(f_count));

    // ---- writer: the FIFO head's address, transfer request and beats --------------------------------------
    // A transfer is one element, or, when the elements of a row follow each other without overlapping and at
    // most 32 bytes apart (eb <= xs <= 32), the rest of the row: one burst run of every word from the first
    // element's to the last one's. Each beat carries the parts of every element in that word (an element's part
    // merges a cycle; elements sharing a word take a cycle each); a word no element touches goes with no strobe.
    reg  [7:0]      i;
    reg  [11:0]     j;
    reg  [31:0]     row_addr, e_addr;     // DRAM address of element (i, 0) and (i, j)
    reg             w_data;               // the head's transfer was accepted; its beats are going out
    reg  [2:0]      beat;                 // the head element's part (word) being merged
    reg  [6:0]      w_out;                // transfers accepted whose wr_done has not come back
    reg  [27:0]     t_word;               // the word the next beat carries
    reg  [11:0]     run_left;             // elements of the transfer not yet merged whole (the head's included)
    reg  [127:0]    acc_data;             // parts merged into t_word, not yet sent
    reg  [15:0]     acc_strb;
    wire            w_more = state == S_RUN && i != y;
    wire [6:0]      eb = quant ? {2'd0, len} : {len, 2'b00};
    wire [31:0]     e_last = e_addr + {25'd0, eb} - 32'd1;
    wire [2:0]      n_beats = e_last[6:4] - e_addr[6:4] + 3'd1;   // at most 5, as 64 bytes span <= 5 words
    wire            runs = {5'd0, eb} <= xs && xs <= 12'd32;
    wire [11:0]     r_elems = runs ? x - j : 12'd1;
    wire [23:0]     r_span = {12'd0, r_elems - 12'd1} * {12'd0, xs};
    wire [31:0]     r_last = e_addr + {8'd0, r_span} + {25'd0, eb} - 32'd1;          // the run's last byte
    wire [27:0]     r_words = r_last[31:4] - e_addr[31:4] + 28'd1;
    // element shifted to its byte offset inside the first word (its lanes past eb cleared: beats merge elements
    // by OR); strobes likewise
    wire [EW-1:0]   keep    = {EW{1'b1}} >> (EW - {22'd0, eb, 3'b000});
    wire [639:0]    shifted = {{(640 - EW){1'b0}}, elem & keep} << {e_addr[3:0], 3'b000};
`ifdef NPU8_FAULT_STORE_STROBE
    // Injected fault (verif/faults.yaml): strobes one byte short of the element.
    wire [79:0]     mask    = ({16'd0, 64'hFFFF_FFFF_FFFF_FFFF} >> (7'd65 - eb)) << e_addr[3:0];
`else
    wire [79:0]     mask    = ({16'd0, 64'hFFFF_FFFF_FFFF_FFFF} >> (7'd64 - eb)) << e_addr[3:0];
`endif
    wire [31:0]     next_addr = e_addr + {20'd0, xs};
    wire            have      = w_data && f_count != 4'd0;
    wire            here      = have && e_addr[31:4] + {25'd0, beat} == t_word;   // the head's part is this word's
    wire            last_part = beat + 3'd1 == n_beats;
    // the next element of the run writes into this word too: merge it before the beat goes
    wire            cont      = here && last_part && run_left != 12'd1 && next_addr[31:4] == t_word;
    assign wq_valid = w_more && f_count != 4'd0 && !w_data && w_out != 7'd127;
    assign wq_addr  = {e_addr[31:4], 4'd0};
    assign wq_beats = r_words[15:0];
    assign wd_valid = have && !cont;      // this word's last part, or a word between elements (no strobe)
    assign wd_data  = here ? acc_data | shifted[beat * 128 +: 128] : 128'd0;
    assign wd_strb  = here ? acc_strb | mask[beat * 16 +: 16] : 16'd0;
    wire   wq_fire  = wq_valid && wq_ready;
    wire   wd_fire  = wd_valid && wd_ready;
    wire   merged   = here && (cont || wd_fire);
    wire   last     = merged && last_part;              // the head element is in: pop it
    assign pop      = last;
    assign ev_stall_dma_wr = (wq_valid && !wq_ready) || (wd_valid && !wd_ready) || state == S_DRAIN;

    integer pl;
    always @(posedge clk) begin
        if (!rst_n) begin
            state <= S_IDLE; sq_done <= 1'b0; sq_err <= 1'b0; ev_wr_bytes <= 16'd0;
            k_r <= 20'd0; ahead <= 4'd0;
            w_data <= 1'b0; w_out <= 7'd0; i <= 8'd0; quant <= 1'b0; pcm <= 1'b0; p_sent <= 1'b0;
        end else begin
            sq_done <= 1'b0;
            sq_err  <= 1'b0;                    // err qualifies a done: it is a pulse with it
            ev_wr_bytes <= last ? {9'd0, eb} : 16'd0;     // counted as each element's bytes go
            // reader
            if (r_fire) k_r <= k_r + 20'd1;
            ahead <= ahead + {3'd0, r_fire} - {3'd0, pop};
            // writer
            w_out <= w_out + {6'd0, wq_fire} - {6'd0, wr_done};
            if (wr_done && wr_err) any_err <= 1'b1;
            if (wq_fire) begin
                w_data   <= 1'b1;
                beat     <= 3'd0;
                t_word   <= e_addr[31:4];
                run_left <= r_elems;
                acc_data <= 128'd0;
                acc_strb <= 16'd0;
            end
            if (cont) begin
                acc_data <= acc_data | shifted[beat * 128 +: 128];
                acc_strb <= acc_strb | mask[beat * 16 +: 16];
            end
            if (wd_fire) begin
                t_word   <= t_word + 28'd1;
                acc_data <= 128'd0;
                acc_strb <= 16'd0;
            end
            if (merged) beat <= last_part ? 3'd0 : beat + 3'd1;
            if (last) begin
                run_left <= run_left - 12'd1;
                if (run_left == 12'd1) w_data <= 1'b0;
                if (j + 12'd1 == x) begin
                    j <= 12'd0;
                    i <= i + 8'd1;
                    row_addr <= row_addr + {12'd0, ys};
                    e_addr   <= row_addr + {12'd0, ys};
                end else begin
                    j <= j + 12'd1;
                    e_addr <= next_addr;
                end
            end
            case (state)
                S_IDLE: if (sq_valid && !sq_done) begin
                    quant <= hw[`NPU8_STORE_QUANT];  row <= hw[`NPU8_STORE_ROW];  y <= h_y;  x <= h_x;
                    len <= {1'b0, hw[`NPU8_STORE_LEN]} + `NPU8_STORE_LEN_BIAS;  xs <= hw[`NPU8_STORE_XS];
                    ys <= hw[`NPU8_STORE_YS];
                    relu <= sq_head[`NPU8_QE_CFG_RELU];  zp <= sq_head[`NPU8_QE_CFG_OUT_ZP];
                    shift <= sq_head[`NPU8_QE_CFG_SHIFT];  mult <= sq_head[`NPU8_QE_CFG_MULTIPLIER];
                    total <= {12'd0, h_y} * {8'd0, h_x};
                    k_r <= 20'd0; i <= 8'd0; j <= 12'd0; any_err <= 1'b0;
                    row_addr <= hw[`NPU8_STORE_ADDR]; e_addr <= hw[`NPU8_STORE_ADDR];
                    pcm <= hw[`NPU8_STORE_PC]; qrow <= hw[`NPU8_STORE_QROW]; p_sent <= 1'b0;
                    state <= hw[`NPU8_STORE_PC] ? S_PARAM : S_RUN;
                end
                S_PARAM: begin   // one read of the parameter row, then the elements
                    if (r_valid && r_ready) p_sent <= 1'b1;
                    if (r_rsp_valid) begin
                        for (pl = 0; pl < N; pl = pl + 1) begin
                            p_mult[pl*24 +: 24] <= r_data[pl*32 +: 24];
                            p_shift[pl*6 +: 6]  <= r_data[pl*32 + 24 +: 6];
                        end
                        state <= S_RUN;
                    end
                end
                S_RUN: if (last && j + 12'd1 == x && i + 8'd1 == y) state <= S_DRAIN;
                S_DRAIN: if (w_out == 7'd0) begin   // every write answered; tell the queue
                    sq_done <= 1'b1;
                    sq_err  <= any_err;
                    state   <= S_IDLE;
                end
            endcase
        end
    end
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused = &{sq_head, hw, e_last[31:7], e_last[3:0], q_valid[N-1:1], r_last[3:0], next_addr[3:0], r_words[27:16]};   // index, pad value, opcode: not needed here
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
