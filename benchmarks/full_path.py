"""The full path (transformers + peft + sentence-transformers): latency and memory, as JSON.

    python benchmarks/full_path.py                       # tiny self-made models (tests/tiny_models.py)
    python benchmarks/full_path.py --models ~/ohlora/models --device cuda   # the released models

Reports per-role generation latency (median over --runs, tokens per second), process memory
(RSS now and peak from /proc, Python-heap peak from tracemalloc), the bytes held by one shared
Polyglot base with two adapters against two separate copies (and what that means at the real
sizes, spec §6.1), and memory retrieval with --items stored memories on the S-BERT path through
`ohlora.memory.MemoryBook`. The tiny models say nothing about real speed; they measure our
overhead (prompt handling, stop checks, adapter switching, retrieval) and check the sharing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from _common import emit, machine, percentiles, src_on_path

src_on_path()
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from datetime import datetime  # noqa: E402

import torch  # noqa: E402

from ohlora.embedding.sbert import SBertEmbedder  # noqa: E402
from ohlora.mind.base import GenerationRequest, RoleInput  # noqa: E402
from ohlora.mind.hf import HFBackend  # noqa: E402
from ohlora.models.registry import artifact  # noqa: E402

NOW = datetime(2025, 6, 25, 14, 0)
INPUTS = {  # (user's words, her answer, temperature, max_new_tokens) as completion.py sends them
    "reply": ("로라야 안녕", None, 0.6, 96),
    "memory": ("나 떡볶이 진짜 좋아해", None, 0.6, 24),
    "summary": ("로라야 주말에 뭐 해?", " 친구랑 영화 볼 거야!", 0.6, 64),
    "expression": ("", " 우와 합격 축하해!!", 1.0, 36),
}
REAL_POLYGLOT_PARAMS = 1.43e9  # spec §6.1


def rss_mb() -> dict:
    """Resident memory now (VmRSS) and at its peak (VmHWM), in MB; empty where /proc is missing."""
    try:
        lines = Path("/proc/self/status").read_text().splitlines()
    except OSError:
        return {}
    values = {}
    for line in lines:
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = round(int(rest.split()[0]) / 1024, 1)
    return {"rss_mb": values.get("VmRSS"), "peak_rss_mb": values.get("VmHWM")}


def generation_latency(backend: HFBackend, runs: int) -> dict:
    out = {}
    for role, generator in backend.generators.items():
        text, answer, temperature, limit = INPUTS[role]
        role_input = RoleInput(user="bench", text=text, now=NOW, answer=answer)
        times, tokens = [], []
        tracemalloc.start()
        for trial in range(runs + 1):
            request = GenerationRequest(role, role_input, temperature, limit, trial)
            start = time.perf_counter()
            result = generator.generate(request)
            if trial:  # the first call warms caches
                times.append((time.perf_counter() - start) * 1000)
                tokens.append(result.new_tokens)
        _, heap_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        median_ms = statistics.median(times)
        out[role] = {
            "generator": generator.name,
            "latency_ms": percentiles(times),
            "new_tokens_median": statistics.median(tokens),
            "tokens_per_s": round(statistics.median(tokens) / median_ms * 1000, 1) if median_ms else None,
            "python_heap_peak_kb": round(heap_peak / 1024, 1),
            **rss_mb(),
        }
    return out


def sharing(root: Path, device: str, dtype: str) -> dict:
    shared = HFBackend(root, device, dtype, roles=("memory", "expression"))
    shared_bytes = shared.parameter_bytes()
    model = shared.model("memory")
    base_bytes = sum(p.numel() * p.element_size() for n, p in model.named_parameters() if "lora_" not in n)
    base_params = sum(p.numel() for n, p in model.named_parameters() if "lora_" not in n)
    del shared, model
    separate_bytes = sum(HFBackend(root, device, dtype, roles=(r,)).parameter_bytes() for r in ("memory", "expression"))
    return {
        "shared_base_bytes": shared_bytes,
        "separate_copies_bytes": separate_bytes,
        "saved_bytes": separate_bytes - shared_bytes,
        "base_params": base_params,
        "base_bytes": base_bytes,
        "real_polyglot_bf16_saved_gb": round(REAL_POLYGLOT_PARAMS * 2 / 1e9, 2),
    }


def retrieval(root: Path, device: str, items: int, queries: int) -> dict:
    from memory_retrieval import measure

    return {**measure(SBertEmbedder(artifact("sbert-memory").path(root), device), items, queries), **rss_mb()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", type=Path, default=None, help="a models root; default: build tiny models")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dtype", default="auto")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    report: dict = {"benchmark": "full_path", "machine": machine(), "torch_threads": torch.get_num_threads()}
    with tempfile.TemporaryDirectory() as tmp:
        root = args.models
        if root is None:
            from tiny_models import build_tiny_models

            root = Path(tmp)
            start = time.perf_counter()
            build_tiny_models(root)
            report["models"] = "tiny (tests/tiny_models.py)"
            report["build_tiny_models_s"] = round(time.perf_counter() - start, 2)
        else:
            report["models"] = str(root)
        report["before_load"] = rss_mb()
        start = time.perf_counter()
        backend = HFBackend(root, args.device, args.dtype, seed=0)
        report["load_s"] = round(time.perf_counter() - start, 2)
        report["after_load"] = rss_mb()
        report["backend"] = backend.describe()
        report["generation"] = generation_latency(backend, args.runs)
        del backend
        report["sharing"] = sharing(root, args.device, args.dtype)
        report["retrieval"] = retrieval(root, args.device, args.items, args.queries)
    emit(report)


if __name__ == "__main__":
    main()
