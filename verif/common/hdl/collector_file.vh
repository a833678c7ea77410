// The record file of an HDL-side collector (acc_row_collector, axi_write_collector): records are written with
// $fwrite into FILE in the simulation's directory and reach the Python side in batches, never per cycle.
// Included inside the collector module, which declares `parameter FILE` and `parameter integer DRAIN_EVERY`
// and has the inputs `en` (record at all), `flush_req`, `rewind_req` and the output `strobe`:
// - after DRAIN_EVERY records the file is flushed and `strobe` toggles: Python drains what is new;
// - every change of `flush_req` flushes at the next rising edge (Python's drain at a program's end);
// - every change of `rewind_req` empties the file at the next rising edge (Python, before each program, once
//   it has read everything: a nightly simulation runs ten thousand programs, and the file then holds the
//   records of the last one, the failing one when a test fails).
// A record counts through `collector_wrote` (a task, called by the collector after each $fwrite).
    integer    fd = 0;
    integer    unflushed = 0;
    reg        strobe_r = 1'b0;
    reg        flush_seen = 1'b0;
    reg        rewind_seen = 1'b0;
    initial begin
        fd = $fopen(FILE, "w");
        if (fd == 0) begin
            $display("%m: cannot open %0s for writing", FILE);
            $finish;
        end
    end
    task collector_wrote;
        begin
            unflushed = unflushed + 1;
            if (unflushed >= DRAIN_EVERY) begin
                $fflush(fd);
                unflushed = 0;
                strobe_r = ~strobe_r;
            end
        end
    endtask
    always @(posedge clk)
        if (rewind_req !== rewind_seen) begin
            rewind_seen <= rewind_req;
            $fclose(fd);
            fd = $fopen(FILE, "w");
            unflushed = 0;
        end else if (flush_req !== flush_seen) begin
            flush_seen <= flush_req;
            $fflush(fd);
            unflushed = 0;
        end
    assign strobe = strobe_r;
