// AXI4-Lite CSR slave of npu8 (docs/architecture.md, "interconnect"). 32-bit registers:
//   0x00 CTRL        W: bit0 START (a one-cycle pulse, reads 0), RW: bit1 IRQ_EN
//   0x04 STATUS      RO: bit0 BUSY, bit1 DONE, bit2 ERROR (err_code != 0)
//   0x08 ERR_CODE    RO          0x0C ERR_INDEX   RO
//   0x10 INST_BASE   RW (bits 3:0 read 0)          0x14 INST_COUNT  RW (bits 15:0)
//   0x18 IRQ_STATUS  bit0 DONE: set when a program ends, write 1 to clear; irq = IRQ_EN & IRQ_STATUS
//   0x1C N, 0x20 SP_ROWS, 0x24 ACC_ROWS, 0x28 DRAM_BYTES (low 32 bits)   RO build parameters
//   0x40 + 4k        RO performance counters k = 0 … NCNT-1 (docs/architecture.md lists them)
// Writes honour WSTRB; writes to read-only registers are ignored; an unmapped address answers SLVERR.
`timescale 1ns / 1ps
module csr_regs #(
    parameter integer N          = 8,
    parameter integer SP_ROWS    = 4096,
    parameter integer ACC_ROWS   = 1024,
    parameter [33:0]  DRAM_BYTES = 34'h100000,
    parameter integer NCNT       = 11
) (
    input  wire              clk,
    input  wire              rst_n,
    // AXI4-Lite slave
    input  wire [11:0]       s_axil_awaddr,
    input  wire              s_axil_awvalid,
    output wire              s_axil_awready,
    input  wire [31:0]       s_axil_wdata,
    input  wire [3:0]        s_axil_wstrb,
    input  wire              s_axil_wvalid,
    output wire              s_axil_wready,
    output reg  [1:0]        s_axil_bresp,
    output reg               s_axil_bvalid,
    input  wire              s_axil_bready,
    input  wire [11:0]       s_axil_araddr,
    input  wire              s_axil_arvalid,
    output wire              s_axil_arready,
    output reg  [31:0]       s_axil_rdata,
    output reg  [1:0]        s_axil_rresp,
    output reg               s_axil_rvalid,
    input  wire              s_axil_rready,
    // to and from the controller
    output reg               start,
    output reg  [31:0]       inst_base,
    output reg  [15:0]       inst_count,
    input  wire              busy,
    input  wire              done,
    input  wire [3:0]        err_code,
    input  wire [15:0]       err_index,
    input  wire              done_pulse,
    input  wire [NCNT*32-1:0] counters,
    output wire              irq
);
    localparam [1:0] OKAY = 2'b00, SLVERR = 2'b10;
    reg        irq_en, irq_status;
    assign irq = irq_en && irq_status;

    // ---- write: take AW and W (in either order), then answer B --------------------------------------------
    reg        aw_full, w_full;
    reg [11:2] aw_addr;
    reg [31:0] w_data;
    reg [3:0]  w_strb;
    assign s_axil_awready = !aw_full && !s_axil_bvalid;
    assign s_axil_wready  = !w_full && !s_axil_bvalid;
    // Registers are selected by the word address; WSTRB picks the bytes (AWADDR may point inside the word).
    wire [11:0] wa = {(aw_full ? aw_addr[11:2] : s_axil_awaddr[11:2]), 2'b00};
    wire [11:0] ra = {s_axil_araddr[11:2], 2'b00};
    /* verilator lint_off UNUSEDSIGNAL */
    wire [3:0] unused_low = {s_axil_araddr[1:0], s_axil_awaddr[1:0]};   // byte offsets: WSTRB selects
    /* verilator lint_on UNUSEDSIGNAL */
    wire [31:0] wd = w_full ? w_data : s_axil_wdata;
    wire [3:0]  ws = w_full ? w_strb : s_axil_wstrb;
    wire do_write = (aw_full || (s_axil_awvalid && s_axil_awready)) && (w_full || (s_axil_wvalid && s_axil_wready));

    function [31:0] merge(input [31:0] old, input [31:0] new_data, input [3:0] strb);
        integer b;
        begin
            for (b = 0; b < 4; b = b + 1) merge[b*8 +: 8] = strb[b] ? new_data[b*8 +: 8] : old[b*8 +: 8];
        end
    endfunction

    function mapped(input [11:0] a);
        mapped = a <= 12'h028 || (a >= 12'h040 && {20'd0, a} < 32'h40 + 4 * NCNT);
    endfunction

    /* verilator lint_off UNUSEDSIGNAL */
    wire [31:0] count_merged = merge({16'd0, inst_count}, wd, ws);   // INST_COUNT is 16 bits wide
    /* verilator lint_on UNUSEDSIGNAL */
    always @(posedge clk) begin
        if (!rst_n) begin
            aw_full <= 1'b0; w_full <= 1'b0; s_axil_bvalid <= 1'b0; s_axil_bresp <= OKAY;
            start <= 1'b0; irq_en <= 1'b0; irq_status <= 1'b0; inst_base <= 32'd0; inst_count <= 16'd0;
        end else begin
            start <= 1'b0;
            if (done_pulse) irq_status <= 1'b1;
            if (s_axil_bvalid && s_axil_bready) s_axil_bvalid <= 1'b0;
            if (do_write) begin
                aw_full <= 1'b0;
                w_full  <= 1'b0;
                s_axil_bvalid <= 1'b1;
                s_axil_bresp  <= mapped(wa) ? OKAY : SLVERR;
                case (wa)
                    12'h000: begin
                        if (ws[0]) begin
                            start  <= wd[0];
                            irq_en <= wd[1];
                        end
                    end
                    12'h010: inst_base  <= merge(inst_base, wd, ws) & 32'hFFFF_FFF0;
                    12'h014: inst_count <= count_merged[15:0];
`ifdef NPU8_FAULT_CSR_W1C
                    // Injected fault (verif/faults.yaml): IRQ_STATUS cannot be cleared.
                    12'h018: ;
`else
                    12'h018: if (ws[0] && wd[0] && !done_pulse) irq_status <= 1'b0;
`endif
                    default: ;
                endcase
            end else begin
                if (s_axil_awvalid && s_axil_awready) begin aw_full <= 1'b1; aw_addr <= s_axil_awaddr[11:2]; end
                if (s_axil_wvalid && s_axil_wready) begin w_full <= 1'b1; w_data <= s_axil_wdata; w_strb <= s_axil_wstrb; end
            end
        end
    end

    // ---- read: AR, then R the next cycle -------------------------------------------------------------------
    assign s_axil_arready = !s_axil_rvalid;
    reg [31:0] rd;
    integer k;
    always @* begin
        rd = 32'd0;
        case (ra)
            12'h000: rd = {30'd0, irq_en, 1'b0};
            12'h004: rd = {29'd0, err_code != 4'd0, done, busy};
            12'h008: rd = {28'd0, err_code};
            12'h00C: rd = {16'd0, err_index};
            12'h010: rd = inst_base;
            12'h014: rd = {16'd0, inst_count};
            12'h018: rd = {31'd0, irq_status};
            12'h01C: rd = N;
            12'h020: rd = SP_ROWS;
            12'h024: rd = ACC_ROWS;
            12'h028: rd = DRAM_BYTES[31:0];
            default: for (k = 0; k < NCNT; k = k + 1)
                         if ({20'd0, ra} == 32'h40 + 4 * k) rd = counters[k*32 +: 32];
        endcase
    end
    always @(posedge clk) begin
        if (!rst_n) begin
            s_axil_rvalid <= 1'b0; s_axil_rresp <= OKAY; s_axil_rdata <= 32'd0;
        end else begin
            if (s_axil_rvalid && s_axil_rready) s_axil_rvalid <= 1'b0;
            if (s_axil_arvalid && s_axil_arready) begin
                s_axil_rvalid <= 1'b1;
                s_axil_rdata  <= rd;
                s_axil_rresp  <= mapped(ra) ? OKAY : SLVERR;
            end
        end
    end
endmodule
