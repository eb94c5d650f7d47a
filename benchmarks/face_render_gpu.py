"""Face render speed on a CUDA GPU: StyleGAN synthesis (fp32/bf16/fp16, batch 1/8, optionally
torch.compile), hair segmentation, the whole fresh frame (synthesis + mask on the GPU, ombre on the
host) and the displayed rate of a live animation; plus pixel parity of each dtype against fp32.

    python benchmarks/face_render_gpu.py [--device cuda] [--repeat 30] [--compile] [--seconds 10]

Weights are random tensors with the released shapes (speed does not depend on the values). Times
are wall-clock with `torch.cuda.synchronize()` around each call, so they include kernel launches
and, for whole frames, the copy of the image and mask back to the host.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import time

from _common import emit, machine, percentiles, src_on_path

src_on_path()

import numpy as np  # noqa: E402
import torch  # noqa: E402

from face_embedded import live  # noqa: E402
from face_render import frame_loops, random_module, random_vectors  # noqa: E402
from ohlora.devices import resolve_device  # noqa: E402
from ohlora.face import generator  # noqa: E402
from ohlora.face.generator import StyleGANGenerator  # noqa: E402
from ohlora.face.hair import HairSegmenter, HairStudent  # noqa: E402
from ohlora.face.ombre import apply_ombre  # noqa: E402
from ohlora.face.stylegan_face import StyleGANFace  # noqa: E402

DTYPES = ("float32", "bfloat16", "float16")


def cuda_timed(fn, repeat: int, per: int = 1) -> dict:
    for _ in range(3):  # warm-up: cuDNN algorithm choice, allocator
        fn()
    torch.cuda.synchronize()
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        samples.append((time.perf_counter() - t) * 1000 / per)
    return percentiles(samples)


@contextlib.contextmanager
def exact_float32_off():
    """Let the generator's float32 calls keep cuDNN's TF32 default (for comparison only)."""
    original = generator.exact_float32
    generator.exact_float32 = lambda device, dtype: contextlib.nullcontext()  # the name generator.py calls
    try:
        yield
    finally:
        generator.exact_float32 = original


def pixel_parity(a: np.ndarray, b: np.ndarray) -> dict:
    diff = np.abs(a.astype(int) - b.astype(int))
    return {"max": int(diff.max()), "share_differing": round(float((diff > 0).mean()), 5),
            "share_over_1": round(float((diff > 1).mean()), 5)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--compile", action="store_true", help="also torch.compile (default and reduce-overhead)")
    parser.add_argument("--seconds", type=float, default=10.0, help="live animation length (0: skip)")
    args = parser.parse_args()
    device = resolve_device(args.device)
    if device.type != "cuda":
        raise SystemExit("face_render_gpu.py measures a CUDA device; use face_render.py for the CPU")
    torch.backends.cudnn.benchmark = True
    props = torch.cuda.get_device_properties(device)
    out: dict = {"benchmark": "face_render_gpu", "machine": machine(), "torch": torch.__version__,
                 "gpu": props.name, "weights": "random values, released shapes"}
    module, vectors, student = random_module("v8"), random_vectors("v8"), HairStudent().eval()
    w = torch.from_numpy(np.random.default_rng(1).standard_normal((8, 512)).astype(np.float32))

    reference = StyleGANGenerator(module, "cpu", "float32", plan="direct").render(w[:2])
    gens, synth = {}, {}
    for name in DTYPES:
        gen = gens[name] = StyleGANGenerator(module, device, name)
        synth[name] = {f"batch{b}_ms_per_frame": cuda_timed(lambda g=gen, b=b: g.synthesis(w[:b]), args.repeat, per=b)
                       for b in (1, 8)}
        synth[name]["pixels_vs_cpu_fp32"] = pixel_parity(gen.render(w[:2]), reference)
    # what float32 costs with cuDNN's TF32 convolutions left on (the generator turns them off)
    loose = gens["float32"]
    with exact_float32_off():
        synth["float32_tf32"] = {
            "batch1_ms_per_frame": cuda_timed(lambda: loose.synthesis(w[:1]), args.repeat),
            "batch8_ms_per_frame": cuda_timed(lambda: loose.synthesis(w[:8]), args.repeat, per=8),
            "pixels_vs_cpu_fp32": pixel_parity(loose.render(w[:2]), reference),
        }
    out["tf32"] = {"cudnn_allow_tf32": torch.backends.cudnn.allow_tf32,
                   "matmul_allow_tf32": torch.backends.cuda.matmul.allow_tf32}
    out["synthesis"] = synth

    frame = gens["float32"].render_tensor(w[:1])
    segs, masks = {}, {}
    for name in DTYPES:
        seg = HairSegmenter(student, device, name)
        masks[name] = seg.predict_tensor(frame).float().cpu().numpy()
        segs[name] = {"ms": cuda_timed(lambda s=seg: s.predict_tensor(frame), args.repeat),
                      "max_abs_vs_fp32": round(float(np.abs(masks[name] - masks.get("float32", masks[name])).max()), 5)}
    out["segmentation"] = segs

    fresh = {}
    for name in ("float32", "float16"):
        seg = HairSegmenter(student, device, name)
        face = StyleGANFace(gens[name], vectors, vectors.face(None, random.Random(0)), seg, max_batch=8)
        one, eight = frame_loops(face)
        fresh[name] = {"single_ms": cuda_timed(one, args.repeat),
                       "batch8_ms_per_frame": cuda_timed(eight, max(5, args.repeat // 3), per=8)}
    out["fresh_frame"] = fresh

    if args.compile:
        compiled = {}
        for name, mode in (("float32", "default"), ("float16", "default"), ("float16", "reduce-overhead")):
            gen = StyleGANGenerator(module, device, name)
            gen._run = torch.compile(gen.synth, dynamic=False, mode=mode)
            t = time.perf_counter()
            gen.synthesis(w[:1])
            torch.cuda.synchronize()
            compiled[f"{name}_{mode}"] = {
                "first_call_s": round(time.perf_counter() - t, 1),
                "batch1_ms": cuda_timed(lambda g=gen: g.synthesis(w[:1]), args.repeat),
                "pixels_vs_eager": pixel_parity(gen.render(w[:1]), gens[name].render(w[:1])),
            }
        out["compiled"] = compiled

    if args.seconds > 0:
        # as the product runs: no cuDNN autotuning (new batch sizes would each pay for it)
        torch.backends.cudnn.benchmark = False
        face = StyleGANFace(gens["float32"], vectors, vectors.face(None, random.Random(0)),
                            HairSegmenter(student, device, "float32"), max_batch=8)
        out["live_stylegan_fp32"] = live(face, args.seconds, 30.0, apply_ombre)
    out["max_memory_allocated_mb"] = round(torch.cuda.max_memory_allocated(device) / 2**20, 1)
    emit(out)


if __name__ == "__main__":
    main()
