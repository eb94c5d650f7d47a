"""Which convolution back-end each StyleGAN synthesis layer should run on this CPU (the data of
`ohlora.face.conv.plan.CPU_COMPILED`).

    python benchmarks/face_conv_plan.py [--repeat 9] [--bands] [--out benchmarks/data/face_conv_plan.json]

Per layer 1…13 and batch 1 and 8, every kernel that can run it (direct; compiled Winograd; for the
upsampling layers also Winograd on the 2× grid), each in its natural context: a Winograd kernel reads
an activation with a pending affine (the previous layer's norm + style), the direct one a plain one.
Calls are interleaved (kernel by kernel within each repeat) and the medians kept. `best` is the
fastest kernel per layer at batch 1 (the ms/frame of a fresh frame) unless another one is faster at
batch 8 by more than it loses at batch 1. Then whole syntheses: the plan in the code, the `best` plan,
direct everywhere and Winograd everywhere (phases). `--bands` also times whole syntheses with other
band sizes of the Winograd kernels (`BAND_BYTES`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from _common import emit, machine, src_on_path
from face_render import random_module

src_on_path()

import torch  # noqa: E402

from ohlora.face.conv import jit, winograd  # noqa: E402
from ohlora.face.conv.base import Activation, fold_layer  # noqa: E402
from ohlora.face.conv.direct import DirectKernel  # noqa: E402
from ohlora.face.conv.plan import CPU_COMPILED, DIRECT, KERNELS, WINOGRAD, Plan  # noqa: E402
from ohlora.face.conv.winograd import WinogradKernel  # noqa: E402
from ohlora.face.generator import StyleGANGenerator  # noqa: E402
from ohlora.face.spec import LAYERS  # noqa: E402

BATCHES = (1, 8)


def medians(runs: dict, repeat: int) -> dict:
    """Interleaved timing: each repeat calls every run once; ms per frame, median over repeats."""
    samples: dict = {name: [] for name in runs}
    for fn, _ in runs.values():
        fn()
    for _ in range(repeat):
        for name, (fn, per) in runs.items():
            t = time.perf_counter()
            fn()
            samples[name].append((time.perf_counter() - t) * 1000 / per)
    return {name: round(statistics.median(v), 3) for name, v in samples.items()}


def layer_timings(module, repeat: int) -> dict:
    layers = [fold_layer(layer) for layer in module.synthesis.layers()[1:]]
    fmt = torch.channels_last
    gen = torch.Generator().manual_seed(1)
    out = {}
    for spec, layer in zip(LAYERS[1:], layers, strict=True):
        kernels = {"direct": DirectKernel(layer, torch.device("cpu"), torch.float32, fmt),
                   "winograd": WinogradKernel(layer)}
        if spec.upsamples:
            kernels["winograd-grid"] = WinogradKernel(layer, grid=True)
        assert set(kernels) <= set(KERNELS)
        res = spec.res // 2 if spec.upsamples else spec.res
        row = {"layer": spec.index, "shape": f"{spec.in_ch}@{res}² → {spec.out_ch}@{spec.res}²"}
        for batch in BATCHES:
            x = torch.randn(batch, spec.in_ch, res, res, generator=gen).contiguous(memory_format=fmt)
            a, b = torch.rand(batch, spec.in_ch, generator=gen) + 0.5, torch.randn(batch, spec.in_ch, generator=gen)
            scale, shift = torch.rand(batch, spec.out_ch, generator=gen) + 0.5, torch.randn(batch, spec.out_ch)
            runs = {}
            for name, kernel in kernels.items():
                act = Activation(x) if name == "direct" else Activation(x, a, b)
                runs[name] = (lambda k=kernel, act=act, scale=scale, shift=shift: k(act, scale, shift), batch)
            with torch.inference_mode():
                row[f"batch{batch}_ms"] = medians(runs, repeat if batch == 1 else max(3, repeat // 2))
        b1, b8 = row["batch1_ms"], row["batch8_ms"]
        best = min(b1, key=b1.get)
        rival = min(b8, key=b8.get)
        if rival != best and b8[best] - b8[rival] > b1[rival] - b1[best]:
            best = rival
        row["best"] = best
        out[spec.index] = row
        print(json.dumps(row), flush=True) if os.environ.get("VERBOSE") else None
    return out


def synthesis_timings(module, plans: dict, repeat: int) -> dict:
    gens = {name: StyleGANGenerator(module, "cpu", "float32", plan=plan) for name, plan in plans.items()}
    w = torch.randn(8, 512, generator=torch.Generator().manual_seed(2))
    result = {}
    for batch in BATCHES:
        runs = {name: (lambda g=g, w=w[:batch]: g.synthesis(w), batch) for name, g in gens.items()}
        result[f"batch{batch}_ms_per_frame"] = medians(runs, repeat if batch == 1 else max(3, repeat // 2))
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--bands", action="store_true", help="also time band sizes of the Winograd kernels")
    parser.add_argument("--out", type=Path, help="also write the JSON here (e.g. benchmarks/data/face_conv_plan.json)")
    args = parser.parse_args()
    if not jit.available():
        raise SystemExit("numba (with OpenMP or TBB) is not installed: only the direct kernels can run here")
    torch.set_num_threads(os.cpu_count() or 1)
    module = random_module()
    result: dict = {"benchmark": "face_conv_plan", "machine": machine(), "torch": torch.__version__,
                    "cpu_capability": torch.backends.cpu.get_cpu_capability(), "threads": torch.get_num_threads(),
                    "repeat": args.repeat}
    layers = layer_timings(module, args.repeat)
    result["layers"] = list(layers.values())
    best = Plan("best", tuple(layers[i]["best"] for i in range(1, 14)))
    result["best"] = list(best.kernels)
    result["code_plan"] = list(CPU_COMPILED.kernels)
    result["code_plan_is_best"] = best.kernels == CPU_COMPILED.kernels
    plans = {"code": CPU_COMPILED, "direct": DIRECT, "winograd_phases": WINOGRAD}
    if best.kernels != CPU_COMPILED.kernels:
        plans["best"] = best
    result["synthesis"] = synthesis_timings(module, plans, args.repeat)
    if args.bands:
        default = winograd.BAND_BYTES
        bands = {}
        try:
            for mb in (4, 8, 12, 32, 1024):
                winograd.BAND_BYTES = mb << 20
                bands[f"{mb}MB"] = synthesis_timings(module, {"code": CPU_COMPILED}, args.repeat)
        finally:
            winograd.BAND_BYTES = default
        result["band_bytes"] = {"in_code_MB": default >> 20, "synthesis_ms_per_frame": bands}
    result["cpu_busy_after"] = machine()["cpu_busy_before"]
    emit(result)
    if args.out:
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
