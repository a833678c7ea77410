// What every internal-interface checker shares (included inside the module, which has a NAME parameter and
// the outputs `violation`/`violation_code`): `fail(code)` raises the sticky violation with the first rule
// broken and prints it; `in_reset` is true from reset's second edge on (reset is synchronous: at its first
// edge the DUT's registers still show the cycle before it).
    reg in_reset;
    always @(posedge clk) in_reset <= !rst_n;

    task fail(input [3:0] code);
        begin
            if (!violation) begin
                violation      <= 1'b1;
                violation_code <= code;
                $display("%t %0s CHECKER %0s: rule %0d violated", $time, KIND, NAME, code);
            end
        end
    endtask

    initial begin
        violation = 1'b0; violation_code = 4'd0;
    end
