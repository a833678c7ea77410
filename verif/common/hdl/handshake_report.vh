// The report of a testbench's internal-interface checkers (queue_checker, mem_port_checker, stream_checker):
// `hs_violation` when any fired, `hs_code` = {checker index, rule} of the lowest-numbered one that did.
// Included inside a testbench module after it declares `localparam integer HS_N` (checkers, at most 16) and
// `wire [HS_N-1:0] hs_v` (each checker's violation) and `wire [4*HS_N-1:0] hs_c` (their codes, checker 0 at
// the bottom); the index order is the one the testbench's BFM names its checkers in.
    reg [7:0] hs_code_r;
    integer   hs_i;
    always @* begin
        hs_code_r = 8'd0;
        for (hs_i = HS_N - 1; hs_i >= 0; hs_i = hs_i - 1)
            if (hs_v[hs_i]) hs_code_r = {hs_i[3:0], hs_c[hs_i*4 +: 4]};
    end
    assign hs_violation = |hs_v;
    assign hs_code      = hs_code_r;
