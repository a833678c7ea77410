"""The compiler against onnxruntime on the golden model: the digits network (every held-out image, at N = 8;
fewer at N = 4 and 16 and in batches), hundreds of constrained-random networks, the host's quantizer, and the
DRAM plan's reuse and non-overlap. 0 differing bytes means 0: every output byte is compared."""
import numpy as np

import pytest
from onnx import TensorProto, helper

from compiler import host
from compiler.dram_plan import Buffer, plan
from compiler.network import compile_model
from compiler.random_network import random_network
from compiler.reference import Reference, session
from compiler.workload import digits
from golden.isa import MachineConfig

RANDOM_NETWORKS = 300
CHUNK = 50


@pytest.fixture(scope="module")
def wl():
    return digits()


@pytest.mark.parametrize("n, images, batch", [(8, 360, 1), (4, 40, 1), (16, 40, 1), (8, 40, 4)])
def test_the_digits_network_is_bit_exact_with_onnxruntime(wl, n, images, batch):
    net = compile_model(wl.quantized, MachineConfig(n=n), batch)
    ref = Reference(wl.quantized)
    differing = correct = 0
    for i in range(0, images, batch):
        x = wl.images[i:i + batch]
        got, _ = net.run_golden(x)
        want, _ = ref.run(x)
        assert got.dtype == want.dtype and got.shape == want.shape
        differing += int((got != want).sum())
        correct += int((got.argmax(1) == wl.labels[i:i + batch]).sum())
    assert differing == 0, f"{differing} of {images * 10} output bytes differ from onnxruntime's"
    assert correct / images >= 0.9


def test_the_digits_network_runs_every_layer_on_the_accelerator(wl):
    net = compile_model(wl.quantized)
    ops = [s.op for s in net.segments]
    assert ops == ["QLinearConv", "MaxPool", "QLinearConv", "QLinearConv", "QLinearAdd", "QLinearConv", "QLinearConv",
                   "QLinearGlobalAveragePool", "QGemm"]
    assert [la.node.op_type for la in net.layers if la.alias] == ["Flatten"]
    assert net.arena_bytes < net.activation_bytes                # buffers are reused


def test_the_listing_names_the_node_of_every_instruction(wl):
    net = compile_model(wl.quantized)
    lines = [ln for ln in net.listing().splitlines() if ln and not ln.startswith(";")]
    assert len(lines) == sum(s.count for s in net.segments)
    names = {s.layer for s in net.segments}
    assert all(ln.rsplit(";", 1)[1].strip() in names for ln in lines)
    layout = net.layout_text()
    for s in net.segments:
        assert f"{s.inst_base:#010x}" in layout


@pytest.mark.parametrize("first", range(0, RANDOM_NETWORKS, CHUNK))
def test_random_networks_are_bit_exact_with_onnxruntime(first):
    compared = 0
    for seed in range(first, first + CHUNK):
        model, x, what = random_network(seed)
        mb = model.SerializeToString()
        want, _ = Reference(mb).run(x)
        got, _ = compile_model(mb).run_golden(x)
        bad = int((got != want).sum())
        assert bad == 0, f"random network {what}: {bad} of {want.size} bytes differ; reproduce: " \
                         f"compiler.random_network.random_network({seed})"
        compared += want.size
    assert compared > 0


def test_random_networks_cover_every_operator():
    seen = set()
    for seed in range(RANDOM_NETWORKS):
        model, _, _ = random_network(seed)
        for n in model.graph.node:
            group = next((a.i for a in n.attribute if a.name == "group"), 1)
            dw = group > 1 and n.op_type == "QLinearConv" and model.graph.initializer and \
                next(i for i in model.graph.initializer if i.name == n.input[3]).dims[1] == 1
            seen.add(n.op_type + ("/dw" if dw else "/grouped" if group > 1 else ""))
        seen |= {"u8"} if model.graph.initializer[1].data_type == TensorProto.UINT8 else set()
    assert {"QLinearConv", "QLinearConv/dw", "QLinearConv/grouped", "MaxPool", "QLinearAdd", "QLinearGlobalAveragePool", "Flatten", "QGemm",
            "QLinearMatMul", "QLinearConcat", "u8"} <= seen


@pytest.mark.parametrize("u8", [False, True])
def test_the_host_quantizer_is_onnxruntimes(u8):
    """QuantizeLinear on the host rounds as onnxruntime does, ties and saturation included."""
    rng = np.random.default_rng(3)
    scale, zp = np.float32(0.0173), (200 if u8 else -7)
    x = np.concatenate([rng.normal(0, 3, 5000), (np.arange(-300, 300) + 0.5) * 0.0173]).astype(np.float32)
    x = x.reshape(1, 1, 1, -1)
    node = helper.make_node("QuantizeLinear", ["x", "s", "z"], ["y"])
    zt = TensorProto.UINT8 if u8 else TensorProto.INT8
    g = helper.make_graph([node], "q", [helper.make_tensor_value_info("x", TensorProto.FLOAT, x.shape)],
                          [helper.make_tensor_value_info("y", zt, x.shape)],
                          [helper.make_tensor("s", TensorProto.FLOAT, [], [scale]), helper.make_tensor("z", zt, [], [zp])])
    want = session(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()).run(None, {"x": x})[0]
    from compiler.activations import QAct
    act = QAct("x", (1, 1, x.shape[-1]), float(scale), zp, u8)
    got = host.from_storage(host.quantize(x, act).reshape(-1), act, 1)
    assert np.array_equal(got, want)


def test_the_dram_plan_reuses_and_never_overlaps_live_buffers():
    rng = np.random.default_rng(5)
    for _ in range(200):
        bufs = []
        for k in range(int(rng.integers(1, 12))):
            a = int(rng.integers(-1, 10))
            bufs.append(Buffer(f"b{k}", int(rng.integers(1, 500)), a, a + int(rng.integers(0, 4))))
        size = plan(bufs)
        assert size <= sum(-(-b.nbytes // 16) * 16 for b in bufs)
        for i, p in enumerate(bufs):
            assert p.addr % 16 == 0
            for q in bufs[i + 1:]:
                if p.first <= q.last and q.first <= p.last:
                    assert p.addr + p.nbytes <= q.addr or q.addr + q.nbytes <= p.addr, (p, q)


def test_compiled_output_round_trips_through_storage(wl):
    net = compile_model(wl.quantized)
    q = np.arange(-5, 5, dtype=np.int8).reshape(1, 10)
    assert np.array_equal(host.from_storage(np.frombuffer(host.to_storage(q, net.output), np.int8), net.output, 1), q)



@pytest.mark.parametrize("qdq", [False, True], ids=["qoperator", "qdq"])
@pytest.mark.parametrize("u8", [False, True], ids=["s8", "u8"])
@pytest.mark.parametrize("per_channel", [True, False], ids=["per_channel", "per_tensor"])
def test_every_quantize_static_form_of_the_digits_network_is_bit_exact(qdq, u8, per_channel):
    """QOperator and QDQ (rewritten as onnxruntime's optimizer fuses it), int8 and uint8 activations, per-channel
    and per-tensor weights: each quantized by the flow and compared on 60 images."""
    from compiler.models import train_digits as td
    from compiler.reference import quantize
    xtr, _, xte, _ = td.digits_split()
    qm = quantize(td.MODEL, [{"input": xtr[i:i + 1]} for i in range(100)], per_channel=per_channel, qdq=qdq,
                  activation_u8=u8)
    net = compile_model(qm)
    assert len(net.segments) == 9                       # every operator on the accelerator, in both forms
    ref = Reference(qm)
    bad = sum(int((net.run_golden(xte[i:i + 1])[0] != ref.run(xte[i:i + 1])[0]).sum()) for i in range(60))
    assert bad == 0


def test_a_layer_longer_than_a_program_is_cut_into_continuations(wl, monkeypatch):
    """Programs cut every 12 instructions: each continuation restarts with the CONFIG and VCONFIG in force and
    runs on the scratchpad and accumulator the one before left; the bytes stay onnxruntime's."""
    from compiler import network
    monkeypatch.setattr(network, "MAX_PROGRAM", 12)
    net = compile_model(wl.quantized)
    assert all(s.count <= 12 for s in net.segments) and sum(s.continues for s in net.segments) >= 6
    assert sorted({s.layer_index for s in net.segments}) == list(range(9))
    ref = Reference(wl.quantized)
    for i in range(10):
        got, _ = net.run_golden(wl.images[i:i + 1])
        assert np.array_equal(got, ref.run(wl.images[i:i + 1])[0])


@pytest.mark.parametrize("qdq", [False, True], ids=["qoperator", "qdq"])
def test_a_clip_to_relu6_is_folded_and_bit_exact(qdq):
    """Conv -> Clip(0, 6) -> Conv (MobileNet's ReLU6): quantize_static folds the Clip into the conv's output range
    and the chip's saturation is the clip; both forms compile to two QLinearConv layers, bit-exact."""
    from onnx import TensorProto, numpy_helper
    from compiler.reference import quantize
    rng = np.random.default_rng(0)
    inits = [numpy_helper.from_array(v, k) for k, v in {
        "w": rng.normal(0, 0.3, (8, 3, 3, 3)).astype(np.float32), "b": rng.normal(0, 0.1, 8).astype(np.float32),
        "lo": np.array(0, np.float32), "hi": np.array(6, np.float32),
        "w2": rng.normal(0, 0.3, (4, 8, 1, 1)).astype(np.float32)}.items()]
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]),
             helper.make_node("Clip", ["c", "lo", "hi"], ["r"]), helper.make_node("Conv", ["r", "w2"], ["y"])]
    g = helper.make_graph(nodes, "relu6", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 6, 6])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 6, 6])], inits)
    cal = [{"x": rng.normal(0, 3, (1, 3, 6, 6)).astype(np.float32)} for _ in range(8)]
    q = quantize(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), cal, qdq=qdq)
    net = compile_model(q)
    assert [s.op for s in net.segments] == ["QLinearConv", "QLinearConv"]
    ref = Reference(q)
    for c in cal:
        assert np.array_equal(net.run_golden(c["x"])[0], ref.run(c["x"])[0])


@pytest.mark.parametrize("qdq", [False, True], ids=["qoperator", "qdq"])
def test_a_1d_network_runs_as_images_of_height_1(qdq):
    """Conv1d (pad, stride) -> MaxPool1d -> Conv1d -> GlobalAveragePool -> Flatten -> Gemm on [N, C, L]: each 1-D
    tensor placed as [C, 1, L], the output back in ONNX's shape, bit-exact in both forms."""
    from onnx import numpy_helper
    from compiler.reference import quantize
    rng = np.random.default_rng(4)
    inits = [numpy_helper.from_array(v, k) for k, v in {
        "w1": rng.normal(0, 0.3, (6, 3, 5)).astype(np.float32), "w2": rng.normal(0, 0.3, (8, 6, 3)).astype(np.float32),
        "fw": rng.normal(0, 0.3, (4, 8)).astype(np.float32)}.items()]
    nodes = [helper.make_node("Conv", ["x", "w1"], ["c1"], pads=[2, 1], strides=[2]),
             helper.make_node("Relu", ["c1"], ["r1"]), helper.make_node("MaxPool", ["r1"], ["p"], kernel_shape=[2]),
             helper.make_node("Conv", ["p", "w2"], ["c2"], pads=[1, 1]), helper.make_node("GlobalAveragePool", ["c2"], ["g"]),
             helper.make_node("Flatten", ["g"], ["f"]), helper.make_node("Gemm", ["f", "fw"], ["y"], transB=1)]
    g = helper.make_graph(nodes, "one_d", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 23])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])], inits)
    cal = [{"x": rng.normal(0, 1, (1, 3, 23)).astype(np.float32)} for _ in range(6)]
    q = quantize(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), cal, qdq=qdq)
    net = compile_model(q)
    assert [s.op for s in net.segments] == ["QLinearConv", "MaxPool", "QLinearConv", "QLinearGlobalAveragePool", "QGemm"]
    ref = Reference(q)
    for c in cal:
        got, want = net.run_golden(c["x"])[0], ref.run(c["x"])[0]
        assert got.shape == want.shape == (1, 4) and np.array_equal(got, want)
