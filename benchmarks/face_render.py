"""Face render speed on this machine: StyleGAN synthesis (the reference module, and the generator with
direct or planned kernels: fp32/bf16, channels_last, batch 1/4/8, optionally torch.compile), hair
segmentation, ombre, and the whole fresh frame. `face_conv_plan.py` measures the per-layer kernel
choices; `face_render_ab.py` compares two source trees side by side.

    python benchmarks/face_render.py [--repeat 7] [--compile] [--models-dir DIR]

Weights are random tensors with the released shapes unless --models-dir holds the real files (speed
does not depend on the values). Every timed call records how much of the CPU *other* processes used
meanwhile; the "quiet" percentiles only count calls where that was < 10% (on a shared 2-core machine a
second busy process makes 2-thread torch many times slower, so the "all" figures can be misleading).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from _common import emit, machine, percentiles, src_on_path

src_on_path()

import numpy as np  # noqa: E402
import torch  # noqa: E402

from ohlora.face.animator import ombre_cycle  # noqa: E402
from ohlora.face.base import Expression  # noqa: E402
from ohlora.face.conv import jit  # noqa: E402
from ohlora.face.generator import StyleGANGenerator  # noqa: E402
from ohlora.face.hair import HairSegmenter, HairStudent, load_hair_segmenter  # noqa: E402
from ohlora.face.ombre import apply_ombre  # noqa: E402
from ohlora.face.spec import state_dict_shapes  # noqa: E402
from ohlora.face.stylegan import StyleGANModule, load_module, module_from_state_dict, postprocess  # noqa: E402
from ohlora.face.stylegan_face import StyleGANFace, face_files  # noqa: E402
from ohlora.face.vectors import GROUPS, VectorFind, builtin_catalogue, load_vectorfind  # noqa: E402

GOAL_MS = 130.0
ORIGINAL_MS = 390.0


def _busy_ticks() -> int | None:
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return None
    return sum(fields) - fields[3] - fields[4]


class OtherLoad:
    """The share of all cores used by *other* processes during a block: /proc/stat busy time minus
    this process's CPU time, over wall time × cores (0..1; -1 where unknown)."""

    def __enter__(self) -> OtherLoad:
        self.busy0, self.cpu0, self.t0 = _busy_ticks(), time.process_time(), time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        busy1, cpu1, t1 = _busy_ticks(), time.process_time(), time.perf_counter()
        self.value = -1.0
        if self.busy0 is not None and busy1 is not None and t1 > self.t0:
            busy = (busy1 - self.busy0) / os.sysconf("SC_CLK_TCK")
            self.value = round(max(0.0, busy - (cpu1 - self.cpu0)) / ((t1 - self.t0) * (os.cpu_count() or 1)), 3)


def wait_idle(max_s: float, quiet_s: float = 4.0) -> float:
    """Wait (at most max_s) until other processes have used < 10% of the CPU for quiet_s; returns the wait."""
    start = time.perf_counter()
    while time.perf_counter() - start < max_s:
        with OtherLoad() as load:
            time.sleep(quiet_s)
        if 0 <= load.value < 0.1:
            break
    return round(time.perf_counter() - start, 1)


QUIET = 0.1  # samples taken while others used less than this share of the CPU count as "quiet"


def timed(fn, repeat: int, per: int = 1, wait_s: float = 0.0) -> dict:
    """ms per item over `repeat` calls; every call records the others' CPU share, and the quiet calls
    (others < 10%) get their own percentiles: those are the figures to quote."""
    waited = wait_idle(wait_s) if wait_s > 0 else 0.0
    fn()  # warm-up (allocations, oneDNN primitive creation)
    samples = []
    for _ in range(repeat):
        with OtherLoad() as load:
            t = time.perf_counter()
            fn()
            ms = (time.perf_counter() - t) * 1000 / per
        samples.append((ms, load.value))
    quiet = [ms for ms, other in samples if 0 <= other < QUIET]
    return {
        "quiet": percentiles(quiet) if quiet else None,
        "all": percentiles([ms for ms, _ in samples]),
        "others_busy_median": statistics.median(o for _, o in samples),
        "waited_for_idle_s": waited,
    }


def quiet_p50(result: dict) -> float | None:
    return result["quiet"]["p50"] if result.get("quiet") else None


def random_module(version: str = "v8", seed: int = 0) -> StyleGANModule:
    return module_from_state_dict(random_state_dict(version, seed))


def random_state_dict(version: str = "v8", seed: int = 0) -> dict[str, torch.Tensor]:
    """Random values with the released keys and shapes (speed does not depend on the values)."""
    gen = torch.Generator().manual_seed(seed)
    blur = torch.outer(torch.tensor([1.0, 2.0, 1.0]), torch.tensor([1.0, 2.0, 1.0])) / 16
    state = {}
    for key, shape in state_dict_shapes(version).items():
        if key == "synthesis.lod":
            state[key] = torch.zeros(())
        elif key.endswith("blur.kernel"):
            state[key] = blur.expand(shape).clone()
        elif key.endswith("bias") or key.endswith("apply_noise.weight"):
            state[key] = 0.1 * torch.randn(shape, generator=gen)
        else:
            state[key] = torch.randn(shape, generator=gen) / (0.01 if key.startswith("mapping.dense") else 1)
    return state


def random_vectors(version: str = "v8") -> VectorFind:
    rng = np.random.default_rng(0)
    faces = builtin_catalogue(version)
    dirs = {}
    for g in GROUPS[version]:
        d = rng.standard_normal((3, 512))
        dirs[g] = d / np.linalg.norm(d, axis=1, keepdims=True)
    return VectorFind(version, faces, rng.standard_normal((len(faces), 512 + (7 if version == "v8" else 3))), dirs)


def hair_band_mask() -> np.ndarray:
    """A plausible hair mask (224²): a thick arch around the face, fully confident."""
    y, x = np.mgrid[0:224, 0:224]
    r = np.hypot((y - 120) / 1.1, x - 112)
    return ((r > 70) & (r < 105) & (y > 10)).astype(np.float32)


def frame_loops(face: StyleGANFace) -> tuple[Callable[[], None], Callable[[], None]]:
    """Two timed workloads on a face: one fresh frame (a slightly different expression each call) and
    eight fresh frames in one batch, each with its hair mask and ombre."""
    counter = iter(range(10**9))

    def one() -> None:
        n = next(counter)
        d = face.draw([Expression(eyes=0.2 + 0.01 * (n % 7))])[0]
        apply_ombre(d.rgb, d.hair, *ombre_cycle(n))

    def eight() -> None:
        for i, d in enumerate(face.draw([Expression(eyes=0.1 * i) for i in range(8)])):
            apply_ombre(d.rgb, d.hair, *ombre_cycle(i))

    return one, eight


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--wait-idle", type=float, default=60.0,
                        help="before each section, wait up to this many seconds for the CPU to be idle")
    parser.add_argument("--compile", action="store_true", help="also measure torch.compile (cold compile is slow)")
    parser.add_argument("--bf16", action="store_true", help="also measure bfloat16 (slow without AVX512-BF16/AMX)")
    parser.add_argument("--models-dir", type=Path, default=None, help="use the real weights under this models root")
    parser.add_argument("--version", default="v8")
    args = parser.parse_args()
    torch.set_num_threads(os.cpu_count() or 1)
    wait = args.wait_idle
    out: dict = {
        "benchmark": "face_render", "machine": machine(), "torch": torch.__version__,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(), "threads": torch.get_num_threads(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "(default)"),
        "goal_ms": GOAL_MS, "original_ms_estimate": ORIGINAL_MS,
        "note": "quote the 'quiet' figures (calls during which other processes used < 10% of the CPU)",
    }
    if args.models_dir:
        files = face_files(args.models_dir, args.version)
        module = load_module(files[f"stylegan-{args.version}"])
        vectors = load_vectorfind(args.models_dir, args.version)
        student = load_hair_segmenter(files["hair-segmentation"], "cpu").model
        out["weights"] = f"released files from {args.models_dir}"
    else:
        module, vectors, student = random_module(args.version), random_vectors(args.version), HairStudent().eval()
        out["weights"] = "random values, released shapes"
    w_all = np.random.default_rng(1).standard_normal((8, 512)).astype(np.float32)

    configs = {
        "fp32_nchw_direct": dict(dtype="float32", channels_last=False),
        # what an install without numba (or with torch.compile) runs: the device library's convolutions
        "fp32_channels_last_direct": dict(dtype="float32", channels_last=True, plan="direct"),
        # the default: face.conv.plan.CPU_COMPILED (compiled Winograd kernels, numba)
        "fp32_channels_last_auto": dict(dtype="float32", channels_last=True, plan="auto"),
    }
    out["numba"] = jit.available()
    if args.bf16:
        configs["bf16_channels_last"] = dict(dtype="bfloat16", channels_last=True)
    generators, gen_results = {}, {}
    with torch.inference_mode():  # the reference module, literally the original's ops (float32)
        gen_results["reference_module"] = {"batch1_ms_per_frame": timed(
            lambda: module.synthesis(torch.from_numpy(w_all[:1])), max(3, args.repeat // 3), wait_s=wait)}
    for name, cfg in configs.items():
        gen = generators[name] = StyleGANGenerator(module, "cpu", **cfg)
        gen_results[name] = {"config": cfg, "plan": gen.plan.name, "kernels": list(gen.plan.kernels)}
        t = time.perf_counter()
        gen.synthesis(w_all[:1])  # compiles the numba kernels on a cold cache
        gen_results[name]["first_call_s"] = round(time.perf_counter() - t, 2)
        for batch in (1, 4, 8):
            gen_results[name][f"batch{batch}_ms_per_frame"] = timed(
                lambda g=gen, w=w_all[:batch]: g.synthesis(w), args.repeat if batch == 1 else max(3, args.repeat // 3),
                per=batch, wait_s=wait)
    out["generator"] = gen_results

    default = generators["fp32_channels_last_auto"]
    frame = default.render(w_all[:1])
    raw = default.synthesis(w_all[:1])
    out["postprocess_ms"] = timed(lambda: postprocess(raw), args.repeat * 3, wait_s=wait)
    segs: dict = {"note": "fold=True (the default) runs BatchNorm-folded copies of the encoder and decoder; "
                          "batch8 is ms per frame"}
    frames8 = np.repeat(frame, 8, axis=0)
    for name, opts in {"original_layout": dict(channels_last=False, fold=False),
                       "channels_last": dict(channels_last=True, fold=False),
                       "channels_last_folded": dict(channels_last=True, fold=True)}.items():
        seg = HairSegmenter(student, "cpu", **opts)
        segs[name] = timed(lambda s=seg: s.predict(frame), args.repeat * 2, wait_s=wait)
        if name != "channels_last":
            segs[f"{name}_batch8"] = timed(lambda s=seg: s.predict(frames8), max(3, args.repeat // 3), per=8,
                                           wait_s=wait)
    out["segmentation_ms"] = segs
    mask = hair_band_mask()
    out["ombre_ms"] = timed(lambda: apply_ombre(frame[0], mask, *ombre_cycle(37)), args.repeat * 5, wait_s=wait)

    segmenter = HairSegmenter(student, "cpu")  # defaults: channels_last + folded encoder and head
    face = StyleGANFace(default, vectors, vectors.face(None, random.Random(0)), segmenter)

    one_frame, eight_frames = frame_loops(face)

    fresh = {}
    for threads in sorted({1, os.cpu_count() or 1}, reverse=True):
        torch.set_num_threads(threads)
        fresh[f"threads{threads}"] = {
            "single_ms": timed(one_frame, args.repeat, wait_s=wait),
            "batch8_ms_per_frame": timed(eight_frames, max(3, args.repeat // 3), per=8, wait_s=wait),
        }
    torch.set_num_threads(os.cpu_count() or 1)
    out["fresh_frame"] = fresh

    if args.compile:  # last: inductor leaves compile workers and caches behind
        try:
            gen = StyleGANGenerator(module, "cpu", **configs["fp32_channels_last_auto"], compile=True)
            t = time.perf_counter()
            gen.synthesis(w_all[:1])
            first = time.perf_counter() - t
            out["compiled_fp32_channels_last"] = {
                "first_call_s": round(first, 1),
                "max_abs_diff_vs_eager": float((gen.synthesis(w_all[:1]) - raw).abs().max()),
                "batch1_ms_per_frame": timed(lambda: gen.synthesis(w_all[:1]), args.repeat, wait_s=wait),
            }
            t = time.perf_counter()
            seg = HairSegmenter(student, "cpu", compile=True)
            seg.predict(frame)
            compiled_frame, _ = frame_loops(StyleGANFace(gen, vectors, face.entry, seg))

            out["compiled_segmentation"] = {
                "first_call_s": round(time.perf_counter() - t, 1),
                "ms": timed(lambda: seg.predict(frame), args.repeat * 2, wait_s=wait),
            }
            out["compiled_fresh_frame_single_ms"] = timed(compiled_frame, args.repeat, wait_s=wait)
        except Exception as exc:  # compile needs a working C compiler; report, do not fail
            out["compiled_fp32_channels_last"] = {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}

    single = quiet_p50(fresh[f"threads{os.cpu_count() or 1}"]["single_ms"])
    out["fresh_frame_quiet_p50_ms"] = single
    batch8 = quiet_p50(fresh[f"threads{os.cpu_count() or 1}"]["batch8_ms_per_frame"])
    out["fresh_frame_batch8_quiet_p50_ms_per_frame"] = batch8
    out["goal_met"] = None if single is None else single <= GOAL_MS
    out["goal_met_batch8"] = None if batch8 is None else batch8 <= GOAL_MS
    out["cpu_busy_after"] = machine()["cpu_busy_before"]
    emit(out)


if __name__ == "__main__":
    main()
