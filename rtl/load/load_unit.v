// Load unit (docs/architecture.md, "Execution units"): executes LOAD and PAD, the head of the load queue.
// LOAD walks the (pad_top + y + pad_bottom) x (pad_left + x + pad_right) destination elements in order: a pad
// element is written at once (CONFIG's pad value in lanes < len for SP, zeros for ACC); a data element's `eb`
// bytes at addr + i*ys + j*xs are read as whole 128-bit words through the AXI master and cut out by a byte
// aligner. Lanes >= len are written 0. PAD fills `count` rows with its value. Writes go to scratchpad port 0
// or the accumulator's write port (overwrite); done follows the last accepted write.
// The reads are requested by a walker of their own that runs up to LA elements ahead of the writer, so up to
// LA element reads are in flight at once and the DRAM latency is paid once per LA elements, not per element;
// the data comes back in request order (one AXI ID) and the writer consumes it element by element.
// A LOAD of one element repeated (xs = 0, and one row or ys = 0: a bias row broadcast into an accumulator
// block) reads it once and writes it to every data row, a row a cycle.
`timescale 1ns / 1ps
`include "npu8_isa.vh"
module load_unit #(
    parameter integer N = 8
) (
    input  wire             clk,
    input  wire             rst_n,
    // load queue head: a queue entry {index, cfg, word} (rtl/npu8_isa.vh)
    input  wire             lq_valid,
    input  wire [`NPU8_QE_W-1:0] lq_head,
    output reg              lq_done,
    output reg              lq_err,
    // scratchpad write (port 0)
    output reg              sp_valid,
    input  wire             sp_ready,
    output reg  [15:0]      sp_row,
    output reg  [N*8-1:0]   sp_wdata,
    // accumulator write (overwrite)
    output reg              acc_valid,
    input  wire             acc_ready,
    output reg  [15:0]      acc_row,
    output reg  [N*32-1:0]  acc_wdata,
    // AXI master read client
    output reg              rq_valid,
    input  wire             rq_ready,
    output reg  [31:0]      rq_addr,
    output reg  [15:0]      rq_beats,
    input  wire             rd_valid,
    output wire             rd_ready,
    input  wire [127:0]     rd_data,
    input  wire             rd_last,
    input  wire             rd_err,
    // counter events
    output wire             ev_stall_dma_rd,
    output reg  [15:0]      ev_rd_bytes
);
    localparam [1:0] S_IDLE = 2'd0, S_RUN = 2'd1, S_DONE = 2'd2;
    // the head's fields (LOAD and PAD share mem and row; PAD's value sits where LOAD's addr does)
    wire [`NPU8_INSTR_W-1:0] hw = lq_head[`NPU8_QE_WORD];
    wire        h_pad   = hw[`NPU8_OPCODE] == `NPU8_OP_PAD;
    wire [7:0]  h_y     = hw[`NPU8_LOAD_Y];
    wire [11:0] h_x     = hw[`NPU8_LOAD_X];
    wire [3:0]  h_pt    = hw[`NPU8_LOAD_PT], h_pb = hw[`NPU8_LOAD_PB], h_pl = hw[`NPU8_LOAD_PL], h_pr = hw[`NPU8_LOAD_PR];
    wire [31:0] h_addr  = hw[`NPU8_LOAD_ADDR];
    wire [8:0]  h_h     = {5'd0, h_pt} + {1'b0, h_y} + {5'd0, h_pb};
    wire [12:0] h_w     = {9'd0, h_pl} + {1'b0, h_x} + {9'd0, h_pr};
    reg [1:0] state;
    localparam [7:0] LA = 8'd128;          // element reads in flight (the AXI master's MAX_OUT matches)

    // the instruction
    reg         is_pad, to_acc;
    reg [15:0]  row;
    reg [7:0]   y;
    reg [11:0]  x;
    reg [4:0]   len;
    reg [3:0]   pt, pl;
    reg [11:0]  xs;
    reg [19:0]  ys;
    reg [3:0]   addr;                     // low bits of the address (the walker keeps the whole one)
    reg [7:0]   pad_value;
    reg [31:0]  fill;                     // PAD's value
    reg [8:0]   h;                        // element rows (pad_top + y + pad_bottom)
    reg [12:0]  w;                        // elements per row
    reg [21:0]  total;                    // rows to write
    // position
    reg [8:0]   r;
    reg [12:0]  c;
    reg         bcast;                    // one element repeated: read once
    reg         b_have;                   // ... and it is here, in b_data
    reg [N*32-1:0] b_data;
    reg [21:0]  k;                        // rows produced (presented to the memory) so far
    reg         any_err;

    wire        data_elem = !is_pad && r >= {5'd0, pt} && r < {5'd0, pt} + {1'b0, y} &&
                            c >= {9'd0, pl} && c < {9'd0, pl} + {1'b0, x};
    wire [8:0]  di = r - {5'd0, pt};
    wire [12:0] dj = c - {9'd0, pl};
    // the element's byte offset in its first bus word (mod 16: only the low bits of each term matter)
    wire [3:0]  e_off = addr[3:0] + di[3:0] * ys[3:0] + dj[3:0] * xs[3:0];
    wire [6:0]  eb = to_acc ? {len, 2'b00} : {2'd0, len};
    reg  [511:0] words;                   // the element's earlier beats (up to 4; the last comes from rd_data)
    reg  [2:0]   got;
    wire [6:0]   last_byte = {3'd0, e_off} + eb - 7'd1;
    wire [2:0]   e_beats   = last_byte[6:4] + 3'd1;
    reg  [639:0] words_now;               // the element's beats, its last one straight off the bus
    integer g;
    always @* begin
        for (g = 0; g < 5; g = g + 1)
            words_now[g*128 +: 128] = (got == g[2:0]) ? rd_data : (g < 4 ? words[(g % 4)*128 +: 128] : 128'd0);
    end
    wire [639:0] aligned = words_now >> {e_off, 3'b000};

    // The writer produces one destination row a cycle: a pad row at once, a data row with its last beat.
    wire out_busy  = sp_valid || acc_valid;
    wire out_fire  = (sp_valid && sp_ready) || (acc_valid && acc_ready);
    wire out_free  = !out_busy || out_fire;
    wire left      = state == S_RUN && k != total;
    wire last_beat = got + 3'd1 == e_beats;
    assign rd_ready = left && data_elem && !b_have && (!last_beat || out_free);
    wire beat      = rd_valid && rd_ready;
    wire produce   = left && out_free && (!data_elem || b_have || (beat && last_beat));
    wire [N*32-1:0] src = b_have ? b_data : aligned[N*32-1:0];
    assign ev_stall_dma_rd = left && data_elem && !b_have && !rd_valid;

    // ---- request walker: the data elements in order, at most LA requested ahead of the writer -------------
    reg  [7:0]  qa_i;
    reg  [11:0] qa_j;
    reg  [31:0] qa_row, qa_addr;           // addr + qa_i*ys, and + qa_j*xs
    reg         qa_more;
    reg  [7:0]  qa_ahead;                  // requested (or being requested), data not yet consumed
    wire [31:0] qa_last  = qa_addr + {25'd0, eb} - 32'd1;
    wire [2:0]  qa_beats = qa_last[6:4] - qa_addr[6:4] + 3'd1;
    wire        consumed = beat && last_beat;
    wire        rq_fire  = rq_valid && rq_ready;
    wire        qa_go    = qa_more && qa_ahead < LA && (!rq_valid || rq_fire);
    always @(posedge clk) begin
        if (!rst_n) begin
            rq_valid <= 1'b0; qa_more <= 1'b0; qa_ahead <= 8'd0;
        end else begin
            if (state == S_IDLE && lq_valid && !lq_done) begin
                qa_i <= 8'd0; qa_j <= 12'd0;
                qa_row <= h_addr; qa_addr <= h_addr;
                qa_more <= !h_pad;                         // LOAD (PAD reads nothing)
            end
            if (rq_fire && !qa_go) rq_valid <= 1'b0;
            if (qa_go) begin
                rq_valid <= 1'b1;
                rq_addr  <= {qa_addr[31:4], 4'd0};
                rq_beats <= {13'd0, qa_beats};
                if (qa_j + 12'd1 == x) begin
                    qa_j    <= 12'd0;
                    qa_i    <= qa_i + 8'd1;
                    qa_row  <= qa_row + {12'd0, ys};
                    qa_addr <= qa_row + {12'd0, ys};
                    if (qa_i + 8'd1 == y) qa_more <= 1'b0;
                end else begin
                    qa_j    <= qa_j + 12'd1;
                    qa_addr <= qa_addr + {20'd0, xs};
                end
                if (bcast) qa_more <= 1'b0;           // the one element is all it reads
            end
            qa_ahead <= qa_ahead + {7'd0, qa_go} - {7'd0, consumed};
        end
    end

    integer l;
    always @(posedge clk) begin
        if (!rst_n) begin
            state <= S_IDLE; lq_done <= 1'b0; lq_err <= 1'b0; sp_valid <= 1'b0; acc_valid <= 1'b0;
            ev_rd_bytes <= 16'd0;
        end else begin
            lq_done <= 1'b0;
            lq_err  <= 1'b0;                    // err qualifies a done: it is a pulse with it
            ev_rd_bytes <= 16'd0;
            case (state)
                S_IDLE: if (lq_valid && !lq_done) begin
                    is_pad <= h_pad;
                    to_acc <= hw[`NPU8_LOAD_MEM];
                    row <= hw[`NPU8_LOAD_ROW];
                    y <= h_y;  x <= h_x;  len <= {1'b0, hw[`NPU8_LOAD_LEN]} + `NPU8_LOAD_LEN_BIAS;
                    pt <= h_pt;  pl <= h_pl;
                    addr <= h_addr[3:0];  xs <= hw[`NPU8_LOAD_XS];  ys <= hw[`NPU8_LOAD_YS];
                    pad_value <= lq_head[`NPU8_QE_CFG_PAD];
                    fill <= hw[`NPU8_PAD_VALUE];
                    h <= h_h;
                    w <= h_w;
                    r <= 9'd0;  c <= 13'd0;  k <= 22'd0;  any_err <= 1'b0;  got <= 3'd0;
                    bcast <= !h_pad && hw[`NPU8_LOAD_XS] == 12'd0 && (h_y == 8'd1 || hw[`NPU8_LOAD_YS] == 20'd0);
                    b_have <= 1'b0;
                    total <= h_pad ? {6'd0, hw[`NPU8_PAD_COUNT]} : {13'd0, h_h} * {9'd0, h_w};
                    state <= S_RUN;
                end
                S_RUN: begin
                    if (out_fire && !produce) begin
                        sp_valid  <= 1'b0;
                        acc_valid <= 1'b0;
                    end
                    if (beat && !last_beat) begin
                        words[got[1:0]*128 +: 128] <= rd_data;
                        got <= got + 3'd1;
                    end
                    if (beat && rd_err) any_err <= 1'b1;
                    if (produce) begin
                        for (l = 0; l < N; l = l + 1) begin
                            if (data_elem) begin
                                sp_wdata[l*8 +: 8]    <= (l < len) ? src[l*8 +: 8] : 8'd0;
                                acc_wdata[l*32 +: 32] <= (l < len) ? src[l*32 +: 32] : 32'd0;
                            end else begin
`ifdef NPU8_FAULT_LOAD_PAD_LANES
                                // Injected fault (verif/faults.yaml): pad elements fill every lane.
                                sp_wdata[l*8 +: 8]    <= is_pad ? fill[7:0] : pad_value;
`else
                                sp_wdata[l*8 +: 8]    <= is_pad ? fill[7:0] : (l < len ? pad_value : 8'd0);
`endif
                                acc_wdata[l*32 +: 32] <= is_pad ? fill : 32'd0;
                            end
                        end
                        sp_valid  <= !to_acc;
                        acc_valid <= to_acc;
                        sp_row    <= row + k[15:0];
                        acc_row   <= row + k[15:0];
                        if (data_elem && !b_have) ev_rd_bytes <= {9'd0, eb};
                        if (data_elem && bcast && !b_have) begin
                            b_have <= 1'b1;
                            b_data <= aligned[N*32-1:0];
                        end
                        got <= 3'd0;
                        k   <= k + 22'd1;
                        if (c + 13'd1 == w || is_pad) begin
                            c <= 13'd0;
                            r <= r + 9'd1;
                        end else c <= c + 13'd1;
                    end
                    // done once every row is produced and the last one accepted
                    if (k == total && out_free && !produce) state <= S_DONE;
                end
                default: begin           // S_DONE
                    lq_done <= 1'b1;
                    lq_err  <= any_err;
                    state   <= S_IDLE;
                end
            endcase
        end
    end

    /* verilator lint_off UNUSEDSIGNAL */
    wire unused = &{lq_head, hw, aligned, rd_last, last_byte[3:0], qa_last[31:7], qa_last[3:0],
                    h, di[8:4], dj[12:4]};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
