"""Oh-LoRA's embedded dialogue corpus: our own prompt → answer entries (data/persona_*.jsonl).

Entry fields: id, topic, prompts, answers, summary, and optional eligibility conditions:
`context` (follow-up: the previous summary must contain one of these words), `memory_keys`
(a remembered fact with one of these key parts must be present; answers use {value}/{key}),
`days` (weekday letters) and `day_parts` (오전/오후/저녁) from the time tag.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

from ohlora import messages
from ohlora.errors import CorruptData

REFUSAL_TOPICS = MappingProxyType({
    "love": ("refuse_love", "refuse_meet"),
    "politics": ("refuse_politics",),
    "paedrip": ("refuse_insult",),
    "hate": ("refuse_hate", "refuse_illegal"),
})


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    prompts: tuple[str, ...]
    answers: tuple[str, ...]
    summary: str
    context: tuple[str, ...] = ()
    memory_keys: tuple[str, ...] = ()
    days: tuple[str, ...] = ()
    day_parts: tuple[str, ...] = ()

    def eligible(self, *, summary: str | None, memory_key: str | None, day: str | None, day_part: str | None) -> bool:
        if self.context and not (summary and any(word in summary for word in self.context)):
            return False
        if self.memory_keys and not (memory_key and any(k in memory_key for k in self.memory_keys)):
            return False
        if self.days and day not in self.days:
            return False
        return not (self.day_parts and day_part not in self.day_parts)


def render(template: str, key: str | None, value: str | None) -> str:
    return template.replace("{key}", key or "").replace("{value}", value or "")


@dataclass(frozen=True)
class Corpus:
    entries: tuple[Entry, ...]
    digest: str  # sha256 of the data files: cache key for encoded prompts

    @property
    def pairs(self) -> int:
        return sum(len(e.prompts) * len(e.answers) for e in self.entries)

    def summary_lookup(self):
        """A function answer → the entry's summary (templated answers matched with a pattern)."""
        exact: dict[str, str] = {}
        patterns: list[tuple[re.Pattern[str], str]] = []
        for entry in self.entries:
            for answer in entry.answers:
                if "{value}" in answer or "{key}" in answer:
                    patterns.append((_template_regex(answer), entry.summary))
                else:
                    exact.setdefault(answer.strip(), entry.summary)

        def lookup(answer: str) -> str | None:
            answer = answer.strip()
            if answer in exact:
                return exact[answer]
            for pattern, summary in patterns:
                m = pattern.fullmatch(answer)
                if m:
                    groups = m.groupdict()
                    return render(summary, groups.get("key"), groups.get("value"))
            return None

        return lookup


def _template_regex(answer: str) -> re.Pattern[str]:
    """'{value} 있다고 했지?' → a pattern that recovers the value from a rendered answer."""
    out: list[str] = []
    seen: set[str] = set()
    for part in re.split(r"(\{value\}|\{key\})", answer):
        if part in ("{value}", "{key}"):
            name = part[1:-1]
            out.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
            seen.add(name)
        else:
            out.append(re.escape(part))
    return re.compile("".join(out))


def _entry(obj: dict, where: str) -> Entry:
    try:
        entry = Entry(
            id=str(obj["id"]),
            topic=str(obj["topic"]),
            prompts=tuple(obj.get("prompts", ())),
            answers=tuple(obj["answers"]),
            summary=str(obj.get("summary", "")),
            context=tuple(obj.get("context", ())),
            memory_keys=tuple(obj.get("memory_keys", ())),
            days=tuple(obj.get("days", ())),
            day_parts=tuple(obj.get("day_parts", ())),
        )
    except (KeyError, TypeError) as exc:
        raise CorruptData(messages.corpus_bad_entry(where, exc)) from exc
    if not entry.answers:
        raise CorruptData(messages.corpus_no_answers(where))
    return entry


def load_corpus() -> Corpus:
    """Every data/persona_*.jsonl shipped with the package, in name order."""
    folder = resources.files("ohlora.mind.embedded") / "data"
    entries: list[Entry] = []
    digest = hashlib.sha256()
    names = sorted(p.name for p in folder.iterdir() if p.name.startswith("persona_") and p.name.endswith(".jsonl"))
    for name in names:
        raw = (folder / name).read_bytes()
        digest.update(name.encode() + b"\0" + raw)
        for line_no, line in enumerate(raw.decode("utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorruptData(messages.corpus_bad_json(name, line_no, exc)) from exc
            entries.append(_entry(obj, f"{name}:{line_no}"))
    return Corpus(tuple(entries), digest.hexdigest()[:16])
