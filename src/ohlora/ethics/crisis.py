"""Self-harm: a message about wanting to die or to hurt oneself, or asking how to.

Such a message is never a sanction, whatever the judge scores (its 'kill' cues read like violence):
the conversation answers it with care and the crisis line (자살예방 상담전화 109), on every back-end.
Figures of speech ('배고파 죽겠다', '웃겨 죽는 줄'), campaigns ('자살 예방 캠페인') and someone else's
death in a story ('그 드라마 주인공 죽었어') are not a crisis.
"""

from __future__ import annotations

import re

CRISIS_LINE = "109"  # 자살예방 상담전화 (Korea), around the clock

_CRISIS = re.compile(
    r"죽고\s?싶|죽어\s?버리고\s?싶|사라지고\s?싶|없어지고\s?싶|살기\s?싫|살고\s?싶지\s?않|그만\s?살고\s?싶|"
    r"자해|자살|손목\s?긋|뛰어내리고\s?싶|뛰어내릴까|목숨\s?끊|목\s?매|번개탄|(?:다|그냥|모든\s?걸|인생)\s?끝내고\s?싶|"
    r"태어나지\s?말|사는\s?게\s?(?:의미|의미가)\s?없|살\s?이유가\s?없|다\s?포기하고\s?싶|죽을까\s?봐\s?무섭지\s?않|"
    r"(?<!안\s)(?<!안)죽는\s?(?:법|방법)|고통\s?없이\s?죽|편하게\s?죽|수면제\s?\S*\s?(?:몇\s?알|많이|한\s?번에)|"
    r"나\s?같은\s?(?:건|게|애는?)\s?없어지는\s?게|내가\s?없어지면"
)
_NOT_CRISIS = re.compile(
    r"(?:배고파|웃겨|졸려|더워|추워|귀여워|좋아|심심해|궁금해)\s?죽|자살\s?(?:예방|방지)|자해\s?(?:예방|방지)"
)


def is_crisis(text: str) -> bool:
    """Whether `text` speaks of wanting to die or to hurt oneself (see the module docstring)."""
    return bool(_CRISIS.search(text)) and not _NOT_CRISIS.search(text)
