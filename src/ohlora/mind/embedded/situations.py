"""Situations: what people tell her, each with answers that fit every way of telling it.

A situation (`data/situations.jsonl`, written for her) is one kind of message ("an exam coming up,
nervous", "lost my wallet", "recommend a late-night snack") with 10-14 examples of how people type
it and 5 answers in her voice that fit every one of them: the right thing named, the right time (a
coming exam is cheered on, a past one asked about), the right person. A message is matched to the
situations by the meaning of its words: multilingual-e5-small sentence vectors (the same encoder as
the ethics judge), nearest example first. The example vectors ship with the package
(`data/situations.npz`, float16, with each situation's key words) so that a fresh machine answers at once; `python -m
ohlora.mind.embedded.situations` writes them again after the examples change, and the loader
refuses vectors that do not belong to the examples (their digest is stored beside them).

The replier decides when a match is close enough to answer from (`replier.py`); this module only
finds and ranks them, and says what a situation is for: when (`future`, `past`, `now`, `any`) and
about whom (`user`, `other`, `her`).
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Protocol

import numpy as np

from ohlora import messages
from ohlora.errors import CorruptData
from ohlora.mind.embedded import analysis as an

Encoder = Callable[[Sequence[str]], np.ndarray]

DATA_FILE = "situations.jsonl"
VECTORS_FILE = "situations.npz"
WHEN = ("future", "past", "now", "any")
ABOUT = ("user", "other", "her")


@dataclass(frozen=True)
class Situation:
    id: str
    when: str  # future | past | now | any
    about: str  # user | other | her
    examples: tuple[str, ...]
    replies: tuple[str, ...]
    keys: frozenset[str] = frozenset()  # content words most of its examples share (see `key_words`)
    vocabulary: frozenset[str] = frozenset()  # content words at least two of its examples say


@dataclass(frozen=True)
class Match:
    score: float  # cosine of the message and the situation's nearest example
    situation: Situation
    example: str  # that example


def _data(name: str):
    return resources.files("ohlora.mind.embedded").joinpath("data", name)


def parse(lines: Sequence[str], source: str = DATA_FILE) -> tuple[Situation, ...]:
    """Situations from JSON lines; a malformed line is refused with its number."""
    found: list[Situation] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            item = Situation(id=str(row["id"]), when=str(row["when"]), about=str(row["about"]),
                             examples=tuple(str(e).strip() for e in row["examples"]),
                             replies=tuple(str(r).strip() for r in row["replies"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise CorruptData(messages.situations_bad_line(source, number, str(exc))) from exc
        if item.when not in WHEN or item.about not in ABOUT or not item.examples or not item.replies \
                or item.id in seen or not all(item.examples) or not all(item.replies):
            raise CorruptData(messages.situations_bad_line(source, number, item.id))
        seen.add(item.id)
        found.append(item)
    return tuple(found)


def load_situations() -> tuple[Situation, ...]:
    return parse(_data(DATA_FILE).read_text(encoding="utf-8").splitlines())


KEY_SHARE = 0.3  # a word in at least this share of a situation's examples is one of its key words
_CONTENT_TAGS = frozenset({"NNG", "NNP", "VV", "VA", "XR", "SL"})
# words that say nothing of what happened ('하다', '있다', '너무' are not content; these are, but of anything)
_WEAK = frozenset({"하다", "되다", "있다", "없다", "같다", "보다", "오늘", "요즘", "진짜", "그냥", "지금", "나", "너",
                   "로라", "오로라", "거", "것", "좀", "때", "중", "번", "이번", "다음", "어제", "내일", "아까", "방금"})


def content_words(analysis: an.Analysis) -> frozenset[str]:
    """The content words of an analysed text, in dictionary form ('망했어' → 망하다), fillers left out."""
    return frozenset(m.lemma for m in analysis.morphemes
                     if m.tag in _CONTENT_TAGS and m.lemma not in _WEAK and len(m.lemma) >= (1 if m.tag == "SL" else 2))


def key_words(examples: Sequence[str], analyze: Callable[[str], an.Analysis], share: float = KEY_SHARE) -> frozenset[str]:
    """The content words shared by at least `share` of the examples (at least two of them): what a
    message must say for the situation's answers to fit it ('시험', '망하다'; '친구', '싸우다')."""
    counts: dict[str, int] = {}
    for example in examples:
        for word in content_words(analyze(example)):
            counts[word] = counts.get(word, 0) + 1
    least = max(2, int(np.ceil(share * len(examples))))
    return frozenset(w for w, n in counts.items() if n >= least)


def digest(items: Sequence[Situation]) -> str:
    """What the example vectors were computed from (the examples, in order)."""
    h = hashlib.sha256()
    for item in items:
        for example in item.examples:
            h.update(example.encode("utf-8") + b"\n")
    return h.hexdigest()


def load_vectors(items: Sequence[Situation]) -> tuple[tuple[Situation, ...], np.ndarray]:
    """The situations with their shipped key words, and the example vectors (float32 rows, one per
    example in order); CorruptData when they were computed from other examples or cannot be read."""
    try:
        with np.load(io.BytesIO(_data(VECTORS_FILE).read_bytes()), allow_pickle=False) as z:
            stored, vectors = str(z["digest"]), z["vectors"].astype(np.float32)
            keys = json.loads(str(z["keys"]))
            vocabulary = json.loads(str(z["vocabulary"]))
    except (OSError, ValueError, KeyError) as exc:
        raise CorruptData(messages.situations_vectors_unreadable(VECTORS_FILE, str(exc))) from exc
    count = sum(len(i.examples) for i in items)
    if stored != digest(items) or vectors.shape[0] != count or not isinstance(keys, dict) \
            or not isinstance(vocabulary, dict):
        raise CorruptData(messages.situations_vectors_stale(VECTORS_FILE))
    keyed = tuple(replace(i, keys=frozenset(keys.get(i.id, ())), vocabulary=frozenset(vocabulary.get(i.id, ())))
                  for i in items)
    return keyed, vectors


class SituationLookup(Protocol):
    def nearest(self, text: str, top: int = 5) -> list[Match]: ...


class SituationIndex:
    """Finds the situations nearest to a message (implements the replier's situation lookup)."""

    def __init__(self, items: Sequence[Situation], vectors: np.ndarray, encoder: Encoder) -> None:
        vectors = np.asarray(vectors, dtype=np.float32)
        owners = [i for i, item in enumerate(items) for _ in item.examples]
        if vectors.shape[0] != len(owners):
            raise ValueError(f"{vectors.shape[0]} vectors for {len(owners)} examples")
        self.items = tuple(items)
        self._examples = [e for item in items for e in item.examples]
        self._owners = np.asarray(owners, dtype=np.int64)
        self._matrix = vectors
        self._encode = encoder

    @classmethod
    def shipped(cls, encoder: Encoder) -> SituationIndex:
        items, vectors = load_vectors(load_situations())
        return cls(items, vectors, encoder)

    def nearest(self, text: str, top: int = 5) -> list[Match]:
        """The `top` situations nearest to `text`, best first (each scored by its nearest example)."""
        if not text.strip() or not len(self._owners):
            return []
        vector = np.asarray(self._encode([text]), dtype=np.float32)[0]
        scores = self._matrix @ vector
        best = np.full(len(self.items), -np.inf, dtype=np.float32)
        where = np.full(len(self.items), -1, dtype=np.int64)
        found = 0
        for row in np.argsort(-scores, kind="stable").tolist():
            owner = int(self._owners[row])
            if where[owner] < 0:
                where[owner], best[owner] = row, scores[row]
                found += 1
                if found >= top:
                    break
        ranked = sorted((i for i in range(len(self.items)) if where[i] >= 0), key=lambda i: (-float(best[i]), i))
        return [Match(float(best[i]), self.items[i], self._examples[int(where[i])]) for i in ranked[:top]]


def compute_vectors(items: Sequence[Situation]) -> np.ndarray:
    """The example vectors the index ships with: e5 (centred) of each example's readable form."""
    from ohlora.embedding.e5 import E5Embedder
    from ohlora.ethics.normalize import readable

    embedder = E5Embedder()
    examples = [readable(e) for item in items for e in item.examples]
    return np.asarray(embedder.encode(examples), dtype=np.float32)


def main() -> None:  # pragma: no cover - maintenance command
    from ohlora.mind.embedded.analysis import Analyzer

    items = load_situations()
    vectors = compute_vectors(items)
    analyzer = Analyzer()
    keys = {i.id: sorted(key_words(i.examples, analyzer.analyze)) for i in items}
    vocabulary = {i.id: sorted(key_words(i.examples, analyzer.analyze, share=0.0)) for i in items}
    target = Path(__file__).resolve().parent / "data" / VECTORS_FILE
    np.savez_compressed(target, digest=np.array(digest(items)), vectors=vectors.astype(np.float16),
                        keys=np.array(json.dumps(keys, ensure_ascii=False, sort_keys=True)),
                        vocabulary=np.array(json.dumps(vocabulary, ensure_ascii=False, sort_keys=True)))
    print(messages.situations_vectors_written(target, vectors.shape[0]))


if __name__ == "__main__":  # pragma: no cover
    main()
