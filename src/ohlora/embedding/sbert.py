"""The released memory S-BERT (spec conversation §6.2, §7) through sentence-transformers.

The model is composed the way the original composed it, not read from the folder's
`modules.json`: a Transformer module over the folder with `max_seq_length=64` and
`do_lower_case=True`, then mean pooling. Texts are encoded in batches and returned as float32
unit vectors (the original computed cosines by hand on the raw vectors; normalising first gives
the same cosines with one dot product). Blank texts give zero rows, as the `Embedder` protocol asks.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from sentence_transformers import SentenceTransformer

from ohlora import messages
from ohlora.devices import resolve_device
from ohlora.errors import MissingModel

MAX_SEQ_LENGTH = 64
BATCH_SIZE = 32
MEMORY_THRESHOLD = 0.95  # spec §3.4: the released memory S-BERT's cosine threshold


def _modules():
    try:  # sentence-transformers >= 6
        from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    except ImportError:  # pragma: no cover - older sentence-transformers
        from sentence_transformers.models import Pooling, Transformer
    return Pooling, Transformer


def load_sbert(path: Path | str, device: str = "auto", *, artifact_name: str = "sbert-memory") -> SentenceTransformer:
    """Transformer(max_seq_length=64, do_lower_case=True) + mean Pooling, in eval mode on `device`."""
    folder = Path(path)
    if not (folder / "config.json").is_file():
        raise MissingModel(messages.SBERT_MISSING.format(path=folder, name=artifact_name))
    Pooling, Transformer = _modules()
    word = Transformer(str(folder), max_seq_length=MAX_SEQ_LENGTH, do_lower_case=True)
    dim_of = getattr(word, "get_embedding_dimension", None) or word.get_word_embedding_dimension
    pooling = Pooling(dim_of(), pooling_mode="mean")
    model = SentenceTransformer(modules=[word, pooling], device=str(resolve_device(device)))
    model.eval()
    return model


def encode_unit(model: SentenceTransformer, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
    """(len(texts), dim) float32 rows with unit norm; zero rows for blank texts."""
    dim = _dimension(model)
    out = np.zeros((len(texts), dim), dtype=np.float32)
    keep = [i for i, t in enumerate(texts) if t and t.strip()]
    if not keep:
        return out
    with torch.inference_mode():
        vectors = model.encode(
            [texts[i] for i in keep],
            batch_size=batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
    out[keep] = np.asarray(vectors, dtype=np.float32)
    return out


def _dimension(model: SentenceTransformer) -> int:
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(getter())


class SBertEmbedder:
    """`Embedder` over the memory S-BERT: name "sbert-memory", threshold 0.95 (spec §3.4)."""

    name = "sbert-memory"
    memory_threshold = MEMORY_THRESHOLD

    def __init__(self, path: Path | str, device: str = "auto", *, batch_size: int = BATCH_SIZE):
        self.model = load_sbert(path, device, artifact_name="sbert-memory")
        self.dim = _dimension(self.model)
        self.batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return encode_unit(self.model, list(texts), self.batch_size)
