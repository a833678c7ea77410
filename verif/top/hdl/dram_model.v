// DRAM model for the top-level testbench: an AXI4 slave over BYTES bytes of DW-bit words.
// - Every read burst returns its first beat `latency` cycles after its address was accepted (bursts in order,
//   several in flight); every write burst is answered `latency` cycles after its last data beat.
//   `latency` is the LATENCY parameter unless the host drives a non-zero `latency_in` (no rebuild per value).
// - Random backpressure per channel (ARREADY, RVALID, AWREADY, WREADY, BVALID) from an LFSR the host seeds,
//   so a run is reproducible from the test's seed; a probability of stall_x/256 per cycle. VALIDs, once up,
//   stay up until the handshake (AXI rule), only their rising is held back.
// - Beats whose address falls in [err_lo, err_hi) answer SLVERR (reads return zero, writes are dropped);
//   beats past the memory answer DECERR.
// - The host fills and reads the whole memory through files on a one-cycle pulse ($readmemh / $writememh),
//   so no Python runs per word or per cycle.
`timescale 1ns / 1ps
module dram_model #(
    parameter integer DW      = 128,
    parameter [33:0]  BYTES   = 34'h4000,
    parameter integer LATENCY = 100,
    parameter integer QD      = 8          // bursts in flight per direction
) (
    input  wire            clk,
    input  wire            rst_n,
    // host side
    input  wire            load,           // $readmemh(load_file), dram_in.hex
    input  wire            dump,           // $writememh("dram_out.hex")
    input  wire [15:0]     latency_in,
    input  wire [31:0]     lfsr_seed,
    input  wire [7:0]      stall_ar, input wire [7:0] stall_r, input wire [7:0] stall_aw,
    input  wire [7:0]      stall_w,  input wire [7:0] stall_b,
    input  wire [31:0]     err_lo,   input wire [31:0] err_hi,
    output reg  [31:0]     r_bursts, // bursts served, for coverage of the traffic the test made
    output reg  [31:0]     w_bursts,
    output reg  [31:0]     stalled,  // cycles a VALID or READY was held back
    // AXI4 slave
    input  wire [1:0]      arid,   input wire [31:0] araddr, input wire [7:0] arlen,
    input  wire            arvalid, output wire arready,
    output wire [1:0]      rid,    output wire [DW-1:0] rdata, output wire [1:0] rresp,
    output wire            rlast,  output wire rvalid, input wire rready,
    input  wire [1:0]      awid,   input wire [31:0] awaddr, input wire [7:0] awlen,
    input  wire            awvalid, output wire awready,
    input  wire [DW-1:0]   wdata,  input wire [DW/8-1:0] wstrb, input wire wlast,
    input  wire            wvalid, output wire wready,
    output wire [1:0]      bid,    output wire [1:0] bresp, output wire bvalid, input wire bready
);
    localparam integer BW    = DW / 8;
    localparam integer SHIFT = $clog2(BW);
    localparam [33:0]  WORDS_W = BYTES / {2'b00, BW};   // 34-bit division, then the (small) count
    localparam integer WORDS = WORDS_W[31:0];
    localparam integer QW    = $clog2(QD);
    localparam integer AW    = $clog2(WORDS);

    reg [DW-1:0] mem [0:WORDS-1];
    // the file `load` reads: dram_in.hex unless a testbench without Python names another (tb_npu_top_native)
    reg [8*256-1:0] load_file = "dram_in.hex";
    always @(posedge clk) begin
        if (load) $readmemh(load_file, mem);
        if (dump) $writememh("dram_out.hex", mem);
    end

    reg  [31:0] now, lfsr;
    wire [15:0] lat = (latency_in != 16'd0) ? latency_in : LATENCY[15:0];
    // one LFSR byte per channel; a stall holds the channel back this cycle
    wire st_ar = lfsr[7:0]   < stall_ar;
    wire st_r  = lfsr[15:8]  < stall_r;
    wire st_aw = lfsr[23:16] < stall_aw;
    wire st_w  = lfsr[31:24] < stall_w;
    wire st_b  = {lfsr[3:0], lfsr[31:28]} < stall_b;

    function [1:0] resp_of(input [31:0] a);
        resp_of = ({2'b0, a} >= BYTES) ? 2'b11 : (a >= err_lo && a < err_hi) ? 2'b10 : 2'b00;
    endfunction

    // ---- reads: a queue of accepted bursts, each with the cycle its data may start ------------------------
    reg [1:0]  rq_id   [0:QD-1];
    reg [31:0] rq_addr [0:QD-1];
    reg [7:0]  rq_len  [0:QD-1];
    reg [31:0] rq_t    [0:QD-1];
    reg [QW-1:0] rq_wr, rq_rd;
    reg [QW:0]   rq_n;
    reg [7:0]    r_beat;
    reg          r_hold;                   // RVALID is up and must stay up
    wire         ar_fire = arvalid && arready;
    wire [31:0]  r_addr  = rq_addr[rq_rd] + ({24'd0, r_beat} << SHIFT);
    wire         r_have  = rq_n != 0 && now >= rq_t[rq_rd];
    assign arready = rq_n != QD[QW:0] && !st_ar;
    assign rvalid  = r_have && (r_hold || !st_r);
    assign rid     = rq_id[rq_rd];
    assign rlast   = r_beat == rq_len[rq_rd];
    assign rresp   = resp_of(r_addr);
    // a beat, once presented, holds its data even if a write to the same word lands meanwhile (AXI rule)
    reg  [DW-1:0] r_data_q;
    wire [DW-1:0] r_live = rresp == 2'b00 ? mem[r_addr[SHIFT +: AW]] : {DW{1'b0}};
    assign rdata   = r_hold ? r_data_q : r_live;
    wire   r_fire  = rvalid && rready;

    // ---- writes: accepted addresses, then data beats, then a response queue -------------------------------
    reg [1:0]  wq_id   [0:QD-1];
    reg [31:0] wq_addr [0:QD-1];
    reg [QW-1:0] wq_wr, wq_rd;
    reg [QW:0]   wq_n;
    reg [7:0]    w_beat;
    reg [1:0]    w_resp;                   // worst response of the burst so far
    reg [1:0]  bq_id   [0:QD-1];
    reg [1:0]  bq_resp [0:QD-1];
    reg [31:0] bq_t    [0:QD-1];
    reg [QW-1:0] bq_wr, bq_rd;
    reg [QW:0]   bq_n;
    reg          b_hold;
    wire         aw_fire = awvalid && awready;
    wire [31:0]  w_addr  = wq_addr[wq_rd] + ({24'd0, w_beat} << SHIFT);
    wire [1:0]   w_rsp   = resp_of(w_addr);
    // a burst's data is taken only once its address is known, and only while its response has room
    assign awready = wq_n != QD[QW:0] && !st_aw;
    assign wready  = wq_n != 0 && bq_n != QD[QW:0] && !st_w;
    wire   w_fire  = wvalid && wready;
    wire   b_have  = bq_n != 0 && now >= bq_t[bq_rd];
    assign bvalid  = b_have && (b_hold || !st_b);
    assign bid     = bq_id[bq_rd];
    assign bresp   = bq_resp[bq_rd];
    wire   b_fire  = bvalid && bready;
    wire   w_done  = w_fire && wlast;

    integer i;
    always @(posedge clk) begin
        if (!rst_n) begin
            now <= 32'd0; lfsr <= (lfsr_seed == 32'd0) ? 32'h1 : lfsr_seed;
            rq_wr <= 0; rq_rd <= 0; rq_n <= 0; r_beat <= 8'd0; r_hold <= 1'b0;
            wq_wr <= 0; wq_rd <= 0; wq_n <= 0; w_beat <= 8'd0; w_resp <= 2'b00;
            bq_wr <= 0; bq_rd <= 0; bq_n <= 0; b_hold <= 1'b0;
            r_bursts <= 32'd0; w_bursts <= 32'd0; stalled <= 32'd0;
        end else begin
            now  <= now + 32'd1;
            lfsr <= {lfsr[30:0], lfsr[31] ^ lfsr[21] ^ lfsr[1] ^ lfsr[0]};
            stalled <= stalled + {31'd0, (arvalid && !arready) || (r_have && !rvalid) || (awvalid && !awready)
                                         || (wvalid && wq_n != 0 && !wready) || (b_have && !bvalid)};
            r_hold <= rvalid && !rready;
            if (rvalid && !rready) r_data_q <= rdata;
            b_hold <= bvalid && !bready;
            if (ar_fire) begin
                rq_id[rq_wr] <= arid; rq_addr[rq_wr] <= araddr; rq_len[rq_wr] <= arlen;
                rq_t[rq_wr] <= now + {16'd0, lat};
                rq_wr <= rq_wr + 1'b1;
            end
            if (r_fire) begin
                r_beat <= rlast ? 8'd0 : r_beat + 8'd1;
                if (rlast) begin
                    rq_rd <= rq_rd + 1'b1;
                    r_bursts <= r_bursts + 32'd1;
                end
            end
            rq_n <= rq_n + {{QW{1'b0}}, ar_fire} - {{QW{1'b0}}, r_fire && rlast};
            if (aw_fire) begin
                wq_id[wq_wr] <= awid; wq_addr[wq_wr] <= awaddr; wq_wr <= wq_wr + 1'b1;
            end
            if (w_fire) begin
                if (w_rsp == 2'b00)
                    for (i = 0; i < BW; i = i + 1)
                        if (wstrb[i]) mem[w_addr[SHIFT +: AW]][i*8 +: 8] <= wdata[i*8 +: 8];
                w_beat <= w_done ? 8'd0 : w_beat + 8'd1;
                w_resp <= w_done ? 2'b00 : (w_rsp > w_resp ? w_rsp : w_resp);
            end
            if (w_done) begin
                wq_rd <= wq_rd + 1'b1;
                bq_id[bq_wr] <= wq_id[wq_rd];
                bq_resp[bq_wr] <= w_rsp > w_resp ? w_rsp : w_resp;
                bq_t[bq_wr] <= now + {16'd0, lat};
                bq_wr <= bq_wr + 1'b1;
                w_bursts <= w_bursts + 32'd1;
            end
            wq_n <= wq_n + {{QW{1'b0}}, aw_fire} - {{QW{1'b0}}, w_done};
            if (b_fire) bq_rd <= bq_rd + 1'b1;
            bq_n <= bq_n + {{QW{1'b0}}, w_done} - {{QW{1'b0}}, b_fire};
        end
    end

    /* verilator lint_off UNUSEDSIGNAL */
    wire unused = &{awlen, 1'b0};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
