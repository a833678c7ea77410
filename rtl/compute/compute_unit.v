// Compute unit (docs/architecture.md, "Execution units"): executes the MATMULs of the compute queue.
//
// Issue: two read streams, one row a cycle each. The weight issuer reads a MATMUL's N weight rows w_row.. on
// the scratchpad's weight port (port 2) into the weight FIFO; the activation issuer reads its m activation
// rows a_row.. on port 1 into the activation FIFO, each with its swap bit and {accumulate, ACC row} tag. Both
// run ahead of completion onto the next queued MATMUL (cq_next): the weight issuer at most one MATMUL ahead of
// the activations, so the next tile's weights go into the array's shadow bank while the current tile's
// activations stream (a MATMUL costs m + 1 cycles back to back, not N + m + 1), and tiles follow each other
// with no drain in between. Reading a queued MATMUL early is safe: the controller issued it only once nothing
// it reads was still being written by another queue, and MATMULs keep their order among themselves.
// Push: each FIFO's head goes to its port of the array.
// Completion: every result row the array returns is written to the accumulator the cycle it appears (the
// array cannot wait, so the accumulator gives this port priority); the head MATMUL is done, and leaves the
// queue, with its m-th result row (a later read of the accumulator sees that write: accumulator.v).
`timescale 1ns / 1ps
`include "npu8_isa.vh"
module compute_unit #(
    parameter integer N = 8
) (
    input  wire             clk,
    input  wire             rst_n,
    // compute queue: head and the entry behind it, each a queue entry {index, cfg, word} (rtl/npu8_isa.vh)
    input  wire             cq_valid,
    input  wire [`NPU8_QE_W-1:0] cq_head,
    input  wire             cq_next_valid,
    input  wire [`NPU8_QE_W-1:0] cq_next,
    output wire             cq_done,
    output wire             cq_err,
    // scratchpad activation reads (port 1)
    output reg              sp_valid,
    input  wire             sp_ready,
    output reg  [15:0]      sp_row,
    input  wire             sp_rsp_valid,
    input  wire [N*8-1:0]   sp_rdata,
    // scratchpad weight reads (port 2)
    output reg              wsp_valid,
    input  wire             wsp_ready,
    output reg  [15:0]      wsp_row,
    input  wire             wsp_rsp_valid,
    input  wire [N*8-1:0]   wsp_rdata,
    // MAC array
    output wire             w_valid,
    input  wire             w_ready,
    output wire [N*8-1:0]   w_data,
    output wire             a_valid,
    input  wire             a_ready,
    output wire [N*8-1:0]   a_data,
    output wire             a_swap,
    output wire [16:0]      a_tag,
    input  wire             o_valid,
    input  wire [N*32-1:0]  o_data,
    input  wire [16:0]      o_tag,
    // accumulator write port (this unit has priority)
    output wire             acc_valid,
    output wire             acc_acc,
    output wire [15:0]      acc_row,
    output wire [N*32-1:0]  acc_data,
    // counter events
    output wire             ev_mac_active,
    output wire             ev_stall_weight
);
    localparam [3:0]   FD = 4'd8;                  // each FIFO's depth (covers the read-to-push latency)
    localparam integer FW = 1 + 17 + N * 8;        // activation FIFO entry {swap, tag, row}
    localparam [15:0]  LAST_W = N[15:0] - 16'd1;

    // ---- activation issue: which queue entry, which row -----------------------------------------------------
    reg  [1:0]  ahead;          // MATMULs whose activation reads are all issued but which are not done (0..2)
    reg         reading;        // presenting the activation rows of the latched MATMUL
    reg  [15:0] ik;
    reg  [15:0] i_arow, i_crow, i_m;
    reg         i_accf;
    wire [`NPU8_QE_W-1:0] entry = (ahead == 2'd0) ? cq_head : cq_next;
    wire [`NPU8_INSTR_W-1:0] ew = entry[`NPU8_QE_WORD];
    wire         have     = (ahead == 2'd0) ? cq_valid : (ahead == 2'd1) && cq_next_valid;

    // ---- the activation FIFO and the reads in flight towards it --------------------------------------------
    wire [3:0]             f_count;
    wire [FW-1:0]          f_head;
    reg  [2:0]             pending;             // requests presented whose row has not entered the FIFO
    reg  [17:0]            req_meta, rsp_meta;  // {swap, tag} of the presented and the answered read
    wire                   f_empty = f_count == 0;
    assign a_valid = !f_empty;
    assign a_data  = f_head[N*8-1:0];
    assign a_swap  = f_head[FW-1];
    assign a_tag   = f_head[N*8 +: 17];
    wire   f_pop   = a_valid && a_ready;
    wire   f_push  = sp_rsp_valid;
    wire   sp_fire = sp_valid && sp_ready;
    // a new read may be presented when the slot is free and its row is sure to find FIFO room
    wire   slot    = !sp_valid || sp_ready;
    wire   room    = f_count + {1'b0, pending} < FD;
    wire   present = slot && room && reading;
    wire   last_a  = reading && ik + 16'd1 == i_m;

    // ---- weight issue: the N rows of the MATMUL wa places behind the head (head or next) -------------------
    reg  [1:0]  wa;             // MATMULs from the head whose weight reads are all issued (0..2)
    reg         w_reading;
    reg  [15:0] wk, w_base;
    wire [`NPU8_QE_W-1:0] w_entry = (wa == 2'd0) ? cq_head : cq_next;
    wire [`NPU8_INSTR_W-1:0] wew = w_entry[`NPU8_QE_WORD];
    wire         w_have   = (wa == 2'd0) ? cq_valid : (wa == 2'd1) && cq_next_valid;
    wire [3:0]             wf_count;
    reg  [2:0]             w_pending;
    assign w_valid = wf_count != 0;
    wire   wf_pop    = w_valid && w_ready;
    wire   wf_push   = wsp_rsp_valid;
    wire   w_slot    = !wsp_valid || wsp_ready;
    wire   w_room    = wf_count + {1'b0, w_pending} < FD;
    wire   w_present = w_slot && w_room && w_reading;
    wire   last_w    = w_reading && wk == LAST_W;
    // what the issuers are doing, for the hang report and the waves: bit 1 activation reads, bit 0 weight reads
    wire [1:0] phase = {reading, w_reading};

    // ---- completion ---------------------------------------------------------------------------------------
    reg  [15:0] outs;                              // result rows of the head MATMUL written so far
    wire [`NPU8_INSTR_W-1:0] head_w = cq_head[`NPU8_QE_WORD];
    wire [15:0] head_m = head_w[`NPU8_MATMUL_M];
    assign cq_done   = o_valid && outs + 16'd1 == head_m;
    assign cq_err    = 1'b0;                       // no bus traffic: a MATMUL cannot fail once issued
    assign acc_valid = o_valid;
    assign acc_acc   = o_tag[16];
    assign acc_row   = o_tag[15:0];
    assign acc_data  = o_data;
    assign ev_mac_active   = a_valid && a_ready;
    // the array waits for weights: a tile is loading, or the next activation waits for its tile to swap in
    assign ev_stall_weight = w_valid || (a_valid && !a_ready);

    always @(posedge clk) begin
        if (!rst_n) begin
            ahead <= 2'd0; reading <= 1'b0; sp_valid <= 1'b0; pending <= 3'd0;
            wa <= 2'd0; w_reading <= 1'b0; wsp_valid <= 1'b0;
            w_pending <= 3'd0; outs <= 16'd0;
        end else begin
            // completion
            if (o_valid) outs <= cq_done ? 16'd0 : outs + 16'd1;
            // activations: start the next MATMUL, or present the next row of the current one
            if (!reading && have && ahead != 2'd2) begin
                i_accf  <= ew[`NPU8_MATMUL_ACC];
                i_arow  <= ew[`NPU8_MATMUL_A_ROW];
                i_crow  <= ew[`NPU8_MATMUL_ACC_ROW];
                i_m     <= ew[`NPU8_MATMUL_M];
                ik      <= 16'd0;
                reading <= 1'b1;
            end
            if (sp_fire && !present) sp_valid <= 1'b0;
            if (present) begin
                sp_valid <= 1'b1;
                sp_row   <= i_arow + ik;
`ifdef NPU8_FAULT_COMPUTE_NO_ACCUMULATE
                // Injected fault (verif/faults.yaml): results always overwrite.
                req_meta <= {ik == 16'd0, 1'b0, i_crow + ik};
`else
                req_meta <= {ik == 16'd0, i_accf, i_crow + ik};
`endif
                ik <= last_a ? 16'd0 : ik + 16'd1;
                if (last_a) reading <= 1'b0;
            end
            // MATMULs ahead of completion: +1 when the last read is presented, -1 when the head is done
            ahead <= ahead + {1'b0, present && last_a} - {1'b0, cq_done};
            if (sp_fire) rsp_meta <= req_meta;
            pending <= pending + {2'd0, present} - {2'd0, f_push};
            // weights: the N rows of the head's MATMUL, then of the one behind it (the array takes a tile into its
            // shadow bank only once the tile before has swapped in: the FIFO holds the rest)
            if (!w_reading && w_have) begin
                w_base    <= wew[`NPU8_MATMUL_W_ROW];
                wk        <= 16'd0;
                w_reading <= 1'b1;
            end
            if (wsp_valid && wsp_ready && !w_present) wsp_valid <= 1'b0;
            if (w_present) begin
                wsp_valid <= 1'b1;
                wsp_row   <= w_base + wk;
                wk        <= last_w ? 16'd0 : wk + 16'd1;
                if (last_w) w_reading <= 1'b0;
            end
            wa <= wa + {1'b0, w_present && last_w} - {1'b0, cq_done};
            w_pending <= w_pending + {2'd0, w_present} - {2'd0, wf_push};
        end
    end

    sync_fifo #(.W(FW), .DEPTH(8)) u_afifo (.clk(clk), .rst_n(rst_n), .push(f_push), .din({rsp_meta, sp_rdata}),
                                            .pop(f_pop), .head(f_head), .count(f_count));
    sync_fifo #(.W(N * 8), .DEPTH(8)) u_wfifo (.clk(clk), .rst_n(rst_n), .push(wf_push), .din(wsp_rdata),
                                               .pop(wf_pop), .head(w_data), .count(wf_count));

    /* verilator lint_off UNUSEDSIGNAL */
    wire unused = &{entry, cq_head, ew, head_w, w_entry, wew, phase};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
