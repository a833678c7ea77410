// Decode of one 128-bit instruction (docs/isa.md sections 3 and 5): the legality checks in the documented
// order, and the footprint (which SP rows, ACC rows and DRAM bytes it reads or writes) that the dispatcher's
// hazard check compares. Purely combinational.
`timescale 1ns / 1ps
`include "npu8_isa.vh"
module instr_decode #(
    parameter integer N          = 8,
    parameter integer SP_ROWS    = 4096,
    parameter integer ACC_ROWS   = 1024,
    parameter [33:0]  DRAM_BYTES = 34'h100000
) (
    input  wire [127:0] word,
    input  wire [31:0]  inst_base,
    input  wire [15:0]  inst_count,
    output wire [3:0]   op,
    output reg  [3:0]   err,             // ErrorCode; 0 = legal
    // footprint: {read, write} flags and inclusive ranges
    output reg          sp_rd,  sp_wr,
    output reg  [23:0]  sp_lo,  sp_hi,
    output reg          spw_rd,                 // a second SP range (read only): MATMUL's and VMAC's weights, VADD's B
    output reg  [23:0]  spw_lo, spw_hi,
    output reg          accp_rd,                // a second ACC range (read only): a per-channel STORE's parameter row
    output reg  [23:0]  accp_lo, accp_hi,
    output reg          acc_rd, acc_wr,
    output reg  [23:0]  acc_lo, acc_hi,
    output reg          dram_rd, dram_wr,
    output reg  [33:0]  dram_lo, dram_hi
);
    localparam [23:0] SPR = SP_ROWS[23:0], ACR = ACC_ROWS[23:0], NN = N[23:0];

    // Fields are cut as rtl/npu8_isa.vh (generated from golden/isa.py) lays them out. LOAD and STORE share
    // their transfer fields, MATMUL and PAD their own; the opcode says which names apply.
    assign op = word[`NPU8_OPCODE];
    wire        flag  = word[`NPU8_LOAD_MEM];          // LOAD/PAD mem, MATMUL acc, STORE quant
    wire [23:0] row   = {8'd0, word[`NPU8_LOAD_ROW]};
    wire [23:0] y     = {16'd0, word[`NPU8_LOAD_Y]};
    wire [23:0] x     = {12'd0, word[`NPU8_LOAD_X]};
    wire [23:0] len   = {20'd0, word[`NPU8_LOAD_LEN]} + `NPU8_LOAD_LEN_BIAS;
    wire [23:0] pt    = {20'd0, word[`NPU8_LOAD_PT]}, pb = {20'd0, word[`NPU8_LOAD_PB]};
    wire [23:0] pl    = {20'd0, word[`NPU8_LOAD_PL]}, pr = {20'd0, word[`NPU8_LOAD_PR]};
    wire [33:0] addr  = {2'd0, word[`NPU8_LOAD_ADDR]};
    wire [33:0] xs    = {22'd0, word[`NPU8_LOAD_XS]};
    wire [33:0] ys    = {14'd0, word[`NPU8_LOAD_YS]};
    wire [23:0] a_row = {8'd0, word[`NPU8_MATMUL_A_ROW]}, w_row = {8'd0, word[`NPU8_MATMUL_W_ROW]};
    wire [23:0] c_row = {8'd0, word[`NPU8_MATMUL_ACC_ROW]}, m = {8'd0, word[`NPU8_MATMUL_M]};
    wire [23:0] count = {8'd0, word[`NPU8_PAD_COUNT]};
    wire [31:0] value = word[`NPU8_PAD_VALUE];
    wire        pc    = word[`NPU8_STORE_PC];
    wire [23:0] qrow  = {8'd0, word[`NPU8_STORE_QROW]};
    // VADD
    wire [23:0] v_dst = {8'd0, word[`NPU8_VADD_ACC_ROW]}, v_a = {8'd0, word[`NPU8_VADD_A_ROW]};
    wire [23:0] v_b   = {8'd0, word[`NPU8_VADD_B_ROW]}, v_cnt = {8'd0, word[`NPU8_VADD_COUNT]};
    // VMAX/VSUM/VMAC share their window fields; VMAC adds its weight rows
    wire [39:0] w_dst = {24'd0, word[`NPU8_VMAC_ACC_ROW]}, w_a = {24'd0, word[`NPU8_VMAC_A_ROW]};
    wire [39:0] w_y   = {32'd0, word[`NPU8_VMAC_Y]}, w_x = {28'd0, word[`NPU8_VMAC_X]};
    wire [39:0] w_pitch = {24'd0, word[`NPU8_VMAC_PITCH]};
    wire [39:0] w_sy  = {36'd0, word[`NPU8_VMAC_SY]}, w_sx = {36'd0, word[`NPU8_VMAC_SX]};
    wire [39:0] w_kh  = {32'd0, word[`NPU8_VMAC_KH]}, w_kw = {32'd0, word[`NPU8_VMAC_KW]};
    wire [39:0] w_w   = {24'd0, word[`NPU8_VMAC_W_ROW]};
    wire        is_vmac = op == `NPU8_OP_VMAC;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [31:0] v_fixed = word[`NPU8_VCONFIG_FIXED];     // its sign takes no part in the range check
    /* verilator lint_on UNUSEDSIGNAL */

    // reserved bits per opcode (every bit its table does not name)
    reg [127:0] reserved;
    always @* begin
        case (op)
            `NPU8_OP_LOAD:   reserved = `NPU8_LOAD_RESERVED;
            `NPU8_OP_MATMUL: reserved = `NPU8_MATMUL_RESERVED;
            `NPU8_OP_STORE:  reserved = `NPU8_STORE_RESERVED;
            `NPU8_OP_PAD:    reserved = `NPU8_PAD_RESERVED;
            `NPU8_OP_CONFIG: reserved = `NPU8_CONFIG_RESERVED;
            `NPU8_OP_SYNC:   reserved = `NPU8_SYNC_RESERVED;
            `NPU8_OP_VADD:   reserved = `NPU8_VADD_RESERVED;
            `NPU8_OP_VMAX:   reserved = `NPU8_VMAX_RESERVED;
            `NPU8_OP_VSUM:   reserved = `NPU8_VSUM_RESERVED;
            `NPU8_OP_VMAC:   reserved = `NPU8_VMAC_RESERVED;
            `NPU8_OP_VCONFIG: reserved = `NPU8_VCONFIG_RESERVED;
            default:         reserved = `NPU8_HALT_RESERVED;
        endcase
    end

    // LOAD/STORE geometry
    wire [23:0] h_rows   = pt + y + pb;
    wire [23:0] w_elems  = pl + x + pr;
    wire [23:0] ld_rows  = h_rows * w_elems;           // at most 285 * 4125
    wire [23:0] st_rows  = y * x;
    wire        wide     = (op == `NPU8_OP_LOAD) ? flag : !flag;   // int32 elements: LOAD to ACC, raw STORE
    wire [33:0] eb       = wide ? {8'd0, len, 2'b00} : {10'd0, len};
    wire [33:0] span_end = addr + ({10'd0, y} - 34'd1) * ys + ({10'd0, x} - 34'd1) * xs + eb - 34'd1;
    wire [33:0] prog_end = {2'd0, inst_base} + {14'd0, inst_count, 4'd0} - 34'd1;
    wire        val_int8 = $signed(value) >= -32'sd128 && $signed(value) <= 32'sd127;   // a PAD SP value is int8

    wire [23:0] a_end = a_row + m - 24'd1, w_end = w_row + NN - 24'd1;

    // Window geometry, in 40 bits so that no sum wraps: the last row reaches 255·15·65535 + …, below 2^29.
    wire [39:0] w_taps = w_kh * w_kw;                  // at most 255 * 255
    wire [39:0] w_last = w_a + ((w_y - 40'd1) * w_sy + w_kh - 40'd1) * w_pitch + (w_x - 40'd1) * w_sx + w_kw - 40'd1;
    wire [39:0] w_out  = w_y * w_x;                    // output rows, at most 255 * 4095
    wire [39:0] SPR40 = {16'd0, SPR}, ACR40 = {16'd0, ACR};

    // VCONFIG's constants (docs/isa.md 3.9): ra and rb +0 or positive normal with exponent -32..15, fixed ±0 or
    // normal with exponent -56..25 (biased: 95..142 and 71..152).
    function ratio_ok(input [31:0] f);
        ratio_ok = (f[30:0] == 31'd0 && !f[31]) || (!f[31] && f[30:23] >= 8'd95 && f[30:23] <= 8'd142);
    endfunction
    function fixed_ok(input [30:0] f);            // either sign
        fixed_ok = f == 31'd0 || (f[30:23] >= 8'd71 && f[30:23] <= 8'd152);
    endfunction

    always @* begin
        err = `NPU8_ERR_NONE;
        sp_rd = 1'b0; sp_wr = 1'b0; acc_rd = 1'b0; acc_wr = 1'b0; dram_rd = 1'b0; dram_wr = 1'b0;
        spw_rd = 1'b0; spw_lo = 24'd0; spw_hi = 24'd0; accp_rd = 1'b0; accp_lo = 24'd0; accp_hi = 24'd0;
        sp_lo = 24'd0; sp_hi = 24'd0; acc_lo = 24'd0; acc_hi = 24'd0; dram_lo = 34'd0; dram_hi = 34'd0;
        if (!`NPU8_OP_LEGAL(op)) err = `NPU8_ERR_ILLEGAL_OPCODE;
        else if ((word & reserved) != 128'd0) err = `NPU8_ERR_RESERVED_BITS;
        else begin
            case (op)
                `NPU8_OP_LOAD, `NPU8_OP_STORE: begin
                    if (y == 24'd0 || x == 24'd0 || len > NN) err = `NPU8_ERR_BAD_FIELD;
                    else if (op == `NPU8_OP_STORE && pc && !flag) err = `NPU8_ERR_BAD_FIELD;
                    else if (op == `NPU8_OP_LOAD && !flag && row + ld_rows > SPR) err = `NPU8_ERR_SP_RANGE;
                    else if (op == `NPU8_OP_LOAD && flag && row + ld_rows > ACR) err = `NPU8_ERR_ACC_RANGE;
                    else if (op == `NPU8_OP_STORE && row + st_rows > ACR) err = `NPU8_ERR_ACC_RANGE;
                    else if (op == `NPU8_OP_STORE && pc && qrow >= ACR) err = `NPU8_ERR_ACC_RANGE;
                    else if (span_end >= DRAM_BYTES) err = `NPU8_ERR_DRAM_RANGE;
                    else if (op == `NPU8_OP_STORE && addr <= prog_end && span_end >= {2'd0, inst_base}) err = `NPU8_ERR_PROG_WRITE;
                    dram_lo = addr;
                    dram_hi = span_end;
                    if (op == `NPU8_OP_LOAD) begin
                        dram_rd = 1'b1;
                        sp_wr = !flag; acc_wr = flag;
                        sp_lo = row; sp_hi = row + ld_rows - 24'd1;
                        acc_lo = row; acc_hi = row + ld_rows - 24'd1;
                    end else begin
                        dram_wr = 1'b1;
                        acc_rd = 1'b1;
                        acc_lo = row; acc_hi = row + st_rows - 24'd1;
                        accp_rd = pc; accp_lo = qrow; accp_hi = qrow;
                    end
                end
                `NPU8_OP_MATMUL: begin
                    if (m == 24'd0) err = `NPU8_ERR_BAD_FIELD;
                    else if (a_row + m > SPR || w_row + NN > SPR) err = `NPU8_ERR_SP_RANGE;
                    else if (c_row + m > ACR) err = `NPU8_ERR_ACC_RANGE;
                    // activations and weights as two ranges: a LOAD between them is no hazard
                    sp_rd = 1'b1;  sp_lo = a_row;  sp_hi = a_end;
                    spw_rd = 1'b1; spw_lo = w_row; spw_hi = w_end;
                    acc_rd = flag; acc_wr = 1'b1;
                    acc_lo = c_row; acc_hi = a_end - a_row + c_row;
                end
                `NPU8_OP_PAD: begin
`ifdef NPU8_FAULT_DECODE_NO_PAD_COUNT
                    // Injected fault (verif/faults.yaml): the `count == 0` check of PAD is gone.
                    if (!flag && !val_int8) err = `NPU8_ERR_BAD_FIELD;
`else
                    if (count == 24'd0 || (!flag && !val_int8)) err = `NPU8_ERR_BAD_FIELD;
`endif
                    else if (!flag && row + count > SPR) err = `NPU8_ERR_SP_RANGE;
                    else if (flag && row + count > ACR) err = `NPU8_ERR_ACC_RANGE;
                    sp_wr = !flag; acc_wr = flag;
                    sp_lo = row; sp_hi = row + count - 24'd1;
                    acc_lo = row; acc_hi = row + count - 24'd1;
                end
                `NPU8_OP_VADD: begin
                    if (v_cnt == 24'd0) err = `NPU8_ERR_BAD_FIELD;
                    else if (v_a + v_cnt > SPR || v_b + v_cnt > SPR) err = `NPU8_ERR_SP_RANGE;
                    else if (v_dst + v_cnt > ACR) err = `NPU8_ERR_ACC_RANGE;
                    sp_rd = 1'b1;  sp_lo = v_a;  sp_hi = v_a + v_cnt - 24'd1;
                    spw_rd = 1'b1; spw_lo = v_b; spw_hi = v_b + v_cnt - 24'd1;
                    acc_wr = 1'b1; acc_lo = v_dst; acc_hi = v_dst + v_cnt - 24'd1;
                end
                `NPU8_OP_VMAX, `NPU8_OP_VSUM, `NPU8_OP_VMAC: begin
                    if (w_y == 40'd0 || w_x == 40'd0 || w_kh == 40'd0 || w_kw == 40'd0) err = `NPU8_ERR_BAD_FIELD;
                    else if (is_vmac && w_taps > 40'd16) err = `NPU8_ERR_BAD_FIELD;
                    else if (w_last >= SPR40 || (is_vmac && w_w + w_taps > SPR40)) err = `NPU8_ERR_SP_RANGE;
                    else if (w_dst + w_out > ACR40) err = `NPU8_ERR_ACC_RANGE;
                    // a legal window's ranges fit 24 bits (an illegal one issues nothing)
                    sp_rd = 1'b1;  sp_lo = w_a[23:0];  sp_hi = w_last[23:0];
                    spw_rd = is_vmac; spw_lo = w_w[23:0]; spw_hi = w_w[23:0] + w_taps[23:0] - 24'd1;
                    acc_rd = op != `NPU8_OP_VMAX && flag; acc_wr = 1'b1;
                    acc_lo = w_dst[23:0]; acc_hi = w_dst[23:0] + w_out[23:0] - 24'd1;
                end
                `NPU8_OP_VCONFIG: begin
                    if (!ratio_ok(word[`NPU8_VCONFIG_RA]) || !ratio_ok(word[`NPU8_VCONFIG_RB]) ||
                        !fixed_ok(v_fixed[30:0])) err = `NPU8_ERR_BAD_FIELD;
                end
                default: ;   // CONFIG, SYNC, HALT touch no memory
            endcase
        end
    end
endmodule
