"""Embedder protocol: texts in, L2-normalised dense float32 vectors out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """Texts in, unit vectors out.

    `memory_threshold` is chosen by `benchmarks/embedder_compare.py` on
    `benchmarks/data/embedder_probes.jsonl`: the lowest cosine at which at least 72 % of the memories
    retrieved are the intended ones (the original's S-BERT at 0.95 ran at about 56 % precision and
    33 % recall, spec §3.4), set halfway to the next lower observed score.
    """

    name: str  # stable id; stored next to cached vectors so a change of embedder re-encodes
    dim: int  # vector size (<= 1024 so that 10,000 cached memories stay small)
    memory_threshold: float  # default cosine threshold for "this memory is relevant"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return an array (len(texts), dim) of float32 rows with unit L2 norm (zero rows for empty text)."""
