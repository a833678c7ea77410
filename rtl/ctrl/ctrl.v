// The controller (docs/architecture.md, "ctrl"): fetches the program through a read client of the AXI
// master, decodes and checks each instruction in order (instr_decode), keeps CONFIG state, and issues
// LOAD/PAD, MATMUL, STORE and the vector instructions into four queues (instr_queue). An instruction is issued
// only when it conflicts with nothing still queued or executing in the other queues, so units overlap whenever they
// are independent and the program keeps its sequential meaning. SYNC waits for all queues to empty; HALT
// and every error drain them, then raise done (and irq) with the error code and the faulting index.
// Instructions are one 128-bit beat each: the fetch client's data width is 128.
`timescale 1ns / 1ps
`include "npu8_isa.vh"
module ctrl #(
    parameter integer N          = 8,
    parameter integer SP_ROWS    = 4096,
    parameter integer ACC_ROWS   = 1024,
    parameter [33:0]  DRAM_BYTES = 34'h100000,
    parameter integer QDEPTH     = 4,
    parameter integer CHUNK      = 8            // instructions per fetch transfer (fetch buffer holds 2)
) (
    input  wire          clk,
    input  wire          rst_n,
    // host (CSRs)
    input  wire          start,
    input  wire [31:0]   inst_base,
    input  wire [15:0]   inst_count,
    output wire          busy,
    output reg           done,
    output reg  [3:0]    err_code,
    output reg  [15:0]   err_index,
    output reg           irq,
    // fetch: a read client of the AXI master
    output reg           f_rq_valid,
    input  wire          f_rq_ready,
    output reg  [31:0]   f_rq_addr,
    output reg  [15:0]   f_rq_beats,
    input  wire          f_rd_valid,
    output wire          f_rd_ready,
    input  wire [127:0]  f_rd_data,
    input  wire          f_rd_last,
    input  wire          f_rd_err,
    // queues: the head instruction (a queue entry {index, cfg, word}); the unit pulses *_done (with *_err on a bus error)
    output wire          lq_valid,
    output wire [`NPU8_QE_W-1:0]  lq_head,
    input  wire          lq_done,
    input  wire          lq_err,
    output wire          cq_valid,
    output wire [`NPU8_QE_W-1:0]  cq_head,
    output wire          cq_next_valid,     // the MATMUL behind the head, which compute may start reading
    output wire [`NPU8_QE_W-1:0]  cq_next,
    input  wire          cq_done,
    input  wire          cq_err,
    output wire          sq_valid,
    output wire [`NPU8_QE_W-1:0]  sq_head,
    input  wire          sq_done,
    input  wire          sq_err,
    output wire          vq_valid,
    output wire [`NPU8_QE_W-1:0]  vq_head,
    input  wire          vq_done,
    input  wire          vq_err,
    // events from the units, counted while a program runs
    input  wire          ev_mac_active,     // the array did useful MACs this cycle
    input  wire          ev_stall_weight,   // compute waited for weights
    input  wire          ev_stall_dma_rd,   // load waited for DRAM data
    input  wire          ev_stall_dma_wr,   // store waited for the write channel
    input  wire          ev_vec_active,     // the vector unit read a scratchpad row
    input  wire          ev_stall_vec,      // the vector unit held an instruction and read nothing
    input  wire [15:0]   ev_rd_bytes,       // DRAM bytes read this cycle
    input  wire [15:0]   ev_wr_bytes,       // DRAM bytes written this cycle
    // performance counters (cleared by start)
    output reg  [31:0]   cycles,
    // Every cycle of a run counts once in CYCLES and once in exactly one of MAC_ACTIVE or a stall cause, by
    // priority: MAC active, vector active, weight load, DMA read, DMA write, vector stall, dependency, full queue,
    // other (fetch, decode, pipeline fill and drain). So MAC_ACTIVE + VEC_ACTIVE + the stalls = CYCLES, and
    // each stall says why neither the array nor the vector unit worked.
    output reg  [31:0]   stall_dep,         // an issuable instruction waited on a hazard
    output reg  [31:0]   stall_full,        // ... on a full queue
    output reg  [31:0]   retired,
    output reg  [31:0]   mac_active,
    output reg  [31:0]   stall_weight,
    output reg  [31:0]   stall_dma_rd,
    output reg  [31:0]   stall_dma_wr,
    output reg  [31:0]   rd_bytes,
    output reg  [31:0]   wr_bytes,
    output reg  [31:0]   stall_other,
    output reg  [31:0]   vec_active,
    output reg  [31:0]   stall_vec
);
    localparam [1:0] S_IDLE = 2'd0, S_RUN = 2'd1, S_DRAIN = 2'd2;
    localparam integer FB = 2 * CHUNK;                  // fetch buffer entries
    localparam integer FBW = $clog2(FB);
    localparam integer FPW = `NPU8_FP_W;

    reg  [1:0]   state;
    assign busy = state != S_IDLE;
    // The program's base and length, captured at start: the host may write the CSRs for the next program.
    reg  [31:4]  base_q;
    reg  [15:0]  count_q;
    wire [31:0]  base = {base_q, 4'd0};

    // ---- fetch ---------------------------------------------------------------------------------------------
    reg  [`NPU8_INSTR_W:0] fbuf [0:FB-1];              // {bus error, word}
    reg  [FBW-1:0] f_wr, f_rd;
    reg  [FBW:0] f_count;                              // entries held + beats requested but not yet arrived
    reg  [FBW:0] f_held;
    reg  [16:0]  f_next;                               // next index to request
    reg          f_busy;                               // a transfer is outstanding
    reg  [16:0]  fetchable;                            // indices whose 16 bytes lie inside DRAM
    wire [16:0]  limit = (fetchable < {1'b0, count_q}) ? fetchable : {1'b0, count_q};
    // indices whose 16 bytes lie inside DRAM, from a base captured at start (0 when the base is past DRAM)
    wire [33:0]  room_at_start = DRAM_BYTES - {2'd0, inst_base[31:4], 4'd0};
    wire         base_outside  = {2'd0, inst_base[31:4], 4'd0} >= DRAM_BYTES;
    wire [16:0]  left = limit - f_next;
    wire [16:0]  chunk_beats = (left > CHUNK[16:0]) ? CHUNK[16:0] : left;
    wire         f_beat = f_rd_valid && f_rd_ready;
    assign f_rd_ready = 1'b1;                          // space was reserved when the transfer was requested

    // ---- decode --------------------------------------------------------------------------------------------
    reg  [16:0]  d_idx;
    wire [`NPU8_INSTR_W:0]   d_entry = fbuf[f_rd];
    wire [`NPU8_INSTR_W-1:0] d_word = d_entry[`NPU8_INSTR_W-1:0];
    wire         d_bus_err = d_entry[`NPU8_INSTR_W];
    wire         d_have = f_held != 0;
    wire [`NPU8_OPCODE_W-1:0] d_op;
    wire [`NPU8_ERR_W-1:0]    d_err;
    wire [FPW-1:0] d_fp;
    instr_decode #(.N(N), .SP_ROWS(SP_ROWS), .ACC_ROWS(ACC_ROWS), .DRAM_BYTES(DRAM_BYTES)) u_decode (
        .word(d_word), .inst_base(base), .inst_count(count_q), .op(d_op), .err(d_err),
        .sp_rd(d_fp[`NPU8_FP_SP_RD]), .sp_wr(d_fp[`NPU8_FP_SP_WR]), .sp_lo(d_fp[`NPU8_FP_SP_LO]), .sp_hi(d_fp[`NPU8_FP_SP_HI]),
        .spw_rd(d_fp[`NPU8_FP_SPW_RD]), .spw_lo(d_fp[`NPU8_FP_SPW_LO]), .spw_hi(d_fp[`NPU8_FP_SPW_HI]),
        .accp_rd(d_fp[`NPU8_FP_ACCP_RD]), .accp_lo(d_fp[`NPU8_FP_ACCP_LO]), .accp_hi(d_fp[`NPU8_FP_ACCP_HI]),
        .acc_rd(d_fp[`NPU8_FP_ACC_RD]), .acc_wr(d_fp[`NPU8_FP_ACC_WR]), .acc_lo(d_fp[`NPU8_FP_ACC_LO]), .acc_hi(d_fp[`NPU8_FP_ACC_HI]),
        .dram_rd(d_fp[`NPU8_FP_DRAM_RD]), .dram_wr(d_fp[`NPU8_FP_DRAM_WR]), .dram_lo(d_fp[`NPU8_FP_DRAM_LO]), .dram_hi(d_fp[`NPU8_FP_DRAM_HI]));

    reg  [`NPU8_CFG_W-1:0] cfg;                        // the CONFIG registers, as the snapshot lays them out
    wire [`NPU8_QE_W-1:0]  record = {d_idx[`NPU8_INDEX_W-1:0], cfg, d_word};   // the queue entry {index, cfg, word}
    wire to_lq = `NPU8_TO_LOAD_Q(d_op);
    wire to_cq = `NPU8_TO_COMPUTE_Q(d_op);
    wire to_sq = `NPU8_TO_STORE_Q(d_op);
    wire to_vq = `NPU8_TO_VECTOR_Q(d_op);
    wire to_q  = to_lq || to_cq || to_sq || to_vq;

    // ---- queues and hazards --------------------------------------------------------------------------------
    wire lq_full, cq_full, sq_full, vq_full, lq_empty, cq_empty, sq_empty, vq_empty;
    wire [QDEPTH-1:0] lq_v, cq_v, sq_v, vq_v;
    wire [QDEPTH*FPW-1:0] lq_fp, cq_fp, sq_fp, vq_fp;
    wire [QDEPTH-1:0] hit_l, hit_c, hit_s, hit_v;
    genvar g;
    generate
        for (g = 0; g < QDEPTH; g = g + 1) begin : g_haz
            wire cl, cc, cs, cv;
            footprint_conflict u_l (.a(d_fp), .b(lq_fp[g*FPW +: FPW]), .conflict(cl));
            footprint_conflict u_c (.a(d_fp), .b(cq_fp[g*FPW +: FPW]), .conflict(cc));
            footprint_conflict u_s (.a(d_fp), .b(sq_fp[g*FPW +: FPW]), .conflict(cs));
            footprint_conflict u_v (.a(d_fp), .b(vq_fp[g*FPW +: FPW]), .conflict(cv));
            assign hit_l[g] = cl && lq_v[g];
            assign hit_c[g] = cc && cq_v[g];
            assign hit_s[g] = cs && sq_v[g];
            assign hit_v[g] = cv && vq_v[g];
        end
    endgenerate
`ifdef NPU8_FAULT_CTRL_NO_HAZARD
    // Injected fault (verif/faults.yaml): issue without looking at the other queues.
    wire hazard = 1'b0;
`else
    // an instruction waits only for the other queues: its own keeps program order
    wire hazard = (|hit_l && !to_lq) || (|hit_c && !to_cq) || (|hit_s && !to_sq) || (|hit_v && !to_vq);
`endif
    wire q_full = (to_lq && lq_full) || (to_cq && cq_full) || (to_sq && sq_full) || (to_vq && vq_full);
    wire all_empty = lq_empty && cq_empty && sq_empty && vq_empty;

    reg  stop;                                          // an error or HALT ended issue
    wire decoding = state == S_RUN && !stop;
    wire at_end   = d_idx == {1'b0, count_q};
    wire past_dram = d_idx >= fetchable;
    wire legal    = d_have && !d_bus_err && d_err == `NPU8_ERR_NONE;
    wire blocked   = decoding && d_have && legal && !at_end && to_q;
    wire wait_dep  = blocked && hazard;
    wire wait_full = blocked && !hazard && q_full;
    wire issue    = decoding && !at_end && !past_dram && legal && to_q && !hazard && !q_full;
    wire consume  = decoding && !at_end && !past_dram && legal &&
                    (d_op == `NPU8_OP_CONFIG || d_op == `NPU8_OP_VCONFIG || (d_op == `NPU8_OP_SYNC && all_empty) ||
                     d_op == `NPU8_OP_HALT);
    wire take     = issue || consume;                  // the decoder is done with the buffer's head
    localparam [FBW:0] FB_SLOTS = FB[FBW:0];
    wire f_request = state == S_RUN && !stop && !f_busy && !f_rq_valid && f_next < limit &&
                     {1'b0, f_count} + {1'b0, chunk_beats[FBW:0]} <= {1'b0, FB_SLOTS};

    // the load, store and vector units work on their head only
    wire         lq_next_valid, sq_next_valid, vq_next_valid;
    wire [`NPU8_QE_W-1:0] lq_next, sq_next, vq_next;
    instr_queue #(.DEPTH(QDEPTH), .FPW(FPW)) u_lq (.clk(clk), .rst_n(rst_n), .clear(start && !busy),
        .push(issue && to_lq), .push_data(record), .push_fp(d_fp), .full(lq_full), .empty(lq_empty),
        .head(lq_head), .next_valid(lq_next_valid), .next(lq_next), .pop(lq_done), .valid_all(lq_v), .fp_all(lq_fp));
    instr_queue #(.DEPTH(QDEPTH), .FPW(FPW)) u_cq (.clk(clk), .rst_n(rst_n), .clear(start && !busy),
        .push(issue && to_cq), .push_data(record), .push_fp(d_fp), .full(cq_full), .empty(cq_empty),
        .head(cq_head), .next_valid(cq_next_valid), .next(cq_next), .pop(cq_done), .valid_all(cq_v), .fp_all(cq_fp));
    instr_queue #(.DEPTH(QDEPTH), .FPW(FPW)) u_sq (.clk(clk), .rst_n(rst_n), .clear(start && !busy),
        .push(issue && to_sq), .push_data(record), .push_fp(d_fp), .full(sq_full), .empty(sq_empty),
        .head(sq_head), .next_valid(sq_next_valid), .next(sq_next), .pop(sq_done), .valid_all(sq_v), .fp_all(sq_fp));
    instr_queue #(.DEPTH(QDEPTH), .FPW(FPW)) u_vq (.clk(clk), .rst_n(rst_n), .clear(start && !busy),
        .push(issue && to_vq), .push_data(record), .push_fp(d_fp), .full(vq_full), .empty(vq_empty),
        .head(vq_head), .next_valid(vq_next_valid), .next(vq_next), .pop(vq_done), .valid_all(vq_v), .fp_all(vq_fp));
    assign vq_valid = !vq_empty;
    assign lq_valid = !lq_empty;
    assign cq_valid = !cq_empty;
    assign sq_valid = !sq_empty;

    // units' bus errors this cycle, and the earliest instruction among them
    wire        l_bad = lq_done && lq_err, c_bad = cq_done && cq_err, s_bad = sq_done && sq_err, v_bad = vq_done && vq_err;
    wire        unit_err = l_bad || c_bad || s_bad || v_bad;
    wire [15:0] l_idx = l_bad ? lq_head[`NPU8_QE_INDEX] : 16'hFFFF;
    wire [15:0] c_idx = c_bad ? cq_head[`NPU8_QE_INDEX] : 16'hFFFF;
    wire [15:0] s_idx = s_bad ? sq_head[`NPU8_QE_INDEX] : 16'hFFFF;
    wire [15:0] v_idx = v_bad ? vq_head[`NPU8_QE_INDEX] : 16'hFFFF;
    wire [15:0] lc_idx = (l_idx < c_idx) ? l_idx : c_idx;
    wire [15:0] sv_idx = (s_idx < v_idx) ? s_idx : v_idx;
    wire [15:0] unit_err_idx = (lc_idx < sv_idx) ? lc_idx : sv_idx;
    reg  [3:0]  dec_code;                              // the decoder's error, if any
    reg  [15:0] dec_index;
    reg         ubus;                                  // a unit reported a bus error
    reg  [15:0] ubus_index;

    always @(posedge clk) begin
        if (!rst_n) begin
            state <= S_IDLE; done <= 1'b0; irq <= 1'b0; err_code <= `NPU8_ERR_NONE; err_index <= 16'd0;
            f_rq_valid <= 1'b0; f_busy <= 1'b0; stop <= 1'b0;
            cycles <= 32'd0; stall_dep <= 32'd0; stall_full <= 32'd0; retired <= 32'd0;
            mac_active <= 32'd0; stall_weight <= 32'd0; stall_dma_rd <= 32'd0; stall_dma_wr <= 32'd0;
            rd_bytes <= 32'd0; wr_bytes <= 32'd0; stall_other <= 32'd0; vec_active <= 32'd0; stall_vec <= 32'd0;
        end else begin
            irq <= 1'b0;
            case (state)
                S_IDLE: if (start) begin
                    state <= S_RUN; done <= 1'b0; err_code <= `NPU8_ERR_NONE; err_index <= 16'd0; stop <= 1'b0;
                    f_wr <= {FBW{1'b0}}; f_rd <= {FBW{1'b0}}; f_count <= 0; f_held <= 0;
                    f_next <= 17'd0; d_idx <= 17'd0; cfg <= {`NPU8_CFG_W{1'b0}};
                    base_q  <= inst_base[31:4];
                    count_q <= inst_count;
                    fetchable <= base_outside ? 17'd0 :
                                 (room_at_start[33:4] > 30'h10000) ? 17'h10000 : room_at_start[20:4];
                    dec_code <= `NPU8_ERR_NONE; dec_index <= 16'd0; ubus <= 1'b0; ubus_index <= 16'd0;
                    cycles <= 32'd0; stall_dep <= 32'd0; stall_full <= 32'd0; retired <= 32'd0;
                    mac_active <= 32'd0; stall_weight <= 32'd0; stall_dma_rd <= 32'd0; stall_dma_wr <= 32'd0;
                    rd_bytes <= 32'd0; wr_bytes <= 32'd0; stall_other <= 32'd0; vec_active <= 32'd0; stall_vec <= 32'd0;
                end
                S_RUN, S_DRAIN: begin
                    cycles       <= cycles + 32'd1;
                    if (ev_mac_active)        mac_active   <= mac_active + 32'd1;
                    else if (ev_vec_active)   vec_active   <= vec_active + 32'd1;
                    else if (ev_stall_weight) stall_weight <= stall_weight + 32'd1;
                    else if (ev_stall_dma_rd) stall_dma_rd <= stall_dma_rd + 32'd1;
                    else if (ev_stall_dma_wr) stall_dma_wr <= stall_dma_wr + 32'd1;
                    else if (ev_stall_vec)    stall_vec    <= stall_vec + 32'd1;
                    else if (wait_dep)        stall_dep    <= stall_dep + 32'd1;
                    else if (wait_full)       stall_full   <= stall_full + 32'd1;
                    else                      stall_other  <= stall_other + 32'd1;
                    rd_bytes     <= rd_bytes + {16'd0, ev_rd_bytes};
                    wr_bytes     <= wr_bytes + {16'd0, ev_wr_bytes};
                    // fetch: one transfer at a time, into buffer space reserved when it is requested
                    if (f_rq_valid && f_rq_ready) f_rq_valid <= 1'b0;
                    if (f_request) begin
                        f_rq_valid <= 1'b1;
                        f_rq_addr  <= base + {11'd0, f_next, 4'd0};
                        f_rq_beats <= chunk_beats[15:0];
                        f_busy     <= 1'b1;
                        f_next     <= f_next + chunk_beats;
                    end
                    if (f_beat) begin
                        fbuf[f_wr] <= {f_rd_err, f_rd_data};
                        f_wr <= f_wr + 1'b1;
                        if (f_rd_last) f_busy <= 1'b0;
                    end
                    f_count <= f_count + (f_request ? chunk_beats[FBW:0] : {(FBW+1){1'b0}}) - {{FBW{1'b0}}, take};
                    f_held  <= f_held + {{FBW{1'b0}}, f_beat} - {{FBW{1'b0}}, take};
                    if (take) begin
                        f_rd  <= f_rd + 1'b1;
                        d_idx <= d_idx + 17'd1;
                    end
                    if (consume && d_op == `NPU8_OP_CONFIG)  cfg[`NPU8_CFG_CONFIG_PART]  <= `NPU8_CFG_FROM_CONFIG(d_word);
                    if (consume && d_op == `NPU8_OP_VCONFIG) cfg[`NPU8_CFG_VCONFIG_PART] <= `NPU8_CFG_FROM_VCONFIG(d_word);
                    // an instruction that ended with a bus error did not complete
                    retired <= retired + {31'd0, consume}
                               + {31'd0, lq_done && !lq_err} + {31'd0, cq_done && !cq_err} + {31'd0, sq_done && !sq_err}
                               + {31'd0, vq_done && !vq_err};
                    // the end of issue: HALT, an illegal instruction, running off the program, a fetch bus error
                    if (decoding) begin
                        if (at_end) begin
                            stop <= 1'b1; dec_code <= `NPU8_ERR_NO_HALT; dec_index <= count_q;
                        end else if (past_dram) begin
                            stop <= 1'b1; dec_code <= `NPU8_ERR_DRAM_RANGE; dec_index <= d_idx[15:0];
                        end else if (d_have && d_bus_err) begin
                            stop <= 1'b1; dec_code <= `NPU8_ERR_BUS; dec_index <= d_idx[15:0];
                        end else if (d_have && d_err != `NPU8_ERR_NONE) begin
                            stop <= 1'b1; dec_code <= d_err; dec_index <= d_idx[15:0];
                        end else if (consume && d_op == `NPU8_OP_HALT) begin
                            stop <= 1'b1;
                        end
                    end
                    // A unit's bus error belongs to an instruction issued before anything the decoder is looking
                    // at, so it wins over a decode-side error; among unit errors the earliest instruction wins.
                    if (unit_err) begin
                        stop <= 1'b1;
                        ubus <= 1'b1;
                        if (!ubus || unit_err_idx < ubus_index) ubus_index <= unit_err_idx;
                    end
                    if (stop || unit_err) state <= S_DRAIN;
                    if (state == S_DRAIN && all_empty && !f_busy && !f_rq_valid) begin
                        state <= S_IDLE; done <= 1'b1; irq <= 1'b1;
                        err_code  <= ubus ? `NPU8_ERR_BUS : dec_code;
                        err_index <= ubus ? ubus_index : dec_index;
                    end
                end
                default: state <= S_IDLE;
            endcase
        end
    end

    /* verilator lint_off UNUSEDSIGNAL */
    wire unused = &{lq_next_valid, sq_next_valid, vq_next_valid, lq_next, sq_next, vq_next, room_at_start[33:21], room_at_start[3:0], inst_base[3:0]};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
