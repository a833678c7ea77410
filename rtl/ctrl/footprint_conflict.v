// Do two instructions' footprints conflict? Yes when they touch overlapping rows/bytes of one memory and at
// least one of them writes there (read-after-write, write-after-read, write-after-write). Two ranges are read
// only: a second SP range (MATMUL's and VMAC's weights, VADD's second operand) and a second ACC range (a
// per-channel STORE's parameter row). The footprint's layout is rtl/npu8_isa.vh's (golden/layout.py).
`timescale 1ns / 1ps
`include "npu8_isa.vh"
module footprint_conflict (
    input  wire [`NPU8_FP_W-1:0] a,
    input  wire [`NPU8_FP_W-1:0] b,
    output wire                  conflict
);
    wire a_sp_rd = a[`NPU8_FP_SP_RD], a_sp_wr = a[`NPU8_FP_SP_WR], b_sp_rd = b[`NPU8_FP_SP_RD], b_sp_wr = b[`NPU8_FP_SP_WR];
    wire a_ac_rd = a[`NPU8_FP_ACC_RD], a_ac_wr = a[`NPU8_FP_ACC_WR], b_ac_rd = b[`NPU8_FP_ACC_RD], b_ac_wr = b[`NPU8_FP_ACC_WR];
    wire a_dr_rd = a[`NPU8_FP_DRAM_RD], a_dr_wr = a[`NPU8_FP_DRAM_WR], b_dr_rd = b[`NPU8_FP_DRAM_RD], b_dr_wr = b[`NPU8_FP_DRAM_WR];
`ifdef NPU8_FAULT_HAZARD_CONSERVATIVE
    // Injected fault (verif/faults.yaml): every two SP ranges overlap, so a LOAD into the scratchpad waits for
    // every MATMUL in flight (double buffering lost; the results stay right: only the performance check sees it)
    wire sp_overlap = 1'b1;
`else
    wire sp_overlap = a[`NPU8_FP_SP_LO] <= b[`NPU8_FP_SP_HI] && b[`NPU8_FP_SP_LO] <= a[`NPU8_FP_SP_HI];
`endif
    wire ac_overlap = a[`NPU8_FP_ACC_LO] <= b[`NPU8_FP_ACC_HI] && b[`NPU8_FP_ACC_LO] <= a[`NPU8_FP_ACC_HI];
    wire dr_overlap = a[`NPU8_FP_DRAM_LO] <= b[`NPU8_FP_DRAM_HI] && b[`NPU8_FP_DRAM_LO] <= a[`NPU8_FP_DRAM_HI];
    wire a_w_rd = a[`NPU8_FP_SPW_RD], b_w_rd = b[`NPU8_FP_SPW_RD];
    // a's weights vs b's SP range, and b's weights vs a's
    wire aw_b_sp = a[`NPU8_FP_SPW_LO] <= b[`NPU8_FP_SP_HI] && b[`NPU8_FP_SP_LO] <= a[`NPU8_FP_SPW_HI];
    wire bw_a_sp = b[`NPU8_FP_SPW_LO] <= a[`NPU8_FP_SP_HI] && a[`NPU8_FP_SP_LO] <= b[`NPU8_FP_SPW_HI];
    // a's ACC parameter row vs b's ACC range, and b's vs a's
    wire a_p_rd = a[`NPU8_FP_ACCP_RD], b_p_rd = b[`NPU8_FP_ACCP_RD];
    wire ap_b_ac = a[`NPU8_FP_ACCP_LO] <= b[`NPU8_FP_ACC_HI] && b[`NPU8_FP_ACC_LO] <= a[`NPU8_FP_ACCP_HI];
    wire bp_a_ac = b[`NPU8_FP_ACCP_LO] <= a[`NPU8_FP_ACC_HI] && a[`NPU8_FP_ACC_LO] <= b[`NPU8_FP_ACCP_HI];
    assign conflict = (a_w_rd && b_sp_wr && aw_b_sp) || (b_w_rd && a_sp_wr && bw_a_sp)
                   || (a_p_rd && b_ac_wr && ap_b_ac) || (b_p_rd && a_ac_wr && bp_a_ac)
                   || (sp_overlap && ((a_sp_wr && (b_sp_rd || b_sp_wr)) || (b_sp_wr && a_sp_rd)))
                   || (ac_overlap && ((a_ac_wr && (b_ac_rd || b_ac_wr)) || (b_ac_wr && a_ac_rd)))
                   || (dr_overlap && ((a_dr_wr && (b_dr_rd || b_dr_wr)) || (b_dr_wr && a_dr_rd)));
endmodule
