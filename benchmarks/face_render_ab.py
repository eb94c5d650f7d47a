"""Face render speed of two source trees side by side, in one run: the default StyleGAN path (synthesis
alone, and the fresh frame of `face_render.py`: synthesis, hair mask and ombre) at batch 1 and 8.

    python benchmarks/face_render_ab.py --before /tmp/face_before/src [--after src] [--rounds 15]

Each tree runs in its own worker process (PYTHONPATH at its `src`); the parent asks them for one
round of measurements in turn, alternating which goes first, so both see the same machine load. Only
public entry points are used (`load_generator`, `StyleGANFace`, `HairSegmenter`, `apply_ombre`), so
an older tree runs unchanged. Both load the same random generator file (released shapes) and render
the same w: the JSON gives medians per tree and the largest pixel difference between them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORKLOADS = ("synthesis_b1", "synthesis_b8", "fresh_frame_b1", "fresh_frame_b8")
QUIET = 0.1


def worker(weights: Path) -> None:
    """Serve rounds on stdin/stdout: "round" → one timing per workload (ms per frame), "pixels" → a hash
    of one rendered frame and its raw bytes' path."""
    import numpy as np
    import torch

    try:
        from ohlora.face.generator import load_generator
    except ImportError:  # a tree from before face.generator
        from ohlora.face.stylegan import load_generator
    from ohlora.face.animator import ombre_cycle
    from ohlora.face.base import Expression
    from ohlora.face.hair import HairSegmenter, HairStudent
    from ohlora.face.ombre import apply_ombre
    from ohlora.face.stylegan_face import StyleGANFace
    from ohlora.face.vectors import GROUPS, VectorFind, builtin_catalogue

    torch.set_num_threads(os.cpu_count() or 1)
    generator = load_generator(weights, "cpu", "float32")
    rng = np.random.default_rng(0)
    faces = builtin_catalogue("v8")
    directions = {}
    for group in GROUPS["v8"]:
        d = rng.standard_normal((3, 512))
        directions[group] = d / np.linalg.norm(d, axis=1, keepdims=True)
    vectors = VectorFind("v8", faces, rng.standard_normal((len(faces), 519)), directions)
    torch.manual_seed(0)
    segmenter = HairSegmenter(HairStudent().eval(), "cpu")
    face = StyleGANFace(generator, vectors, faces[0], segmenter)
    w = np.random.default_rng(1).standard_normal((8, 512)).astype(np.float32)
    counter = iter(range(10**9))

    def fresh(batch: int) -> None:
        n = next(counter)
        for i, d in enumerate(face.draw([Expression(eyes=0.1 * ((n + i) % 9)) for i in range(batch)])):
            apply_ombre(d.rgb, d.hair, *ombre_cycle(n + i))

    runs = {
        "synthesis_b1": (lambda: generator.synthesis(w[:1]), 1),
        "synthesis_b8": (lambda: generator.synthesis(w), 8),
        "fresh_frame_b1": (lambda: fresh(1), 1),
        "fresh_frame_b8": (lambda: fresh(8), 8),
    }
    for fn, _ in runs.values():  # warm-up: numba's compiled kernels, oneDNN primitives, allocations
        fn()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "round":
            out = {}
            for name, (fn, per) in runs.items():
                busy, cpu, t = _busy_seconds(), time.process_time(), time.perf_counter()
                fn()
                wall = time.perf_counter() - t
                others = (_busy_seconds() - busy - (time.process_time() - cpu)) / (wall * (os.cpu_count() or 1))
                out[name] = ((wall * 1000 / per), round(max(0.0, others), 3))
            print(json.dumps(out), flush=True)
        elif command.startswith("pixels "):
            path = Path(command.split(" ", 1)[1])
            np.save(path, generator.render(w))
            print(json.dumps({"saved": str(path)}), flush=True)
        elif command == "quit":
            return


def _busy_seconds() -> float:
    """CPU seconds all processes have been busy since boot (/proc/stat; 0 where unknown)."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return 0.0
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def _random_weights(path: Path) -> None:
    """A generator file with the released keys and shapes, random values (face_render.random_state_dict)."""
    import torch

    from face_render import random_state_dict

    torch.save(random_state_dict("v8"), path)


class Tree:
    def __init__(self, name: str, src: Path, weights: Path) -> None:
        self.name, self.src = name, src
        env = dict(os.environ, PYTHONPATH=str(src))
        self.proc = subprocess.Popen([sys.executable, __file__, "--worker", str(weights)], env=env, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.ask(None)

    def ask(self, command: str | None) -> dict:
        if command is not None:
            self.proc.stdin.write(command + "\n")
            self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.name} worker ({self.src}) stopped")
        return json.loads(line)

    def close(self) -> None:
        self.proc.stdin.write("quit\n")
        self.proc.stdin.flush()
        self.proc.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, help="the src folder of the tree to compare with (required)")
    parser.add_argument("--after", type=Path, default=Path(__file__).resolve().parent.parent / "src")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    if args.before is None:
        parser.error("--before is required")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import numpy as np

    from _common import emit, machine

    with tempfile.TemporaryDirectory() as tmp:
        weights = Path(tmp) / "stylegan_gen_vector_find_v8.pth"
        _random_weights(weights)
        trees = [Tree("before", args.before.resolve(), weights), Tree("after", args.after.resolve(), weights)]
        samples: dict[str, dict[str, list[tuple[float, float]]]] = {t.name: {k: [] for k in WORKLOADS} for t in trees}
        started = time.perf_counter()
        for r in range(args.rounds):
            for tree in trees if r % 2 == 0 else trees[::-1]:
                for name, (ms, others) in tree.ask("round").items():
                    samples[tree.name][name].append((ms, others))
        frames = {}
        for tree in trees:
            path = Path(tmp) / f"{tree.name}.npy"
            tree.ask(f"pixels {path}")
            frames[tree.name] = np.load(path).astype(int)
            tree.close()
    def median(values: list[float]) -> float | None:
        return round(statistics.median(values), 1) if values else None

    medians = {t: {k: median([ms for ms, _ in v]) for k, v in s.items()} for t, s in samples.items()}
    quiet = {t: {k: median([ms for ms, o in v if o < QUIET]) for k, v in s.items()} for t, s in samples.items()}
    # each round's after / before, measured next to each other: the machine's load mostly cancels out
    paired = {k: round(statistics.median(a[0] / b[0] for a, b in zip(samples["after"][k], samples["before"][k],
                                                                     strict=True)), 3) for k in WORKLOADS}
    diff = np.abs(frames["before"] - frames["after"])
    emit({
        "benchmark": "face_render_ab", "machine": machine(), "rounds": args.rounds,
        "seconds": round(time.perf_counter() - started, 1),
        "trees": {t.name: str(t.src) for t in trees},
        "note": f"'quiet': calls during which other processes used < {QUIET:.0%} of the CPU",
        "median_ms_per_frame": medians,
        "quiet_median_ms_per_frame": quiet,
        "quiet_calls": {t: {k: sum(o < QUIET for _, o in v) for k, v in s.items()} for t, s in samples.items()},
        "after_vs_before_median_of_paired_ratios": paired,
        "samples_ms_and_others_load": {t: {k: [(round(ms, 1), o) for ms, o in v] for k, v in s.items()}
                                       for t, s in samples.items()},
        "pixels_max_abs_diff": int(diff.max()), "pixels_differing_share": round(float((diff > 0).mean()), 6),
    })


if __name__ == "__main__":
    main()
