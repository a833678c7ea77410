// Compute unit (docs/architecture.md, "Execution units"): executes MATMUL, the head of the compute queue.
// It reads the N weight rows w_row.. from scratchpad port 1 into the array's shadow bank, then streams the m
// activation rows a_row.. (the first one swaps the new weights in), each tagged {accumulate, ACC row}; every
// result row the array returns is written to the accumulator (overwrite or accumulate) the cycle it appears:
// the array cannot wait, so the accumulator gives this port priority. Done when all m results are written.
// This first version fetches each row with a read-then-push handshake and reloads weights for every MATMUL;
// weight reuse, next-tile prefetch and back-to-back rows come with the utilisation work (issue 4).
`timescale 1ns / 1ps
module compute_unit #(
    parameter integer N = 8
) (
    input  wire             clk,
    input  wire             rst_n,
    // compute queue head: {index[15:0], cfg[46:0], word[127:0]}
    input  wire             cq_valid,
    input  wire [190:0]     cq_head,
    output reg              cq_done,
    output wire             cq_err,
    // scratchpad reads (port 1)
    output reg              sp_valid,
    input  wire             sp_ready,
    output reg  [15:0]      sp_row,
    input  wire             sp_rsp_valid,
    input  wire [N*8-1:0]   sp_rdata,
    // MAC array
    output reg              w_valid,
    input  wire             w_ready,
    output reg  [N*8-1:0]   w_data,
    output reg              a_valid,
    input  wire             a_ready,
    output reg  [N*8-1:0]   a_data,
    output reg              a_swap,
    output reg  [16:0]      a_tag,
    input  wire             o_valid,
    input  wire [N*32-1:0]  o_data,
    input  wire [16:0]      o_tag,
    // accumulator write port (this unit has priority)
    output wire             acc_valid,
    output wire             acc_acc,
    output wire [15:0]      acc_row,
    output wire [N*32-1:0]  acc_data,
    // counter events
    output wire             ev_mac_active,
    output wire             ev_stall_weight
);
    localparam [2:0] S_IDLE = 3'd0, S_WREAD = 3'd1, S_WPUSH = 3'd2, S_AREAD = 3'd3, S_APUSH = 3'd4,
                     S_DRAIN = 3'd5, S_DONE = 3'd6;
    reg [2:0]  state;
    reg        waiting;                   // a scratchpad read is outstanding
    reg        accf;
    reg [15:0] a_row, w_row, c_row, m;
    reg [15:0] k;                         // weight rows or activation rows sent
    reg [15:0] outs;                      // results written
    localparam [15:0] LAST_W = N[15:0] - 16'd1;

    assign cq_err    = 1'b0;              // no bus traffic: a MATMUL cannot fail once issued
    assign acc_valid = o_valid;
    assign acc_acc   = o_tag[16];
    assign acc_row   = o_tag[15:0];
    assign acc_data  = o_data;
    assign ev_mac_active   = a_valid && a_ready;
    assign ev_stall_weight = state == S_WREAD || state == S_WPUSH;

    always @(posedge clk) begin
        if (!rst_n) begin
            state <= S_IDLE; cq_done <= 1'b0; sp_valid <= 1'b0; w_valid <= 1'b0; a_valid <= 1'b0;
            a_swap <= 1'b0; waiting <= 1'b0; outs <= 16'd0;
        end else begin
            cq_done <= 1'b0;
            if (o_valid) outs <= outs + 16'd1;
            case (state)
                S_IDLE: if (cq_valid && !cq_done) begin
                    accf  <= cq_head[4];
                    a_row <= cq_head[23:8];
                    w_row <= cq_head[39:24];
                    c_row <= cq_head[55:40];
                    m     <= cq_head[71:56];
                    k     <= 16'd0;
                    outs  <= 16'd0;
                    state <= S_WREAD;
                end
                S_WREAD, S_AREAD: begin
                    if (!waiting && !sp_valid) begin
                        sp_valid <= 1'b1;
                        sp_row   <= (state == S_WREAD ? w_row : a_row) + k;
                    end else if (sp_valid && sp_ready) begin
                        sp_valid <= 1'b0;
                        waiting  <= 1'b1;
                    end else if (waiting && sp_rsp_valid) begin
                        waiting <= 1'b0;
                        if (state == S_WREAD) begin
                            w_valid <= 1'b1;
                            w_data  <= sp_rdata;
                            state   <= S_WPUSH;
                        end else begin
                            a_valid <= 1'b1;
                            a_data  <= sp_rdata;
                            a_swap  <= k == 16'd0;
`ifdef NPU8_FAULT_COMPUTE_NO_ACCUMULATE
                            // Injected fault for the scoreboard's self-test: results always overwrite.
                            a_tag   <= {1'b0, c_row + k};
`else
                            a_tag   <= {accf, c_row + k};
`endif
                            state   <= S_APUSH;
                        end
                    end
                end
                S_WPUSH: if (w_ready) begin
                    w_valid <= 1'b0;
                    k <= (k == LAST_W) ? 16'd0 : k + 16'd1;
                    state <= (k == LAST_W) ? S_AREAD : S_WREAD;
                end
                S_APUSH: if (a_ready) begin
                    a_valid <= 1'b0;
                    k <= k + 16'd1;
                    state <= (k + 16'd1 == m) ? S_DRAIN : S_AREAD;
                end
                S_DRAIN: if (outs + (o_valid ? 16'd1 : 16'd0) == m) state <= S_DONE;
                default: begin            // S_DONE
`ifndef NPU8_FAULT_COMPUTE_HANG
                    // (the fault, for the watchdog's self-test: a MATMUL never completes)
                    cq_done <= 1'b1;
                    state   <= S_IDLE;
`endif
                end
            endcase
        end
    end

    /* verilator lint_off UNUSEDSIGNAL */
    wire unused = &{cq_head[190:72], cq_head[7:5], cq_head[3:0]};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
