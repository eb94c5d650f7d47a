"""Our own Korean sentence embedder: syllable n-grams, jamo bigrams and topic concepts, feature-hashed.

No model file and no download: numpy and the standard library only. A text becomes three sparse
bags of features, each weighted by sublinear term frequency times a hand-made inverse-frequency
table, L2-normalised per bag, scaled by the bag's weight and hashed (signed) into one dense
vector:

* ``g``: syllable 1- to 3-grams over the Hangul text with its spaces removed (spacing varies a lot
  in chat), word-initial 1- and 2-syllable prefixes (stems come first in Korean words, particles
  and endings last), and whole Latin/digit tokens;
* ``j``: bigrams of the jamo sequence of each Hangul word, which tolerate particles, endings and
  spelling variants (먹고 / 먹어, 졸려 / 졸리다);
* ``c``: concepts from `data/ngram_lexicon.tsv`, our own list of everyday chat topics and intents
  (HUNGRY, FOOD, RAIN, PET, ...). They let texts that share no syllable meet: 배고파 and 뭐 좀
  먹고 싶다 both mean HUNGRY.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

import numpy as np

LEXICON_FILE = "ngram_lexicon.tsv"

# Particles that may follow a noun written as "=noun" in the lexicon (비 → 비가, 비도, 비는, ...).
_PARTICLES = (
    "", "이", "가", "을", "를", "은", "는", "도", "만", "에", "에서", "랑", "이랑", "하고", "와", "과",
    "야", "이야", "요", "로", "으로", "까지", "부터", "좀", "의", "이나", "나",
)

_HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3"
_NOT_WORD = re.compile(rf"[^0-9a-z{_HANGUL}]+")
_RUN = re.compile(rf"[{_HANGUL}]+|[0-9a-z]+")
_SYLLABLE_FIRST, _SYLLABLE_LAST = 0xAC00, 0xD7A3

# Default weights of the three feature bags and of the n-gram orders (tuned on the dev split of
# benchmarks/data/embedder_probes.jsonl).
DEFAULT_BAG_WEIGHTS = MappingProxyType({"g": 1.0, "j": 0.45, "c": 1.0})
DEFAULT_ORDER_WEIGHTS = MappingProxyType({1: 0.5, 2: 1.0, 3: 1.0, "prefix": 1.0, "token": 1.0})


def normalize(text: str) -> str:
    """NFKC, lower case, everything but Hangul, Latin letters and digits turned into single spaces."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def jamo(word: str) -> str:
    """Decompose Hangul syllables into conjoining jamo (leading, vowel, optional trailing)."""
    out: list[str] = []
    for ch in word:
        code = ord(ch)
        if _SYLLABLE_FIRST <= code <= _SYLLABLE_LAST:
            index = code - _SYLLABLE_FIRST
            out.append(chr(0x1100 + index // 588))
            out.append(chr(0x1161 + (index % 588) // 28))
            if index % 28:
                out.append(chr(0x11A7 + index % 28))
        else:
            out.append(ch)
    return "".join(out)


@dataclass(frozen=True)
class Lexicon:
    """Concept patterns and n-gram down-weights, read from a TSV file (see the file's header)."""

    substrings: tuple[tuple[str, tuple[str, ...]], ...]  # (concept, patterns found anywhere)
    prefixes: tuple[tuple[str, tuple[str, ...]], ...]  # (concept, word prefixes)
    words: Mapping[str, tuple[str, ...]]  # exact word (noun + particle) -> concepts
    gram_weights: Mapping[str, float]

    @classmethod
    def parse(cls, text: str) -> Lexicon:
        substrings: dict[str, list[str]] = {}
        prefixes: dict[str, list[str]] = {}
        words: dict[str, list[str]] = {}
        weights: dict[str, float] = {}
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.split("#", 1)[0].rstrip()
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) != 3 or parts[0] not in ("concept", "weight"):
                raise ValueError(f"lexicon line {number}: expected 'concept|weight <TAB> name <TAB> items'")
            kind, head, items = parts
            if kind == "weight":
                for item in items.split():
                    weights[normalize(item).replace(" ", "")] = float(head)
                continue
            for item in items.split():
                marker, body = (item[0], item[1:]) if item[0] in "^=" else ("", item)
                pattern = normalize(body).replace(" ", "")
                if not pattern:
                    raise ValueError(f"lexicon line {number}: empty pattern {item!r}")
                if marker == "=":
                    for particle in _PARTICLES:
                        words.setdefault(pattern + particle, []).append(head)
                else:
                    table = prefixes if marker == "^" else substrings
                    table.setdefault(head, []).append(pattern)
        return cls(
            substrings=tuple((c, tuple(p)) for c, p in substrings.items()),
            prefixes=tuple((c, tuple(p)) for c, p in prefixes.items()),
            words=MappingProxyType({w: tuple(dict.fromkeys(c)) for w, c in words.items()}),
            gram_weights=MappingProxyType(weights),
        )

    @classmethod
    def builtin(cls) -> Lexicon:
        text = resources.files("ohlora.embedding").joinpath("data", LEXICON_FILE).read_text(encoding="utf-8")
        return cls.parse(text)

    def concepts(self, words: Sequence[str], compact: str) -> set[str]:
        """Concepts of a normalised text given as its words and its space-free form."""
        found: set[str] = set()
        for word in words:
            found.update(self.words.get(word, ()))
        for concept, patterns in self.substrings:
            if concept not in found and any(p in compact for p in patterns):
                found.add(concept)
        for concept, starts in self.prefixes:
            if concept not in found and any(word.startswith(starts) for word in words):
                found.add(concept)
        return found


class NgramEmbedder:
    """Hashed syllable n-grams + jamo bigrams + lexicon concepts; deterministic, numpy only.

    `memory_threshold` was chosen with `benchmarks/embedder_compare.py` on
    `benchmarks/data/embedder_probes.jsonl` (175 user messages, 70 memory items, 34 of the messages
    should retrieve nothing): it is the lowest cosine at which the best-matching memory is the
    intended one for at least 90 % of the messages that pass it, set halfway to the next lower
    observed score.
    """

    memory_threshold = 0.3

    def __init__(
        self,
        dim: int = 512,
        *,
        lexicon: Lexicon | None = None,
        bag_weights: Mapping[str, float] = DEFAULT_BAG_WEIGHTS,
        order_weights: Mapping[int | str, float] = DEFAULT_ORDER_WEIGHTS,
    ) -> None:
        if not 16 <= dim <= 1024:
            raise ValueError(f"dim must be between 16 and 1024, got {dim}")
        self.dim = dim
        self.name = "ngram-v1" if dim == 512 and lexicon is None else f"ngram-v1-d{dim}-custom"
        self._lexicon = lexicon if lexicon is not None else Lexicon.builtin()
        self._bags = dict(bag_weights)
        self._orders = dict(order_weights)
        self._slots: dict[str, tuple[int, float]] = {}  # feature -> (index, sign) cache

    def features(self, text: str) -> dict[str, dict[str, float]]:
        """The weighted features of `text` per bag ("g", "j", "c"), before hashing."""
        norm = normalize(text)
        words = norm.split()
        if not words:
            return {}
        grams: dict[str, float] = {}
        jamos: dict[str, float] = {}
        hangul: list[str] = []
        for word in words:
            for run in _RUN.findall(word):
                if run[0].isascii():
                    _count(grams, "t" + run, self._orders["token"])
                    continue
                hangul.append(run)
                _count(grams, "<" + run[:1], self._orders["prefix"] * self._weight(run[:1]))
                if len(run) > 1:
                    _count(grams, "<" + run[:2], self._orders["prefix"] * self._weight(run[:2]))
                letters = jamo(run)
                for i in range(len(letters) - 1):
                    _count(jamos, letters[i : i + 2], 1.0)
        compact = "".join(hangul)
        for n in (1, 2, 3):
            order = self._orders[n]
            for i in range(len(compact) - n + 1):
                gram = compact[i : i + n]
                _count(grams, gram, order * self._weight(gram))
        bags = {"g": grams, "j": jamos}
        concepts = self._lexicon.concepts(words, "".join(words))
        if concepts:
            bags["c"] = dict.fromkeys(concepts, 1.0)
        return {
            bag: {feature: _sublinear(count, weight) for feature, (count, weight) in values.items()}
            if bag != "c"
            else values
            for bag, values in bags.items()
            if values
        }

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode `texts` as unit-norm float32 rows; texts without features give zero rows."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            accumulated: dict[int, float] = {}
            for bag, values in self.features(text).items():
                scale = self._bags.get(bag, 0.0) / math.sqrt(sum(v * v for v in values.values()))
                for feature, value in values.items():
                    index, sign = self._slot(bag + feature)
                    accumulated[index] = accumulated.get(index, 0.0) + sign * scale * value
            if accumulated:
                vector = out[row]
                vector[list(accumulated)] = list(accumulated.values())
                length = float(np.linalg.norm(vector))
                if length > 0.0:
                    vector /= length
        return out

    def _weight(self, gram: str) -> float:
        return self._lexicon.gram_weights.get(gram, 1.0)

    def _slot(self, feature: str) -> tuple[int, float]:
        slot = self._slots.get(feature)
        if slot is None:
            code = zlib.crc32(feature.encode("utf-8"))
            slot = (code % self.dim, 1.0 if code & 0x80000000 else -1.0)
            if len(self._slots) >= 200_000:
                self._slots.clear()
            self._slots[feature] = slot
        return slot


def _count(bag: dict, feature: str, weight: float) -> None:
    """Add one occurrence of `feature` with its (constant) weight to `bag`."""
    count, _ = bag.get(feature, (0, weight))
    bag[feature] = (count + 1, weight)


def _sublinear(count: int, weight: float) -> float:
    return (1.0 + math.log(count)) * weight
