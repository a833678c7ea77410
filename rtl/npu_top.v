// npu8: the accelerator (docs/architecture.md). AXI4-Lite CSRs in, AXI4 master to DRAM out, interrupt out.
// The controller fetches and issues; the load, compute, store and vector units execute; the scratchpad, the
// accumulator (its write port favouring the array's results) and the MAC array hold and compute the data. The
// vector unit shares the compute unit's scratchpad port and the load unit's accumulator write port.
`timescale 1ns / 1ps
`include "npu8_isa.vh"
module npu_top #(
    parameter integer N          = 8,
    parameter integer SP_ROWS    = 4096,
    parameter integer ACC_ROWS   = 1024,
    parameter [33:0]  DRAM_BYTES = 34'h100000,
    parameter integer NB         = 4
) (
    input  wire          clk,
    input  wire          rst_n,
    output wire          irq,
    // AXI4-Lite CSR slave
    input  wire [11:0]   s_axil_awaddr,  input  wire s_axil_awvalid, output wire s_axil_awready,
    input  wire [31:0]   s_axil_wdata,   input  wire [3:0] s_axil_wstrb, input wire s_axil_wvalid,
    output wire          s_axil_wready,  output wire [1:0] s_axil_bresp, output wire s_axil_bvalid,
    input  wire          s_axil_bready,
    input  wire [11:0]   s_axil_araddr,  input  wire s_axil_arvalid, output wire s_axil_arready,
    output wire [31:0]   s_axil_rdata,   output wire [1:0] s_axil_rresp, output wire s_axil_rvalid,
    input  wire          s_axil_rready,
    // AXI4 master to DRAM
    output wire [1:0]   m_axi_arid,   output wire [31:0] m_axi_araddr, output wire [7:0] m_axi_arlen,
    output wire [2:0]   m_axi_arsize, output wire [1:0] m_axi_arburst, output wire m_axi_arvalid,
    input  wire         m_axi_arready,
    input  wire [1:0]   m_axi_rid,    input  wire [127:0] m_axi_rdata, input wire [1:0] m_axi_rresp,
    input  wire         m_axi_rlast,  input  wire m_axi_rvalid, output wire m_axi_rready,
    output wire [1:0]   m_axi_awid,   output wire [31:0] m_axi_awaddr, output wire [7:0] m_axi_awlen,
    output wire [2:0]   m_axi_awsize, output wire [1:0] m_axi_awburst, output wire m_axi_awvalid,
    input  wire         m_axi_awready,
    output wire [127:0] m_axi_wdata,  output wire [15:0] m_axi_wstrb, output wire m_axi_wlast,
    output wire         m_axi_wvalid, input  wire m_axi_wready,
    input  wire [1:0]   m_axi_bid,    input  wire [1:0] m_axi_bresp, input wire m_axi_bvalid,
    output wire         m_axi_bready
);
    // N is 4, 8 or 16 (docs/isa.md section 1): any other value stops elaboration, naming the rule.
    generate
        if (N != 4 && N != 8 && N != 16) begin : g_bad_n
            npu_top_parameter_N_must_be_4_8_or_16 u_bad_n ();
        end
    endgenerate

    // ---- CSRs and controller -----------------------------------------------------------------------------
    wire         start, busy, done, ctrl_irq;
    wire [31:0]  inst_base;
    wire [15:0]  inst_count, err_index;
    wire [3:0]   err_code;
    wire [31:0]  cycles, stall_dep, stall_full, retired, mac_active, stall_weight, stall_dma_rd, stall_dma_wr,
                 rd_bytes, wr_bytes, stall_other, vec_active, stall_vec;

    csr_regs #(.N(N), .SP_ROWS(SP_ROWS), .ACC_ROWS(ACC_ROWS), .DRAM_BYTES(DRAM_BYTES), .NCNT(13)) u_csr (
        .clk(clk), .rst_n(rst_n),
        .s_axil_awaddr(s_axil_awaddr), .s_axil_awvalid(s_axil_awvalid), .s_axil_awready(s_axil_awready),
        .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb), .s_axil_wvalid(s_axil_wvalid),
        .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp), .s_axil_bvalid(s_axil_bvalid),
        .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr), .s_axil_arvalid(s_axil_arvalid),
        .s_axil_arready(s_axil_arready), .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp),
        .s_axil_rvalid(s_axil_rvalid), .s_axil_rready(s_axil_rready),
        .start(start), .inst_base(inst_base), .inst_count(inst_count), .busy(busy), .done(done),
        .err_code(err_code), .err_index(err_index), .done_pulse(ctrl_irq),
        .counters({stall_vec, vec_active, stall_other, wr_bytes, rd_bytes, stall_dma_wr, stall_dma_rd, stall_weight, mac_active, retired, stall_full,
                   stall_dep, cycles}),
        .irq(irq));

    wire         f_rq_valid, f_rq_ready, f_rd_ready;
    wire [31:0]  f_rq_addr;
    wire [15:0]  f_rq_beats;
    wire         lq_valid, lq_done, lq_err, cq_valid, cq_done, cq_err, sq_valid, sq_done, sq_err, vq_valid, vq_done, vq_err;
    wire [`NPU8_QE_W-1:0] lq_head, cq_head, sq_head, cq_next, vq_head;
    wire         cq_next_valid;
    wire         ev_mac_active, ev_stall_weight, ev_stall_dma_rd, ev_stall_dma_wr, ev_vec_active, ev_stall_vec;
    wire [15:0]  ev_rd_bytes, ev_wr_bytes;
    // AXI master client side
    wire [1:0]   rq_ready, rd_valid, rd_last;
    wire [127:0] rd_data;
    wire         rd_err;

    ctrl #(.N(N), .SP_ROWS(SP_ROWS), .ACC_ROWS(ACC_ROWS), .DRAM_BYTES(DRAM_BYTES)) u_ctrl (
        .clk(clk), .rst_n(rst_n), .start(start), .inst_base(inst_base), .inst_count(inst_count), .busy(busy),
        .done(done), .err_code(err_code), .err_index(err_index), .irq(ctrl_irq),
        .f_rq_valid(f_rq_valid), .f_rq_ready(rq_ready[0]), .f_rq_addr(f_rq_addr), .f_rq_beats(f_rq_beats),
        .f_rd_valid(rd_valid[0]), .f_rd_ready(f_rd_ready), .f_rd_data(rd_data), .f_rd_last(rd_last[0]),
        .f_rd_err(rd_err),
        .lq_valid(lq_valid), .lq_head(lq_head), .lq_done(lq_done), .lq_err(lq_err),
        .cq_valid(cq_valid), .cq_head(cq_head), .cq_next_valid(cq_next_valid), .cq_next(cq_next),
        .cq_done(cq_done), .cq_err(cq_err), .sq_valid(sq_valid), .sq_head(sq_head), .sq_done(sq_done), .sq_err(sq_err),
        .vq_valid(vq_valid), .vq_head(vq_head), .vq_done(vq_done), .vq_err(vq_err),
        .ev_mac_active(ev_mac_active), .ev_stall_weight(ev_stall_weight), .ev_stall_dma_rd(ev_stall_dma_rd),
        .ev_stall_dma_wr(ev_stall_dma_wr), .ev_vec_active(ev_vec_active), .ev_stall_vec(ev_stall_vec),
        .ev_rd_bytes(ev_rd_bytes), .ev_wr_bytes(ev_wr_bytes), .cycles(cycles), .stall_dep(stall_dep), .stall_full(stall_full), .retired(retired),
        .mac_active(mac_active), .stall_weight(stall_weight), .stall_dma_rd(stall_dma_rd),
        .stall_dma_wr(stall_dma_wr), .rd_bytes(rd_bytes), .wr_bytes(wr_bytes),
        .stall_other(stall_other), .vec_active(vec_active), .stall_vec(stall_vec));
    assign f_rq_ready = rq_ready[0];

    // ---- execution units ----------------------------------------------------------------------------------
    wire            l_sp_valid, l_sp_ready, l_acc_valid, l_acc_ready, l_rq_valid, l_rd_ready;
    wire [15:0]     l_sp_row, l_acc_row, l_rq_beats;
    wire [N*8-1:0]  l_sp_wdata;
    wire [N*32-1:0] l_acc_wdata;
    wire [31:0]     l_rq_addr;
    load_unit #(.N(N)) u_load (
        .clk(clk), .rst_n(rst_n), .lq_valid(lq_valid), .lq_head(lq_head), .lq_done(lq_done), .lq_err(lq_err),
        .sp_valid(l_sp_valid), .sp_ready(l_sp_ready), .sp_row(l_sp_row), .sp_wdata(l_sp_wdata),
        .acc_valid(l_acc_valid), .acc_ready(l_acc_ready), .acc_row(l_acc_row), .acc_wdata(l_acc_wdata),
        .rq_valid(l_rq_valid), .rq_ready(rq_ready[1]), .rq_addr(l_rq_addr), .rq_beats(l_rq_beats),
        .rd_valid(rd_valid[1]), .rd_ready(l_rd_ready), .rd_data(rd_data), .rd_last(rd_last[1]), .rd_err(rd_err),
        .ev_stall_dma_rd(ev_stall_dma_rd), .ev_rd_bytes(ev_rd_bytes));

    wire            c_sp_valid, c_sp_ready, c_sp_rsp_valid, c_wsp_valid, c_wsp_ready, c_wsp_rsp_valid, c_wsp_rsp_err;
    wire [15:0]     c_wsp_row;
    wire [N*8-1:0]  c_wsp_rdata;
    wire [15:0]     c_sp_row, c_acc_row;
    wire [N*8-1:0]  c_sp_rdata, w_data, a_data;
    wire            w_valid, w_ready, a_valid, a_ready, a_swap, o_valid, array_busy, shadow_full;
    wire [16:0]     a_tag, o_tag;
    wire [N*32-1:0] o_data, c_acc_data;
    wire            c_acc_valid, c_acc_acc;
    compute_unit #(.N(N)) u_compute (
        .clk(clk), .rst_n(rst_n), .cq_valid(cq_valid), .cq_head(cq_head), .cq_next_valid(cq_next_valid),
        .cq_next(cq_next), .cq_done(cq_done), .cq_err(cq_err), .sp_valid(c_sp_valid), .sp_ready(c_sp_ready), .sp_row(c_sp_row), .sp_rsp_valid(c_sp_rsp_valid),
        .sp_rdata(c_sp_rdata), .wsp_valid(c_wsp_valid), .wsp_ready(c_wsp_ready), .wsp_row(c_wsp_row),
        .wsp_rsp_valid(c_wsp_rsp_valid), .wsp_rdata(c_wsp_rdata), .w_valid(w_valid), .w_ready(w_ready), .w_data(w_data), .a_valid(a_valid),
        .a_ready(a_ready), .a_data(a_data), .a_swap(a_swap), .a_tag(a_tag), .o_valid(o_valid), .o_data(o_data),
        .o_tag(o_tag), .acc_valid(c_acc_valid), .acc_acc(c_acc_acc), .acc_row(c_acc_row), .acc_data(c_acc_data),
        .ev_mac_active(ev_mac_active), .ev_stall_weight(ev_stall_weight));

    wire            v_sp_valid, v_sp_ready, v_sp_rsp_valid, v_acc_valid, v_acc_ready, v_acc_acc;
    wire [15:0]     v_sp_row, v_acc_row;
    wire [N*32-1:0] v_acc_data;
    // the compute unit's scratchpad reads and the vector unit's share port 1
    wire            p1_valid, p1_ready, p1_rsp_valid;
    wire [15:0]     p1_row;
    vector_unit #(.N(N)) u_vector (
        .clk(clk), .rst_n(rst_n), .vq_valid(vq_valid), .vq_head(vq_head), .vq_done(vq_done), .vq_err(vq_err),
        .sp_valid(v_sp_valid), .sp_ready(v_sp_ready), .sp_row(v_sp_row), .sp_rsp_valid(v_sp_rsp_valid),
        .sp_rdata(c_sp_rdata), .acc_valid(v_acc_valid), .acc_ready(v_acc_ready), .acc_acc(v_acc_acc),
        .acc_row(v_acc_row), .acc_data(v_acc_data), .ev_vec_active(ev_vec_active), .ev_stall_vec(ev_stall_vec));
    sp_read_share u_sp_share (
        .clk(clk), .rst_n(rst_n), .c0_valid(c_sp_valid), .c0_ready(c_sp_ready), .c0_row(c_sp_row),
        .c0_rsp_valid(c_sp_rsp_valid), .c1_valid(v_sp_valid), .c1_ready(v_sp_ready), .c1_row(v_sp_row),
        .c1_rsp_valid(v_sp_rsp_valid), .p_valid(p1_valid), .p_ready(p1_ready), .p_row(p1_row),
        .p_rsp_valid(p1_rsp_valid));

    wire            s_r_valid, s_r_ready, s_r_rsp_valid, wq_valid, wq_ready, wd_valid, wd_ready, wr_done, wr_err;
    wire [15:0]     s_r_row, wq_beats, wd_strb;
    wire [N*32-1:0] s_r_data;
    wire [31:0]     wq_addr;
    wire [127:0]    wd_data;
    store_unit #(.N(N)) u_store (
        .clk(clk), .rst_n(rst_n), .sq_valid(sq_valid), .sq_head(sq_head), .sq_done(sq_done), .sq_err(sq_err),
        .r_valid(s_r_valid), .r_ready(s_r_ready), .r_row(s_r_row), .r_rsp_valid(s_r_rsp_valid), .r_data(s_r_data),
        .wq_valid(wq_valid), .wq_ready(wq_ready), .wq_addr(wq_addr), .wq_beats(wq_beats), .wd_valid(wd_valid),
        .wd_ready(wd_ready), .wd_data(wd_data), .wd_strb(wd_strb), .wr_done(wr_done), .wr_err(wr_err),
        .ev_stall_dma_wr(ev_stall_dma_wr), .ev_wr_bytes(ev_wr_bytes));

    // ---- memories and the array ---------------------------------------------------------------------------
    wire            p0_rsp_valid, p0_rsp_err, c_sp_rsp_err;
    wire [N*8-1:0]  p0_rdata;
    wire [31:0]     conflicts;
    scratchpad #(.N(N), .ROWS(SP_ROWS), .NB(NB)) u_sp (
        .clk(clk), .rst_n(rst_n),
        .p0_valid(l_sp_valid), .p0_ready(l_sp_ready), .p0_we(1'b1), .p0_row(l_sp_row), .p0_lane_en({N{1'b1}}),
        .p0_wdata(l_sp_wdata), .p0_rsp_valid(p0_rsp_valid), .p0_rsp_err(p0_rsp_err), .p0_rdata(p0_rdata),
        .p1_valid(p1_valid), .p1_ready(p1_ready), .p1_we(1'b0), .p1_row(p1_row), .p1_lane_en({N{1'b0}}),
        .p1_wdata({N*8{1'b0}}), .p1_rsp_valid(p1_rsp_valid), .p1_rsp_err(c_sp_rsp_err), .p1_rdata(c_sp_rdata),
        .p2_valid(c_wsp_valid), .p2_ready(c_wsp_ready), .p2_row(c_wsp_row), .p2_rsp_valid(c_wsp_rsp_valid),
        .p2_rsp_err(c_wsp_rsp_err), .p2_rdata(c_wsp_rdata),
        .conflicts(conflicts));

    // The array's results cannot wait: they own their accumulator bank's write port whenever they have one; a
    // load-unit preload (a bias) into the other bank goes on at the same time (double-buffered accumulator).
    wire            acc_r_rsp_err, acc_wb_valid, acc_b_wb_valid, pb_valid, pb_ready, pb_acc, pb_vec;
    wire [N*32-1:0] acc_wb_data, acc_b_wb_data, pb_data;
    wire [15:0]     pb_row;
    // the load unit's ACC writes (biases) and the vector unit's results share write port B
    acc_write_share #(.N(N)) u_acc_share (
        .clk(clk), .rst_n(rst_n), .c0_valid(l_acc_valid), .c0_ready(l_acc_ready), .c0_row(l_acc_row),
        .c0_data(l_acc_wdata), .c1_valid(v_acc_valid), .c1_ready(v_acc_ready), .c1_acc(v_acc_acc),
        .c1_row(v_acc_row), .c1_data(v_acc_data), .p_valid(pb_valid), .p_ready(pb_ready), .p_acc(pb_acc),
        .p_row(pb_row), .p_data(pb_data), .served1(pb_vec));
    accumulator_banks #(.N(N), .ROWS(ACC_ROWS)) u_acc (
        .clk(clk), .rst_n(rst_n),
        .a_valid(c_acc_valid), .a_acc(c_acc_acc), .a_row(c_acc_row), .a_data(c_acc_data),
        .a_wb_valid(acc_wb_valid), .a_wb_data(acc_wb_data),
        .b_valid(pb_valid), .b_ready(pb_ready), .b_acc(pb_acc), .b_row(pb_row), .b_data(pb_data),
        .b_wb_valid(acc_b_wb_valid), .b_wb_data(acc_b_wb_data),
        .r_valid(s_r_valid), .r_ready(s_r_ready), .r_row(s_r_row), .r_rsp_valid(s_r_rsp_valid),
        .r_rsp_err(acc_r_rsp_err), .r_data(s_r_data));

    mac_array #(.N(N), .TAG_W(17)) u_array (
        .clk(clk), .rst_n(rst_n), .w_valid(w_valid), .w_ready(w_ready), .w_data(w_data), .a_valid(a_valid),
        .a_ready(a_ready), .a_data(a_data), .a_swap(a_swap), .a_tag(a_tag), .o_valid(o_valid), .o_data(o_data),
        .o_tag(o_tag), .busy(array_busy), .shadow_full(shadow_full));

    axi_master #(.DW(128), .MAX_OUT(128)) u_axi (
        .clk(clk), .rst_n(rst_n), .rq_valid({l_rq_valid, f_rq_valid}), .rq_ready(rq_ready),
        .rq_addr({l_rq_addr, f_rq_addr}), .rq_beats({l_rq_beats, f_rq_beats}), .rd_valid(rd_valid),
        .rd_ready({l_rd_ready, f_rd_ready}), .rd_data(rd_data), .rd_last(rd_last), .rd_err(rd_err),
        .wq_valid(wq_valid), .wq_ready(wq_ready), .wq_addr(wq_addr), .wq_beats(wq_beats), .wd_valid(wd_valid),
        .wd_ready(wd_ready), .wd_data(wd_data), .wd_strb(wd_strb), .wr_done(wr_done), .wr_err(wr_err),
        .m_axi_arid(m_axi_arid), .m_axi_araddr(m_axi_araddr), .m_axi_arlen(m_axi_arlen),
        .m_axi_arsize(m_axi_arsize), .m_axi_arburst(m_axi_arburst), .m_axi_arvalid(m_axi_arvalid),
        .m_axi_arready(m_axi_arready), .m_axi_rid(m_axi_rid), .m_axi_rdata(m_axi_rdata),
        .m_axi_rresp(m_axi_rresp), .m_axi_rlast(m_axi_rlast), .m_axi_rvalid(m_axi_rvalid),
        .m_axi_rready(m_axi_rready), .m_axi_awid(m_axi_awid), .m_axi_awaddr(m_axi_awaddr),
        .m_axi_awlen(m_axi_awlen), .m_axi_awsize(m_axi_awsize), .m_axi_awburst(m_axi_awburst),
        .m_axi_awvalid(m_axi_awvalid), .m_axi_awready(m_axi_awready), .m_axi_wdata(m_axi_wdata),
        .m_axi_wstrb(m_axi_wstrb), .m_axi_wlast(m_axi_wlast), .m_axi_wvalid(m_axi_wvalid),
        .m_axi_wready(m_axi_wready), .m_axi_bid(m_axi_bid), .m_axi_bresp(m_axi_bresp),
        .m_axi_bvalid(m_axi_bvalid), .m_axi_bready(m_axi_bready));

    /* verilator lint_off UNUSEDSIGNAL */
    wire unused = &{p0_rsp_valid, p0_rsp_err, p0_rdata, c_sp_rsp_err, c_wsp_rsp_err, conflicts, array_busy, shadow_full,
                    acc_wb_valid, acc_wb_data, acc_b_wb_valid, acc_b_wb_data, pb_vec, acc_r_rsp_err, f_rq_ready};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
