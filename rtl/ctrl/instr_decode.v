// Decode of one 128-bit instruction (docs/isa.md sections 3 and 5): the legality checks in the documented
// order, and the footprint (which SP rows, ACC rows and DRAM bytes it reads or writes) that the dispatcher's
// hazard check compares. Purely combinational.
`timescale 1ns / 1ps
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
    output reg          spw_rd,                 // MATMUL's weight rows: a second SP range (read only)
    output reg  [23:0]  spw_lo, spw_hi,
    output reg          acc_rd, acc_wr,
    output reg  [23:0]  acc_lo, acc_hi,
    output reg          dram_rd, dram_wr,
    output reg  [33:0]  dram_lo, dram_hi
);
    localparam [3:0] E_NONE = 4'd0, E_OPCODE = 4'd1, E_RESERVED = 4'd2, E_FIELD = 4'd3, E_SP = 4'd4,
                     E_ACC = 4'd5, E_DRAM = 4'd6, E_PROG = 4'd7;
    localparam [3:0] OP_LOAD = 4'd1, OP_MATMUL = 4'd2, OP_STORE = 4'd3, OP_PAD = 4'd4, OP_CONFIG = 4'd5,
                     OP_HALT = 4'd7;      // SYNC (6) has no fields: the default case
    localparam [23:0] SPR = SP_ROWS[23:0], ACR = ACC_ROWS[23:0], NN = N[23:0];

    assign op = word[3:0];
    wire        flag  = word[4];
    wire [23:0] row   = {8'd0, word[23:8]};
    wire [23:0] y     = {16'd0, word[31:24]};
    wire [23:0] x     = {12'd0, word[43:32]};
    wire [23:0] len   = {19'd0, word[47:44]} + 24'd1;
    wire [23:0] pt    = {20'd0, word[51:48]}, pb = {20'd0, word[55:52]};
    wire [23:0] pl    = {20'd0, word[59:56]}, pr = {20'd0, word[63:60]};
    wire [33:0] addr  = {2'd0, word[95:64]};
    wire [33:0] xs    = {22'd0, word[107:96]};
    wire [33:0] ys    = {14'd0, word[127:108]};
    wire [23:0] a_row = {8'd0, word[23:8]}, w_row = {8'd0, word[39:24]};
    wire [23:0] c_row = {8'd0, word[55:40]}, m = {8'd0, word[71:56]};
    wire [23:0] count = {8'd0, word[39:24]};
    wire [24:0] value_hi = word[95:71];   // a PAD SP value is int8 when these bits all equal bit 7

    // reserved bits per opcode (every bit its table does not name)
    reg [127:0] reserved;
    always @* begin
        case (op)
            OP_LOAD:   reserved = {120'd0, 3'b111, 5'd0};
            OP_STORE:  reserved = {64'd0, 16'hFFFF, 40'd0, 3'b111, 5'd0};
            OP_MATMUL: reserved = {{56{1'b1}}, 64'd0, 3'b111, 5'd0};
            OP_PAD:    reserved = {{32{1'b1}}, 32'd0, {24{1'b1}}, 32'd0, 3'b111, 5'd0};
            OP_CONFIG: reserved = {{72{1'b1}}, 24'd0, 2'b11, 22'd0, 3'b111, 5'd0};
            default:   reserved = {{124{1'b1}}, 4'd0};   // SYNC, HALT: everything but the opcode
        endcase
    end

    // LOAD/STORE geometry
    wire [23:0] h_rows   = pt + y + pb;
    wire [23:0] w_elems  = pl + x + pr;
    wire [23:0] ld_rows  = h_rows * w_elems;           // at most 285 * 4125
    wire [23:0] st_rows  = y * x;
    wire        wide     = (op == OP_LOAD) ? flag : !flag;   // int32 elements: LOAD to ACC, raw STORE
    wire [33:0] eb       = wide ? {8'd0, len, 2'b00} : {10'd0, len};
    wire [33:0] span_end = addr + ({10'd0, y} - 34'd1) * ys + ({10'd0, x} - 34'd1) * xs + eb - 34'd1;
    wire [33:0] prog_end = {2'd0, inst_base} + {14'd0, inst_count, 4'd0} - 34'd1;
    wire        val_int8 = (value_hi == 25'd0) || (value_hi == {25{1'b1}});

    // MATMUL reads two SP ranges; the footprint keeps their hull (conservative: may serialise more, never less)
    wire [23:0] a_end = a_row + m - 24'd1, w_end = w_row + NN - 24'd1;

    always @* begin
        err = E_NONE;
        sp_rd = 1'b0; sp_wr = 1'b0; acc_rd = 1'b0; acc_wr = 1'b0; dram_rd = 1'b0; dram_wr = 1'b0;
        spw_rd = 1'b0; spw_lo = 24'd0; spw_hi = 24'd0;
        sp_lo = 24'd0; sp_hi = 24'd0; acc_lo = 24'd0; acc_hi = 24'd0; dram_lo = 34'd0; dram_hi = 34'd0;
        if (op == 4'd0 || op > OP_HALT) err = E_OPCODE;
        else if ((word & reserved) != 128'd0) err = E_RESERVED;
        else begin
            case (op)
                OP_LOAD, OP_STORE: begin
                    if (y == 24'd0 || x == 24'd0 || len > NN) err = E_FIELD;
                    else if (op == OP_LOAD && !flag && row + ld_rows > SPR) err = E_SP;
                    else if (op == OP_LOAD && flag && row + ld_rows > ACR) err = E_ACC;
                    else if (op == OP_STORE && row + st_rows > ACR) err = E_ACC;
                    else if (span_end >= DRAM_BYTES) err = E_DRAM;
                    else if (op == OP_STORE && addr <= prog_end && span_end >= {2'd0, inst_base}) err = E_PROG;
                    dram_lo = addr;
                    dram_hi = span_end;
                    if (op == OP_LOAD) begin
                        dram_rd = 1'b1;
                        sp_wr = !flag; acc_wr = flag;
                        sp_lo = row; sp_hi = row + ld_rows - 24'd1;
                        acc_lo = row; acc_hi = row + ld_rows - 24'd1;
                    end else begin
                        dram_wr = 1'b1;
                        acc_rd = 1'b1;
                        acc_lo = row; acc_hi = row + st_rows - 24'd1;
                    end
                end
                OP_MATMUL: begin
                    if (m == 24'd0) err = E_FIELD;
                    else if (a_row + m > SPR || w_row + NN > SPR) err = E_SP;
                    else if (c_row + m > ACR) err = E_ACC;
                    // activations and weights as two ranges: a LOAD between them is no hazard
                    sp_rd = 1'b1;  sp_lo = a_row;  sp_hi = a_end;
                    spw_rd = 1'b1; spw_lo = w_row; spw_hi = w_end;
                    acc_rd = flag; acc_wr = 1'b1;
                    acc_lo = c_row; acc_hi = a_end - a_row + c_row;
                end
                OP_PAD: begin
                    if (count == 24'd0 || (!flag && !val_int8)) err = E_FIELD;
                    else if (!flag && row + count > SPR) err = E_SP;
                    else if (flag && row + count > ACR) err = E_ACC;
                    sp_wr = !flag; acc_wr = flag;
                    sp_lo = row; sp_hi = row + count - 24'd1;
                    acc_lo = row; acc_hi = row + count - 24'd1;
                end
                default: ;   // CONFIG, SYNC, HALT touch no memory
            endcase
        end
    end
endmodule
