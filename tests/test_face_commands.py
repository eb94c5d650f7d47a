"""`ohlora face render|gif|live` through Typer (embedded face), `make_face`, `face_from_settings`, and the
frame sinks."""

from __future__ import annotations

import os
import random
import stat
import struct
import sys
import threading
import types
import zlib
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from ohlora.config import load_settings, with_flags
from ohlora.errors import ConfigError, OhloraError
from ohlora.face.base import Expression
from ohlora.face.commands import demo_sweep, face_app
from ohlora.face.factory import face_from_settings, make_face, pick_version
from ohlora.face.procedural import ProceduralFace
from ohlora.face.sinks import (
    FileSink,
    GifWriter,
    WindowSink,
    WindowUnavailable,
    encode_png,
)


def read_png(path: Path) -> np.ndarray:
    """Decode the PNGs we write (8-bit RGB, filter 0) with the stdlib only."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 2)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(height, width * 3 + 1)
    assert (raw[:, 0] == 0).all()
    return raw[:, 1:].reshape(height, width, 3)


def app_with(settings) -> typer.Typer:
    root = typer.Typer()

    @root.callback()
    def main(ctx: typer.Context) -> None:
        ctx.obj = types.SimpleNamespace(settings=settings)

    root.add_typer(face_app, name="face")
    return root


@pytest.fixture
def app(tmp_path):
    return app_with(load_settings(tmp_path / "home", env={}, seed=7))


def invoke(app, *args: str):
    return CliRunner().invoke(app, ["face", *args])


@pytest.fixture(scope="module")
def embedded() -> ProceduralFace:
    return ProceduralFace()


# --- render -------------------------------------------------------------------------------------------------
def test_render_writes_the_embedded_face_as_png(app, tmp_path, embedded):
    out = tmp_path / "pics" / "face.png"
    result = invoke(app, "render", "--no-ombre", "--eyes", "-1.0", "--mouth", "-1.2", "--pose", "-0.5", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "embedded" in result.output
    pixels = read_png(out)
    assert pixels.shape == (256, 256, 3)
    assert np.array_equal(pixels, embedded.draw([Expression(-1.0, -1.2, -0.5)])[0].rgb)
    base = tmp_path / "base.png"
    assert invoke(app, "render", "--no-ombre", "-o", str(base)).exit_code == 0
    assert not np.array_equal(read_png(base), pixels)
    assert not list(out.parent.glob(".*.tmp"))  # written atomically, nothing left over


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_pictures_get_the_permissions_a_plain_open_gives(app, tmp_path, umask_022):
    png = tmp_path / "face.png"
    assert invoke(app, "render", "--no-ombre", "-o", str(png)).exit_code == 0
    assert stat.S_IMODE(png.stat().st_mode) == 0o644
    sink = FileSink(tmp_path / "home" / "face" / "latest.png")  # the terminal chat's live face
    sink.show(frame(10))
    sink.close()
    assert stat.S_IMODE(sink.path.stat().st_mode) == 0o644
    gif = tmp_path / "demo.gif"
    assert invoke(app, "gif", "--frames", "2", "-o", str(gif)).exit_code == 0
    assert stat.S_IMODE(gif.stat().st_mode) == 0o644
    os.umask(0o077)
    private = tmp_path / "private.png"
    assert invoke(app, "render", "--no-ombre", "-o", str(private)).exit_code == 0
    assert stat.S_IMODE(private.stat().st_mode) == 0o600  # the umask is respected, not overridden


def test_render_with_ombre_dyes_the_hair_only(app, tmp_path, embedded):
    pytest.importorskip("ohlora.face.ombre")
    out = tmp_path / "ombre.png"
    result = invoke(app, "render", "--color", "0.5", "--ombre-height", "0.6", "--ombre-grad-height", "0.3", "-o", str(out))
    assert result.exit_code == 0, result.output
    drawn = embedded.draw([Expression()])[0]
    changed = np.abs(read_png(out).astype(int) - drawn.rgb.astype(int)).sum(-1) > 0
    assert changed.sum() > 1000 and not changed[drawn.hair == 0].any()


def test_render_rejects_an_unknown_version(app, tmp_path):
    result = invoke(app, "render", "--version", "v9", "-o", str(tmp_path / "x.png"))
    assert result.exit_code != 0
    assert isinstance(result.exception, ConfigError) and "v9" in str(result.exception)
    assert not (tmp_path / "x.png").exists()


# --- gif ----------------------------------------------------------------------------------------------------------
def test_demo_sweep_is_the_original_40_frame_animation():
    sweep = demo_sweep(40)
    assert len(sweep) == 40
    for x, (e, o) in enumerate(sweep):
        assert o.color == pytest.approx(0.025 * x)
        assert o.height == pytest.approx(0.1 + 0.01 * x)
        assert o.grad_height == pytest.approx(0.05 + 0.015 * x)
        assert e.eyes == pytest.approx(-1.2 + 0.12 * x if x < 20 else 1.2 - 0.12 * (x - 20))
        assert e.mouth == pytest.approx(1.2 - 0.06 * x)
        assert e.pose == pytest.approx(0.6 - 0.09 * x if x < 20 else -1.2)


@pytest.mark.parametrize("ombre", [False, True])
def test_gif_has_40_frames_of_50_ms(app, tmp_path, ombre):
    image = pytest.importorskip("PIL.Image")
    if ombre:
        pytest.importorskip("ohlora.face.ombre")
    out = tmp_path / "demo.gif"
    args = ["gif", "-o", str(out)] + ([] if ombre else ["--no-ombre"])
    result = invoke(app, *args)
    assert result.exit_code == 0, result.output
    with image.open(out) as gif:
        assert gif.n_frames == 40 and gif.size == (256, 256)
        assert gif.info.get("loop") == 0
        durations, firsts = [], []
        for i in range(gif.n_frames):
            gif.seek(i)
            durations.append(gif.info["duration"])
            firsts.append(np.asarray(gif.convert("RGB")).copy())
    assert durations == [50] * 40  # milliseconds (the original's 0.05 meant ~0 ms)
    assert np.abs(firsts[0].astype(int) - firsts[20].astype(int)).mean() > 2  # it animates


def test_gif_frame_count_and_duration_are_options(app, tmp_path):
    image = pytest.importorskip("PIL.Image")
    out = tmp_path / "short.gif"
    result = invoke(app, "gif", "--no-ombre", "--frames", "6", "--duration-ms", "80", "--batch", "4", "-o", str(out))
    assert result.exit_code == 0, result.output
    with image.open(out) as gif:
        assert gif.n_frames == 6 and gif.info["duration"] == 80
    assert isinstance(invoke(app, "gif", "--frames", "1", "-o", str(out)).exception, OhloraError)


# --- live ---------------------------------------------------------------------------------------------------------
def test_live_writes_a_png_that_keeps_changing(app, tmp_path):
    out = tmp_path / "live" / "latest.png"
    result = invoke(app, "live", "--no-ombre", "--seconds", "0.6", "--fps", "20", "--answer-every", "0.2",
                    "--file", str(out))
    assert result.exit_code == 0, result.output
    assert read_png(out).shape == (256, 256, 3)
    assert "frames" in result.output


# --- make_face -------------------------------------------------------------------------------------------------------
def test_make_face_builds_the_embedded_face_without_models():
    face = make_face("Embedded")
    assert isinstance(face, ProceduralFace) and face.name == "embedded"
    with pytest.raises(ConfigError):
        make_face("v6")


def test_make_face_loads_stylegan_faces_lazily(monkeypatch, tmp_path):
    calls = []
    fake = types.ModuleType("ohlora.face.stylegan_face")

    def load_stylegan_face(models_root, version, case=None, rng=None, device="auto", dtype="auto"):
        calls.append((models_root, version, case, rng, device))
        return "a stylegan face"

    fake.load_stylegan_face = load_stylegan_face
    monkeypatch.setitem(sys.modules, "ohlora.face.stylegan_face", fake)
    rng = random.Random(1)
    assert make_face("v8", 83, tmp_path, rng, "cpu") == "a stylegan face"
    assert calls == [(tmp_path, "v8", 83, rng, "cpu")]


@pytest.fixture
def fake_stylegan(monkeypatch, embedded):
    """`ohlora.face.stylegan_face` replaced: every load is recorded and gets the embedded face."""
    calls = []
    fake = types.ModuleType("ohlora.face.stylegan_face")

    def load_stylegan_face(models_root, version, case=None, rng=None, device="auto", dtype="auto"):
        calls.append((models_root, version, case, device))
        return embedded

    fake.load_stylegan_face = load_stylegan_face
    monkeypatch.setitem(sys.modules, "ohlora.face.stylegan_face", fake)
    return calls


# --- face_from_settings ------------------------------------------------------------------------------------------------
def test_face_from_settings_takes_version_case_models_and_device_from_the_settings(tmp_path, fake_stylegan):
    env = {"OHLORA_FACE_VERSION": "v8", "OHLORA_FACE_CASE": "83", "OHLORA_DEVICE": "reply=cuda:0,face=cpu"}
    settings = load_settings(tmp_path / "home", env=env, models_dir=tmp_path / "models")
    face_from_settings(settings, random.Random(1))
    face_from_settings(settings, version=" V7", case=3)  # a command's flags win
    face_from_settings(with_flags(settings, device="cuda:1"), case=84)
    assert fake_stylegan == [(tmp_path / "models", "v8", 83, "cpu"), (tmp_path / "models", "v7", 3, "cpu"),
                             (tmp_path / "models", "v8", 84, "cuda:1")]
    assert isinstance(face_from_settings(with_flags(settings, face_version="embedded")), ProceduralFace)
    assert len(fake_stylegan) == 3
    with pytest.raises(ConfigError):
        face_from_settings(settings, version="v6")


def test_auto_is_v8_when_its_files_verify_else_the_embedded_face(monkeypatch, tmp_path):
    settings = load_settings(tmp_path / "home", env={})
    assert settings.face_version == "auto" and pick_version(settings) == "embedded"  # no models here
    assert pick_version(settings, "V7") == "v7"
    asked = []

    def ready(s, group):
        asked.append(group)
        return group == "face-v8", []

    monkeypatch.setattr("ohlora.models.readiness.full_path_ready", ready)
    assert pick_version(settings) == "v8" and pick_version(settings, "auto") == "v8"
    assert pick_version(with_flags(settings, face_version="embedded")) == "embedded"
    assert asked == ["face-v8", "face-v8"]


def test_face_commands_take_models_and_device_from_the_settings_and_keep_their_version_default(
    tmp_path, fake_stylegan
):
    env = {"OHLORA_FACE_VERSION": "v8", "OHLORA_FACE_CASE": "83", "OHLORA_DEVICE": "face=cpu,reply=cuda:1"}
    app = app_with(load_settings(tmp_path / "home", env=env, seed=7))
    models = tmp_path / "elsewhere"
    out = tmp_path / "a.png"
    for extra in ([], ["--face", "84"]):
        result = invoke(app, "render", "-o", str(out), "--no-ombre", "--version", "v8", "--models-dir", str(models),
                        *extra)
        assert result.exit_code == 0, result.output
    result = invoke(app, "render", "-o", str(out), "--no-ombre")  # --version stays `embedded` by default
    assert result.exit_code == 0, result.output
    assert fake_stylegan == [(models, "v8", 83, "cpu"), (models, "v8", 84, "cpu")]


# --- sinks -------------------------------------------------------------------------------------------------------------
def frame(value: int) -> np.ndarray:
    rgb = np.zeros((4, 6, 3), np.uint8)
    rgb[..., 0] = value
    rgb[1, 2] = (1, 2, 3)
    return rgb


def test_png_encoding_round_trips(tmp_path):
    rgb = np.random.default_rng(0).integers(0, 256, (17, 23, 3), dtype=np.uint8)
    path = tmp_path / "x.png"
    path.write_bytes(encode_png(rgb))
    assert np.array_equal(read_png(path), rgb)
    with pytest.raises(ValueError):
        encode_png(np.zeros((4, 4), np.uint8))


def test_file_sink_keeps_the_latest_frame_and_throttles(tmp_path):
    clock = [0.0]
    sink = FileSink(tmp_path / "face" / "latest.png", min_interval_s=0.1, now=lambda: clock[0])
    sink.show(frame(10))
    for v in (20, 30, 40):
        clock[0] += 0.03
        sink.show(frame(v))
    assert sink.written == 1 and read_png(sink.path)[0, 0, 0] == 10
    clock[0] += 0.05
    sink.show(frame(50))
    assert sink.written == 2 and read_png(sink.path)[0, 0, 0] == 50
    clock[0] += 0.01
    sink.show(frame(60))
    sink.close()  # the last frame always reaches the disk
    assert read_png(sink.path)[0, 0, 0] == 60
    assert sorted(p.name for p in sink.path.parent.iterdir()) == ["latest.png"]


def test_gif_writer_uses_milliseconds(tmp_path):
    image = pytest.importorskip("PIL.Image")
    writer = GifWriter(tmp_path / "a.gif", duration_ms=120)
    for v in (0, 100, 200):
        writer.show(frame(v))
    assert len(writer) == 3
    writer.close()
    with image.open(tmp_path / "a.gif") as gif:
        assert gif.n_frames == 3 and gif.info["duration"] == 120


def test_window_sink_explains_what_is_missing(monkeypatch):
    try:
        import cv2
    except ImportError:
        cv2 = None
    if cv2 is not None and "NONE" not in cv2.getBuildInformation().split("GUI:")[1].split("\n")[0]:
        monkeypatch.delenv("DISPLAY", raising=False)
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        if sys.platform in ("win32", "darwin"):
            pytest.skip("a desktop OpenCV with a display: the window would open")
    with pytest.raises(WindowUnavailable) as info:
        WindowSink()
    message = str(info.value)
    assert "opencv-python" in message or "디스플레이" in message


def test_window_sink_refuses_other_threads():
    errors = []

    def make() -> None:
        try:
            WindowSink()
        except WindowUnavailable as exc:
            errors.append(str(exc))

    t = threading.Thread(target=make)
    t.start()
    t.join()
    assert errors and "메인 스레드" in errors[0]
