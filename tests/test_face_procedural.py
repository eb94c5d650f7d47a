"""The embedded face: the weights act visibly on the picture, and the hair mask is exact."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from ohlora.face.base import BASE_EYES, BASE_MOUTH, Drawn, Expression
from ohlora.face.procedural import ProceduralFace, clamp_expression

LUMA = np.array([0.299, 0.587, 0.114])


@pytest.fixture(scope="module")
def face() -> ProceduralFace:
    return ProceduralFace()


def draw(face: ProceduralFace, eyes: float = BASE_EYES, mouth: float = BASE_MOUTH, pose: float = 0.0) -> Drawn:
    return face.draw([Expression(eyes, mouth, pose)])[0]


def eye_area(rgb: np.ndarray) -> int:
    """Pixels of visible eye in the eye band: white of the eye (near-neutral, bright) or iris/pupil (dark)."""
    box = rgb[100:130, 90:170].astype(int)
    white = (box.min(-1) > 180) & (box.max(-1) - box.min(-1) < 20)
    dark = box @ LUMA < 110
    return int(white.sum() + dark.sum())


def sclera(rgb: np.ndarray) -> int:
    box = rgb[100:130, 90:170].astype(int)
    return int(((box.min(-1) > 180) & (box.max(-1) - box.min(-1) < 20)).sum())


def mouth_area(rgb: np.ndarray) -> int:
    """Pixels of open mouth: the dark red inside plus the white of the teeth."""
    box = rgb[146:178, 110:147].astype(int)
    dark = (box @ LUMA < 120) & (box[..., 0] > box[..., 1] + 25)
    teeth = (box.min(-1) > 195) & (box.max(-1) - box.min(-1) < 25)
    return int(dark.sum() + teeth.sum())


def skin_centroid_x(rgb: np.ndarray) -> float:
    part = rgb[85:175].astype(int)
    skin = (part[..., 0] > 200) & (part[..., 1] > 160) & (part[..., 2] > 140) & (part[..., 0] - part[..., 2] > 15)
    return float(np.nonzero(skin)[1].mean())


def test_draws_a_batch_of_rgb_pictures_with_float_masks(face):
    out = face.draw([Expression(), Expression(-1.0, -1.0, -1.0), Expression(1.2, 1.0, 0.5)])
    assert face.name == "embedded" and face.size == 256 and len(out) == 3
    for d in out:
        assert d.rgb.shape == (256, 256, 3) and d.rgb.dtype == np.uint8
        assert d.hair.shape == (256, 256) and d.hair.dtype == np.float32
        assert d.hair.min() >= 0.0 and d.hair.max() <= 1.0
    assert not np.array_equal(out[0].rgb, out[1].rgb)


def test_same_expression_gives_the_same_picture(face):
    a, b = draw(face, -0.4, -0.3, -0.7), draw(face, -0.4, -0.3, -0.7)
    assert np.array_equal(a.rgb, b.rgb) and np.array_equal(a.hair, b.hair)
    assert np.array_equal(draw(face, 0.2, 1.0, 0.2).rgb, ProceduralFace().draw([Expression(0.2, 1.0, 0.2)])[0].rgb)


def test_eye_area_shrinks_as_the_eyes_close(face):
    weights = [-1.5, -1.2, -0.6, 0.2, 0.5, 0.8, 1.0, 1.1]
    areas = [eye_area(draw(face, eyes=e).rgb) for e in weights]
    assert all(a > b for a, b in zip(areas, areas[1:-1])), areas
    assert areas[-1] < 0.5 * areas[3]  # a blink is clearly visible
    assert sclera(draw(face, eyes=1.1).rgb) == 0 and sclera(draw(face, eyes=1.4).rgb) == 0  # fully closed
    assert sclera(draw(face, eyes=-1.2).rgb) > 1.4 * sclera(draw(face, eyes=0.2).rgb)  # wide open


def test_mouth_area_grows_as_the_mouth_opens(face):
    weights = [1.0, 0.6, 0.2, -0.4, -1.0, -1.6]
    areas = [mouth_area(draw(face, mouth=m).rgb) for m in weights]
    assert all(a < b for a, b in zip(areas, areas[1:])), areas
    assert areas[-1] > 5 * areas[0]
    assert mouth_area(draw(face, mouth=1.1).rgb) == areas[0]  # above the base the mouth stays closed


def test_pose_turns_the_face_and_the_hair_follows(face):
    poses = [0.6, 0.3, 0.0, -0.3, -0.9, -1.8]
    drawn = [draw(face, pose=p) for p in poses]
    face_x = [skin_centroid_x(d.rgb) for d in drawn]
    hair_x = [float((d.hair * np.arange(256)).sum() / d.hair.sum()) for d in drawn]
    assert all(a > b for a, b in zip(face_x, face_x[1:])), face_x  # more negative = more turned (to the left)
    assert all(a > b for a, b in zip(hair_x, hair_x[1:])), hair_x
    assert face_x[0] - face_x[-1] > 15  # clearly visible
    assert face_x[-1] < face_x[2] - 10 and face_x[0] > face_x[2] + 3


@pytest.mark.parametrize("pose", [0.0, -1.3, 0.5])
def test_hair_mask_is_exactly_the_hair(face, pose):
    """Change only the hair colour: pixels change exactly where the mask says there is hair."""
    from ohlora.face.procedural import Palette

    recoloured = ProceduralFace(Palette(hair=(0.15, 0.45, 0.6), hair_light=(0.6, 0.9, 1.0)))
    a, b = draw(face, pose=pose), recoloured.draw([Expression(BASE_EYES, BASE_MOUTH, pose)])[0]
    assert np.array_equal(a.hair, b.hair)
    diff = np.abs(a.rgb.astype(int) - b.rgb.astype(int)).sum(-1)
    assert diff[a.hair == 0].max() == 0  # nothing outside the mask is hair
    assert diff[a.hair > 0.99].min() > 60  # everything inside it is
    assert 0.15 < a.hair.mean() < 0.45  # long hair: a good part of the picture
    soft = (a.hair > 0.02) & (a.hair < 0.98)
    assert 0 < soft.mean() < 0.05  # anti-aliased edges, not a blurred mask


def test_hair_covers_the_top_of_the_head_and_the_long_ends(face):
    d = draw(face)
    rows = np.nonzero(d.hair.max(axis=1) > 0.9375)[0]
    assert rows[0] < 40 and rows[-1] > 235  # ombre dyes the lower part of long hair
    assert d.hair[120, 128] == 0 and d.hair[150, 128] == 0  # the face is not hair
    assert d.hair[200, 128] == 0  # nor the neck


def test_weights_are_clamped_to_the_tolerated_ranges(face):
    assert clamp_expression(Expression(5.0, -9.0, -7.0)) == Expression(1.5, -2.0, -2.0)
    assert np.array_equal(draw(face, 9.0, -9.0, 9.0).rgb, draw(face, 1.5, -2.0, 1.0).rgb)


def test_ombre_dyes_only_the_hair(face):
    ombre = pytest.importorskip("ohlora.face.ombre")
    d = draw(face)
    out = ombre.apply_ombre(d.rgb, d.hair, 0.5, 0.6, 0.4)
    changed = np.abs(out.astype(int) - d.rgb.astype(int)).sum(-1) > 0
    assert changed.any() and not changed[d.hair == 0].any()
    lower = changed[180:].sum()
    upper = changed[:100].sum()
    assert lower > upper  # the ends are dyed, not the crown


def test_the_embedded_face_never_imports_torch():
    code = (
        "import sys\n"
        "from ohlora.face.procedural import ProceduralFace\n"
        "from ohlora.face import animator, sinks, commands, factory\n"
        "from ohlora.face.base import Expression\n"
        "ProceduralFace().draw([Expression()])\n"
        "factory.make_face('embedded')\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
