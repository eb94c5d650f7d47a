"""Is the full path ready for a role group? (start-up check of `backend=full|auto`, face pickers)

Shallow checks only (presence, sizes, JSON, safetensors lengths), so it is cheap enough for every
start. Base LLMs are looked for where `base_models` puts them (`models/bases.py`); a base named by
a hub id counts as ready: it is resolved when the model loads.
"""

from __future__ import annotations

from ohlora.config import Settings
from ohlora.models.bases import base_overrides
from ohlora.models.check import check_artifact
from ohlora.models.registry import BY_NAME, EMBEDDING_ARTIFACTS, FACE_ARTIFACTS, LLM_ROLE_ARTIFACTS


def group_artifacts(group: str) -> tuple[str, ...]:
    """Artifact names a role group needs: llm, llm:<role>, embedding, face-v7, face-v8."""
    if group == "llm":
        return tuple(dict.fromkeys(n for names in LLM_ROLE_ARTIFACTS.values() for n in names))
    if group.startswith("llm:") and group[4:] in LLM_ROLE_ARTIFACTS:
        return LLM_ROLE_ARTIFACTS[group[4:]]
    if group == "embedding":
        return EMBEDDING_ARTIFACTS
    if group.startswith("face-") and group[5:] in FACE_ARTIFACTS:
        return FACE_ARTIFACTS[group[5:]]
    known = ["llm", *(f"llm:{r}" for r in LLM_ROLE_ARTIFACTS), "embedding", *(f"face-{v}" for v in FACE_ARTIFACTS)]
    raise ValueError(f"unknown artifact group {group!r}; known: {', '.join(known)}")


def full_path_ready(settings: Settings, group: str) -> tuple[bool, tuple[str, ...]]:
    """Shallow check of what `group` needs; (True, ()) or (False, one line per problem with its fix)."""
    names = group_artifacts(group)
    # only groups with a base LLM read base_models (a bad value must not break the face pickers)
    overrides = base_overrides(settings) if any(BY_NAME[n].kind == "base" for n in names) else {}
    reasons: list[str] = []
    for name in names:
        status = check_artifact(BY_NAME[name], settings.models_root, deep=False, overrides=overrides)
        if not status.ok:
            reasons += status.lines()
    return not reasons, tuple(reasons)
