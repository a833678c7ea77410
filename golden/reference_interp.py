"""Literal scalar transcription of docs/isa.md (sections 1-5).

Independent second implementation of the npu8 ISA, written from the specification only, for
cross-checking the vectorised golden simulator. Deliberately slow and plain: pure Python integers,
standard library only, one step of the spec per line where possible.
"""

# Spec section 5: error codes.
NONE, ILLEGAL_OPCODE, RESERVED_BITS, BAD_FIELD, SP_RANGE, ACC_RANGE = 0, 1, 2, 3, 4, 5
DRAM_RANGE, PROG_WRITE, NO_HALT, BUS = 6, 7, 8, 9

# Spec section 3: field tables, (name, high bit, low bit, signed). Bits 3:0 (the opcode) are
# common to all; every other bit not listed here is reserved and must be 0.
LOAD, MATMUL, STORE, PAD, CONFIG, SYNC, HALT = 1, 2, 3, 4, 5, 6, 7
VADD, VMAX, VSUM, VMAC, VCONFIG = 8, 9, 10, 11, 12
WINDOW = [("acc_row", 23, 8, False), ("a_row", 39, 24, False), ("y", 63, 56, False), ("x", 75, 64, False),
          ("pitch", 91, 76, False), ("sy", 95, 92, False), ("sx", 99, 96, False), ("kh", 107, 100, False),
          ("kw", 115, 108, False)]  # 3.8
FIELDS = {
    LOAD: [  # 3.1
        ("mem", 4, 4, False), ("row", 23, 8, False), ("y", 31, 24, False), ("x", 43, 32, False),
        ("len_minus_1", 47, 44, False), ("pad_top", 51, 48, False), ("pad_bottom", 55, 52, False),
        ("pad_left", 59, 56, False), ("pad_right", 63, 60, False), ("addr", 95, 64, False),
        ("xs", 107, 96, False), ("ys", 127, 108, False)],
    MATMUL: [  # 3.2
        ("acc", 4, 4, False), ("a_row", 23, 8, False), ("w_row", 39, 24, False),
        ("acc_row", 55, 40, False), ("m", 71, 56, False)],
    STORE: [  # 3.3
        ("quant", 4, 4, False), ("pc", 5, 5, False), ("row", 23, 8, False), ("y", 31, 24, False),
        ("x", 43, 32, False), ("len_minus_1", 47, 44, False), ("qrow", 63, 48, False),
        ("addr", 95, 64, False), ("xs", 107, 96, False), ("ys", 127, 108, False)],
    PAD: [  # 3.4
        ("mem", 4, 4, False), ("row", 23, 8, False), ("count", 39, 24, False),
        ("value", 95, 64, True)],
    CONFIG: [  # 3.5
        ("relu", 4, 4, False), ("pad_value", 15, 8, True), ("out_zp", 23, 16, True),
        ("shift", 29, 24, False), ("multiplier", 55, 32, False)],
    SYNC: [],  # 3.6
    HALT: [],  # 3.6
    VADD: [  # 3.7
        ("u8", 4, 4, False), ("acc_row", 23, 8, False), ("a_row", 39, 24, False), ("b_row", 55, 40, False),
        ("count", 71, 56, False)],
    VMAX: WINDOW,  # 3.8
    VSUM: [("acc", 4, 4, False)] + WINDOW,
    VMAC: [("acc", 4, 4, False), ("w_row", 55, 40, False)] + WINDOW,
    VCONFIG: [("ra", 63, 32, False), ("rb", 95, 64, False), ("fixed", 127, 96, False)],  # 3.9
}


def bit(word, b):
    return (word >> b) & 1


def field(word, hi, lo, signed):
    """Bits hi:lo of word, read bit by bit; two's complement if signed."""
    v = 0
    for b in range(hi, lo - 1, -1):
        v = (v << 1) | bit(word, b)
    width = hi - lo + 1
    if signed and bit(v, width - 1):
        v -= 1 << width
    return v


def reserved_bits_set(opcode, word):
    named = set(range(0, 4))  # the opcode
    for _, hi, lo, _ in FIELDS[opcode]:
        named.update(range(lo, hi + 1))
    return any(bit(word, b) for b in range(128) if b not in named)


def to_int32(v):
    """Wrap an integer modulo 2^32 into the signed int32 range (section 1)."""
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v >= (1 << 31) else v


def RNE(v, s):
    """Section 4: v * 2^-s rounded to nearest, ties to even; symmetric for negative v."""
    if v < 0:
        return -RNE(-v, s)
    if s == 0:
        return v
    t = v // (2 ** s)
    d = v - t * 2 ** s
    half = 2 ** (s - 1)
    if d > half or (d == half and t % 2 == 1):
        t += 1
    return t


def R24(v):
    """Section 4: round v to 24 significant bits."""
    b = abs(v).bit_length()
    s = max(b - 24, 0)
    sign = -1 if v < 0 else 1
    return sign * RNE(abs(v), s) * 2 ** s


def requantise(a, cfg, multiplier=None, shift=None):
    """Section 4: the four integer steps, then zero point, relu and clamp (4.1: per-lane multiplier and shift)."""
    if multiplier is None:
        multiplier, shift = cfg["multiplier"], cfg["shift"]
    f = R24(a)                          # 1. float32(a)
    p = f * multiplier                  # 2. exact product
    q = R24(p)                          # 3. float32 product
    r = RNE(q, shift)                   # 4. q * 2^-shift, ties to even
    lo = cfg["out_zp"] if cfg["relu"] == 1 else -128
    return min(max(r + cfg["out_zp"], lo), 127)


def float32_fields(bits):
    """Section 4.2: sign, biased exponent and fraction of a float32 bit pattern."""
    return field(bits, 31, 31, False), field(bits, 30, 23, False), field(bits, 22, 0, False)


def constant_legal(name, bits):
    """Section 3.9: ra and rb are +0 or positive normal in [2^-32, 2^16); fixed is +0, -0, or normal with
    |fixed| in [2^-56, 2^26)."""
    sign, e, frac = float32_fields(bits)
    if e == 0 and frac == 0:
        return sign == 0 or name == "fixed"
    if e == 0 or e == 255:
        return False
    if name == "fixed":
        return -56 <= e - 127 <= 25
    return sign == 0 and -32 <= e - 127 <= 15


def on_grid(bits):
    """Section 4.2: the constant's value times 2^80, an integer."""
    sign, e, frac = float32_fields(bits)
    if e == 0:
        return 0
    v = (frac + 2 ** 23) * 2 ** (e - 127 - 23 + 80)
    return -v if sign == 1 else v


def qlinear_add(a, b, cfg, u8):
    """Section 4.2: one lane of VADD."""
    if u8 == 1:
        a, b = a + 128, b + 128
    t1 = R24(b * on_grid(cfg["rb"]) + on_grid(cfg["fixed"]))
    t2 = R24(a * on_grid(cfg["ra"]) + t1)
    y = RNE(t2, 80)
    if u8 == 1:
        return min(max(y, 0), 255) - 128
    return min(max(y, -128), 127)


def run(n, sp_rows, acc_rows, dram_bytes, dram, inst_base, inst_count, sp=None, acc=None):
    # Section 1: machine parameters.
    if n not in (4, 8, 16) or not 1 <= sp_rows <= 65536 or not 1 <= acc_rows <= 65536:
        raise ValueError("bad machine parameters")
    if not 16 <= dram_bytes <= 2 ** 32 or len(dram) > dram_bytes:
        raise ValueError("bad DRAM size")
    # Section 2: inst_base is a multiple of 16, inst_count is 1 ... 65535.
    if not isinstance(inst_base, int) or inst_base < 0 or inst_base % 16 != 0:
        raise ValueError("inst_base must be a non-negative multiple of 16")
    if not isinstance(inst_count, int) or not 1 <= inst_count <= 65535:
        raise ValueError("inst_count must be in 1 ... 65535")

    mem = bytearray(dram_bytes)
    mem[:len(dram)] = dram
    SP = [list(r) for r in sp] if sp is not None else [[0] * n for _ in range(sp_rows)]
    ACC = [[to_int32(v) for v in r] for r in acc] if acc is not None else \
        [[0] * n for _ in range(acc_rows)]
    if len(SP) != sp_rows or any(len(r) != n for r in SP):
        raise ValueError("sp has the wrong shape")
    if len(ACC) != acc_rows or any(len(r) != n for r in ACC):
        raise ValueError("acc has the wrong shape")

    # Section 1: the eight configuration registers are cleared when a program starts.
    cfg = {"pad_value": 0, "out_zp": 0, "relu": 0, "shift": 0, "multiplier": 0, "ra": 0, "rb": 0, "fixed": 0}
    trace = []
    prog_lo, prog_hi = inst_base, inst_base + 16 * inst_count - 1

    def result(status, code, index, executed):
        return {"status": status, "err_code": code, "err_index": index, "executed": executed,
                "dram": bytes(mem), "sp": SP, "acc": ACC, "trace": trace}

    def check(opcode, word, f):
        """Section 5: the first failing check, in table order, names the error (0 if none)."""
        if opcode == 0 or opcode >= 13:
            return ILLEGAL_OPCODE
        if reserved_bits_set(opcode, word):
            return RESERVED_BITS
        if opcode in (LOAD, STORE):
            if f["y"] == 0 or f["x"] == 0 or f["len"] > n:
                return BAD_FIELD
        if opcode == STORE and f["pc"] == 1 and f["quant"] == 0:
            return BAD_FIELD
        if opcode == VADD and f["count"] == 0:
            return BAD_FIELD
        if opcode in (VMAX, VSUM, VMAC):
            if f["y"] == 0 or f["x"] == 0 or f["kh"] == 0 or f["kw"] == 0:
                return BAD_FIELD
            if opcode == VMAC and f["kh"] * f["kw"] > 16:
                return BAD_FIELD
        if opcode == VCONFIG:
            for name in ("ra", "rb", "fixed"):
                if not constant_legal(name, f[name]):
                    return BAD_FIELD
        if opcode == MATMUL and f["m"] == 0:
            return BAD_FIELD
        if opcode == PAD:
            if f["count"] == 0 or (f["mem"] == 0 and not -128 <= f["value"] <= 127):
                return BAD_FIELD
        # Rows touched: (memory, first row, last row).
        rows = []
        if opcode == LOAD:
            W = f["pad_left"] + f["x"] + f["pad_right"]
            H = f["pad_top"] + f["y"] + f["pad_bottom"]
            rows.append((f["mem"], f["row"], f["row"] + H * W - 1))
        elif opcode == MATMUL:
            rows.append((0, f["a_row"], f["a_row"] + f["m"] - 1))
            rows.append((0, f["w_row"], f["w_row"] + n - 1))
            rows.append((1, f["acc_row"], f["acc_row"] + f["m"] - 1))
        elif opcode == STORE:
            rows.append((1, f["row"], f["row"] + f["y"] * f["x"] - 1))
            if f["pc"] == 1:
                rows.append((1, f["qrow"], f["qrow"]))
        elif opcode == PAD:
            rows.append((f["mem"], f["row"], f["row"] + f["count"] - 1))
        elif opcode == VADD:
            rows.append((0, f["a_row"], f["a_row"] + f["count"] - 1))
            rows.append((0, f["b_row"], f["b_row"] + f["count"] - 1))
            rows.append((1, f["acc_row"], f["acc_row"] + f["count"] - 1))
        elif opcode in (VMAX, VSUM, VMAC):
            last = f["a_row"] + ((f["y"] - 1) * f["sy"] + f["kh"] - 1) * f["pitch"] + \
                (f["x"] - 1) * f["sx"] + f["kw"] - 1
            rows.append((0, f["a_row"], last))
            if opcode == VMAC:
                rows.append((0, f["w_row"], f["w_row"] + f["kh"] * f["kw"] - 1))
            rows.append((1, f["acc_row"], f["acc_row"] + f["y"] * f["x"] - 1))
        if any(m == 0 and last >= sp_rows for m, _, last in rows):
            return SP_RANGE
        if any(m == 1 and last >= acc_rows for m, _, last in rows):
            return ACC_RANGE
        if opcode in (LOAD, STORE):
            # Spans are computed exactly (Python integers never wrap).
            span_lo = f["addr"]
            span_hi = f["addr"] + (f["y"] - 1) * f["ys"] + (f["x"] - 1) * f["xs"] + f["eb"] - 1
            if span_hi >= dram_bytes:
                return DRAM_RANGE
            if opcode == STORE and span_lo <= prog_hi and span_hi >= prog_lo:
                return PROG_WRITE
        return NONE

    executed = 0
    for i in range(inst_count):
        # Section 2/5: fetch instruction i, the 16 bytes at inst_base + 16*i, little-endian.
        a = inst_base + 16 * i
        if a + 15 >= dram_bytes:
            return result("ERROR", DRAM_RANGE, i, executed)
        word = int.from_bytes(mem[a:a + 16], "little")
        opcode = field(word, 3, 0, False)

        # Section 3: decode the fields of this opcode.
        f = {}
        for name, hi, lo, signed in FIELDS.get(opcode, []):
            f[name] = field(word, hi, lo, signed)
        if "len_minus_1" in f:
            f["len"] = f["len_minus_1"] + 1
        if opcode == LOAD:
            f["eb"] = f["len"] if f["mem"] == 0 else 4 * f["len"]
        if opcode == STORE:
            f["eb"] = f["len"] if f["quant"] == 1 else 4 * f["len"]

        code = check(opcode, word, f)
        if code != NONE:
            return result("ERROR", code, i, executed)

        if opcode == LOAD:  # 3.1
            length = f["len"]
            W = f["pad_left"] + f["x"] + f["pad_right"]
            H = f["pad_top"] + f["y"] + f["pad_bottom"]
            for r in range(H):
                for c in range(W):
                    row = [0] * n  # lanes len ... N-1 are 0
                    if f["pad_top"] <= r < f["pad_top"] + f["y"] and \
                            f["pad_left"] <= c < f["pad_left"] + f["x"]:
                        ii, jj = r - f["pad_top"], c - f["pad_left"]
                        base = f["addr"] + ii * f["ys"] + jj * f["xs"]
                        for k in range(length):
                            if f["mem"] == 0:
                                row[k] = int.from_bytes(mem[base + k:base + k + 1], "little",
                                                        signed=True)
                            else:
                                row[k] = int.from_bytes(mem[base + 4 * k:base + 4 * k + 4],
                                                        "little", signed=True)
                    else:
                        for k in range(length):
                            row[k] = cfg["pad_value"] if f["mem"] == 0 else 0
                    (SP if f["mem"] == 0 else ACC)[f["row"] + r * W + c] = row

        elif opcode == MATMUL:  # 3.2
            result_rows = []
            for ii in range(f["m"]):
                sums = []
                for j in range(n):
                    s = 0
                    for k in range(n):
                        s += SP[f["a_row"] + ii][k] * SP[f["w_row"] + k][j]
                    sums.append(s)
                result_rows.append(sums)
            for ii in range(f["m"]):  # all reads happened before any write
                dst = ACC[f["acc_row"] + ii]
                for j in range(n):
                    s = result_rows[ii][j]
                    dst[j] = to_int32(s) if f["acc"] == 0 else to_int32(dst[j] + s)
            trace.append(("MATMUL", i, [list(ACC[f["acc_row"] + ii]) for ii in range(f["m"])]))

        elif opcode == STORE:  # 3.3, elements written in order (0,0), (0,1), ...
            written = []
            for ii in range(f["y"]):
                line = []
                for jj in range(f["x"]):
                    src = ACC[f["row"] + ii * f["x"] + jj]
                    base = f["addr"] + ii * f["ys"] + jj * f["xs"]
                    vals = []
                    for k in range(f["len"]):
                        if f["quant"] == 1 and f["pc"] == 1:
                            param = ACC[f["qrow"]][k] & 0xFFFFFFFF
                            v = requantise(src[k], cfg, field(param, 23, 0, False), field(param, 29, 24, False))
                            mem[base + k:base + k + 1] = v.to_bytes(1, "little", signed=True)
                        elif f["quant"] == 1:
                            v = requantise(src[k], cfg)
                            mem[base + k:base + k + 1] = v.to_bytes(1, "little", signed=True)
                        else:
                            v = src[k]
                            mem[base + 4 * k:base + 4 * k + 4] = v.to_bytes(4, "little",
                                                                            signed=True)
                        vals.append(v)
                    line.append(vals)
                written.append(line)
            trace.append(("STORE", i, written))

        elif opcode == PAD:  # 3.4
            target = SP if f["mem"] == 0 else ACC
            for r in range(f["row"], f["row"] + f["count"]):
                target[r] = [f["value"]] * n

        elif opcode == CONFIG:  # 3.5
            for name in ("relu", "pad_value", "out_zp", "shift", "multiplier"):
                cfg[name] = f[name]

        elif opcode == SYNC:  # 3.6: no effect on results
            pass

        elif opcode == VADD:  # 3.7
            for k in range(f["count"]):
                ACC[f["acc_row"] + k] = [qlinear_add(SP[f["a_row"] + k][j], SP[f["b_row"] + k][j], cfg, f["u8"])
                                         for j in range(n)]
            trace.append(("VADD", i, [list(ACC[f["acc_row"] + k]) for k in range(f["count"])]))

        elif opcode in (VMAX, VSUM, VMAC):  # 3.8
            for ii in range(f["y"]):
                for jj in range(f["x"]):
                    out = []
                    for lane in range(n):
                        vals = []
                        for u in range(f["kh"]):
                            for v in range(f["kw"]):
                                src = f["a_row"] + (ii * f["sy"] + u) * f["pitch"] + jj * f["sx"] + v
                                a = SP[src][lane]
                                if opcode == VMAC:
                                    a = a * SP[f["w_row"] + u * f["kw"] + v][lane]
                                vals.append(a)
                        out.append(max(vals) if opcode == VMAX else sum(vals))
                    dst = ACC[f["acc_row"] + ii * f["x"] + jj]
                    for lane in range(n):
                        if opcode != VMAX and f["acc"] == 1:
                            dst[lane] = to_int32(dst[lane] + out[lane])
                        else:
                            dst[lane] = to_int32(out[lane])
            name = {VMAX: "VMAX", VSUM: "VSUM", VMAC: "VMAC"}[opcode]
            trace.append((name, i, [list(ACC[f["acc_row"] + k]) for k in range(f["y"] * f["x"])]))

        elif opcode == VCONFIG:  # 3.9
            for name in ("ra", "rb", "fixed"):
                cfg[name] = f[name]

        executed += 1
        if opcode == HALT:  # 3.6
            return result("DONE", NONE, 0, executed)

    # Section 2: ran past the last instruction without a HALT.
    return result("ERROR", NO_HALT, inst_count, executed)
