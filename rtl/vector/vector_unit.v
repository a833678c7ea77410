// Vector unit (docs/isa.md 3.7-3.10, docs/architecture.md "Execution units"): executes VADD, VMAX, VSUM and VMAC,
// the head of the vector queue. It reads the scratchpad (one row a cycle) and writes results to the accumulator.
//
// Reader: walks the head instruction's SP rows and presents one read a cycle, each tagged with what it is:
//  - VMAC first reads its kh*kw (<= 16) weight rows w_row.. into a register cache (one per tap);
//  - VMAX/VSUM/VMAC then walk output elements (i, j) in order and, for each, its window rows
//    a_row + (i*sy + u)*pitch + j*sx + v, u-major (pointer registers, additions only);
//  - VADD reads A[k] then B[k] for each row k: two reads an element.
// Datapath (on each read's response, one cycle after acceptance): a window tap updates the per-lane running
// max / sum / sum of products (the first tap of a window loads it); a window's last tap pushes its result.
// A VADD's A row waits in a register until its B row arrives; both go into N qladd_lanes (2 stages), whose
// output is pushed sign-extended.
// Writer: an FD-entry FIFO of result rows; its head is the accumulator write (payload held until acc_ready),
// ACC row acc_row + k for the k-th result, acc_acc = the instruction's acc flag (VSUM/VMAC) or 0.
// Credits: `ahead` counts elements whose last read was accepted and whose row has not been written yet (in the
// response stage, the qladd pipeline or the FIFO); an element's last read is presented only while ahead < FD,
// so the FIFO never overflows and the pipeline never stalls. vq_done pulses in the cycle after the last ACC
// write was accepted.
// Timing: the head is taken in the cycle it appears and its first read goes out in that same cycle; reads then
// follow back to back while sp_ready is high and credits last (a window op one read a cycle, VADD one element
// every two cycles), so an instruction takes its reads plus 3 cycles (VADD: plus 5), the last response (and the
// two qladd stages), the last ACC write and the done cycle. Without backpressure: VADD 2 cycles per element,
// VMAX/VSUM kh*kw, VMAC kh*kw plus kh*kw once for the weight rows.
`timescale 1ns / 1ps
`include "npu8_isa.vh"
module vector_unit #(
    parameter integer N = 8
) (
    input  wire             clk,
    input  wire             rst_n,
    // vector queue head: a queue entry {index, cfg, word} (rtl/npu8_isa.vh)
    input  wire             vq_valid,
    input  wire [`NPU8_QE_W-1:0] vq_head,
    output reg              vq_done,
    output reg              vq_err,
    // scratchpad read port: accepted when sp_valid && sp_ready, data one cycle later, in order
    output wire             sp_valid,
    input  wire             sp_ready,
    output wire [15:0]      sp_row,
    input  wire             sp_rsp_valid,
    input  wire [N*8-1:0]   sp_rdata,
    // accumulator write port: held until acc_ready; acc_acc = add to the row (mod 2^32)
    output wire             acc_valid,
    input  wire             acc_ready,
    output wire             acc_acc,
    output wire [15:0]      acc_row,
    output wire [N*32-1:0]  acc_data,
    // counter events
    output wire             ev_vec_active,
    output wire             ev_stall_vec
);
    localparam [2:0]   FD = 3'd4;               // result FIFO depth: covers read -> qladd -> FIFO latency
    localparam [2:0]   P_IDLE = 3'd0, P_WGT = 3'd1, P_WIN = 3'd2, P_VADD = 3'd3, P_DRAIN = 3'd4;
    localparam integer GW = 112;                // QLinearAdd grid arithmetic (qladd_lane.v)

    // ---- the head instruction's fields (through the header's macros, per opcode) ---------------------------
    wire [`NPU8_INSTR_W-1:0] hw = vq_head[`NPU8_QE_WORD];
    wire [`NPU8_OPCODE_W-1:0] h_op = hw[`NPU8_OPCODE];
    wire h_vadd = h_op == `NPU8_OP_VADD;
    wire h_vmax = h_op == `NPU8_OP_VMAX;
    wire h_vsum = h_op == `NPU8_OP_VSUM;
    wire h_vmac = h_op == `NPU8_OP_VMAC;
    reg  [15:0] h_acc_row, h_a_row, h_pitch;
    reg  [7:0]  h_y, h_kh, h_kw;
    reg  [11:0] h_x;
    reg  [3:0]  h_sy, h_sx;
    reg         h_acc;
    always @* begin
        h_acc_row = hw[`NPU8_VMAC_ACC_ROW]; h_a_row = hw[`NPU8_VMAC_A_ROW]; h_pitch = hw[`NPU8_VMAC_PITCH];
        h_y = hw[`NPU8_VMAC_Y]; h_x = hw[`NPU8_VMAC_X]; h_kh = hw[`NPU8_VMAC_KH]; h_kw = hw[`NPU8_VMAC_KW];
        h_sy = hw[`NPU8_VMAC_SY]; h_sx = hw[`NPU8_VMAC_SX]; h_acc = hw[`NPU8_VMAC_ACC];
        if (h_vadd) begin
            h_acc_row = hw[`NPU8_VADD_ACC_ROW]; h_a_row = hw[`NPU8_VADD_A_ROW]; h_acc = 1'b0;
        end else if (h_vmax) begin
            h_acc_row = hw[`NPU8_VMAX_ACC_ROW]; h_a_row = hw[`NPU8_VMAX_A_ROW]; h_pitch = hw[`NPU8_VMAX_PITCH];
            h_y = hw[`NPU8_VMAX_Y]; h_x = hw[`NPU8_VMAX_X]; h_kh = hw[`NPU8_VMAX_KH]; h_kw = hw[`NPU8_VMAX_KW];
            h_sy = hw[`NPU8_VMAX_SY]; h_sx = hw[`NPU8_VMAX_SX]; h_acc = 1'b0;
        end else if (h_vsum) begin
            h_acc_row = hw[`NPU8_VSUM_ACC_ROW]; h_a_row = hw[`NPU8_VSUM_A_ROW]; h_pitch = hw[`NPU8_VSUM_PITCH];
            h_y = hw[`NPU8_VSUM_Y]; h_x = hw[`NPU8_VSUM_X]; h_kh = hw[`NPU8_VSUM_KH]; h_kw = hw[`NPU8_VSUM_KW];
            h_sy = hw[`NPU8_VSUM_SY]; h_sx = hw[`NPU8_VSUM_SX]; h_acc = hw[`NPU8_VSUM_ACC];
        end
    end
    wire [15:0] h_b_row = hw[`NPU8_VADD_B_ROW];
    wire [15:0] h_count = hw[`NPU8_VADD_COUNT];
    wire [15:0] h_w_row = hw[`NPU8_VMAC_W_ROW];
    wire        h_u8    = hw[`NPU8_VADD_U8];

    // A float32 VCONFIG constant as an integer on the 2^-80 grid: +-(2^23 + f) * 2^(e - 150 + 80), 0 for +-0
    // (docs/isa.md 4.2; legal constants have e >= 71, so the shift is never negative).
    function signed [GW-1:0] to_grid(input [31:0] c);
        reg [GW-1:0] mag;
        reg [7:0]    e;
        begin
            e   = c[30:23];
            mag = (e < 8'd70) ? {GW{1'b0}} : {{(GW-24){1'b0}}, 1'b1, c[22:0]} << (e - 8'd70);
            to_grid = c[31] ? -mag : mag;
        end
    endfunction

    // ---- the instruction being executed (latched when taken) -----------------------------------------------
    reg  [2:0]  phase;
    reg         c_vadd, c_vmax, c_vmac, c_acc, c_u8;
    reg  [15:0] c_acc_row, c_a_row, c_pitch, c_spitch;   // c_spitch = sy * pitch (mod 2^16, as every row sum)
    reg  [7:0]  c_y, c_kh, c_kw;
    reg  [11:0] c_x;
    reg  [3:0]  c_sx;
    reg  [4:0]  c_taps;                                  // VMAC: kh * kw, at most 16
    reg  [19:0] c_total;                                 // result rows: count, or y * x
    reg  [GW-1:0] c_ra, c_rb, c_fixed;
    // the head is taken in the cycle it appears, and its first read goes out in that same cycle
    wire        start = phase == P_IDLE && vq_valid && !vq_done;

    // ---- reader ---------------------------------------------------------------------------------------------
    reg  [15:0] addr;                       // the row presented (weights, window taps)
    reg  [15:0] p_i, p_j, p_u;              // rows of taps (i, 0, 0, 0), (i, j, 0, 0), (i, j, u, 0)
    reg  [7:0]  ci, cu, cv;
    reg  [11:0] cj;
    reg  [3:0]  tap;                        // u * kw + v (VMAC: < 16)
    reg  [4:0]  kt;                         // weight row being read
    reg  [15:0] pa, pb, kk;                 // VADD: next A and B rows, element
    reg         half;                       // VADD: 0 = the A read of element kk is next, 1 = its B read
    reg  [2:0]  ahead;                      // elements whose last read was accepted and not yet written
    // The read state the reader works from: the registers, or, in the cycle the head is taken, the head's
    // initial state (so the first read needs no cycle of its own). The registers take this state at start,
    // advanced past the read when it is accepted.
    wire [2:0]  r_phase  = start ? (h_vadd ? P_VADD : h_vmac ? P_WGT : P_WIN) : phase;
    wire [7:0]  r_kh     = start ? h_kh : c_kh;
    wire [7:0]  r_kw     = start ? h_kw : c_kw;
    wire [7:0]  r_y      = start ? h_y : c_y;
    wire [11:0] r_x      = start ? h_x : c_x;
    wire [15:0] r_pitch  = start ? h_pitch : c_pitch;
    wire [15:0] r_spitch = start ? {12'd0, h_sy} * h_pitch : c_spitch;
    wire [3:0]  r_sx     = start ? h_sx : c_sx;
    wire [4:0]  r_taps   = start ? h_kh[4:0] * h_kw[4:0] : c_taps;
    wire [15:0] r_count  = start ? h_count : c_total[15:0];
    wire [15:0] r_a_row  = start ? h_a_row : c_a_row;
    wire [15:0] r_addr   = start ? (h_vmac ? h_w_row : h_a_row) : addr;
    wire [15:0] r_pi     = start ? h_a_row : p_i;
    wire [15:0] r_pj     = start ? h_a_row : p_j;
    wire [15:0] r_pu     = start ? h_a_row : p_u;
    wire [15:0] r_pa     = start ? h_a_row : pa;
    wire [15:0] r_pb     = start ? h_b_row : pb;
    wire [15:0] r_kk     = start ? 16'd0 : kk;
    wire [7:0]  r_ci     = start ? 8'd0 : ci;
    wire [7:0]  r_cu     = start ? 8'd0 : cu;
    wire [7:0]  r_cv     = start ? 8'd0 : cv;
    wire [11:0] r_cj     = start ? 12'd0 : cj;
    wire [3:0]  r_tap    = start ? 4'd0 : tap;
    wire [4:0]  r_kt     = start ? 5'd0 : kt;
    wire        r_half   = !start && half;
    wire        last_v = r_cv == r_kw - 8'd1;
    wire        last_u = r_cu == r_kh - 8'd1;
    wire        last_j = r_cj == r_x - 12'd1;
    wire        last_i = r_ci == r_y - 8'd1;
    // this read completes an element: it needs a credit (at start none is taken: ahead is 0)
    wire        elem_last = (r_phase == P_WIN && last_u && last_v) || (r_phase == P_VADD && r_half);
    wire        reading   = r_phase == P_WGT || r_phase == P_WIN || r_phase == P_VADD;
    assign sp_valid = reading && (!elem_last || ahead != FD);
    assign sp_row   = r_phase == P_VADD ? (r_half ? r_pb : r_pa) : r_addr;
    wire        sp_fire = sp_valid && sp_ready;
    assign ev_vec_active = sp_fire;
    assign ev_stall_vec  = vq_valid && !sp_fire;

    // what the read presented is, remembered for its response one cycle later
    reg         m_wgt, m_first, m_last, m_b;
    reg  [3:0]  m_tap;

    // ---- datapath -------------------------------------------------------------------------------------------
    reg  [N*8-1:0]  wcache [0:15];          // VMAC weight rows, one per tap
    reg  [N*8-1:0]  a_hold;                 // VADD: the A row waiting for its B row
    reg  [N*32-1:0] red;                    // running reduction of the current window, per lane
    wire            rsp_win  = sp_rsp_valid && !m_wgt && !c_vadd;
    wire            rsp_b    = sp_rsp_valid && c_vadd && m_b;
    wire [N*8-1:0]  w_row_q  = wcache[m_tap];
    // One tap into the running reduction, lane by lane. A function called only on a window response (in the
    // clocked block), not combinational logic: a cycle-based simulator would evaluate N multipliers every
    // cycle, whatever the unit does.
    function [N*32-1:0] reduce(input [N*8-1:0] row, input [N*8-1:0] wrow, input [N*32-1:0] acc, input first,
                               input vmax, input vmac);
        integer l;
        reg signed [31:0] xl, wl, rl;
        begin
            for (l = 0; l < N; l = l + 1) begin
                xl = {{24{row[l*8+7]}}, row[l*8 +: 8]};
                wl = {{24{wrow[l*8+7]}}, wrow[l*8 +: 8]};
                rl = acc[l*32 +: 32];
                if (vmac) xl = xl * wl;
                if (first)     reduce[l*32 +: 32] = xl;
                else if (vmax) reduce[l*32 +: 32] = (xl > rl) ? xl : rl;
                else           reduce[l*32 +: 32] = rl + xl;
`ifdef NPU8_FAULT_VECTOR_DROP_LAST_TAP
                // Injected fault (verif/faults.yaml): the last tap of a window of several taps is not reduced in.
                if (m_last && !first) reduce[l*32 +: 32] = rl;
`endif
            end
        end
    endfunction

    // QLinearAdd lanes
    wire [N-1:0]    q_valid;
    wire [N*8-1:0]  q_y;
    genvar g;
    generate
        for (g = 0; g < N; g = g + 1) begin : g_lane
            qladd_lane u_q (.clk(clk), .in_valid(rsp_b), .u8(c_u8), .a(a_hold[g*8 +: 8]), .b(sp_rdata[g*8 +: 8]),
                            .ra(c_ra), .rb(c_rb), .fixed(c_fixed), .out_valid(q_valid[g]), .y(q_y[g*8 +: 8]));
        end
    endgenerate
    reg  [N*32-1:0] q_wide;
    integer k;
    always @* for (k = 0; k < N; k = k + 1) q_wide[k*32 +: 32] = {{24{q_y[k*8+7]}}, q_y[k*8 +: 8]};

    // ---- writer: the result FIFO and the accumulator writes -------------------------------------------------
    wire            push   = c_vadd ? q_valid[0] : rsp_win && m_last;
    reg  [N*32-1:0] fifo [0:3];
    reg  [1:0]      f_wr, f_rd;
    reg  [2:0]      f_count;
    reg  [19:0]     wk;                     // result rows written
    assign acc_valid = f_count != 3'd0;
    assign acc_acc   = c_acc;
    assign acc_row   = c_acc_row + wk[15:0];
    assign acc_data  = fifo[f_rd];
    wire            pop  = acc_valid && acc_ready;
    wire            last = pop && wk + 20'd1 == c_total;

    always @(posedge clk) begin
        if (!rst_n) begin
            phase <= P_IDLE; vq_done <= 1'b0; vq_err <= 1'b0; ahead <= 3'd0;
            f_wr <= 2'd0; f_rd <= 2'd0; f_count <= 3'd0; wk <= 20'd0; c_vadd <= 1'b0;
        end else begin
            vq_done <= last;
            vq_err  <= 1'b0;                        // no bus traffic: a vector instruction cannot fail once issued
            // ---- take the head: the instruction's parameters and the reader's initial state
            if (start) begin
                c_vadd <= h_vadd; c_vmax <= h_vmax; c_vmac <= h_vmac; c_acc <= h_acc; c_u8 <= h_u8;
                c_acc_row <= h_acc_row; c_a_row <= r_a_row; c_pitch <= r_pitch; c_spitch <= r_spitch;
                c_y <= r_y; c_x <= r_x; c_kh <= r_kh; c_kw <= r_kw; c_sx <= r_sx; c_taps <= r_taps;
                c_total <= h_vadd ? {4'd0, h_count} : {12'd0, h_y} * {8'd0, h_x};
                c_ra    <= to_grid(vq_head[`NPU8_QE_CFG_RA]);
                c_rb    <= to_grid(vq_head[`NPU8_QE_CFG_RB]);
                c_fixed <= to_grid(vq_head[`NPU8_QE_CFG_FIXED]);
                ci <= r_ci; cj <= r_cj; cu <= r_cu; cv <= r_cv; tap <= r_tap; kt <= r_kt;
                pa <= r_pa; pb <= r_pb; kk <= r_kk; half <= r_half;
                p_i <= r_pi; p_j <= r_pj; p_u <= r_pu; addr <= r_addr;
                wk    <= 20'd0;
                phase <= r_phase;
            end
            // ---- reader: advance past the read just accepted (these assignments win over start's)
            if (sp_fire) begin
                m_wgt <= r_phase == P_WGT; m_first <= r_cu == 8'd0 && r_cv == 8'd0; m_last <= last_u && last_v;
                m_b <= r_half; m_tap <= r_phase == P_WGT ? r_kt[3:0] : r_tap;
                case (r_phase)
                    P_WGT: if (r_kt + 5'd1 == r_taps) begin
                        phase <= P_WIN;
                        addr  <= r_a_row;
                    end else begin
                        kt   <= r_kt + 5'd1;
                        addr <= r_addr + 16'd1;
                    end
                    P_WIN: if (!last_v) begin
                        cv <= r_cv + 8'd1; tap <= r_tap + 4'd1; addr <= r_addr + 16'd1;
                    end else if (!last_u) begin
                        cv <= 8'd0; cu <= r_cu + 8'd1; tap <= r_tap + 4'd1;
                        p_u <= r_pu + r_pitch; addr <= r_pu + r_pitch;
                    end else if (!last_j) begin
                        cv <= 8'd0; cu <= 8'd0; cj <= r_cj + 12'd1; tap <= 4'd0;
                        p_j <= r_pj + {12'd0, r_sx}; p_u <= r_pj + {12'd0, r_sx}; addr <= r_pj + {12'd0, r_sx};
                    end else if (!last_i) begin
                        cv <= 8'd0; cu <= 8'd0; cj <= 12'd0; ci <= r_ci + 8'd1; tap <= 4'd0;
                        p_i <= r_pi + r_spitch; p_j <= r_pi + r_spitch; p_u <= r_pi + r_spitch;
                        addr <= r_pi + r_spitch;
                    end else phase <= P_DRAIN;
                    default: begin                  // P_VADD
                        half <= !r_half;
                        if (r_half) begin
                            pa <= r_pa + 16'd1; pb <= r_pb + 16'd1; kk <= r_kk + 16'd1;
                            if (r_kk + 16'd1 == r_count) phase <= P_DRAIN;
                        end
                    end
                endcase
            end
            if (last) phase <= P_IDLE;
            ahead <= ahead + {2'd0, sp_fire && elem_last} - {2'd0, pop};
            // ---- datapath
            if (sp_rsp_valid && m_wgt) wcache[m_tap] <= sp_rdata;
            if (sp_rsp_valid && c_vadd && !m_b) a_hold <= sp_rdata;
            if (rsp_win) red <= reduce(sp_rdata, w_row_q, red, m_first, c_vmax, c_vmac);
            // ---- writer
            if (push) begin
                fifo[f_wr] <= c_vadd ? q_wide : reduce(sp_rdata, w_row_q, red, m_first, c_vmax, c_vmac);
                f_wr <= f_wr + 2'd1;
            end
            if (pop) begin
                f_rd <= f_rd + 2'd1;
                wk   <= wk + 20'd1;
            end
            f_count <= f_count + {2'd0, push} - {2'd0, pop};
        end
    end

    /* verilator lint_off UNUSEDSIGNAL */
    wire unused = &{vq_head, hw, q_valid};        // index, CONFIG part, reserved bits; lanes 1.. valid as lane 0
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
