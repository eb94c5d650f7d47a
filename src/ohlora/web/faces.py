"""The faces a browser can pick: StyleGAN-VectorFind v7/v8 case numbers when their files are
present, the embedded procedural face always (and as the default when nothing else is there).

Faces are shared by every session that shows them (the procedural face is thread-safe and
caches its parts; a StyleGAN face holds its generator once). Loading is lazy and bounded; a face
is built by `face_from_settings` (models folder and device from the settings). The settings'
face_version/face_case choose a new session's face when the picker offers it.
"""

from __future__ import annotations

import random
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from ohlora import messages
from ohlora.config import Settings
from ohlora.errors import ConfigError
from ohlora.face.base import Face

EMBEDDED = "embedded"
FULL_VERSIONS = ("v8", "v7")

FaceLoader = Callable[[Settings, str, "int | None", random.Random], Face]  # settings, version, case, rng
ReadyProbe = Callable[[Settings, str], bool]


@dataclass(frozen=True)
class FaceChoice:
    id: str  # "embedded" or "v8:83"
    label: str
    version: str  # embedded | v7 | v8
    case: int | None = None

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "version": self.version, "case": self.case}


def _default_loader(settings: Settings, version: str, case: int | None, rng: random.Random) -> Face:
    from ohlora.face.factory import face_from_settings

    return face_from_settings(settings, rng, version=version, case=case)


def _default_probe(settings: Settings, version: str) -> bool:
    from ohlora.models.readiness import full_path_ready

    ready, _ = full_path_ready(settings, f"face-{version}")
    return ready


def available_choices(settings: Settings, probe: ReadyProbe = _default_probe) -> tuple[FaceChoice, ...]:
    """StyleGAN faces whose files are present (v8 first), then the embedded face."""
    from ohlora.face.vectors import builtin_catalogue

    choices: list[FaceChoice] = []
    for version in FULL_VERSIONS:
        if probe(settings, version):
            choices += [
                FaceChoice(f"{version}:{entry.case}", messages.WEB_FACE_CASE.format(version=version, case=entry.case),
                           version, entry.case)
                for entry in builtin_catalogue(version)
            ]
    choices.append(FaceChoice(EMBEDDED, messages.WEB_FACE_EMBEDDED, EMBEDDED))
    return tuple(choices)


class FaceCatalog:
    """The picker's choices, the default for a new session, and the loaded faces (LRU, shared)."""

    def __init__(self, settings: Settings, choices: tuple[FaceChoice, ...], rng: random.Random, *,
                 loader: FaceLoader = _default_loader, max_loaded: int = 4):
        self.settings = settings
        self.choices = choices
        self._by_id = {c.id: c for c in choices}
        self._rng = rng
        self._loader = loader
        self._max_loaded = max(1, max_loaded)
        self._loaded: OrderedDict[str, Face] = OrderedDict()
        self._lock = threading.Lock()

    def choice(self, choice_id: str) -> FaceChoice:
        found = self._by_id.get(choice_id)
        if found is None:
            raise ConfigError(messages.WEB_FACE_UNKNOWN.format(choice=choice_id))
        return found

    def default_id(self) -> str:
        """The face_version/face_case settings' face when offered; `auto` (or a version not offered):
        a random v8 face when v8 is present (the original picks one per run), else another StyleGAN
        face, else the embedded one. A face_case not offered for the version: a random case of it."""
        wanted = self.settings.face_version
        if wanted == EMBEDDED:
            return EMBEDDED
        candidates = [c for c in self.choices if c.version == wanted]
        if not candidates:
            candidates = [c for c in self.choices if c.version == FULL_VERSIONS[0]] or [
                c for c in self.choices if c.version != EMBEDDED
            ]
        if not candidates:
            return EMBEDDED
        case = self.settings.face_case
        exact = [c for c in candidates if case is not None and c.case == case]
        if exact:
            return exact[0].id
        with self._lock:
            return self._rng.choice(candidates).id

    def face(self, choice_id: str) -> Face:
        """The loaded face for a choice (loaded on first use; the least recently used one is dropped)."""
        choice = self.choice(choice_id)
        with self._lock:
            hit = self._loaded.get(choice.id)
            if hit is not None:
                self._loaded.move_to_end(choice.id)
                return hit
            face = self._loader(self.settings, choice.version, choice.case, self._rng)
            self._loaded[choice.id] = face
            while len(self._loaded) > self._max_loaded:
                self._loaded.popitem(last=False)
            return face
