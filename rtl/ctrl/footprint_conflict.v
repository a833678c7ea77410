// Do two instructions' footprints conflict? Yes when they touch overlapping rows/bytes of one memory and at
// least one of them writes there (read-after-write, write-after-read, write-after-write).
`timescale 1ns / 1ps
module footprint_conflict (
    input  wire [218:0] a,        // packed as in instr_queue: {sp weights, sp, acc, dram}
    input  wire [218:0] b,
    output wire         conflict
);
    // {rd, wr, lo[23:0], hi[23:0]} for SP and ACC (50 bits), {rd, wr, lo[33:0], hi[33:0]} for DRAM (70 bits),
    // and above them {rd, lo[23:0], hi[23:0]} (49 bits): MATMUL's weight rows, a second SP range it only reads
    wire a_sp_rd = a[169], a_sp_wr = a[168], b_sp_rd = b[169], b_sp_wr = b[168];
    wire a_ac_rd = a[119], a_ac_wr = a[118], b_ac_rd = b[119], b_ac_wr = b[118];
    wire a_dr_rd = a[69],  a_dr_wr = a[68],  b_dr_rd = b[69],  b_dr_wr = b[68];
    wire sp_overlap = a[167:144] <= b[143:120] && b[167:144] <= a[143:120];
    wire ac_overlap = a[117:94]  <= b[93:70]   && b[117:94]  <= a[93:70];
    wire dr_overlap = a[67:34]   <= b[33:0]    && b[67:34]   <= a[33:0];
    wire a_w_rd = a[218], b_w_rd = b[218];
    wire aw_b_sp = a[217:194] <= b[143:120] && b[167:144] <= a[193:170];   // a's weights vs b's SP range
    wire bw_a_sp = b[217:194] <= a[143:120] && a[167:144] <= b[193:170];
    assign conflict = (a_w_rd && b_sp_wr && aw_b_sp) || (b_w_rd && a_sp_wr && bw_a_sp)
                   || (sp_overlap && ((a_sp_wr && (b_sp_rd || b_sp_wr)) || (b_sp_wr && a_sp_rd)))
                   || (ac_overlap && ((a_ac_wr && (b_ac_rd || b_ac_wr)) || (b_ac_wr && a_ac_rd)))
                   || (dr_overlap && ((a_dr_wr && (b_dr_rd || b_dr_wr)) || (b_dr_wr && a_dr_rd)));
endmodule
