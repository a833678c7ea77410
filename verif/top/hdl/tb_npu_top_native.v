// The native baseline of `make bench` (sim/native.py): tb_npu_top -- the same accelerator, DRAM model and
// checkers the cocotb environment runs -- driven by Verilog alone, no cocotb and no Python. It runs the
// programs of a manifest (+manifest=<file>) in order, each as the cocotb driver does: the DRAM model's knobs,
// its image ($readmemh), INST_BASE, INST_COUNT and START over AXI4-Lite, then the interrupt (or a reset
// `reset_after` cycles after START, or `budget` cycles without one), and prints each program's ending and
// counters so that the bench can check they equal the cocotb run's. One manifest line a program:
//     <image file> <inst_base> <inst_count> <latency> <stall ar r aw w b> <seed> <err_lo> <err_hi>
//         <reset_after, or -1> <budget>          (one line, wrapped here)
// (numbers in decimal; the image `-` keeps the DRAM the program before left, as a network's programs run in
// turn on one memory). Tile collectors are off: this is the design and its testbench, not the environment.
`timescale 1ns / 1ps
module tb_npu_top_native #(
    parameter integer N            = 8,
    parameter integer SP_ROWS      = 4096,
    parameter integer ACC_ROWS     = 1024,
    parameter [33:0]  DRAM_BYTES   = 34'h100000,
    parameter integer NB           = 4
);
    localparam [11:0] CTRL = 12'h000, STATUS = 12'h004, ERR_CODE = 12'h008, ERR_INDEX = 12'h00C;
    localparam [11:0] INST_BASE = 12'h010, INST_COUNT = 12'h014, IRQ_STATUS = 12'h018, COUNTER_BASE = 12'h040;
    localparam integer COUNTERS = 13;

    reg         reset_req = 1'b0;
    reg  [11:0] awaddr = 12'd0, araddr = 12'd0;
    reg         awvalid = 1'b0, wvalid = 1'b0, bready = 1'b0, arvalid = 1'b0, rready = 1'b0;
    reg  [31:0] wdata = 32'd0;
    wire        awready, wready, bvalid, arready, rvalid, irq;
    wire [1:0]  bresp, rresp;
    wire [31:0] rdata;
    reg         dram_load = 1'b0;
    reg  [15:0] latency = 16'd0;
    reg  [31:0] seed = 32'd1, err_lo = 32'd0, err_hi = 32'd0;
    reg  [7:0]  st_ar = 8'd0, st_r = 8'd0, st_aw = 8'd0, st_w = 8'd0, st_b = 8'd0;
    wire [31:0] r_bursts, w_bursts, stalled;
    wire        violation, hs_violation, acc_strobe, dram_strobe, vec_strobe;
    wire [3:0]  violation_code;
    wire [7:0]  hs_code;

    tb_npu_top #(.N(N), .SP_ROWS(SP_ROWS), .ACC_ROWS(ACC_ROWS), .DRAM_BYTES(DRAM_BYTES), .NB(NB)) u_tb (
        .reset_req(reset_req), .irq(irq),
        .s_axil_awaddr(awaddr), .s_axil_awvalid(awvalid), .s_axil_awready(awready), .s_axil_wdata(wdata),
        .s_axil_wstrb(4'hF), .s_axil_wvalid(wvalid), .s_axil_wready(wready), .s_axil_bresp(bresp),
        .s_axil_bvalid(bvalid), .s_axil_bready(bready), .s_axil_araddr(araddr), .s_axil_arvalid(arvalid),
        .s_axil_arready(arready), .s_axil_rdata(rdata), .s_axil_rresp(rresp), .s_axil_rvalid(rvalid),
        .s_axil_rready(rready),
        .dram_load(dram_load), .dram_dump(1'b0), .dram_latency(latency), .dram_seed(seed),
        .stall_ar(st_ar), .stall_r(st_r), .stall_aw(st_aw), .stall_w(st_w), .stall_b(st_b),
        .err_lo(err_lo), .err_hi(err_hi), .dram_r_bursts(r_bursts), .dram_w_bursts(w_bursts),
        .dram_stalled(stalled), .violation(violation), .violation_code(violation_code),
        .hs_violation(hs_violation), .hs_code(hs_code),
        .collect_en(1'b0), .collect_flush(1'b0), .collect_rewind(1'b0), .acc_strobe(acc_strobe),
        .dram_strobe(dram_strobe), .vec_strobe(vec_strobe));

    wire clk = u_tb.clk;

    // AXI4-Lite, driven between edges; a handshake is decided by what is up just before the edge
    task csr_write(input [11:0] a, input [31:0] d);
        reg aw_hs, w_hs;
        begin
            @(negedge clk);
            awaddr = a; awvalid = 1'b1; wdata = d; wvalid = 1'b1;
            while (awvalid || wvalid) begin
                #1;
                aw_hs = awvalid && awready;
                w_hs  = wvalid && wready;
                @(negedge clk);
                if (aw_hs) awvalid = 1'b0;
                if (w_hs)  wvalid = 1'b0;
            end
            bready = 1'b1;
            #1;
            while (!bvalid) begin @(negedge clk); #1; end
            @(negedge clk);
            bready = 1'b0;
        end
    endtask

    task csr_read(input [11:0] a, output [31:0] d);
        begin
            @(negedge clk);
            araddr = a; arvalid = 1'b1;
            #1;
            while (!arready) begin @(negedge clk); #1; end
            @(negedge clk);
            arvalid = 1'b0; rready = 1'b1;
            #1;
            while (!rvalid) begin @(negedge clk); #1; end
            d = rdata;
            @(negedge clk);
            rready = 1'b0;
        end
    endtask

    integer mf, got, k, c, base, count, lat, sar, sr, saw, sw, sb, sd, elo, ehi, reset_after, budget, waited;
    reg [8*256-1:0] image;
    reg [31:0] v, code, index;
    reg [63:0] start_cycle, total;
    reg [8*256-1:0] manifest;
    initial begin
        if (!$value$plusargs("manifest=%s", manifest)) begin
            $display("tb_npu_top_native: no +manifest=<file>");
            $finish;
        end
        mf = $fopen(manifest, "r");
        if (mf == 0) begin
            $display("tb_npu_top_native: cannot open manifest %0s", manifest);
            $finish;
        end
        total = 64'd0;
        k = 0;
        wait (u_tb.rst_n === 1'b1);
        got = $fscanf(mf, "%s %d %d %d %d %d %d %d %d %d %d %d %d %d\n", image, base, count, lat, sar, sr, saw, sw,
                      sb, sd, elo, ehi, reset_after, budget);
        while (got == 14) begin
            latency = lat[15:0]; seed = sd; st_ar = sar[7:0]; st_r = sr[7:0]; st_aw = saw[7:0]; st_w = sw[7:0];
            st_b = sb[7:0]; err_lo = elo; err_hi = ehi;
            if (image != "-") begin                                 // "-": run on the DRAM the last program left
                u_tb.u_dram.load_file = image;
                @(negedge clk) dram_load = 1'b1;
                @(negedge clk) dram_load = 1'b0;
            end
            csr_write(INST_BASE, base[31:0]);
            csr_write(INST_COUNT, count[31:0]);
            start_cycle = u_tb.tb_cycle;
            csr_write(CTRL, 32'h3);                                  // IRQ_EN | START
            if (reset_after >= 0) begin
                repeat (reset_after) @(posedge clk);
                reset_req = ~reset_req;
                @(posedge clk);
                wait (u_tb.rst_n === 1'b1);
                @(posedge clk);
                csr_read(STATUS, v);
                $display("program %0d: reset after %0d cycles, STATUS=%0h, cycles %0d", k, reset_after, v,
                         u_tb.tb_cycle - start_cycle);
            end else begin
                waited = 0;
                while (irq !== 1'b1 && waited < budget) begin @(posedge clk); waited = waited + 1; end
                if (irq !== 1'b1) begin
                    $display("program %0d: hung (no interrupt within %0d cycles)", k, budget);
                end else begin
                    csr_read(ERR_CODE, code);
                    csr_read(ERR_INDEX, index);
                    $write("program %0d: code %0d index %0d counters", k, code, index);
                    for (c = 0; c < COUNTERS; c = c + 1) begin
                        csr_read(COUNTER_BASE + c[9:0] * 12'd4, v);
                        $write(" %0d", v);
                    end
                    $write(" axi_violation %0d handshake %0d\n", violation, hs_violation);
                    csr_write(IRQ_STATUS, 32'd1);
                end
            end
            total = total + (u_tb.tb_cycle - start_cycle);
            k = k + 1;
            got = $fscanf(mf, "%s %d %d %d %d %d %d %d %d %d %d %d %d %d\n", image, base, count, lat, sar, sr, saw,
                          sw, sb, sd, elo, ehi, reset_after, budget);
        end
        $display("native: %0d programs, %0d cycles from START to the end of each, %0d cycles simulated", k, total,
                 u_tb.tb_cycle + 64'd1);
        $finish;
    end
endmodule
