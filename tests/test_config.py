"""Settings: precedence (defaults < TOML < environment < flags), the face settings, and the `device`
setting parsed once into a per-role map."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ohlora.config import DEVICE_ROLES, LLM_ROLES, Devices, load_settings, with_flags
from ohlora.errors import ConfigError


def write_toml(home, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(text, encoding="utf-8")


def test_face_and_device_defaults(home):
    settings = load_settings(home, env={})
    assert (settings.face_version, settings.face_case, settings.device) == ("auto", None, "auto")
    assert settings.devices == Devices("auto")
    assert all(settings.device_for(role) == "auto" for role in DEVICE_ROLES)


@pytest.mark.parametrize(
    ("toml", "env", "flags", "expected"),
    [
        ("", {}, {}, ("auto", None, "auto")),
        ('face_version = "v7"\nface_case = 3\ndevice = "cpu"\n', {}, {}, ("v7", 3, "cpu")),
        ('face_version = "v7"\nface_case = 3\ndevice = "cpu"\n',
         {"OHLORA_FACE_VERSION": "embedded", "OHLORA_FACE_CASE": "83", "OHLORA_DEVICE": "face=cuda:1"},
         {}, ("embedded", 83, "face=cuda:1")),
        ('face_version = "v7"\nface_case = 3\ndevice = "cpu"\n',
         {"OHLORA_FACE_VERSION": "embedded", "OHLORA_FACE_CASE": "83", "OHLORA_DEVICE": "face=cuda:1"},
         {"face_version": "v8", "face_case": 12, "device": "mps"}, ("v8", 12, "mps")),
        ('face_case = 3\n', {"OHLORA_FACE_CASE": ""}, {}, ("auto", None, "auto")),  # a blank variable unsets
    ],
)
def test_face_and_device_settings_follow_the_precedence(home, toml, env, flags, expected):
    write_toml(home, toml)
    settings = load_settings(home, env=env, **flags)
    assert (settings.face_version, settings.face_case, settings.device) == expected


def test_face_version_ignores_case_and_spaces_and_refuses_unknown_versions(home):
    assert load_settings(home, env={"OHLORA_FACE_VERSION": " V8 "}).face_version == "v8"
    with pytest.raises(ConfigError, match="face_version"):
        load_settings(home, env={"OHLORA_FACE_VERSION": "v6"})
    write_toml(home, 'face_version = "stylegan"\n')
    with pytest.raises(ConfigError, match="face_version"):
        load_settings(home, env={})
    with pytest.raises(ConfigError, match="face_case"):
        load_settings(home, env={"OHLORA_FACE_CASE": "eighty"}, face_version="v8")


def test_device_is_parsed_once_into_a_per_role_map(home):
    settings = load_settings(home, env={"OHLORA_DEVICE": " Reply=CUDA:0, summary=cuda:1 ,face=cpu"})
    assert settings.device == " Reply=CUDA:0, summary=cuda:1 ,face=cpu"  # what the user wrote
    assert settings.devices == Devices("auto", (("reply", "cuda:0"), ("summary", "cuda:1"), ("face", "cpu")))
    assert settings.devices.as_dict() == {"reply": "cuda:0", "memory": "auto", "summary": "cuda:1",
                                          "expression": "auto", "embedding": "auto", "ethics": "auto",
                                          "face": "cpu"}
    assert settings.device_for("embedding") == "auto"
    with pytest.raises(KeyError):
        settings.device_for("hair")


def test_one_device_serves_every_role_and_default_names_the_rest(home):
    one = load_settings(home, env={"OHLORA_DEVICE": "cuda:1"})
    assert one.devices.as_dict(LLM_ROLES) == dict.fromkeys(LLM_ROLES, "cuda:1")
    assert one.device_for("face") == one.device_for("ethics") == "cuda:1"
    mixed = load_settings(home, env={}, device="default=cpu,reply=cuda")
    assert mixed.devices.as_dict() == {**dict.fromkeys(DEVICE_ROLES, "cpu"), "reply": "cuda"}
    assert load_settings(home, env={"OHLORA_DEVICE": "  "}).devices == Devices("auto")


@pytest.mark.parametrize(
    "bad", ["reply=", "=cpu", "reply=cpu,", "gpu=cuda:0", "reply=cpu,reply=cuda:1", "tpu", "cuda:x", "reply:cpu,x=1"]
)
def test_a_malformed_device_setting_is_refused_when_the_settings_load(home, bad):
    with pytest.raises(ConfigError, match="device") as caught:
        load_settings(home, env={"OHLORA_DEVICE": bad})
    assert "reply, memory, summary, expression, embedding, ethics, face, default" in str(caught.value)
    write_toml(home, f'device = "{bad}"\n')
    with pytest.raises(ConfigError, match="device"):
        load_settings(home, env={})


def test_the_parsed_map_follows_the_device_setting_whichever_way_it_is_made(home):
    settings = load_settings(home, env={})
    changed = replace(settings, device="face=cpu")
    assert changed.device_for("face") == "cpu" and settings.device_for("face") == "auto"
    assert changed != settings and replace(changed, device="auto") == settings
    assert hash(replace(changed, device="auto")) == hash(settings)
    with pytest.raises(ConfigError):
        replace(settings, device="face=")


def test_with_flags_puts_a_commands_flags_on_top_and_checks_them(home):
    write_toml(home, 'face_version = "v7"\nface_case = 3\n')
    settings = load_settings(home, env={"OHLORA_FACE_CASE": "5"})
    assert with_flags(settings, face_version=None, face_case=None) is settings
    flagged = with_flags(settings, face_version="V8", face_case=12)
    assert (flagged.face_version, flagged.face_case) == ("v8", 12)
    assert with_flags(settings, face_case=7).face_version == "v7"
    with pytest.raises(ConfigError, match="face_version"):
        with_flags(settings, face_version="v9")
    with pytest.raises(ConfigError, match="device"):
        with_flags(settings, device="reply=")
    with pytest.raises(ConfigError):
        with_flags(settings, no_such_setting=1)


def test_the_full_llm_backend_gets_a_plain_dict_of_its_four_roles(home):
    from ohlora.factory import device_map

    one = load_settings(home, env={}, device="cuda:1")
    assert device_map(one) == dict.fromkeys(LLM_ROLES, "cuda:1")
    mapped = load_settings(home, env={}, device="summary=cuda:1,face=cpu,default=cuda:0")
    assert device_map(mapped) == {"reply": "cuda:0", "memory": "cuda:0", "summary": "cuda:1", "expression": "cuda:0"}
    assert type(device_map(mapped)) is dict
