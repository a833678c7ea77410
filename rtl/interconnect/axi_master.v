// AXI4 master shared by npu8's DMA clients (docs/architecture.md, "interconnect").
// Read clients (0: instruction fetch, 1: load unit) ask for `beats` consecutive DW-bit words from an aligned
// address (several transfers per client may be in flight; rd_last marks each one's final beat); the master splits each transfer into INCR bursts of at most 16 beats that never cross a 4 KiB
// boundary, arbitrates per burst round-robin (a waiting client is served within one burst of the other),
// keeps up to MAX_OUT read bursts outstanding (ARID = client) and routes data back by RID.
// The write client (the store unit) is served on AXI's independent write channels, so reads cannot starve it.
// SLVERR/DECERR come back to the client with the beat (reads) or at the end of the transfer (writes).
`timescale 1ns / 1ps
module axi_master #(
    parameter integer DW      = 128,
    parameter integer MAX_OUT = 4
) (
    input  wire                 clk,
    input  wire                 rst_n,
    // read clients, indexed 0 (fetch) and 1 (load)
    input  wire [1:0]           rq_valid,
    output wire [1:0]           rq_ready,
    input  wire [63:0]          rq_addr,        // {client1, client0}, byte addresses aligned to DW/8
    input  wire [31:0]          rq_beats,       // {client1, client0}, 1..65535
    output wire [1:0]           rd_valid,
    input  wire [1:0]           rd_ready,
    output wire [DW-1:0]        rd_data,
    output wire [1:0]           rd_last,        // last beat of the client's transfer
    output wire                 rd_err,
    // write client
    input  wire                 wq_valid,
    output wire                 wq_ready,
    input  wire [31:0]          wq_addr,
    input  wire [15:0]          wq_beats,
    input  wire                 wd_valid,
    output wire                 wd_ready,
    input  wire [DW-1:0]        wd_data,
    input  wire [DW/8-1:0]      wd_strb,
    output reg                  wr_done,        // one-cycle pulse: every burst of the transfer answered
    output reg                  wr_err,         // with wr_done: some burst answered SLVERR/DECERR
    // AXI4 master
    output reg  [1:0]           m_axi_arid,
    output reg  [31:0]          m_axi_araddr,
    output reg  [7:0]           m_axi_arlen,
    output wire [2:0]           m_axi_arsize,
    output wire [1:0]           m_axi_arburst,
    output reg                  m_axi_arvalid,
    input  wire                 m_axi_arready,
    input  wire [1:0]           m_axi_rid,
    input  wire [DW-1:0]        m_axi_rdata,
    input  wire [1:0]           m_axi_rresp,
    input  wire                 m_axi_rlast,
    input  wire                 m_axi_rvalid,
    output wire                 m_axi_rready,
    output wire [1:0]           m_axi_awid,
    output reg  [31:0]          m_axi_awaddr,
    output reg  [7:0]           m_axi_awlen,
    output wire [2:0]           m_axi_awsize,
    output wire [1:0]           m_axi_awburst,
    output reg                  m_axi_awvalid,
    input  wire                 m_axi_awready,
    output wire [DW-1:0]        m_axi_wdata,
    output wire [DW/8-1:0]      m_axi_wstrb,
    output wire                 m_axi_wlast,
    output wire                 m_axi_wvalid,
    input  wire                 m_axi_wready,
    input  wire [1:0]           m_axi_bid,
    input  wire [1:0]           m_axi_bresp,
    input  wire                 m_axi_bvalid,
    output wire                 m_axi_bready
);
    localparam integer BYTES = DW / 8;
    localparam integer SHIFT = $clog2(BYTES);
    localparam [2:0]   SIZE  = SHIFT[2:0];
    localparam integer OW    = $clog2(MAX_OUT + 1);

    assign m_axi_arsize  = SIZE;
    assign m_axi_arburst = 2'b01;      // INCR
    assign m_axi_awsize  = SIZE;
    assign m_axi_awburst = 2'b01;
    assign m_axi_awid    = 2'd2;       // the store unit's ID

    // Beats of a burst from `addr` with `left` beats to go: at most 16, never across 4 KiB.
    function [16:0] burst_beats(input [11:0] offset_in_4k, input [15:0] left);
        reg [16:0] to_4k;
        begin
            to_4k = {4'd0, 13'd4096 - {1'b0, offset_in_4k}} >> SHIFT;
            burst_beats = {1'b0, left};
            if (burst_beats > 17'd16) burst_beats = 17'd16;
            if (burst_beats > to_4k) burst_beats = to_4k;
        end
    endfunction

    // ---- read address: per-client pending transfer, round-robin per burst -----------------------------
    reg  [31:0] r_addr [0:1];
    reg  [15:0] r_left [0:1];          // beats still to request
    // Transfers whose data is still returning, per client, in order (AXI keeps one ID's data in order): their
    // lengths mark each transfer's last beat. A client may start a new transfer as soon as the previous one's
    // bursts are all requested, so one client can keep many reads in flight.
    localparam integer XQ = 128;
    reg  [15:0] xq_len [0:2*XQ-1];     // client c's queue at [c*XQ +: XQ]
    reg  [6:0]  xq_wr  [0:1];
    reg  [6:0]  xq_rd  [0:1];
    reg  [7:0]  xq_n   [0:1];
    reg  [15:0] x_beat [0:1];          // beats received of the client's oldest transfer
    reg  [OW-1:0] outstanding;
    reg         last_grant;
    wire        want0 = r_left[0] != 16'd0;
    wire        want1 = r_left[1] != 16'd0;
    wire        ar_free = !m_axi_arvalid || m_axi_arready;
    wire        can_issue = ar_free && (outstanding < MAX_OUT[OW-1:0] || (m_axi_rvalid && m_axi_rready && m_axi_rlast));
`ifdef NPU8_FAULT_AXI_FIXED_PRIORITY
    // Injected fault (verif/faults.yaml): fetch always wins, so the load client can starve.
    wire        grant1 = want1 && !want0;
`else
    wire        grant1 = want1 && (!want0 || last_grant == 1'b0);
`endif
    wire        issue = can_issue && (want0 || want1);
    wire [1:0]  gc = grant1 ? 2'd1 : 2'd0;
    wire [16:0] g_beats = burst_beats(r_addr[gc[0]][11:0], r_left[gc[0]]);
    wire        r_fire  = m_axi_rvalid && m_axi_rready;

    // A client may hand over its next transfer in the cycle its current one's last burst is issued, so
    // single-burst transfers (one per element, the load unit's) go out one a cycle.
    wire [1:0]  r_free  = {r_left[1] == 16'd0 || (issue && gc[0] && g_beats[15:0] == r_left[1]),
                           r_left[0] == 16'd0 || (issue && !gc[0] && g_beats[15:0] == r_left[0])};
    assign rq_ready = {r_free[1] && xq_n[1] != XQ[7:0], r_free[0] && xq_n[0] != XQ[7:0]};
    wire        r_fire0 = r_fire && m_axi_rid == 2'd0;
    wire        r_fire1 = r_fire && m_axi_rid == 2'd1;
    wire [1:0]  x_last  = {x_beat[1] + 16'd1 == xq_len[XQ + {25'd0, xq_rd[1]}],
                           x_beat[0] + 16'd1 == xq_len[{25'd0, xq_rd[0]}]};

    always @(posedge clk) begin
        if (!rst_n) begin
            m_axi_arvalid <= 1'b0;
            outstanding   <= {OW{1'b0}};
            last_grant    <= 1'b1;
            r_left[0] <= 16'd0;
            r_left[1] <= 16'd0;
            xq_wr[0] <= 7'd0; xq_rd[0] <= 7'd0; xq_n[0] <= 8'd0; x_beat[0] <= 16'd0;
            xq_wr[1] <= 7'd0; xq_rd[1] <= 7'd0; xq_n[1] <= 8'd0; x_beat[1] <= 16'd0;
        end else begin
            // Counted when issued (not at the handshake), so the burst waiting on ARREADY counts too.
            if (issue && !(r_fire && m_axi_rlast)) outstanding <= outstanding + 1'b1;
            if (!issue && r_fire && m_axi_rlast)   outstanding <= outstanding - 1'b1;
            if (ar_free) m_axi_arvalid <= 1'b0;
            if (issue) begin
                m_axi_arvalid <= 1'b1;
                m_axi_arid    <= gc;
                m_axi_araddr  <= r_addr[gc[0]];
                m_axi_arlen   <= g_beats[7:0] - 8'd1;
                last_grant    <= gc[0];
                r_left[gc[0]] <= r_left[gc[0]] - g_beats[15:0];
                r_addr[gc[0]] <= r_addr[gc[0]] + ({15'd0, g_beats} << SHIFT);
            end
            // A new transfer for a free client (written after the issue above, so it wins when both happen).
            if (rq_valid[0] && rq_ready[0]) begin
                r_addr[0] <= rq_addr[31:0];
                r_left[0] <= rq_beats[15:0];
            end
            if (rq_valid[1] && rq_ready[1]) begin
                r_addr[1] <= rq_addr[63:32];
                r_left[1] <= rq_beats[31:16];
            end
            if (rq_valid[0] && rq_ready[0]) begin
                xq_len[{25'd0, xq_wr[0]}] <= rq_beats[15:0];
                xq_wr[0] <= xq_wr[0] + 7'd1;
            end
            if (rq_valid[1] && rq_ready[1]) begin
                xq_len[XQ + {25'd0, xq_wr[1]}] <= rq_beats[31:16];
                xq_wr[1] <= xq_wr[1] + 7'd1;
            end
            if (r_fire0) begin
                x_beat[0] <= x_last[0] ? 16'd0 : x_beat[0] + 16'd1;
                if (x_last[0]) xq_rd[0] <= xq_rd[0] + 7'd1;
            end
            if (r_fire1) begin
                x_beat[1] <= x_last[1] ? 16'd0 : x_beat[1] + 16'd1;
                if (x_last[1]) xq_rd[1] <= xq_rd[1] + 7'd1;
            end
            xq_n[0] <= xq_n[0] + {7'd0, rq_valid[0] && rq_ready[0]} - {7'd0, r_fire0 && x_last[0]};
            xq_n[1] <= xq_n[1] + {7'd0, rq_valid[1] && rq_ready[1]} - {7'd0, r_fire1 && x_last[1]};
        end
    end

    // ---- read data: routed by RID ---------------------------------------------------------------------
    // Gated by RVALID (AXI lets READY wait for VALID) so an undriven RID between bursts cannot make it X.
    assign m_axi_rready = m_axi_rvalid && (m_axi_rid[0] ? rd_ready[1] : rd_ready[0]);
    assign rd_valid = {m_axi_rvalid && m_axi_rid == 2'd1, m_axi_rvalid && m_axi_rid == 2'd0};
    assign rd_data  = m_axi_rdata;
    assign rd_err   = m_axi_rresp[1];
    assign rd_last  = x_last & rd_valid;   // (no transfer queued: the lengths are undefined)

    // ---- write: AW of a burst, then its W beats; transfers posted, B answers matched in order -------------
    // The client may start its next transfer as soon as this one's beats are out: the B answers come back in
    // AW order (one ID), and a queue of "last burst of its transfer" flags turns them into one wr_done per
    // transfer, in order, with wr_err when any of its bursts failed.
    localparam [1:0] W_IDLE = 2'd0, W_ADDR = 2'd1, W_DATA = 2'd2;
    localparam integer BQ = 64;        // bursts awaiting B (tb_npu_top's DRAM model queues up to 128)
    reg  [1:0]  w_state;
    reg  [31:0] w_addr;
    reg  [15:0] w_left;                // beats not yet given an AW
    reg  [4:0]  w_burst;               // beats of the current burst not yet sent on W
    reg  [4:0]  w_take;                // beats of the current burst not yet taken from the client
    // W holding register: AXI needs WVALID and the payload held until WREADY, the client need not hold them.
    reg             wbuf_valid;
    reg  [DW-1:0]   wbuf_data;
    reg  [DW/8-1:0] wbuf_strb;
    reg  [BQ-1:0]   bq_last;           // per burst awaiting B: the last of its transfer
    reg  [5:0]      bq_wr, bq_rd;
    reg  [6:0]      bq_n;
    reg             x_err;             // an error among the current transfer's answered bursts
    wire [16:0] w_beats = burst_beats(w_addr[11:0], w_left);
    wire        w_fire  = m_axi_wvalid && m_axi_wready;
    wire        b_fire  = m_axi_bvalid && m_axi_bready;
    wire        aw_new  = w_state == W_ADDR && !m_axi_awvalid && bq_n != BQ[6:0];
    wire        b_last  = bq_last[bq_rd];

    assign wq_ready     = w_state == W_IDLE;
    assign wd_ready     = w_state == W_DATA && w_take != 5'd0 && (!wbuf_valid || w_fire);
    wire   take         = wd_valid && wd_ready;
`ifdef NPU8_FAULT_AXI_W_PASSTHROUGH
    // Injected fault (verif/faults.yaml): the client's valid straight onto WVALID, which can then drop
    // before WREADY.
    assign m_axi_wvalid = w_state == W_DATA && wd_valid && w_take != 5'd0;
    assign m_axi_wdata  = wd_data;
    assign m_axi_wstrb  = wd_strb;
`else
    assign m_axi_wvalid = wbuf_valid;
    assign m_axi_wdata  = wbuf_data;
    assign m_axi_wstrb  = wbuf_strb;
`endif
    assign m_axi_wlast  = w_burst == 5'd1;
    assign m_axi_bready = 1'b1;

    always @(posedge clk) begin
        if (!rst_n) begin
            w_state       <= W_IDLE;
            m_axi_awvalid <= 1'b0;
            wr_done       <= 1'b0;
            wr_err        <= 1'b0;
            wbuf_valid    <= 1'b0;
            bq_wr <= 6'd0; bq_rd <= 6'd0; bq_n <= 7'd0;
            x_err <= 1'b0;
        end else begin
            wr_done <= 1'b0;
            if (take) begin
                wbuf_valid <= 1'b1;
                wbuf_data  <= wd_data;
                wbuf_strb  <= wd_strb;
                w_take     <= w_take - 5'd1;
            end else if (w_fire) begin
                wbuf_valid <= 1'b0;
            end
            if (aw_new) begin
                bq_last[bq_wr] <= w_left == w_beats[15:0];
                bq_wr <= bq_wr + 6'd1;
            end
            if (b_fire) begin
                bq_rd <= bq_rd + 6'd1;
                if (b_last) begin
                    wr_done <= 1'b1;
                    wr_err  <= x_err || m_axi_bresp[1];
                    x_err   <= 1'b0;
                end else if (m_axi_bresp[1]) x_err <= 1'b1;
            end
            bq_n <= bq_n + {6'd0, aw_new} - {6'd0, b_fire};
            case (w_state)
                W_IDLE: if (wq_valid) begin
                    w_addr  <= wq_addr;
                    w_left  <= wq_beats;
                    w_state <= W_ADDR;
                end
                W_ADDR: if (aw_new) begin
                    m_axi_awvalid <= 1'b1;
                    m_axi_awaddr  <= w_addr;
                    m_axi_awlen   <= w_beats[7:0] - 8'd1;
                    w_burst       <= w_beats[4:0];
                    w_take        <= w_beats[4:0];
                    w_left        <= w_left - w_beats[15:0];
                    w_addr        <= w_addr + ({15'd0, w_beats} << SHIFT);
                end else if (m_axi_awvalid && m_axi_awready) begin
                    m_axi_awvalid <= 1'b0;
                    w_state       <= W_DATA;
                end
                default: if (w_fire) begin   // W_DATA
                    w_burst <= w_burst - 5'd1;
                    if (w_burst == 5'd1) w_state <= (w_left == 16'd0) ? W_IDLE : W_ADDR;
                end
            endcase
        end
    end

    /* verilator lint_off UNUSEDSIGNAL */
    wire [3:0] unused = {m_axi_bid, m_axi_rresp[0], m_axi_bresp[0]};   // IDs are implied; OKAY vs EXOKAY alike
    wire [16:0] unused_beats = g_beats ^ w_beats;
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
