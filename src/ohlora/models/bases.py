"""Where each base LLM comes from: the models folder, a local folder or a hub id (`base_models`).

`base_source` is the one rule. Readiness (`full_path_ready`), `ohlora models status | verify |
pull` and the loader (`mind/hf.py`) all ask it, so they never disagree about a base:

- no entry in `base_models`: `<models>/llm/base/<name>` (what `ohlora models pull` fills);
- an entry naming an existing folder, or anything that looks like a path (absolute, `./`, `~`,
  not exactly one `/`): that folder, checked like the default location;
- anything else (`owner/name`, e.g. `EleutherAI/polyglot-ko-1.3b`): a Hugging Face id, resolved
  when the model loads (from the hub cache or the network); it cannot be checked offline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ohlora import messages
from ohlora.config import Settings
from ohlora.errors import ConfigError
from ohlora.models.registry import ARTIFACTS, artifact

MODELS_DIR = "models-dir"  # <models>/llm/base/<name>
FOLDER = "folder"  # a local folder named in base_models
HUB = "hub"  # a Hugging Face id named in base_models
ORIGINS = (MODELS_DIR, FOLDER, HUB)

BASE_NAMES = tuple(a.name for a in ARTIFACTS if a.kind == "base")


@dataclass(frozen=True)
class BaseSource:
    name: str  # registry artifact name, e.g. "base-polyglot"
    origin: str  # MODELS_DIR | FOLDER | HUB
    location: str  # the folder, or the hub id

    @property
    def folder(self) -> Path | None:
        """The local folder to check and load; None for a hub id."""
        return None if self.origin == HUB else Path(self.location)

    @property
    def overridden(self) -> bool:
        return self.origin != MODELS_DIR


def parse_base_models(text: str) -> dict[str, str]:
    """`base-kanana=/models/kanana-base,base-polyglot=EleutherAI/polyglot-ko-1.3b` → a mapping."""
    out: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, source = (x.strip() for x in part.partition("="))
        if not sep or not source or name not in BASE_NAMES:
            raise ConfigError(messages.CONFIG_BAD_VALUE.format(key="base_models", value=part,
                                                               allowed=messages.BASE_MODELS_ALLOWED))
        out[name] = source
    return out


def base_overrides(settings: Settings) -> dict[str, str]:
    """The `base_models` setting, parsed (ConfigError when it names an unknown base or no source)."""
    return parse_base_models(settings.base_models)


def _looks_like_path(value: str) -> bool:
    return Path(value).is_absolute() or value.startswith((".", "~")) or "\\" in value or value.count("/") != 1


def base_source(name: str, root: Path, overrides: Mapping[str, str]) -> BaseSource:
    """Where base `name` comes from, given the models root and the `base_models` overrides."""
    if name not in overrides:
        return BaseSource(name, MODELS_DIR, str(artifact(name).path(root)))
    value = str(overrides[name]).strip()
    folder = Path(value).expanduser()
    if folder.is_dir() or _looks_like_path(value):
        return BaseSource(name, FOLDER, str(folder))
    return BaseSource(name, HUB, value)
