"""A quantized network on the chip (compiler/): each image of the workload runs as the compiled network's
programs, one per layer, on the DRAM the layer before left; the last one's output bytes carry onnxruntime's
for that image, and the scoreboard counts every byte that differs (every tile and the final DRAM of every
layer against the golden model besides).

The workload comes from the environment: NPU8_MODEL (a .onnx path; the built-in digits network when unset),
NPU8_IMAGES (how many; the sequence's count otherwise), NPU8_IMAGE_OFFSET (the first digits test image) and
NPU8_BATCH (images per run, dividing NPU8_IMAGES), NPU8_MAX_PROGRAM (see _program_limit), NPU8_WORKLOAD_SEED (a float model's calibration and random inputs). The DRAM model runs at a fixed latency (NPU8_DRAM_LATENCY, 100) with no
backpressure, so that each layer's cycles are the figures make infer reports. NPU8_NETWORK_CORRUPT_REFERENCE=1
flips a bit of the first image's onnxruntime bytes: the self-test that the comparison can fail."""
from __future__ import annotations

import os

from compiler import host
from compiler.network import compile_model
from compiler.reference import Reference
from compiler.workload import load

from verif.common import context

from ..top_items import DramKnobs
from .program_seq import ProgramSeq


def _program_limit():
    """NPU8_MAX_PROGRAM: cut every layer's program after that many instructions (continuation programs, which
    a network needs only past 65,535 instructions, checked on the RTL with small ones)."""
    from compiler import network
    if os.environ.get("NPU8_MAX_PROGRAM"):
        network.MAX_PROGRAM = int(os.environ["NPU8_MAX_PROGRAM"])


def _network_programs(seq: ProgramSeq, net, x, want: bytes, k: int, origin: str, knobs):
    """One run of a compiled network as ProgramItems `<stream>[k].<program>`: each program on the DRAM (and,
    continuing, the SP and ACC) the golden model says the one before left; the last carries onnxruntime's output
    bytes `want`."""
    dram, state = net.dram_for(x), None
    for j, seg in enumerate(net.segments):
        last = j == len(net.segments) - 1
        item = seq.item(k, dram, seg.inst_base, seg.count, f"{origin}, program {j} {seg.layer} ({seg.op})",
                        knobs=knobs, reference=(net.output_addr, want, "onnxruntime") if last else None,
                        continues=seg.continues)
        item.set_name(f"{seq.stream}[{k}].{j}")
        yield item
        if not last:
            state = net.run_segment(dram, j, state)
            dram = bytes(state.dram)


class NetworkSeq(ProgramSeq):
    stream = "network"
    layers: dict = {}             # item name -> (image, layer index, layer name, op, MACs of the run)
    workload = None

    def items(self):
        count = int(os.environ.get("NPU8_IMAGES", self.count))
        offset = int(os.environ.get("NPU8_IMAGE_OFFSET", "0"))
        batch = int(os.environ.get("NPU8_BATCH", "1"))
        if count % batch:
            raise ValueError(f"NPU8_IMAGES={count} is not a multiple of NPU8_BATCH={batch}")
        _program_limit()
        # the workload's own seed (make infer's SEED), so that a float model is quantized, and random inputs
        # drawn, as make infer's host side did
        wl = load(os.environ.get("NPU8_MODEL") or None, count, int(os.environ.get("NPU8_WORKLOAD_SEED", "1")), offset)
        NetworkSeq.workload = wl
        net = compile_model(wl.quantized, self.cfg, batch)
        ref = Reference(wl.quantized)
        knobs = DramKnobs(latency=int(os.environ.get("NPU8_DRAM_LATENCY", "100")))
        macs = [la.macs for la in net.layers if not la.alias]
        for first in range(0, len(wl.images), batch):
            x = wl.images[first:first + batch]
            want = host.to_storage(ref.run(x)[0], net.output)
            if first == 0 and os.environ.get("NPU8_NETWORK_CORRUPT_REFERENCE") == "1":   # the check's self-test
                want = bytes([want[0] ^ 1]) + want[1:]
            k = first + offset
            for j, seg in enumerate(net.segments):
                NetworkSeq.layers[f"{self.stream}[{k}].{j}"] = (k, seg.layer_index, seg.layer, seg.op,
                                                               0 if seg.continues else macs[seg.layer_index])
            yield from _network_programs(self, net, x, want, k, f"{wl.name} image {k}", knobs)
            # make infer's progress bar: runs handed to the driver so far
            (context.out_dir() / "network_progress.txt").write_text(f"{first // batch + 1} {len(wl.images) // batch}\n")


class RandomNetworkSeq(ProgramSeq):
    """Constrained-random quantized networks (compiler/random_network.py), each compiled for the simulated
    machine and run as its programs, the last one's output bytes against onnxruntime's. The network's seed
    comes from the test's generator and is in each program's origin; a network that does not fit this
    machine's DRAM is drawn again (counted in `skipped`)."""
    stream = "random_network"
    skipped = 0

    def items(self):
        from compiler.errors import CompileError
        from compiler.random_network import random_network
        knobs = DramKnobs(latency=int(self.rng.choice([1, 16, 100])))
        made = 0
        while made < self.count:
            seed = int(self.rng.integers(0, 1 << 31))
            model, x, what = random_network(seed)
            mb = model.SerializeToString()
            try:
                net = compile_model(mb, self.cfg)
            except CompileError as e:
                if e.what != "DRAM":          # anything but size is a compiler bug: the test fails with it
                    raise
                RandomNetworkSeq.skipped += 1
                continue
            want = host.to_storage(Reference(mb).run(x)[0], net.output)
            yield from _network_programs(self, net, x, want, made, f"random network {what}", knobs)
            made += 1
