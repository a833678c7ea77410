// A testbench's clock and synchronous active-low reset, made in the HDL so that no simulator calls Python on a
// clock edge (verif/common/clock_reset.py is the Python side). Included inside a testbench module that has an
// input `reset_req`: every change of reset_req (Python toggles it) holds rst_n low for RESET_CYCLES rising
// edges from the next one, as the power-on reset does. `tb_cycle` is the index of the last rising edge (cycle
// k is the time after the k-th edge, -1 before the first), the stamp the collectors write.
//
// The clock starts low at time 0 and rises at CLOCK_NS/2 + k * CLOCK_NS, as cycle_time_ps() says.
    localparam integer RESET_CYCLES = 4;
    reg        clk = 1'b0;
    always #(CLOCK_NS / 2.0) clk = ~clk;
    reg        rst_n = 1'b0;
    reg  [7:0] reset_left = RESET_CYCLES[7:0];
    reg        reset_seen = 1'b0;
    reg [63:0] tb_cycle = {64{1'b1}};
    always @(posedge clk) begin
        tb_cycle <= tb_cycle + 64'd1;
        if (reset_req !== reset_seen) begin
            reset_seen <= reset_req;
            reset_left <= RESET_CYCLES[7:0];
            rst_n      <= 1'b0;
        end else if (reset_left != 8'd0) begin
            reset_left <= reset_left - 8'd1;
            rst_n      <= reset_left == 8'd1;
        end
    end
