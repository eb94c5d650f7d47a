"""Embedded face speed: ms per frame (face, ombre, both) and the displayed frame rate of a live animation.

    python benchmarks/face_embedded.py [--seconds 10] [--fps 30] [--models-dir DIR --version v8]

Prints one JSON object. The CPU is shared on small machines: the busy fraction of all CPUs is
measured before and during each part (from /proc/stat); figures taken on a busy machine are slower.
With `--models-dir` (a folder with the StyleGAN-VectorFind files) the live animation is also run
with the StyleGAN face, to show that a slow renderer slows the fresh-render rate, not the animation.
"""

from __future__ import annotations

import argparse
import random
import time

from _common import cpu_busy_fraction, emit, machine, percentiles, src_on_path

src_on_path()

from ohlora.clock import SystemClock  # noqa: E402
from ohlora.face.animator import Animator, FramePipeline, Timing  # noqa: E402
from ohlora.face.base import Expression, Face  # noqa: E402
from ohlora.face.procedural import ProceduralFace  # noqa: E402
from ohlora.face.sinks import run_display  # noqa: E402


class CpuMeter:
    """Busy fraction of all CPUs between start() and stop() (-1 where /proc/stat is missing)."""

    @staticmethod
    def _sample() -> tuple[int, int] | None:
        try:
            with open("/proc/stat") as f:
                fields = [int(x) for x in f.readline().split()[1:]]
        except OSError:
            return None
        return fields[3] + fields[4], sum(fields)

    def __enter__(self) -> CpuMeter:
        self._start = self._sample()
        self.busy = -1.0
        return self

    def __exit__(self, *exc) -> None:
        end = self._sample()
        if self._start and end and end[1] > self._start[1]:
            self.busy = round(1 - (end[0] - self._start[0]) / (end[1] - self._start[1]), 3)



class _Discard:
    """A sink that drops the frames: the display loop's cost without a window."""

    def show(self, rgb) -> None:
        pass

    def close(self) -> None:
        pass

def animation_expressions(n: int, seed: int) -> list[Expression]:
    """What a live face draws: the animator's expressions at 30 fps with an answer every 6 s."""
    from datetime import datetime

    from ohlora.clock import ManualClock

    clock = ManualClock(datetime(2025, 6, 25, 14, 0))
    rng = random.Random(seed)
    animator = Animator(clock, rng)
    out = []
    for i in range(n):
        clock.advance(1 / 30)
        if i % 180 == 30:
            animator.answered(Expression(rng.uniform(-1.2, 0.2), rng.uniform(-1.6, -0.4), rng.uniform(-1.5, 0.6)))
        out.append(animator.state_at().expression)
    return out


def time_frames(face: Face, expressions: list[Expression], ombre) -> dict:
    face_ms, ombre_ms, both_ms = [], [], []
    for i, e in enumerate(expressions):
        t0 = time.perf_counter()
        drawn = face.draw([e])[0]
        t1 = time.perf_counter()
        if ombre is not None:
            ombre(drawn.rgb, drawn.hair, (i % 360) / 360, 0.6, 0.4)
        t2 = time.perf_counter()
        face_ms.append((t1 - t0) * 1000)
        ombre_ms.append((t2 - t1) * 1000)
        both_ms.append((t2 - t0) * 1000)
    out = {"face_ms": percentiles(face_ms)}
    if ombre is not None:
        out["ombre_ms"] = percentiles(ombre_ms)
        out["face_plus_ombre_ms"] = percentiles(both_ms)
        out["face_plus_ombre_fps_p50"] = round(1000 / out["face_plus_ombre_ms"]["p50"], 1)
    return out


def live(face: Face, seconds: float, fps: float, ombre) -> dict:
    """A real-clock animation: display loop at `fps`, render worker behind it, answers at 1 s and 5 s."""
    rng = random.Random(3)
    animator = Animator(SystemClock(), rng, Timing(idle_finish_s=None))
    answers = [1.0, 5.0]
    start = time.monotonic()

    def events() -> bool:
        if answers and time.monotonic() - start >= answers[0]:
            answers.pop(0)
            pipeline.answered(Expression(-1.0, -1.3, -1.2))
        return False

    with CpuMeter() as cpu, FramePipeline(face, animator, ombre=ombre) as pipeline:
        stats = run_display(pipeline, [_Discard()], fps, duration_s=seconds, should_stop=events)
    return {
        "target_fps": fps,
        "displayed_fps": round(stats.fps, 2),
        "frames": stats.frames,
        "fresh_fraction": round(stats.fresh / max(1, stats.frames), 3),
        "mean_lag_weight": round(pipeline.stats.mean_lag, 4),
        "ms_per_render": round(pipeline.stats.ms_per_render, 2),
        "renders": pipeline.stats.rendered,
        "render_batches": pipeline.stats.batches,
        "largest_batch": pipeline.stats.largest_batch,
        "cpu_busy_during": cpu.busy,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--models-dir", default=None)
    parser.add_argument("--version", default="v8")
    args = parser.parse_args()

    result: dict = {"machine": machine()}
    try:
        from ohlora.face.ombre import apply_ombre as ombre
    except ImportError as exc:
        ombre = None
        result["ombre_unavailable"] = str(exc)

    t0 = time.perf_counter()
    face = ProceduralFace()
    result["embedded_build_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    rng = random.Random(0)
    cold = [Expression(rng.uniform(-1.5, 1.5), rng.uniform(-2.0, 2.0), rng.uniform(-2.0, 1.0)) for _ in range(args.frames)]
    with CpuMeter() as cpu:
        result["embedded_random_expressions"] = time_frames(ProceduralFace(), cold, ombre)  # caches cold
    result["embedded_random_expressions"]["cpu_busy_during"] = cpu.busy
    with CpuMeter() as cpu:
        result["embedded_animation"] = time_frames(face, animation_expressions(args.frames, 1), ombre)
    result["embedded_animation"]["cpu_busy_during"] = cpu.busy
    result["embedded_live"] = live(face, args.seconds, args.fps, ombre)

    if args.models_dir:
        try:
            from ohlora.face.stylegan_face import load_stylegan_face
        except ImportError as exc:
            result["stylegan_live"] = {"skipped": f"StyleGAN path unavailable: {exc}"}
        else:
            t0 = time.perf_counter()
            stylegan = load_stylegan_face(args.models_dir, args.version, rng=random.Random(0), device="auto")
            load_s = time.perf_counter() - t0
            result["stylegan_live"] = {"face": stylegan.name, "load_s": round(load_s, 2),
                                       **live(stylegan, args.seconds, args.fps, ombre)}
    result["cpu_busy_after"] = cpu_busy_fraction()
    emit(result)


if __name__ == "__main__":
    main()
