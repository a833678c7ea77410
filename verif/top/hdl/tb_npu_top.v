// Testbench top for npu_top: the accelerator, its DRAM (dram_model: latency, backpressure, error window, files
// in and out) and the AXI4 protocol checker on the bus between them, so that every top-level test also checks
// the AXI rules (verif/interconnect/hdl/axi4_checker.v). The clock and reset are made here (tb_clock_reset.vh)
// and the tiles are recorded here (acc_row_collector for the array's and the vector unit's result rows,
// axi_write_collector), so Python runs on events only: a
// CSR access, the interrupt, a collector's strobe. Only the CSR bus, the DRAM model's knobs, the reset request
// and the collectors' controls are ports: the memory traffic runs without Python.
`timescale 1ns / 1ps
module tb_npu_top #(
    parameter integer N          = 8,
    parameter integer SP_ROWS    = 4096,
    parameter integer ACC_ROWS   = 1024,
    parameter [33:0]  DRAM_BYTES = 34'h100000,
    parameter integer NB         = 4,
    parameter integer DRAM_LATENCY = 100,
    parameter integer CLOCK_NS   = 10
) (
    input  wire          reset_req,      // toggled: reset for RESET_CYCLES edges (tb_clock_reset.vh)
    output wire          irq,
    // AXI4-Lite CSR slave
    input  wire [11:0]   s_axil_awaddr,  input  wire s_axil_awvalid, output wire s_axil_awready,
    input  wire [31:0]   s_axil_wdata,   input  wire [3:0] s_axil_wstrb, input wire s_axil_wvalid,
    output wire          s_axil_wready,  output wire [1:0] s_axil_bresp, output wire s_axil_bvalid,
    input  wire          s_axil_bready,
    input  wire [11:0]   s_axil_araddr,  input  wire s_axil_arvalid, output wire s_axil_arready,
    output wire [31:0]   s_axil_rdata,   output wire [1:0] s_axil_rresp, output wire s_axil_rvalid,
    input  wire          s_axil_rready,
    // DRAM model knobs (dram_model.v)
    input  wire          dram_load,      input wire dram_dump,  input wire [15:0] dram_latency,
    input  wire [31:0]   dram_seed,
    input  wire [7:0]    stall_ar, input wire [7:0] stall_r, input wire [7:0] stall_aw, input wire [7:0] stall_w,
    input  wire [7:0]    stall_b,
    input  wire [31:0]   err_lo,         input wire [31:0] err_hi,
    output wire [31:0]   dram_r_bursts,  output wire [31:0] dram_w_bursts, output wire [31:0] dram_stalled,
    output wire         violation,
    output wire [3:0]   violation_code,
    // the internal-interface checkers (verif/common/hdl), in the order TopBfm.HANDSHAKE_CHECKERS names them
    output wire         hs_violation,
    output wire [7:0]   hs_code,
    // the tile collectors: record at all, flush now and empty the files (both toggled), their strobes
    input  wire         collect_en,
    input  wire         collect_flush,
    input  wire         collect_rewind,
    output wire         acc_strobe,
    output wire         dram_strobe,
    output wire         vec_strobe
);
`include "tb_clock_reset.vh"
    // AXI4 between the accelerator and the DRAM model
    wire [1:0]   m_axi_arid;   wire [31:0] m_axi_araddr; wire [7:0] m_axi_arlen; wire [2:0] m_axi_arsize;
    wire [1:0]   m_axi_arburst; wire m_axi_arvalid, m_axi_arready;
    wire [1:0]   m_axi_rid;    wire [127:0] m_axi_rdata; wire [1:0] m_axi_rresp; wire m_axi_rlast, m_axi_rvalid;
    wire         m_axi_rready;
    wire [1:0]   m_axi_awid;   wire [31:0] m_axi_awaddr; wire [7:0] m_axi_awlen; wire [2:0] m_axi_awsize;
    wire [1:0]   m_axi_awburst; wire m_axi_awvalid, m_axi_awready;
    wire [127:0] m_axi_wdata;  wire [15:0] m_axi_wstrb; wire m_axi_wlast, m_axi_wvalid, m_axi_wready;
    wire [1:0]   m_axi_bid;    wire [1:0] m_axi_bresp; wire m_axi_bvalid, m_axi_bready;

    npu_top #(.N(N), .SP_ROWS(SP_ROWS), .ACC_ROWS(ACC_ROWS), .DRAM_BYTES(DRAM_BYTES), .NB(NB)) u_npu (
        .clk(clk), .rst_n(rst_n), .irq(irq), .s_axil_awaddr(s_axil_awaddr), .s_axil_awvalid(s_axil_awvalid),
        .s_axil_awready(s_axil_awready), .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb),
        .s_axil_wvalid(s_axil_wvalid), .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp),
        .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr),
        .s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready), .s_axil_rdata(s_axil_rdata),
        .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid), .s_axil_rready(s_axil_rready),
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

    dram_model #(.DW(128), .BYTES(DRAM_BYTES), .LATENCY(DRAM_LATENCY), .QD(128)) u_dram (
        .clk(clk), .rst_n(rst_n), .load(dram_load), .dump(dram_dump), .latency_in(dram_latency),
        .lfsr_seed(dram_seed), .stall_ar(stall_ar), .stall_r(stall_r), .stall_aw(stall_aw), .stall_w(stall_w),
        .stall_b(stall_b), .err_lo(err_lo), .err_hi(err_hi), .r_bursts(dram_r_bursts),
        .w_bursts(dram_w_bursts), .stalled(dram_stalled),
        .arid(m_axi_arid), .araddr(m_axi_araddr), .arlen(m_axi_arlen), .arvalid(m_axi_arvalid),
        .arready(m_axi_arready), .rid(m_axi_rid), .rdata(m_axi_rdata), .rresp(m_axi_rresp), .rlast(m_axi_rlast),
        .rvalid(m_axi_rvalid), .rready(m_axi_rready), .awid(m_axi_awid), .awaddr(m_axi_awaddr),
        .awlen(m_axi_awlen), .awvalid(m_axi_awvalid), .awready(m_axi_awready), .wdata(m_axi_wdata),
        .wstrb(m_axi_wstrb), .wlast(m_axi_wlast), .wvalid(m_axi_wvalid), .wready(m_axi_wready),
        .bid(m_axi_bid), .bresp(m_axi_bresp), .bvalid(m_axi_bvalid), .bready(m_axi_bready));

    localparam integer CHECKER_DW = 128, CHECKER_MAX_OUT = 128;
`include "axi4_checker_on_m_axi.vh"
    // ---- internal interfaces: controller <-> units, scratchpad and accumulator ports, the array's inputs ----
    localparam integer HS_N = 12;
    wire [HS_N-1:0]   hs_v;
    wire [4*HS_N-1:0] hs_c;
    wire idle = !u_npu.busy;
    queue_checker #(.NAME("load_queue")) u_hs_lq (.clk(clk), .rst_n(rst_n),
        .push(u_npu.u_ctrl.issue && u_npu.u_ctrl.to_lq), .valid(u_npu.lq_valid), .head(u_npu.lq_head),
        .done(u_npu.lq_done), .err(u_npu.lq_err), .idle(idle), .violation(hs_v[0]), .violation_code(hs_c[3:0]));
    queue_checker #(.NAME("compute_queue")) u_hs_cq (.clk(clk), .rst_n(rst_n),
        .push(u_npu.u_ctrl.issue && u_npu.u_ctrl.to_cq), .valid(u_npu.cq_valid), .head(u_npu.cq_head),
        .done(u_npu.cq_done), .err(u_npu.cq_err), .idle(idle), .violation(hs_v[1]), .violation_code(hs_c[7:4]));
    queue_checker #(.NAME("store_queue")) u_hs_sq (.clk(clk), .rst_n(rst_n),
        .push(u_npu.u_ctrl.issue && u_npu.u_ctrl.to_sq), .valid(u_npu.sq_valid), .head(u_npu.sq_head),
        .done(u_npu.sq_done), .err(u_npu.sq_err), .idle(idle), .violation(hs_v[2]), .violation_code(hs_c[11:8]));
    mem_port_checker #(.NAME("sp_load_port"), .MAX_LATENCY(1)) u_hs_sp0 (.clk(clk), .rst_n(rst_n),
        .valid(u_npu.l_sp_valid), .ready(u_npu.l_sp_ready), .rsp_valid(u_npu.p0_rsp_valid),
        .violation(hs_v[3]), .violation_code(hs_c[15:12]));
    mem_port_checker #(.NAME("sp_compute_port"), .MAX_LATENCY(1)) u_hs_sp1 (.clk(clk), .rst_n(rst_n),
        .valid(u_npu.c_sp_valid), .ready(u_npu.c_sp_ready), .rsp_valid(u_npu.c_sp_rsp_valid),
        .violation(hs_v[4]), .violation_code(hs_c[19:16]));
    mem_port_checker #(.NAME("acc_read_port"), .MAX_LATENCY(4)) u_hs_accr (.clk(clk), .rst_n(rst_n),
        .valid(u_npu.s_r_valid), .ready(u_npu.s_r_ready), .rsp_valid(u_npu.s_r_rsp_valid),
        .violation(hs_v[5]), .violation_code(hs_c[23:20]));
    stream_checker #(.NAME("array_weights"), .W(8 * N)) u_hs_w (.clk(clk), .rst_n(rst_n),
        .valid(u_npu.w_valid), .ready(u_npu.w_ready), .payload(u_npu.w_data),
        .violation(hs_v[6]), .violation_code(hs_c[27:24]));
    stream_checker #(.NAME("array_activations"), .W(8 * N + 18)) u_hs_a (.clk(clk), .rst_n(rst_n),
        .valid(u_npu.a_valid), .ready(u_npu.a_ready), .payload({u_npu.a_swap, u_npu.a_tag, u_npu.a_data}),
        .violation(hs_v[7]), .violation_code(hs_c[31:28]));
    queue_checker #(.NAME("vector_queue")) u_hs_vq (.clk(clk), .rst_n(rst_n),
        .push(u_npu.u_ctrl.issue && u_npu.u_ctrl.to_vq), .valid(u_npu.vq_valid), .head(u_npu.vq_head),
        .done(u_npu.vq_done), .err(u_npu.vq_err), .idle(idle), .violation(hs_v[8]), .violation_code(hs_c[35:32]));
    mem_port_checker #(.NAME("sp_vector_port"), .MAX_LATENCY(1)) u_hs_spv (.clk(clk), .rst_n(rst_n),
        .valid(u_npu.v_sp_valid), .ready(u_npu.v_sp_ready), .rsp_valid(u_npu.v_sp_rsp_valid),
        .violation(hs_v[9]), .violation_code(hs_c[39:36]));
    stream_checker #(.NAME("acc_port_b"), .W(32 * N + 17)) u_hs_accb (.clk(clk), .rst_n(rst_n),
        .valid(u_npu.pb_valid), .ready(u_npu.pb_ready), .payload({u_npu.pb_acc, u_npu.pb_row, u_npu.pb_data}),
        .violation(hs_v[10]), .violation_code(hs_c[43:40]));
    mem_port_checker #(.NAME("sp_weight_port"), .MAX_LATENCY(1)) u_hs_spw (.clk(clk), .rst_n(rst_n),
        .valid(u_npu.c_wsp_valid), .ready(u_npu.c_wsp_ready), .rsp_valid(u_npu.c_wsp_rsp_valid),
        .violation(hs_v[11]), .violation_code(hs_c[47:44]));
`include "handshake_report.vh"
    // ---- the tile collectors: what the acc and dram monitors publish ----
    acc_row_collector #(.N(N), .ROW_W(16)) u_acc_rows (.clk(clk), .rst_n(rst_n), .en(collect_en),
        .cycle(tb_cycle), .in_valid(u_npu.c_acc_valid), .in_row(u_npu.c_acc_row),
        .wb_valid(u_npu.u_acc.a_wb_valid), .wb_data(u_npu.u_acc.a_wb_data), .flush_req(collect_flush),
        .rewind_req(collect_rewind),
        .strobe(acc_strobe));
    acc_row_collector #(.N(N), .ROW_W(16), .FILE("vec_rows.txt")) u_vec_rows (.clk(clk), .rst_n(rst_n),
        .en(collect_en), .cycle(tb_cycle), .in_valid(u_npu.v_acc_valid && u_npu.v_acc_ready), .in_row(u_npu.v_acc_row),
        .wb_valid(u_npu.u_acc.b_wb_valid), .wb_data(u_npu.u_acc.b_wb_data), .flush_req(collect_flush),
        .rewind_req(collect_rewind), .strobe(vec_strobe));
    axi_write_collector #(.DW(128)) u_dram_writes (.clk(clk), .rst_n(rst_n), .en(collect_en), .cycle(tb_cycle),
        .awaddr(m_axi_awaddr), .awvalid(m_axi_awvalid), .awready(m_axi_awready), .wdata(m_axi_wdata),
        .wstrb(m_axi_wstrb), .wlast(m_axi_wlast), .wvalid(m_axi_wvalid), .wready(m_axi_wready),
        .flush_req(collect_flush), .rewind_req(collect_rewind), .strobe(dram_strobe));
`ifdef NPU8_FAULT_COMPUTE_HANG
    // Injected fault (verif/faults.yaml): the compute unit never reports its MATMUL done, so the program hangs.
    initial force u_npu.u_compute.cq_done = 1'b0;
`endif
endmodule
