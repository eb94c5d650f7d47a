"""`ohlora face ...`: render one picture, a demo GIF, or watch her live (the faces come from `face/factory.py`).

The embedded face never imports torch; the StyleGAN faces (v7/v8) are loaded lazily from
`ohlora.face.stylegan_face` only when asked for.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ohlora import messages
from ohlora.clihelp import OhloraTyper
from ohlora.errors import OhloraError
from ohlora.face.animator import OmbreFn, OmbreParams, default_ombre
from ohlora.face.base import BASE_EYES, BASE_MOUTH, BASE_POSE, Expression, Face
from ohlora.face.factory import check_version, face_from_settings

DEFAULT_OMBRE = OmbreParams(color=0.0, height=0.3, grad_height=0.4)  # generate_ombre_img defaults (spec §4)

face_app = OhloraTyper(help=messages.HELP_FACE_APP, no_args_is_help=True)

VersionOption = typer.Option("embedded", "--version", help=messages.HELP_FACE_VERSION)
FaceOption = typer.Option(None, "--face", help=messages.HELP_FACE_CASE)
ModelsDirOption = typer.Option(None, "--models-dir", help=messages.HELP_FACE_MODELS_DIR)
NoOmbreOption = typer.Option(False, "--no-ombre", help=messages.HELP_FACE_NO_OMBRE)


def demo_sweep(frames: int = 40) -> list[tuple[Expression, OmbreParams]]:
    """The original's demo GIF animation (spec face §5.5 item 3), stretched to `frames` frames.

    At 40 frames, frame x: colour 0.025x, height 0.1 + 0.01x, gradient 0.05 + 0.015x; eyes −1.2 + 0.12x
    then back down, mouth 1.2 − 0.06x, pose 0.6 − 0.09x for the first half, then −1.2.
    """
    half = frames / 2
    out = []
    for x in range(frames):
        s = x / frames  # 0.025·x at 40 frames
        eyes = -1.2 + 2.4 * x / half if x < half else 1.2 - 2.4 * (x - half) / half
        pose = 0.6 - 1.8 * x / half if x < half else -1.2
        expression = Expression(eyes=eyes, mouth=1.2 - 2.4 * s, pose=pose)
        out.append((expression, OmbreParams(color=s, height=0.1 + 0.4 * s, grad_height=0.05 + 0.6 * s)))
    return out


def _settings(ctx: typer.Context):
    obj = ctx.obj
    if obj is not None and getattr(obj, "settings", None) is not None:
        return obj.settings
    from ohlora.config import load_settings

    return load_settings()


def _ombre(no_ombre: bool, version: str) -> OmbreFn | None:
    check_version(version)  # a bad version is reported before anything else
    if no_ombre:
        return None
    try:
        return default_ombre()
    except ImportError as exc:
        raise OhloraError(messages.FACE_OMBRE_MISSING.format(detail=exc)) from exc


def _face_for(ctx: typer.Context, version: str, case: int | None, models_dir: Path | None) -> Face:
    """The face of `--version` (`--face`, else the face_case setting), from `--models-dir` or the settings'."""
    from ohlora.config import with_flags

    settings = with_flags(_settings(ctx), models_dir=models_dir)
    return face_from_settings(settings, random.Random(settings.seed), version=version, case=case)


def _save_image(rgb, path: Path) -> None:
    from ohlora.face.sinks import save_png, write_atomic

    if path.suffix.lower() == ".png":
        save_png(rgb, path)
        return
    try:
        import io

        from PIL import Image
    except ImportError as exc:
        raise OhloraError(messages.FACE_IMAGE_NEEDS_PILLOW) from exc
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format=Image.registered_extensions().get(path.suffix.lower(), "PNG"))
    write_atomic(path, buffer.getvalue())


@face_app.command("render", help=messages.HELP_FACE_RENDER)
def render(
    ctx: typer.Context,
    output: Path = typer.Option(..., "--output", "-o", help=messages.HELP_FACE_RENDER_OUTPUT),
    version: str = VersionOption,
    face: int | None = FaceOption,
    eyes: float = typer.Option(BASE_EYES, "--eyes", help=messages.HELP_FACE_EYES),
    mouth: float = typer.Option(BASE_MOUTH, "--mouth", help=messages.HELP_FACE_MOUTH),
    pose: float = typer.Option(BASE_POSE, "--pose", help=messages.HELP_FACE_POSE),
    color: float = typer.Option(DEFAULT_OMBRE.color, "--color", help=messages.HELP_FACE_COLOR),
    ombre_height: float = typer.Option(DEFAULT_OMBRE.height, "--ombre-height", help=messages.HELP_FACE_OMBRE_HEIGHT),
    ombre_grad_height: float = typer.Option(
        DEFAULT_OMBRE.grad_height, "--ombre-grad-height", help=messages.HELP_FACE_OMBRE_GRAD_HEIGHT
    ),
    no_ombre: bool = NoOmbreOption,
    models_dir: Path | None = ModelsDirOption,
) -> None:
    ombre = _ombre(no_ombre, version)
    the_face = _face_for(ctx, version, face, models_dir)
    drawn = the_face.draw([Expression(eyes, mouth, pose)])[0]
    rgb = drawn.rgb if ombre is None else ombre(drawn.rgb, drawn.hair, color, ombre_height, ombre_grad_height)
    _save_image(rgb, output)
    Console(highlight=False).print(messages.face_rendered(the_face.name, output, rgb.shape[1], rgb.shape[0]))


@face_app.command("gif", help=messages.HELP_FACE_GIF)
def gif(
    ctx: typer.Context,
    output: Path = typer.Option(..., "--output", "-o", help=messages.HELP_FACE_GIF_OUTPUT),
    version: str = VersionOption,
    face: int | None = FaceOption,
    frames: int = typer.Option(40, "--frames", help=messages.HELP_FACE_FRAMES),
    duration_ms: int = typer.Option(50, "--duration-ms", help=messages.HELP_FACE_DURATION),
    batch: int = typer.Option(8, "--batch", help=messages.HELP_FACE_BATCH),
    no_ombre: bool = NoOmbreOption,
    models_dir: Path | None = ModelsDirOption,
) -> None:
    from ohlora.face.sinks import GifWriter

    if frames < 2:
        raise OhloraError(messages.FACE_BAD_FRAMES)
    ombre = _ombre(no_ombre, version)
    the_face = _face_for(ctx, version, face, models_dir)
    writer = GifWriter(output, duration_ms=duration_ms)
    sweep = demo_sweep(frames)
    columns = (TextColumn("[magenta]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task(messages.face_gif_task(the_face.name), total=len(sweep))
        for start in range(0, len(sweep), max(1, batch)):
            chunk = sweep[start : start + max(1, batch)]
            for drawn, (_, o) in zip(the_face.draw([e for e, _ in chunk]), chunk):
                rgb = drawn.rgb if ombre is None else ombre(drawn.rgb, drawn.hair, o.color, o.height, o.grad_height)
                writer.show(rgb)
            progress.advance(task, len(chunk))
    writer.close()
    Console(highlight=False).print(messages.face_gif_written(the_face.name, output, len(sweep), duration_ms))


@face_app.command("live", help=messages.HELP_FACE_LIVE)
def live(
    ctx: typer.Context,
    seconds: float = typer.Option(30.0, "--seconds", help=messages.HELP_FACE_SECONDS),
    fps: float = typer.Option(30.0, "--fps", help=messages.HELP_FACE_FPS),
    window: bool = typer.Option(False, "--window", help=messages.HELP_FACE_WINDOW),
    file: Path | None = typer.Option(None, "--file", help=messages.HELP_FACE_FILE),
    answer_every: float = typer.Option(6.0, "--answer-every", help=messages.HELP_FACE_ANSWER_EVERY),
    version: str = VersionOption,
    face: int | None = FaceOption,
    no_ombre: bool = NoOmbreOption,
    models_dir: Path | None = ModelsDirOption,
) -> None:
    from ohlora.clock import SystemClock
    from ohlora.face.animator import Animator, FramePipeline
    from ohlora.face.sinks import FileSink, WindowSink, run_display

    settings = _settings(ctx)
    ombre = _ombre(no_ombre, version)
    the_face = _face_for(ctx, version, face, models_dir)
    rng = random.Random(settings.seed)
    sinks = [WindowSink()] if window else [FileSink(file or settings.home / "face" / "latest.png", min_interval_s=0.1)]
    animator = Animator(SystemClock(), rng)
    out = Console(highlight=False)
    next_answer = [time.monotonic() + answer_every]

    def fake_answers() -> bool:
        if answer_every > 0 and time.monotonic() >= next_answer[0]:
            pipeline.answered(Expression(rng.uniform(-1.2, 0.2), rng.uniform(-1.6, -0.4), rng.uniform(-1.5, 0.6)))
            next_answer[0] += answer_every
        return False

    with FramePipeline(the_face, animator, ombre=ombre) as pipeline:
        if not window:
            out.print(messages.face_live_file(the_face.name, sinks[0].path, seconds))
        stats = run_display(pipeline, sinks, fps, duration_s=seconds, should_stop=fake_answers)
    for sink in sinks:
        sink.close()
    out.print(messages.face_live_stats(stats.frames, stats.seconds, stats.fps, pipeline.stats.rendered))
