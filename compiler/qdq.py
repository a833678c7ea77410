"""The QDQ form, rewritten into the QOperator nodes the rest of the compiler reads.

quantize_static's QDQ output wraps each float operator in DequantizeLinear (its inputs, weights and bias
included) and QuantizeLinear (its output). onnxruntime's graph optimizer fuses those groups into the same
QLinear kernels (QLinearConv, QGemm, QLinearMatMul, QLinearAdd, QLinearGlobalAveragePool; MaxPool and the
layout moves run on the int8 tensor when input and output share the quantisation), and that is the arithmetic
the accelerator matches, so the rewrite is the same one:

    DQ(x), DQ(w), DQ(b) -> Conv -> Q            QLinearConv(x, xs, xz, w, ws, wz, ys, yz, b)
    DQ(a), DQ(w), DQ(c) -> Gemm -> Q            QGemm;   DQ(a), DQ(w) -> MatMul -> Q   QLinearMatMul
    DQ(a), DQ(b) -> Add -> Q                    QLinearAdd
    DQ(x) -> GlobalAveragePool -> Q             QLinearGlobalAveragePool
    DQ(x1), DQ(x2), … -> Concat -> Q           QLinearConcat
    DQ(x) -> MaxPool | Flatten | Reshape | … -> Q, the same scale and zero point: the op on x itself
    a Relu between the op and its Q is dropped when the Q's zero point is its type's minimum (the saturation
    then is the Relu); otherwise onnxruntime runs it in float, and it is left for the compiler to refuse.

A QOperator model (no DequantizeLinear feeding an operator) comes through unchanged; anything that matches no
rule stays as it is, so the compiler names it."""
from __future__ import annotations

import numpy as np
import onnx
from onnx import helper, numpy_helper

MS = "com.microsoft"
SAME_QUANT = {"MaxPool", "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Transpose"}


def to_qoperator(model: onnx.ModelProto) -> onnx.ModelProto:
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    producer = {o: n for n in g.node for o in n.output}
    users: dict[str, list] = {}
    for n in g.node:
        for t in n.input:
            users.setdefault(t, []).append(n)
    graph_outputs = {o.name for o in g.output}

    def dq_of(name):
        p = producer.get(name)
        return p if p is not None and p.op_type == "DequantizeLinear" else None

    if not any(dq_of(t) for n in g.node if n.op_type not in ("QuantizeLinear", "DequantizeLinear") for t in n.input):
        return model

    def const_value(name):
        if name in inits:
            return numpy_helper.to_array(inits[name])
        p = producer.get(name)
        if p is not None and p.op_type == "Constant":
            return numpy_helper.to_array(p.attribute[0].t)
        return None

    def single_q(name):
        """The QuantizeLinear that is the only reader of `name` (a Relu on the way dropped where exact)."""
        us = users.get(name, [])
        if len(us) != 1 or name in graph_outputs:
            return None, None
        u = us[0]
        if u.op_type == "QuantizeLinear":
            return u, None
        if u.op_type == "Relu":
            q, _ = single_q(u.output[0])
            if q is not None and len(q.input) > 2:
                z = const_value(q.input[2])
                if z is not None and int(z.reshape(-1)[0]) == (0 if z.dtype == np.uint8 else -128):
                    return q, u
        return None, None

    rewritten, replaced_q, dropped_relu = {}, set(), set()
    for n in g.node:
        if n.op_type in ("QuantizeLinear", "DequantizeLinear") or not n.output:
            continue
        dqs = [dq_of(t) if t else None for t in n.input]
        q, relu = single_q(n.output[0])
        # every tensor input from a DequantizeLinear; a layout move's shape or axes input is a constant
        tensors = list(zip(dqs, n.input))[:1] if n.op_type in SAME_QUANT else list(zip(dqs, n.input))
        if q is None or any(d is None for d, t in tensors if t):
            continue
        made = _rewrite(n, dqs, q, const_value)
        if made is not None:
            rewritten[id(n)] = made
            replaced_q.add(id(q))
            if relu is not None:
                dropped_relu.add(id(relu))
    if not rewritten:
        return model
    body = [rewritten.get(id(n), n) for n in g.node
            if n.op_type not in ("QuantizeLinear", "DequantizeLinear") and id(n) not in dropped_relu]
    # the Q and DQ nodes still read (the host's, and any a rule did not take: the compiler names those), found
    # from the outputs back
    needed = {t for n in body for t in n.input} | graph_outputs
    keep = set()
    for n in reversed(g.node):
        if n.op_type in ("QuantizeLinear", "DequantizeLinear") and id(n) not in replaced_q and n.output[0] in needed:
            keep.add(id(n))
            needed.update(n.input)
    nodes = [rewritten.get(id(n), n) for n in g.node
             if id(n) in keep or (n.op_type not in ("QuantizeLinear", "DequantizeLinear") and id(n) not in dropped_relu)]
    out = onnx.ModelProto()
    out.CopyFrom(model)
    del out.graph.node[:]
    out.graph.node.extend(nodes)
    if not any(o.domain == MS for o in out.opset_import):
        out.opset_import.append(helper.make_opsetid(MS, 1))
    return out


def _attrs(n) -> dict:
    return {a.name: helper.get_attribute_value(a) for a in n.attribute}


def _made(src, op: str, inputs: list, output: str, domain: str = "", **attrs):
    return helper.make_node(op, inputs, [output], name=src.name or output, domain=domain, **attrs)


def _q3(d):
    """A DQ's (quantized tensor, scale, zero point) names."""
    return [d.input[0], d.input[1], d.input[2] if len(d.input) > 2 else ""]


def _rewrite(n, dqs, q, const_value):
    y = [q.input[1], q.input[2] if len(q.input) > 2 else ""]
    out = q.output[0]
    a = _attrs(n)
    if n.op_type == "Conv":
        x, w = _q3(dqs[0]), _q3(dqs[1])
        bias = [dqs[2].input[0]] if len(dqs) > 2 and dqs[2] is not None else []
        return _made(n, "QLinearConv", x + w + y + bias, out, **a)
    if n.op_type == "Gemm":
        x, w = _q3(dqs[0]), _q3(dqs[1])
        c = [dqs[2].input[0]] if len(dqs) > 2 and dqs[2] is not None else [""]
        return _made(n, "QGemm", x + w + c + y, out, domain=MS, **a)
    if n.op_type == "MatMul":
        return _made(n, "QLinearMatMul", _q3(dqs[0]) + _q3(dqs[1]) + y, out)
    if n.op_type == "Add" and len(dqs) == 2:
        return _made(n, "QLinearAdd", _q3(dqs[0]) + _q3(dqs[1]) + y, out, domain=MS)
    if n.op_type == "GlobalAveragePool":
        return _made(n, "QLinearGlobalAveragePool", _q3(dqs[0]) + y, out, domain=MS, channels_last=0)
    if n.op_type == "Concat":
        return _made(n, "QLinearConcat", y + [t for d in dqs for t in _q3(d)], out, domain=MS, **a)
    if n.op_type in SAME_QUANT:
        xs, xz = const_value(dqs[0].input[1]), const_value(dqs[0].input[2]) if len(dqs[0].input) > 2 else None
        ys, yz = const_value(y[0]), const_value(y[1]) if y[1] else None
        same = xs is not None and ys is not None and np.array_equal(xs, ys) and \
            (xz is None and yz is None or (xz is not None and yz is not None and np.array_equal(xz, yz)))
        if not same:
            return None
        return _made(n, n.op_type, [dqs[0].input[0]] + list(n.input[1:]), out, **a)
    return None
