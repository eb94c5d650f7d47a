"""Text normalisation for the embedded ethics classifier.

Users dodge keyword filters by spacing words oddly ("패 드 립"), stretching syllables ("사랑해애애"),
or slipping digits, symbols and emoji between syllables ("사1랑2해", "정.치", "사💗랑💗해"). The
normaliser maps all of these to one canonical string, so that the classifier sees "사랑해" each time:

1. NFKC (full-width forms, compatibility characters), except inside runs of Hangul compatibility
   jamo: NFKC would turn "ㅋㅋㅠㅠ" into conjoining jamo and glue "ㅋ"+"ㅠ" into "큐".
2. Latin case folded to lower case.
3. Everything that is not a Hangul syllable, a compatibility jamo or a Latin letter is dropped:
   spaces, digits, punctuation, emoji.
4. A single Latin letter wedged between two syllables ("사a랑") is dropped.
5. Vowel stretching is undone: a syllable ㅇ+vowel with no final consonant that repeats the vowel
   of an open syllable (no final consonant) right before it ("해애애" -> "해", "좋아아아" -> "좋아")
   is dropped; "먹어" keeps its 어 because 먹 is closed.
6. Any character repeated more than twice is cut to two ("ㅋㅋㅋㅋ" -> "ㅋㅋ").

Before step 3, a consonant letter followed by a look-alike of the vowel ㅣ (l, I, |, 1, !) becomes
the syllable it imitates ("ㅅl발" -> "시발"); not before another letter ("ㅂ|ㅅ" -> "ㅂㅅ"). And before
that, Hangul typed with the keyboard left in Latin mode ("tlqkf" -> "시발", "qudtls" -> "병신") is
read as Hangul (`keyboard_hangul`).

`readable` undoes the same disguises but keeps the words apart, for the sentence encoder, which
reads words rather than letters.
"""

from __future__ import annotations

import re
import unicodedata

from inko import Inko

_JAMO_RUN = re.compile(r"([\u3131-\u318e]+)")
_DROP = re.compile(r"[^a-z\uac00-\ud7a3\u3131-\u318e]+")
_LONE_LATIN = re.compile(r"(?<=[\uac00-\ud7a3])[a-z](?=[\uac00-\ud7a3])")
_RUN3 = re.compile(r"(.)\1{2,}")
# Compatibility consonant letters in the order of the 19 initial consonants of a syllable.
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_LOOKALIKE_I = re.compile(f"([{_INITIALS}])[lI|1!](?![\u3131-\u318e])")
_VOWEL_I = 20  # index of ㅣ among the 21 vowels
# Three or more Latin letters in a row: perhaps Hangul typed in the wrong keyboard mode.
_LATIN_RUN = re.compile(r"[A-Za-z]{3,}")
# Digits, symbols, emoji (anything but letters and spaces) wedged between two syllables, or one
# Latin letter: "사1랑", "사.랑", "사💗랑", "사a랑".
_WEDGED = re.compile(r"(?<=[\uac00-\ud7a3])(?:[^\w\s]|[\d_])+(?=[\uac00-\ud7a3])|(?<=[\uac00-\ud7a3])[A-Za-z](?=[\uac00-\ud7a3])")
# Three or more one-syllable words in a row: a word spelt out letter by letter ("사 랑 해").
_SPELT_OUT = re.compile(r"(?<![\uac00-\ud7a3])[\uac00-\ud7a3](?: [\uac00-\ud7a3]){2,}(?![\uac00-\ud7a3])")
_SPACES = re.compile(r"\s+")

_SYLLABLE_BASE = 0xAC00
_SYLLABLE_LAST = 0xD7A3
_N_VOWELS = 21
_N_FINALS = 28
_IEUNG_INITIAL = 11  # index of ㅇ among the 19 initial consonants


def _stretch_free(text: str) -> str:
    """Drop ㅇ+vowel syllables that only lengthen the vowel of the syllable before them."""
    out: list[str] = []
    prev_vowel = -1
    for ch in text:
        code = ord(ch) - _SYLLABLE_BASE
        if 0 <= code <= _SYLLABLE_LAST - _SYLLABLE_BASE:
            initial, rest = divmod(code, _N_VOWELS * _N_FINALS)
            vowel, final = divmod(rest, _N_FINALS)
            if initial == _IEUNG_INITIAL and final == 0 and vowel == prev_vowel:
                continue
            prev_vowel = vowel if final == 0 else -1
        else:
            prev_vowel = -1
        out.append(ch)
    return "".join(out)


def _nfkc_outside_jamo(text: str) -> str:
    if text.isascii():
        return text
    parts = _JAMO_RUN.split(text)
    # split() with one group alternates: even indices are outside jamo runs, odd ones are runs.
    return "".join(p if i % 2 else unicodedata.normalize("NFKC", p) for i, p in enumerate(parts))


def _with_i(match: re.Match[str]) -> str:
    initial = _INITIALS.index(match.group(1))
    return chr(_SYLLABLE_BASE + (initial * _N_VOWELS + _VOWEL_I) * _N_FINALS)


def is_syllable(ch: str) -> bool:
    """Whether `ch` is a precomposed Hangul syllable (가-힣)."""
    return _SYLLABLE_BASE <= ord(ch) <= _SYLLABLE_LAST


def keyboard_hangul(text: str) -> str:
    """Runs of three or more Latin letters that spell whole Hangul syllables on the standard Korean
    (두벌식) keyboard replaced by those syllables ("tlqkf" -> "시발"; an all-capitals run is read as
    typed with Caps Lock). A run that leaves a letter without its syllable stays as it is, which keeps
    most English ("hello", "BTS", "good"); about one English word in twenty spells syllables and
    becomes noise, which the judge learnt to ignore.

    The conversion is inko (inko-py), the Python port of Inko.js, made for exactly this mistake."""
    if not _LATIN_RUN.search(text):
        return text
    inko = Inko()

    def convert(match: re.Match[str]) -> str:
        run = match.group(0)
        hangul = inko.en2ko(run.lower() if run.isupper() else run)
        return hangul if all(map(is_syllable, hangul)) else run

    return _LATIN_RUN.sub(convert, text)


def _undisguised(text: str) -> str:
    """Full-width forms, keyboard-mode Latin and look-alike ㅣ read as what they stand for."""
    return _LOOKALIKE_I.sub(_with_i, keyboard_hangul(_nfkc_outside_jamo(text)))


def readable(text: str) -> str:
    """The text with its disguises undone but its words kept apart, for the sentence encoder:
    what `normalize` undoes (full width, keyboard mode, look-alikes, wedged digits/symbols/emoji,
    stretched vowels, long repeats), and words spelt out syllable by syllable joined again."""
    text = _undisguised(text)
    text = _WEDGED.sub("", text)
    text = _SPELT_OUT.sub(lambda m: m.group(0).replace(" ", ""), text)
    text = _stretch_free(text)
    return _SPACES.sub(" ", _RUN3.sub(r"\1\1", text)).strip()


def normalize(text: str) -> str:
    """Canonical form of a prompt for the ethics classifier (see the module docstring)."""
    text = _undisguised(text)
    text = text.lower()
    text = _DROP.sub("", text)
    text = _LONE_LATIN.sub("", text)
    text = _stretch_free(text)
    return _RUN3.sub(r"\1\1", text)
