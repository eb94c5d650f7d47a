"""`ohlora face ...`: render one picture, a demo GIF, or watch her live; and `make_face`.

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

from ohlora.errors import ConfigError, OhloraError
from ohlora.face.animator import OmbreFn, OmbreParams, default_ombre
from ohlora.face.base import BASE_EYES, BASE_MOUTH, BASE_POSE, Expression, Face

VERSIONS = ("embedded", "v7", "v8")
DEFAULT_OMBRE = OmbreParams(color=0.0, height=0.3, grad_height=0.4)  # generate_ombre_img defaults (spec §4)

BAD_VERSION = "얼굴 버전 '{version}'은(는) 없어요. 쓸 수 있는 버전: {allowed}. (unknown face version)"
OMBRE_MISSING = (
    "옴브레 염색을 적용할 수 없어요 ({detail}). `--no-ombre` 로 염색 없이 그리거나 필요한 패키지를 설치해 주세요. "
    "(ombre unavailable)"
)
BAD_FRAMES = "프레임 수는 2 이상이어야 해요. (--frames must be at least 2)"

face_app = typer.Typer(
    help="오로라의 얼굴: 그림 한 장(render), 데모 GIF(gif), 실시간 애니메이션(live). Oh-LoRA's face.",
    no_args_is_help=True,
)

VersionOption = typer.Option("embedded", "--version", help="embedded (내장, 다운로드 불필요) | v7 | v8 (StyleGAN).")
FaceOption = typer.Option(None, "--face", help="StyleGAN 얼굴 번호 (case No.); 없으면 무작위. embedded에서는 무시.")
ModelsDirOption = typer.Option(None, "--models-dir", help="모델 폴더 (기본: 설정의 models 폴더).")
NoOmbreOption = typer.Option(False, "--no-ombre", help="옴브레 염색 없이 그리기.")


def check_version(version: str) -> str:
    name = version.strip().lower()
    if name not in VERSIONS:
        raise ConfigError(BAD_VERSION.format(version=version, allowed=", ".join(VERSIONS)))
    return name


def make_face(version: str, case: int | None = None, models_root: Path | None = None,
              rng: random.Random | None = None, device: str = "auto") -> Face:
    """The face for a version: `ProceduralFace` for "embedded", else a StyleGAN-VectorFind face."""
    name = check_version(version)
    if name == "embedded":
        from ohlora.face.procedural import ProceduralFace

        return ProceduralFace()
    from ohlora.face.stylegan_face import load_stylegan_face

    if models_root is None:
        raise ConfigError("StyleGAN faces need a models folder (--models-dir).")
    return load_stylegan_face(models_root, name, case=case, rng=rng, device=device)


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
        raise OhloraError(OMBRE_MISSING.format(detail=exc)) from exc


def _face_for(ctx: typer.Context, version: str, case: int | None, models_dir: Path | None) -> Face:
    settings = _settings(ctx)
    rng = random.Random(settings.seed)
    root = models_dir if models_dir is not None else settings.models_root
    return make_face(version, case, root, rng, settings.device)


def _save_image(rgb, path: Path) -> None:
    from ohlora.face.sinks import save_png, write_atomic

    if path.suffix.lower() == ".png":
        save_png(rgb, path)
        return
    try:
        import io

        from PIL import Image
    except ImportError as exc:
        raise OhloraError("PNG 이외의 형식은 Pillow가 필요해요 (pip install pillow). Use a .png path.") from exc
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format=Image.registered_extensions().get(path.suffix.lower(), "PNG"))
    write_atomic(path, buffer.getvalue())


@face_app.command("render")
def render(
    ctx: typer.Context,
    output: Path = typer.Option(..., "--output", "-o", help="저장할 그림 파일 (.png)."),
    version: str = VersionOption,
    face: int | None = FaceOption,
    eyes: float = typer.Option(BASE_EYES, "--eyes", help="눈: 음수일수록 크게, 양수면 감김 (기본 0.2)."),
    mouth: float = typer.Option(BASE_MOUTH, "--mouth", help="입: 음수일수록 크게 벌림 (기본 1.0)."),
    pose: float = typer.Option(BASE_POSE, "--pose", help="고개 돌림: 음수일수록 많이 돌림 (기본 0)."),
    color: float = typer.Option(DEFAULT_OMBRE.color, "--color", help="옴브레 색상 0..1 (0 빨강, 0.5 하늘, 0.9 분홍)."),
    ombre_height: float = typer.Option(DEFAULT_OMBRE.height, "--ombre-height", help="염색 높이 0..1 (머리카락 아래쪽부터)."),
    ombre_grad_height: float = typer.Option(DEFAULT_OMBRE.grad_height, "--ombre-grad-height", help="그라데이션 비율 0..1."),
    no_ombre: bool = NoOmbreOption,
    models_dir: Path | None = ModelsDirOption,
) -> None:
    """오로라 얼굴 그림 한 장 만들기 (render one picture)."""
    ombre = _ombre(no_ombre, version)
    the_face = _face_for(ctx, version, face, models_dir)
    drawn = the_face.draw([Expression(eyes, mouth, pose)])[0]
    rgb = drawn.rgb if ombre is None else ombre(drawn.rgb, drawn.hair, color, ombre_height, ombre_grad_height)
    _save_image(rgb, output)
    Console(highlight=False).print(f"{the_face.name}: {output} ({rgb.shape[1]}×{rgb.shape[0]})")


@face_app.command("gif")
def gif(
    ctx: typer.Context,
    output: Path = typer.Option(..., "--output", "-o", help="저장할 GIF 파일."),
    version: str = VersionOption,
    face: int | None = FaceOption,
    frames: int = typer.Option(40, "--frames", help="프레임 수 (원작 40)."),
    duration_ms: int = typer.Option(50, "--duration-ms", help="프레임당 시간 (밀리초, 원작 의도 50 ms)."),
    batch: int = typer.Option(8, "--batch", help="한 번에 그릴 프레임 수."),
    no_ombre: bool = NoOmbreOption,
    models_dir: Path | None = ModelsDirOption,
) -> None:
    """원작 데모처럼 눈·입·고개와 옴브레가 바뀌는 GIF 만들기 (the original's demo animation)."""
    from ohlora.face.sinks import GifWriter

    if frames < 2:
        raise OhloraError(BAD_FRAMES)
    ombre = _ombre(no_ombre, version)
    the_face = _face_for(ctx, version, face, models_dir)
    writer = GifWriter(output, duration_ms=duration_ms)
    sweep = demo_sweep(frames)
    columns = (TextColumn("[magenta]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task(f"{the_face.name} GIF", total=len(sweep))
        for start in range(0, len(sweep), max(1, batch)):
            chunk = sweep[start : start + max(1, batch)]
            for drawn, (_, o) in zip(the_face.draw([e for e, _ in chunk]), chunk):
                rgb = drawn.rgb if ombre is None else ombre(drawn.rgb, drawn.hair, o.color, o.height, o.grad_height)
                writer.show(rgb)
            progress.advance(task, len(chunk))
    writer.close()
    Console(highlight=False).print(f"{the_face.name}: {output} ({len(sweep)} frames × {duration_ms} ms)")


@face_app.command("live")
def live(
    ctx: typer.Context,
    seconds: float = typer.Option(30.0, "--seconds", help="보여줄 시간 (초)."),
    fps: float = typer.Option(30.0, "--fps", help="화면 갱신 속도."),
    window: bool = typer.Option(False, "--window", help="OpenCV 창으로 보기 (opencv-python 필요)."),
    file: Path | None = typer.Option(None, "--file", help="PNG로 계속 저장할 경로 (기본: <home>/face/latest.png)."),
    answer_every: float = typer.Option(6.0, "--answer-every", help="이 간격(초)마다 가상의 답변 표정을 보여 줌; 0이면 끔."),
    version: str = VersionOption,
    face: int | None = FaceOption,
    no_ombre: bool = NoOmbreOption,
    models_dir: Path | None = ModelsDirOption,
) -> None:
    """실시간 애니메이션 미리보기: 흔들림, 눈 깜빡임, 답변 표정, 옴브레 (a live preview)."""
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
            out.print(f"{the_face.name}: {sinks[0].path} 에 {seconds:g}초 동안 실시간으로 저장해요.")
        stats = run_display(pipeline, sinks, fps, duration_s=seconds, should_stop=fake_answers)
    for sink in sinks:
        sink.close()
    out.print(f"{stats.frames} frames in {stats.seconds:.1f} s ({stats.fps:.1f} fps; rendered {pipeline.stats.rendered})")
