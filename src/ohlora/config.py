"""Settings: defaults < TOML file (<home>/config.toml) < environment < command-line flags.

The result is one frozen dataclass that every part receives; nothing reads the environment later.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ohlora import messages
from ohlora.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

BACKENDS = ("auto", "embedded", "full")
EMBEDDERS = ("ngram", "e5", "hybrid")


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str = ""  # empty: sqlite file <home>/ohlora.db
    models_dir: Path | None = None  # None: <home>/models
    llm_backend: str = "auto"  # auto | embedded | full (the four LLM roles)
    embedding_backend: str = "auto"  # auto | embedded | full (memory + ethics S-BERTs)
    embedder: str = "ngram"  # embedded embedder: ngram | e5 | hybrid
    memory_threshold: float | None = None  # None: the embedder's calibrated default
    max_prompt_tokens: int = 40  # a prompt with more tokens than this is refused (spec §3.3)
    summary_ttl_s: float = 1800.0  # a stored summary older than this is not used as context
    idle_timeout_s: float = 180.0  # interactive chat ends after this long without input
    seed: int | None = None  # fixes every random choice (tests, reproducible runs)
    reply_max_new_tokens: int = 96  # the original's max_length=128 counted the prompt too
    device: str = "auto"  # full path: auto | cpu | cuda | cuda:N | mps
    dtype: str = "auto"  # full path: auto | float32 | bfloat16
    base_models: str = ""  # full path: base-kanana-instruct=PATH_OR_HUB_ID,base-kanana=...,base-polyglot=...

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'ohlora.db'}"

    @property
    def models_root(self) -> Path:
        return self.models_dir if self.models_dir is not None else self.home / "models"

    @property
    def config_file(self) -> Path:
        return self.home / "config.toml"


_CHOICES = MappingProxyType({"llm_backend": BACKENDS, "embedding_backend": BACKENDS, "embedder": EMBEDDERS})
_ENV_PREFIX = "OHLORA_"


def default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("ohlora", appauthor=False))


def _coerce(key: str, value: Any, types: Mapping[str, str]) -> Any:
    kind = types[key]
    try:
        blank = value is None or (isinstance(value, str) and value.strip().lower() in ("", "none", "null"))
        if blank and "None" in kind:
            return None
        if "Path" in kind:
            return Path(str(value)).expanduser()
        if kind.startswith("float"):
            return float(value)
        if kind.startswith("int"):
            return int(value)
        return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(messages.CONFIG_BAD_VALUE.format(key=key, value=value, allowed=kind)) from exc


def load_settings(home: Path | str | None = None, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Build the settings. `env` defaults to os.environ; `overrides` are flag values (None = unset)."""
    env = os.environ if env is None else env
    if home is None:
        home = env.get(_ENV_PREFIX + "HOME") or default_home()
    home = Path(home).expanduser()
    types = {f.name: str(f.type) for f in fields(Settings)}
    values: dict[str, Any] = {}

    toml_path = home / "config.toml"
    if toml_path.is_file():
        try:
            data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(messages.CONFIG_BAD.format(path=toml_path, detail=exc)) from exc
        for key, value in data.items():
            if key in types and key != "home":
                values[key] = _coerce(key, value, types)

    for key in types:
        if key == "home":
            continue
        raw = env.get(_ENV_PREFIX + key.upper())
        if raw is not None:
            values[key] = _coerce(key, raw, types)

    for key, value in overrides.items():
        if value is not None:
            if key not in types:
                raise ConfigError(messages.CONFIG_BAD_VALUE.format(key=key, value=value, allowed="-"))
            values[key] = _coerce(key, value, types)

    for key, allowed in _CHOICES.items():
        if key in values and values[key] not in allowed:
            raise ConfigError(messages.CONFIG_BAD_VALUE.format(key=key, value=values[key], allowed=", ".join(allowed)))
    return replace(Settings(home=home), **values)
