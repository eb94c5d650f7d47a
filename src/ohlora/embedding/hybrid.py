"""Weighted concatenation of the n-gram and e5 embedders."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ohlora.embedding.e5 import E5Embedder
from ohlora.embedding.ngram import NgramEmbedder


class HybridEmbedder:
    """[sqrt(w) * ngram, sqrt(1 - w) * e5], renormalised; its cosine is w·cos_ngram + (1-w)·cos_e5.

    The n-gram part catches shared words and topics (our lexicon), e5 catches meaning that the
    lexicon does not list. The e5 half is centred (see `E5Embedder`), which puts both halves on a
    comparable scale (raw e5 vectors score unrelated lines high, which made the mix worse).
    `ngram_weight` 0.5 sits between the best weights on the probe set's dev split for memory
    retrieval and for paraphrases.

    `memory_threshold`: see `Embedder`; `benchmarks/embedder_compare.py` prints its precision and recall.
    """

    memory_threshold = 0.24

    def __init__(self, ngram: NgramEmbedder, e5: E5Embedder, ngram_weight: float = 0.5) -> None:
        if not 0.0 < ngram_weight < 1.0:
            raise ValueError(f"ngram_weight must be strictly between 0 and 1, got {ngram_weight}")
        if ngram.dim + e5.dim > 1024:
            raise ValueError(f"ngram.dim + e5.dim must be <= 1024, got {ngram.dim + e5.dim}")
        self._ngram = ngram
        self._e5 = e5
        self._scales = (math.sqrt(ngram_weight), math.sqrt(1.0 - ngram_weight))
        self.dim = ngram.dim + e5.dim
        default = ngram.name == "ngram-v1" and e5.name == "e5-small-4bit" and ngram_weight == 0.5
        self.name = "hybrid-v1" if default else f"hybrid-v1-custom({ngram.name},{e5.name},{ngram_weight})"

    @classmethod
    def default(cls) -> HybridEmbedder:
        return cls(NgramEmbedder(), E5Embedder())

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode `texts` as unit-norm float32 rows; blank texts give zero rows."""
        left = self._ngram.encode(texts) * np.float32(self._scales[0])
        right = self._e5.encode(texts) * np.float32(self._scales[1])
        out = np.concatenate([left, right], axis=1)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out.astype(np.float32, copy=False)
