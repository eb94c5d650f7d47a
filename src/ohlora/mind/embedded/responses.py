"""Response templates chosen by what a message means (data/responses.jsonl), filled from its slots.

Each template entry says which act it answers, for which topics, tense and feeling, and which slots
its answers need ("{event}", "{time}", "{value}" …). A particle after a slot is written with both
forms, e.g. "{event}{이/가}", "{name}{아/야}", "{place}{으로/로}", "{name}{이/}", "{item}{와/과}" (the
right one is picked after a final consonant or a vowel, whichever order they are written in; 으로/로
takes 로 after ㄹ too).

`Responses.candidates(act, topic, tense, polarity, slots)` gives the entries that fit, most
specific first (a topic match beats an entry for any topic; a tense or feeling match beats "any").
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

from ohlora import messages
from ohlora.errors import CorruptData

_SLOT = re.compile(r"\{([a-z_]+)\}(?:\{([^{}/]*)/([^{}/]*)\})?")


def _final_consonant(word: str) -> tuple[bool, bool]:
    """(has a final consonant, that consonant is ㄹ) for the last syllable; digits by their reading."""
    ch = word.rstrip()[-1:] if word.strip() else ""
    if "가" <= ch <= "힣":
        final = (ord(ch) - 0xAC00) % 28
        return final != 0, final == 8
    return ch in "013678lLmMnN", ch in "178lL"  # 영 일 삼 육 칠 팔; el em en


_CONSONANT_FORMS = frozenset({"이", "은", "을", "과", "아"})


def _order(a: str, b: str) -> tuple[str, str]:
    """(the form after a final consonant, the form after a vowel), whichever order they were written in:
    of "이야/야", "으로/로", "이/" the longer one; of "와/과", "은/는", "이/가", "아/야" the one for 받침."""
    if a.endswith(b) and len(a) > len(b):
        return a, b
    if b.endswith(a) and len(b) > len(a):
        return b, a
    return (b, a) if b in _CONSONANT_FORMS and a not in _CONSONANT_FORMS else (a, b)


def fill(template: str, slots: Mapping[str, str]) -> str | None:
    """The template with its slots filled and each slot's particle chosen; None when a slot is missing."""
    missing = False

    def one(m: re.Match[str]) -> str:
        nonlocal missing
        value = slots.get(m.group(1))
        if not value:
            missing = True
            return ""
        if m.group(2) is None:
            return value
        after_consonant, after_vowel = _order(m.group(2), m.group(3))
        final, rieul = _final_consonant(value)
        if after_consonant == "으로" and rieul:
            return value + after_vowel
        return value + (after_consonant if final else after_vowel)

    text = _SLOT.sub(one, template)
    return None if missing else re.sub(r"\s{2,}", " ", text).strip()


# acts whose templates are chosen by the words said, not only by the topic read
_SAID_ACTS = frozenset({"reaction", "greeting", "farewell", "thanks", "apology", "tell_feeling", "request", "opinion",
                        "followup", "tell_past", "advice"})
# acts whose answers come in tones (good news, bad news, neither)
_TONED_ACTS = frozenset({"tell_past", "tell_feeling", "smalltalk", "tell_fact"})


@dataclass(frozen=True)
class Template:
    id: str
    act: str
    topics: tuple[str, ...]
    tense: str | None
    polarity: int | None
    needs: tuple[str, ...]
    answers: tuple[str, ...]
    key: str | None = None  # the kind of fact (a key family: name, plan, pet …) a recall or fact entry is for
    polite: bool = False  # for a user who writes in 존댓말 (she gently suggests 반말)

    def fits(self, topic: str | None, tense: str | None, polarity: int, slots: Mapping[str, str],
             key: str | None = None, polite: bool = False) -> int | None:
        """How specifically this entry fits (higher = more specific), or None when it does not."""
        if any(not slots.get(name) for name in self.needs):
            return None
        if self.polite and not polite:
            return None
        score = 2 if self.polite else 0
        if self.key is not None:
            if key != self.key:
                return None
            score += 4
        if self.topics and (self.key is None or self.act == "tell_fact"):  # a partner's line is not a grandma's
            text = " ".join(v for v in (topic, slots.get("event"), slots.get("item"), slots.get("topic")) if v)
            if self.act in _SAID_ACTS:
                text = f"{text} {slots.get('said') or ''}"  # 'ㅎㅎ', '헐', '잘 자': the words themselves
            if not text or not any(word in text for word in self.topics):
                return None
            score += 4
            if slots.get("feeling") and any(word in slots["feeling"] for word in self.topics):
                score += 2  # the feeling read ('무서움') before a word said beside it ('혼자')
        if self.tense is not None:
            if tense != self.tense:
                return None
            score += 2
        if self.polarity is not None:
            if polarity != self.polarity:
                return None
            score += 1
        elif polarity != 0 and self.act in _TONED_ACTS and not self.topics:
            score -= 6  # good or bad news: an answer in that tone before a more specific neutral one
        elif polarity != 0 and self.act in _TONED_ACTS and self.act != "tell_feeling":
            score -= 4  # … and before a neutral one about the same topic ('친구들이 나만 빼고 놀러 갔더라')
        return score + len(self.needs)


@dataclass(frozen=True)
class Responses:
    templates: tuple[Template, ...]

    def candidates(self, act: str, topic: str | None, tense: str | None, polarity: int,
                   slots: Mapping[str, str], *, key: str | None = None,
                   polite: bool = False) -> list[tuple[int, Template]]:
        found = []
        for template in self.templates:
            if template.act != act:
                continue
            score = template.fits(topic, tense, polarity, slots, key, polite)
            if score is not None:
                found.append((score, template))
        found.sort(key=lambda pair: -pair[0])
        return found


def load_responses() -> Responses:
    """data/responses.jsonl shipped with the package (an empty set when the file is not there)."""
    path = resources.files("ohlora.mind.embedded") / "data" / "responses.jsonl"
    if not path.is_file():
        return Responses(())
    templates = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"responses.jsonl:{line_no}"
        try:
            obj = json.loads(line)
            templates.append(Template(
                id=str(obj["id"]),
                act=str(obj["act"]),
                topics=tuple(obj.get("topics") or ()),
                tense=obj.get("tense"),
                polarity=obj.get("polarity"),
                needs=tuple(obj.get("needs") or ()),
                answers=tuple(obj["answers"]),
                key=obj.get("key"),
                polite=obj.get("register") == "polite",
            ))
        except json.JSONDecodeError as exc:
            raise CorruptData(messages.corpus_bad_json("responses.jsonl", line_no, exc)) from exc
        except (KeyError, TypeError) as exc:
            raise CorruptData(messages.corpus_bad_entry(where, exc)) from exc
    return Responses(tuple(templates))
