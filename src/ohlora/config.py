"""Settings: defaults < TOML file (<home>/config.toml) < environment < command-line flags.

The result is one frozen dataclass that every part receives; nothing reads the environment later.
The `device` setting is parsed once, when the settings are made (`Settings.devices`, `device_for`).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
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
FACE_VERSIONS = ("auto", "embedded", "v7", "v8")  # auto: v8 when its StyleGAN files verify, else embedded
LLM_ROLES = ("reply", "memory", "summary", "expression")
DEVICE_ROLES = (*LLM_ROLES, "embedding", "ethics", "face")  # embedding: memory S-BERT, ethics: judge S-BERT
DEFAULT_ROLE = "default"  # `default=DEVICE` in a per-role map: the device of the roles it does not name
_DEVICE_NAME = re.compile(r"auto|cpu|mps|cuda(:[0-9]+)?")


@dataclass(frozen=True)
class Devices:
    """The `device` setting, parsed: one device for every role (`cuda:0`), or per role like the
    original's two-GPU map (`reply=cuda:0,summary=cuda:1`; the roles it does not name get
    `default=DEVICE`, else `auto`). Names are checked here; whether the device exists is checked
    by whoever loads a model on it."""

    default: str = "auto"
    by_role: tuple[tuple[str, str], ...] = ()  # (role, device) for the roles named in a map

    @classmethod
    def parse(cls, text: str) -> Devices:
        def bad() -> ConfigError:
            allowed = messages.DEVICE_MAP_ALLOWED.format(roles=", ".join((*DEVICE_ROLES, DEFAULT_ROLE)))
            return ConfigError(messages.CONFIG_BAD_VALUE.format(key="device", value=text, allowed=allowed))

        def name(device: str) -> str:
            device = device.strip().lower()
            if not _DEVICE_NAME.fullmatch(device):
                raise bad()
            return device

        if "=" not in text:
            return cls(name(text) if text.strip() else "auto")
        named: dict[str, str] = {}
        for part in text.split(","):
            role, sep, device = part.partition("=")
            role = role.strip().lower()
            if not sep or role not in (*DEVICE_ROLES, DEFAULT_ROLE) or role in named:
                raise bad()
            named[role] = name(device)
        default = named.pop(DEFAULT_ROLE, "auto")
        return cls(default, tuple((role, named[role]) for role in DEVICE_ROLES if role in named))

    def __getitem__(self, role: str) -> str:
        if role not in DEVICE_ROLES:
            raise KeyError(role)
        return dict(self.by_role).get(role, self.default)

    def as_dict(self, roles: Iterable[str] = DEVICE_ROLES) -> dict[str, str]:
        """role -> device for `roles` (a plain dict, e.g. for the full LLM backend)."""
        return {role: self[role] for role in roles}


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
    device: str = "auto"  # full path and StyleGAN faces: auto | cpu | cuda | cuda:N | mps, or ROLE=DEVICE,...
    dtype: str = "auto"  # full path: auto | float32 | bfloat16
    base_models: str = ""  # full path: base-kanana-instruct=PATH_OR_HUB_ID,base-kanana=...,base-polyglot=...
    face_version: str = "auto"  # auto | embedded | v7 | v8: the chat's face, the web page's default face
    face_case: int | None = None  # StyleGAN face case number (None: a random one)
    devices: Devices = field(init=False, repr=False, compare=False)  # `device`, parsed (ConfigError if malformed)

    def __post_init__(self) -> None:
        object.__setattr__(self, "devices", Devices.parse(self.device))

    def device_for(self, role: str) -> str:
        """The device of a role in DEVICE_ROLES (reply, memory, summary, expression, embedding, ethics, face)."""
        return self.devices[role]

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'ohlora.db'}"

    @property
    def models_root(self) -> Path:
        return self.models_dir if self.models_dir is not None else self.home / "models"

    @property
    def config_file(self) -> Path:
        return self.home / "config.toml"


_CHOICES = MappingProxyType({"llm_backend": BACKENDS, "embedding_backend": BACKENDS, "embedder": EMBEDDERS,
                             "face_version": FACE_VERSIONS})
_FOLDED = ("face_version",)  # compared without case and surrounding spaces (`--face-version V8`)
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


def _types() -> dict[str, str]:
    return {f.name: str(f.type) for f in fields(Settings) if f.init}


def _apply_flags(values: dict[str, Any], overrides: Mapping[str, Any], types: Mapping[str, str]) -> None:
    for key, value in overrides.items():
        if value is not None:
            if key not in types or key == "home":
                raise ConfigError(messages.CONFIG_BAD_VALUE.format(key=key, value=value, allowed="-"))
            values[key] = _coerce(key, value, types)


def _check_choices(values: dict[str, Any]) -> None:
    for key in _FOLDED:
        if key in values:
            values[key] = values[key].strip().lower()
    for key, allowed in _CHOICES.items():
        if key in values and values[key] not in allowed:
            raise ConfigError(messages.CONFIG_BAD_VALUE.format(key=key, value=values[key], allowed=", ".join(allowed)))


def load_settings(home: Path | str | None = None, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Build the settings. `env` defaults to os.environ; `overrides` are flag values (None = unset)."""
    env = os.environ if env is None else env
    if home is None:
        home = env.get(_ENV_PREFIX + "HOME") or default_home()
    home = Path(home).expanduser()
    types = _types()
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

    _apply_flags(values, overrides, types)
    _check_choices(values)
    return replace(Settings(home=home), **values)


def with_flags(settings: Settings, **overrides: Any) -> Settings:
    """`settings` with a command's own flag values on top (None = unset), checked like load_settings' overrides."""
    values: dict[str, Any] = {}
    _apply_flags(values, overrides, _types())
    _check_choices(values)
    return replace(settings, **values) if values else settings
