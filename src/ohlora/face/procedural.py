"""The embedded face: Oh-LoRA drawn with numpy alone (no model files, no torch).

A 256×256 portrait of a young woman with long hair, built from signed-distance shapes with
anti-aliased edges and soft shading. It takes the same (eyes, mouth, pose) weights as the
StyleGAN faces, with the original's convention (spec face §2.8):

* eyes: more negative = wider open; positive closes them (≥ 0.95 fully closed, a blink);
* mouth: more negative = more open (+1.0 = a gently closed smile, −1.6 = wide open);
* pose: non-zero turns the head (more negative = more turned, always towards the viewer's left).

Speed: everything that does not move is drawn once, as premultiplied RGBA layers that also carry
a fifth "hair" channel (how much of each pixel is hair). Per frame only the eyes, brows and mouth
are drawn (in small crops), then the layers are warped sideways for the head turn (a cylinder
projection, cheap 1-D resampling per row) and stacked. Because the hair channel is composited
exactly like the colours, `Drawn.hair` is the exact, anti-aliased hair coverage of the picture.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ohlora.face.base import EYES_RANGE, MOUTH_RANGE, POSE_RANGE, Drawn, Expression

SIZE = 256
CX = 128.0  # the face's vertical axis (pose 0)

# layer channels: premultiplied R, G, B, alpha, hair coverage
_A = 3
_H = 4

# head turn: yaw (radians) per unit of −pose, and the radius of the projection cylinder (px)
_YAW_PER_POSE = 0.13
_CYL_RADIUS = 100.0


@dataclass(frozen=True)
class Palette:
    """Colours as 0..1 RGB triples. Change `hair` to get the same drawing with other hair."""

    hair: tuple[float, float, float] = (0.40, 0.25, 0.19)
    hair_light: tuple[float, float, float] = (0.78, 0.58, 0.44)
    skin: tuple[float, float, float] = (1.00, 0.90, 0.84)
    skin_shade: tuple[float, float, float] = (0.93, 0.72, 0.66)
    blush: tuple[float, float, float] = (0.98, 0.62, 0.62)
    lips: tuple[float, float, float] = (0.89, 0.47, 0.50)
    brows: tuple[float, float, float] = (0.36, 0.23, 0.18)
    lashes: tuple[float, float, float] = (0.17, 0.10, 0.10)
    iris: tuple[float, float, float] = (0.55, 0.34, 0.22)
    clothes: tuple[float, float, float] = (0.80, 0.74, 0.93)
    pin: tuple[float, float, float] = (0.96, 0.74, 0.30)
    pin_light: tuple[float, float, float] = (1.0, 0.93, 0.62)
    sky_top: tuple[float, float, float] = (0.16, 0.17, 0.38)
    sky_bottom: tuple[float, float, float] = (0.72, 0.55, 0.74)


DEFAULT_PALETTE = Palette()


# --- small drawing toolkit (pixel units; d < 0 inside a shape) -------------------------------------------
def _cov(d: np.ndarray, soft: float = 1.0) -> np.ndarray:
    """Anti-aliased coverage of a shape from its signed distance (a 1 px wide linear edge)."""
    return np.clip(0.5 - d / soft, 0.0, 1.0)


def _smooth(e0: float, e1: float, x: np.ndarray | float) -> np.ndarray:
    t = np.clip((np.asarray(x, dtype=np.float32) - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def _dist(field: np.ndarray) -> np.ndarray:
    """Signed distance (px) near the zero set of an implicit field: f / |grad f|."""
    gy, gx = np.gradient(field)
    return field / np.maximum(np.sqrt(gx * gx + gy * gy), 1e-3)


def _ellipse(x: np.ndarray, y: np.ndarray, cx: float, cy: float, rx: float, ry: float) -> np.ndarray:
    """Approximate signed distance to an ellipse (exact on circles, good near the edge)."""
    nx, ny = (x - cx) / rx, (y - cy) / ry
    r = np.sqrt(nx * nx + ny * ny)
    grad = np.sqrt((nx / rx) ** 2 + (ny / ry) ** 2) / np.maximum(r, 1e-6)
    return (r - 1.0) / np.maximum(grad, 1e-6)


def _over(dst: np.ndarray, alpha: np.ndarray, rgb, hair: float = 0.0) -> None:
    """Paint `rgb` with coverage `alpha` over the premultiplied layer `dst` (in place)."""
    a = alpha[..., None]
    dst *= 1.0 - a
    dst[..., :3] += a * np.asarray(rgb, dtype=np.float32)
    dst[..., _A] += alpha
    if hair:
        dst[..., _H] += alpha * hair


def _stack(dst: np.ndarray, src: np.ndarray) -> None:
    """dst = src over dst, both premultiplied 5-channel layers (in place)."""
    dst *= 1.0 - src[..., _A : _A + 1]
    dst += src


def _mix(a, b, t: np.ndarray) -> np.ndarray:
    """Per-pixel blend of two colours: a where t = 0, b where t = 1."""
    a = np.asarray(a, dtype=np.float32)
    b = np.asarray(b, dtype=np.float32)
    return a + (b - a) * np.asarray(t, dtype=np.float32)[..., None]


def _grid(size: int = SIZE) -> tuple[np.ndarray, np.ndarray]:
    c = np.arange(size, dtype=np.float32) + 0.5
    return np.broadcast_to(c[None, :], (size, size)).copy(), np.broadcast_to(c[:, None], (size, size)).copy()


def _layer(size: int = SIZE) -> np.ndarray:
    return np.zeros((size, size, 5), dtype=np.float32)


def _strands(phase: np.ndarray, seed: int, freq: float) -> np.ndarray:
    """A 0..1 texture of fine hair strands along lines of constant `phase`."""
    rng = np.random.default_rng(seed)  # fixed artwork noise, not behaviour
    total = np.zeros_like(phase)
    weight = 0.0
    for k in range(5):
        f = freq * (1.0 + 0.63 * k) * rng.uniform(0.85, 1.15)
        w = 1.0 / (1.0 + 0.7 * k)
        total += w * np.sin(f * phase + rng.uniform(0, 2 * np.pi) + 0.6 * np.sin(0.37 * f * phase))
        weight += w
    return 0.5 + 0.5 * total / weight


def _smin(a: np.ndarray, b: np.ndarray, k: float) -> np.ndarray:
    """Smooth union of two distance fields (rounded joint of radius ~k)."""
    h = np.maximum(k - np.abs(a - b), 0.0) / k
    return np.minimum(a, b) - h * h * k * 0.25


# --- geometry of the portrait (pose 0) -------------------------------------------------------------------
_FACE_TOP, _FACE_CHIN, _FACE_HALF = 56.0, 178.0, 45.0
_EYE_Y, _EYE_DX = 119.0, 21.5
_MOUTH_Y = 157.0
_PART_X = 121.0


def _face_half_width(y: np.ndarray) -> np.ndarray:
    """Half-width of the face at row y: a rounded brow, full cheeks and a soft V-shaped chin."""
    t = (y - _FACE_TOP) / (_FACE_CHIN - _FACE_TOP)
    upper = np.sqrt(np.clip(1.0 - ((0.45 - t) / 0.55) ** 2, 0.0, 1.0)) ** 0.5
    s = np.clip((t - 0.45) / 0.55, 0.0, 1.0)
    lower = np.clip(1.0 - s**2.2, 0.0, 1.0) ** 0.62
    hw = _FACE_HALF * np.where(t < 0.45, upper, lower)
    return np.where(y > _FACE_CHIN, -(y - _FACE_CHIN) * 3.0, hw).astype(np.float32)


def _bangs_edge(x: np.ndarray) -> np.ndarray:
    """Lower edge of the curtain bangs: high at the parting, sweeping down to the temples."""
    dx = np.abs(x - _PART_X)
    return (63.0 + 35.0 * (dx / 46.0) ** 0.72).astype(np.float32)


def _lock_centre(y: np.ndarray, side: float) -> np.ndarray:
    drift = 8.0 * _smooth(105.0, 215.0, y) - 4.0 * _smooth(215.0, 252.0, y)
    wave = 2.0 * np.sin((y - 110.0) / 21.0 + (0.0 if side > 0 else 1.3)) * _smooth(100.0, 130.0, y)
    return (CX + side * (53.0 + drift + wave)).astype(np.float32)


def _lock_half_width(y: np.ndarray, tip: float) -> np.ndarray:
    w = 13.0 - 2.0 * _smooth(120.0, 200.0, y)
    return (w * np.sqrt(np.clip((tip - y) / 30.0, 0.0, 1.0))).astype(np.float32)


# --- static layers (drawn once per palette) --------------------------------------------------------------
def _background(p: Palette, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A twilight sky with aurora curtains and a few stars (she is the aurora's personification)."""
    layer = _layer()
    sky = _mix(p.sky_top, p.sky_bottom, _smooth(-30.0, 280.0, y))
    for base, amp, freq, phase, height, colour, strength in (
        (92.0, 18.0, 47.0, 0.8, 30.0, (0.40, 1.00, 0.78), 0.30),
        (58.0, 12.0, 36.0, 2.6, 22.0, (0.80, 0.55, 1.00), 0.22),
    ):
        edge = base + amp * np.sin(x / freq + phase)
        above = np.exp(-np.maximum(edge - y, 0.0) / height) * _smooth(edge + 4.0, edge - 1.0, y)
        rays = 0.6 + 0.4 * np.sin(x * 0.23 + 2.0 * np.sin(x * 0.05 + phase)) ** 2
        sky = sky + (above * rays * strength)[..., None] * np.asarray(colour, np.float32)
    rng = np.random.default_rng(11)  # fixed star positions
    for sx, sy, sr in zip(rng.uniform(0, SIZE, 36), rng.uniform(0, 140, 36), rng.uniform(0.35, 0.9, 36)):
        glow = np.exp(-((x - sx) ** 2 + (y - sy) ** 2) / (sr * sr))
        sky = sky + (glow * 0.6)[..., None]
    vignette = 1.0 - 0.22 * (((x - CX) / 170.0) ** 2 + ((y - 110.0) / 210.0) ** 2)
    layer[..., :3] = np.clip(sky * vignette[..., None], 0.0, 1.0)
    layer[..., _A] = 1.0
    return layer


def _skull(x: np.ndarray, y: np.ndarray, grow: float = 0.0) -> np.ndarray:
    """Outline of the hair around the head: a soft oval with a little volume and a few bumps."""
    ang = np.arctan2(y - 99.0, x - CX)
    bumps = 1.0 + 0.010 * np.sin(9.0 * ang + 0.5) + 0.006 * np.sin(17.0 * ang + 1.3)
    rho = np.sqrt(((x - CX) / (70.0 + grow)) ** 2 + ((y - 99.0) / (71.0 + grow)) ** 2)
    return _dist(rho - bumps)


def _hair_colour(p: Palette, strands: np.ndarray, light: np.ndarray) -> np.ndarray:
    """Hair colour from strand texture and a 0..1 light level (dark roots/shadows to sheen)."""
    base = np.asarray(p.hair, np.float32) * (0.72 + 0.28 * strands)[..., None] * (0.55 + 0.45 * light)[..., None]
    return np.clip(base, 0.0, 1.0)


def _back_hair(p: Palette, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Hair behind the head and shoulders."""
    layer = _layer()
    skull = _skull(x, y, 1.5)
    half = 70.0 + 15.0 * _smooth(99.0, 230.0, y) + 1.2 * np.sin(y / 17.0) * _smooth(99.0, 130.0, y)
    end = 242.0 + 4.0 * np.sin(x * 0.31) + 3.0 * np.sin(x * 0.11 + 1.0)
    trunk = np.maximum(_dist(np.abs(x - CX) - half), _dist(y - end))
    trunk = np.maximum(trunk, _dist(95.0 - y))
    d = _smin(skull, trunk, 10.0)
    phase = (x - CX) / half * 80.0 + 2.5 * np.sin(y / 19.0 + (x - CX) / 31.0)
    strands = _strands(phase, 3, 1.0)
    light = 0.35 + 0.25 * np.sin((x - CX) / half * 7.0 + 1.0) ** 2
    _over(layer, _cov(d), _hair_colour(p, strands, light), hair=1.0)
    return layer


def _body(p: Palette, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Neck, shoulders and a soft knit top with a rounded neckline."""
    layer = _layer()
    dx = np.abs(x - CX)
    neck = _dist(dx - (15.5 + 0.022 * np.maximum(y - 188.0, 0.0) ** 2))
    neck = np.maximum(neck, _dist(150.0 - y))
    shoulders = _dist((238.0 - 42.0 * np.clip(1.0 - (dx / 136.0) ** 2.2, 0.0, 1.0) ** 0.5) - y)
    body = _smin(neck, shoulders, 12.0)
    shade = 0.3 + 0.7 * _smooth(160.0, 212.0, y)  # shadow under the chin fades down the neck
    skin = _mix(p.skin_shade, p.skin, shade * (1.0 - 0.4 * _smooth(7.0, 16.0, dx) * _smooth(215.0, 200.0, y)))
    _over(layer, _cov(body), skin)
    chin_shadow = _dist(dx - _face_half_width(y - 9.0) * 0.95)  # cast by the chin on the neck
    _over(layer, _cov(chin_shadow, 6.0) * _cov(body) * 0.3 * _smooth(165.0, 182.0, y), p.skin_shade)
    collar = np.exp(-(((y - (214.0 + 0.01 * dx * dx)) / 1.8) ** 2)) * _smooth(5.0, 16.0, dx) * _smooth(38.0, 24.0, dx)
    _over(layer, collar * 0.22, p.skin_shade)
    neckline = _dist(y - (213.0 + 20.0 * np.clip(1.0 - (dx / 35.0) ** 2, 0.0, 1.0) ** 0.8))
    top = np.maximum(body, -neckline)
    knit = 0.96 + 0.04 * np.sin(x * 1.15 + 0.8 * np.sin(y * 0.05))
    light = knit * (1.0 - 0.25 * _smooth(50.0, 130.0, dx)) * (1.0 - 0.1 * _smooth(225.0, 256.0, y))
    light = light * (1.0 - 0.12 * np.exp(-np.maximum(neckline, 0.0) / 5.0))
    cloth = np.asarray(p.clothes, np.float32) * light[..., None]
    _over(layer, _cov(top), np.clip(cloth, 0.0, 1.0))
    rib = _cov(top) * np.exp(-(((neckline - 2.2) / 1.5) ** 2)) * (0.8 + 0.2 * np.sin(x * 1.6))
    _over(layer, rib * 0.5, np.asarray(p.clothes, np.float32) * 0.8)
    return layer


def _skin(p: Palette, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The face (under the hair) with its static details: shading, nose, blush."""
    layer = _layer()
    dx = np.abs(x - CX)
    face = _dist(dx - _face_half_width(y))
    edge = np.exp(np.minimum(face, 0.0) / 6.0)
    below_bangs = np.exp(-np.maximum(y - _bangs_edge(x), 0.0) / 6.0) * _smooth(50.0, 58.0, y)
    jaw = _smooth(120.0, 178.0, y) * _smooth(15.0, 40.0, dx)
    side_light = _smooth(-15.0, 45.0, x - CX)  # light from the upper left: the right cheek is in shade
    t = np.clip(0.55 * edge + 0.35 * below_bangs + 0.25 * jaw + 0.12 * side_light, 0.0, 1.0)
    skin = _mix(p.skin, p.skin_shade, t)
    glow = np.exp(-(((x - CX + 2.0) / 22.0) ** 2 + ((y - 96.0) / 18.0) ** 2))  # forehead sheen
    skin = skin + (glow * 0.04)[..., None]
    _over(layer, _cov(face), np.clip(skin, 0.0, 1.0))
    for side in (-1.0, 1.0):
        blush = np.exp(-(((x - CX - side * 27.0) / 10.5) ** 2 + ((y - 141.0) / 6.0) ** 2) * 1.4)
        _over(layer, blush * 0.32, p.blush)
    # nose: a faint bridge shadow, a soft tip with a highlight, two small nostril shadows
    bridge = np.exp(-(((x - CX - 4.2) / 1.8) ** 2)) * _smooth(118.0, 130.0, y) * _smooth(143.0, 134.0, y)
    _over(layer, bridge * 0.16, p.skin_shade)
    under = np.exp(-(((x - CX - 0.5) / 5.2) ** 2 + ((y - 144.2) / 1.6) ** 2))
    _over(layer, under * 0.38, np.asarray(p.skin_shade) * 0.92)
    for side in (-1.0, 1.0):
        nostril = np.exp(-(((x - CX - side * 3.3) / 1.5) ** 2 + ((y - 143.2) / 1.0) ** 2))
        _over(layer, nostril * 0.45, np.asarray(p.skin_shade) * 0.75)
    tip = np.exp(-(((x - CX + 0.8) / 2.2) ** 2 + ((y - 139.8) / 1.6) ** 2))
    _over(layer, tip * 0.35, (1.0, 0.97, 0.95))
    chin = np.exp(-(((x - CX) / 5.0) ** 2 + ((y - 171.0) / 2.5) ** 2))
    _over(layer, chin * 0.18, (1.0, 0.97, 0.95))
    return layer


def _hair_top(p: Palette, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The hair on the head, in front of the face: crown, curtain bangs, temples."""
    layer = _layer()
    dx = np.abs(x - CX)
    skull = _skull(x, y)
    inset = 2.5 + 3.0 * np.exp(-(((y - 100.0) / 16.0) ** 2)) - 8.0 * _smooth(132.0, 162.0, y)
    window = -_smin(-_dist(dx - (_face_half_width(y) - inset)), -_dist(_bangs_edge(x) - y), 6.0)
    d = np.maximum(skull, -window)
    # strands run from the parting along the shape of the head (0 at the parting, 1 at the outline)
    right = x >= _PART_X
    half = 70.0 * np.sqrt(np.clip(1.0 - ((y - 99.0) / 71.0) ** 2, 0.02, 1.0))
    span = np.where(right, CX + half - _PART_X, _PART_X - (CX - half))
    across = np.clip(np.abs(x - _PART_X) / np.maximum(span, 1.0), 0.0, 1.2)
    strands = _strands(across * 55.0 + right * 17.0, 5, 1.0)
    clumps = 0.5 + 0.5 * np.sin(across * 10.0 + right * 2.0)
    rho = np.sqrt(((x - CX) / 70.0) ** 2 + ((y - 99.0) / 71.0) ** 2)
    ring = np.exp(-(((rho - 0.8) / 0.07) ** 2)) * _smooth(98.0, 64.0, y) * (0.35 + 0.65 * strands)
    light = 0.55 + 0.25 * clumps
    light = light * (1.0 - 0.4 * np.exp(-np.maximum(-window, 0.0) / 2.5))  # shadow where hair meets face
    light = light * (1.0 - 0.3 * _smooth(52.0, 70.0, dx)) * (1.0 - 0.3 * np.exp(-across / 0.04))
    light = light * (1.08 - 0.16 * _smooth(-60.0, 60.0, x - CX))
    rgb = _mix(_hair_colour(p, strands, light), p.hair_light, 0.75 * ring)
    _over(layer, _cov(d), rgb, hair=1.0)
    # a little star hair pin (not hair: it covers the hair under it)
    star = _star(x, y, 169.0, 83.0, 7.0, 0.5)
    gold = _mix(p.pin_light, p.pin, _smooth(77.0, 90.0, y))
    _over(layer, _cov(star + 0.6) * 0.35, np.asarray(p.pin) * 0.5)  # soft shadow
    _over(layer, _cov(star), gold)
    glint = np.exp(-(((x - 167.0) / 1.3) ** 2 + ((y - 80.5) / 1.3) ** 2))
    _over(layer, glint * 0.8 * _cov(star), (1.0, 1.0, 0.95))
    return layer


def _star(x: np.ndarray, y: np.ndarray, cx: float, cy: float, r: float, inner: float) -> np.ndarray:
    """Signed distance to a five-pointed star (one point up) of outer radius r; `inner` sets its thickness."""
    k1x, k1y = 0.809016994375, -0.587785252292
    px, py = np.abs(x - cx), cy - y  # y up
    for kx, ky in ((k1x, k1y), (-k1x, k1y)):
        dot = np.maximum(kx * px + ky * py, 0.0) * 2.0
        px, py = px - dot * kx, py - dot * ky
    px = np.abs(px)
    py = py - r
    bax, bay = inner * -k1y, inner * k1x - 1.0
    h = np.clip((px * bax + py * bay) / (bax * bax + bay * bay), 0.0, r)
    return np.hypot(px - bax * h, py - bay * h) * np.sign(py * bax - px * bay)


def _front_locks(p: Palette, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Two long locks that fall from the temples over the shoulders."""
    layer = _layer()
    for side, tip, seed in ((-1.0, 250.0, 7), (1.0, 246.0, 9)):
        centre = _lock_centre(y, side)
        half = _lock_half_width(y, tip)
        u = (x - centre) / np.maximum(half, 0.5)
        d = _dist(np.abs(x - centre) - half)
        fade_in = _smooth(80.0, 118.0, y)
        strands = _strands(u * 8.0 + 0.6 * np.sin(y / 13.0 + u), seed, 1.0)
        round_ = np.sqrt(np.clip(1.0 - u * u, 0.0, 1.0))
        light = (0.45 + 0.35 * round_) * (0.9 + 0.1 * np.sin(u * 3.0 + y / 25.0))
        sheen = np.exp(-(((y - 160.0 - 6.0 * u) / 12.0) ** 2)) * round_ * (0.3 + 0.7 * strands)
        rgb = _mix(_hair_colour(p, strands, light), p.hair_light, 0.55 * sheen)
        _over(layer, _cov(d) * fade_in * (y < tip + 2.0), rgb, hair=1.0)
    return layer


# --- features drawn every frame (in small crops of the skin layer) ---------------------------------------
def _band(y: np.ndarray, top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """Coverage of a horizontal band between two curves: the overlap of each pixel with [top, bottom]."""
    return np.clip(np.minimum(y + 0.5, bottom) - np.maximum(y - 0.5, top), 0.0, 1.0)


def _eye_openness(eyes: float) -> float:
    """0 = closed (eyes ≥ 0.95), 0.85 = the relaxed base (eyes 0.2), up to ~1.27 = very wide (eyes −1.5).

    Closed already at 0.95 so that the original's shallower blinks (peak 0.7 × U(1.1, 1.5)) still
    read as blinks.
    """
    if eyes <= 0.2:
        return 0.85 + 0.25 * (0.2 - eyes)
    return max(0.0, 0.85 * (0.95 - eyes) / 0.75)


def _mouth_openness(mouth: float) -> float:
    """0 = closed smile (mouth ≥ 1.0), 1 = wide open (mouth −1.6)."""
    return float(np.clip((1.0 - mouth) / 2.6, 0.0, 1.15))


def _draw_eye(dst: np.ndarray, x: np.ndarray, y: np.ndarray, ex: float, side: float, o: float, p: Palette) -> None:
    """One eye and its brow. `side` is +1 for the eye on the viewer's right; u runs inner → outer corner."""
    half = 11.5
    xs = x[0]
    u = (xs - ex) * side / half
    uu = np.clip(u, -1.0, 1.0)
    s = np.clip(1.0 - u * u, 0.0, 1.0)
    closed = 1.0 - float(_smooth(0.0, 0.35, o))
    base = _EYE_Y + 1.3 - 2.6 * (uu + 1.0) / 2.0 + closed * 1.6 * (1.0 - uu * uu)
    top = base - 8.2 * o * s**0.8 * (1.0 - 0.1 * uu)
    bottom = base + 3.4 * o * s**0.9
    inside = np.clip((1.0 - np.abs(u)) * half + 0.5, 0.0, 1.0)
    opening = _band(y, top, bottom) * inside
    # white of the eye, shaded under the upper lid
    white = _mix((0.99, 0.98, 0.99), (0.80, 0.74, 0.80), np.exp(-np.maximum(y - top, 0.0) / 2.2))
    _over(dst, opening, white)
    # iris and pupil, clipped by the lids
    ix, iy = ex + side * 0.6, _EYE_Y - 1.2
    r = np.sqrt((x - ix) ** 2 + (y - iy) ** 2)
    iris_rgb = _mix(np.asarray(p.iris) * 0.35, p.iris, _smooth(iy - 6.0, iy + 6.5, y))
    iris_rgb = _mix(iris_rgb, np.asarray(p.iris) * 0.3, 0.7 * _smooth(5.2, 7.2, r))
    streaks = 0.92 + 0.08 * np.sin(np.arctan2(y - iy, x - ix) * 13.0)
    iris_rgb = iris_rgb * streaks[..., None]
    _over(dst, _cov(r - 7.2) * opening, np.clip(iris_rgb, 0.0, 1.0))
    _over(dst, _cov(r - 3.1) * opening, (0.07, 0.04, 0.04))
    for hx, hy, hr, ha in ((-2.7, -2.9, 1.9, 0.95), (2.5, 2.6, 0.95, 0.8)):
        glint = _cov(np.sqrt((x - ix - hx) ** 2 + (y - iy - hy) ** 2) - hr)
        _over(dst, glint * opening * ha, (1.0, 1.0, 1.0))
    # upper lash line with a small wing at the outer corner
    slope = np.gradient(top)
    lash_top = np.where(u > 1.0, base - (u - 1.0) * 7.0, top)
    thick = (1.2 + 1.5 * (uu + 1.0) / 2.0) * np.sqrt(1.0 + slope * slope)
    thick = np.where(u > 1.0, thick * np.clip((1.4 - u) / 0.4, 0.0, 1.0), thick)
    lash = _band(y, lash_top - thick, lash_top + 0.5) * _smooth(-1.05, -0.7, u) * (u < 1.4)
    _over(dst, lash, p.lashes)
    lower = _band(y, bottom + 0.1, bottom + 0.9) * _smooth(-0.4, 0.2, u) * (u < 1.0) * 0.35
    _over(dst, lower, p.lashes)
    crease_y = top - 3.8 - 0.8 * o
    crease = _band(y, crease_y - 0.45, crease_y + 0.45) * _smooth(-0.85, -0.5, u) * _smooth(1.0, 0.7, u)
    _over(dst, crease * (0.1 + 0.18 * float(_smooth(0.1, 0.5, o))), np.asarray(p.skin_shade) * 0.8)
    # brow: raised a little when the eyes open wide
    raise_ = 3.0 * float(_smooth(0.85, 1.3, o))
    ub = (xs - ex) * side / 13.5
    brow_y = _EYE_Y - 15.5 - raise_ - 2.6 * (1.0 - ((ub - 0.15) / 1.15) ** 2) + 0.6 * ub
    brow_t = 2.7 - 1.5 * np.clip((ub + 1.0) / 2.1, 0.0, 1.0)
    brow = _band(y, brow_y - brow_t / 2, brow_y + brow_t / 2) * _smooth(-1.1, -0.8, ub) * _smooth(1.2, 0.9, ub)
    _over(dst, brow * 0.85, p.brows)


def _draw_mouth(dst: np.ndarray, x: np.ndarray, y: np.ndarray, q: float, p: Palette) -> None:
    """Lips with a gentle smile; opening shows the dark inside, upper teeth and the tongue."""
    a = 11.5 + 2.5 * min(q, 1.0)
    xs = x[0]
    u = (xs - CX) / a
    s = np.clip(1.0 - u * u, 0.0, 1.0)
    mid = _MOUTH_Y - 1.8 * u * u + 0.5
    upper = mid - q * 3.2 * s**0.8
    lower = mid + q * 14.5 * s**0.85
    inside = np.clip((1.0 - np.abs(u)) * a + 0.5, 0.0, 1.0)
    lips = np.asarray(p.lips, np.float32)
    # lips (drawn first, the opening covers their inner edge)
    bow = 1.0 - 0.3 * np.exp(-((u / 0.16) ** 2))
    t_up = (2.5 + 0.4 * q) * s**0.6 * bow
    _over(dst, _band(y, upper - t_up, upper + 0.5) * inside * 0.85, lips * 0.9)
    t_low = (3.8 - 0.5 * min(q, 1.0)) * s**0.55
    low = _band(y, lower - 0.5, lower + t_low) * inside
    shine = np.exp(-(((y - lower - t_low * 0.45) / 1.0) ** 2)) * np.exp(-((u / 0.35) ** 2))
    _over(dst, low * 0.85, _mix(lips, (1.0, 0.85, 0.86), 0.55 * shine))
    # the opening
    mouth = _band(y, upper, lower) * inside
    depth = _smooth(float(mid[len(mid) // 2]) - 1.0, float(mid[len(mid) // 2]) + 12.0, y)
    _over(dst, mouth, _mix((0.33, 0.10, 0.13), (0.50, 0.17, 0.21), depth))
    teeth_h = np.minimum(3.0, (lower - upper) * 0.36) * s**0.35
    teeth = _band(y, upper, upper + teeth_h) * inside * _smooth(0.92, 0.6, np.abs(u))
    _over(dst, teeth * mouth, _mix((0.99, 0.97, 0.95), (0.86, 0.80, 0.80), _smooth(0.3, 0.9, np.abs(u))))
    ty = float(lower[len(lower) // 2])
    tongue = _ellipse(x, y, CX, ty - 1.5, a * 0.55, 1.0 + 4.5 * min(q, 1.0))
    _over(dst, _cov(tongue) * mouth * float(_smooth(0.05, 0.25, q)), (0.87, 0.44, 0.49))
    # closed: a soft lip line with tiny smile corners
    closed = 1.0 - float(_smooth(0.02, 0.12, q))
    line = _band(y, mid - 0.6, mid + 0.6) * inside * s**0.25
    _over(dst, line * 0.75 * closed, (0.58, 0.27, 0.30))
    for side in (-1.0, 1.0):
        corner = np.exp(-(((x - CX - side * (a + 0.8)) / 1.2) ** 2 + ((y - _MOUTH_Y + 1.6) / 1.0) ** 2))
        _over(dst, corner * 0.3, np.asarray(p.skin_shade) * 0.8)


# --- head turn -------------------------------------------------------------------------------------------
def _yaw(pose: float) -> float:
    return -pose * _YAW_PER_POSE


def _turn_source(yaw: float, size: int = SIZE) -> np.ndarray:
    """For each output column, the source column when a cylinder around the face axis turns by `yaw`.

    Positive yaw moves the face towards the viewer's left; the far side compresses, the near side widens.
    """
    x = np.arange(size, dtype=np.float64) + 0.5
    theta = np.arcsin(np.clip((x - CX) / _CYL_RADIUS, -1.0, 1.0)) + yaw
    return (CX + _CYL_RADIUS * np.sin(np.clip(theta, -np.pi / 2, np.pi / 2)) - 0.5).astype(np.float32)


# Big layers are kept transposed and planar, (5, W, H): a column of the picture is then one contiguous
# run of memory, so the head turn (a per-column resampling) is a fast row gather.
def _planar(layer: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(layer.transpose(2, 1, 0))


def _stack_planar(dst: np.ndarray, src: np.ndarray) -> None:
    dst *= 1.0 - src[_A]
    dst += src


def _stack_opaque(dst: np.ndarray, src: np.ndarray) -> None:
    """Stack a planar 5-channel layer onto an opaque 4-plane picture (R, G, B, hair)."""
    dst *= 1.0 - src[_A]
    dst[:3] += src[:3]
    dst[3] += src[_H]


_Bands = tuple[tuple[slice, float], ...]


def _bands(follow: np.ndarray, rows: slice, step: float = 1.0 / 64.0) -> _Bands:
    """Runs of rows whose follow weight (how much they turn with the head) rounds to the same value."""
    out: list[tuple[slice, float]] = []
    start = rows.start
    q = np.round(follow / step) * step
    for y in range(rows.start + 1, rows.stop + 1):
        if y == rows.stop or q[y] != q[start]:
            out.append((slice(start, y), float(q[start])))
            start = y
    return tuple(out)


def _warp(layer: np.ndarray, src: np.ndarray, bands: _Bands) -> np.ndarray:
    """Resample a planar layer per column: out[:, x, rows] = layer[:, src_w(x), rows], linear in x."""
    out = np.zeros_like(layer)
    w = layer.shape[1]
    ident = np.arange(w, dtype=np.float32)
    for rows, follow in bands:
        s = src if follow == 1.0 else ident + (src - ident) * np.float32(follow)
        x0 = np.clip(np.floor(s), 0, w - 2).astype(np.intp)
        f = np.clip(s - x0, 0.0, 1.0).astype(np.float32)[None, :, None]
        part = layer[:, :, rows]
        left = np.take(part, x0, axis=1)
        right = np.take(part, x0 + 1, axis=1)
        right -= left
        right *= f
        right += left
        out[:, :, rows] = right
    return out


def _rows_with_content(layer: np.ndarray) -> slice:
    rows = np.nonzero(layer[..., _A].max(axis=1) > 0)[0]
    if rows.size == 0:
        return slice(0, 0)
    return slice(int(rows[0]), int(rows[-1]) + 1)


@dataclass(frozen=True)
class _Static:
    skin: np.ndarray  # (H, W, 5): the crops for eyes and mouth are redrawn from it
    hair_top: np.ndarray  # (H, W, 5)
    head: np.ndarray  # planar: hair_top over skin, without eyes, brows and mouth
    background: np.ndarray  # planar
    back_hair: np.ndarray  # planar
    body: np.ndarray  # planar
    front: np.ndarray  # planar
    head_bands: _Bands
    back_bands: _Bands
    front_bands: _Bands


# crops (rows, columns) redrawn every frame: the two eyes with their brows, and the mouth
_EYE_CROPS = tuple(
    (slice(int(_EYE_Y) - 26, int(_EYE_Y) + 10), slice(int(CX + sx * _EYE_DX) - 20, int(CX + sx * _EYE_DX) + 21))
    for sx in (-1.0, 1.0)
)
_MOUTH_CROP = (slice(int(_MOUTH_Y) - 10, int(_MOUTH_Y) + 26), slice(int(CX) - 22, int(CX) + 22))
_YAW_STEP = 0.002  # the turn is quantised (0.2 px at the face centre) so turned backdrops can be cached
_CACHE_SIZE = 32  # turned backdrops (opaque part + front locks, float16): ~1.2 MB each
_OPEN_STEP = 0.005  # eye and mouth openness quantum (under 0.05 px of lid or lip movement)
_CROP_CACHE_SIZE = 400  # feature crops, ~30 kB each


def _build(p: Palette) -> _Static:
    x, y = _grid()
    skin = _skin(p, x, y)
    hair_top = _hair_top(p, x, y)
    head = skin.copy()
    _stack(head, hair_top)
    back_hair = _back_hair(p, x, y)
    front = _front_locks(p, x, y)
    ys = np.arange(SIZE, dtype=np.float32) + 0.5
    back_follow = 1.0 - 0.75 * _smooth(110.0, 240.0, ys)
    front_follow = 1.0 - 0.7 * _smooth(130.0, 245.0, ys)
    return _Static(
        skin=skin,
        hair_top=hair_top,
        head=_planar(head),
        background=_planar(_background(p, x, y)),
        back_hair=_planar(back_hair),
        body=_planar(_body(p, x, y)),
        front=_planar(front),
        head_bands=((_rows_with_content(head), 1.0),),
        back_bands=_bands(back_follow, _rows_with_content(back_hair)),
        front_bands=_bands(front_follow, _rows_with_content(front)),
    )


def clamp_expression(e: Expression) -> Expression:
    """Keep weights inside the tolerated ranges (spec face §8.12)."""
    return Expression(
        float(np.clip(e.eyes, *EYES_RANGE)), float(np.clip(e.mouth, *MOUTH_RANGE)), float(np.clip(e.pose, *POSE_RANGE))
    )


class ProceduralFace:
    """Oh-LoRA's embedded face (implements `Face`). Safe to call from one render thread at a time or many."""

    size = SIZE

    def __init__(self, palette: Palette = DEFAULT_PALETTE, name: str = "embedded"):
        self.name = name
        self.palette = palette
        self._s = _build(palette)
        x, y = _grid()
        self._eye_grids = tuple((x[crop], y[crop]) for crop in _EYE_CROPS)
        self._mouth_grid = (x[_MOUTH_CROP], y[_MOUTH_CROP])
        self._backdrops: OrderedDict[int, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._crops: OrderedDict[tuple[str, int, int], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def draw(self, expressions: Sequence[Expression]) -> list[Drawn]:
        return [self.draw_one(e) for e in expressions]

    def draw_one(self, expression: Expression) -> Drawn:
        e = clamp_expression(expression)
        s = self._s
        head = self._features(e)
        step = int(round(_yaw(e.pose) / _YAW_STEP))
        under, front = self._backdrop(step)
        out = under.astype(np.float32)  # opaque: R, G, B, hair
        if step:
            head = _warp(head, _turn_source(step * _YAW_STEP), s.head_bands)
        _stack_opaque(out, head)
        _stack_opaque(out, front.astype(np.float32))
        rgb = np.empty((SIZE, SIZE, 3), dtype=np.uint8)
        np.copyto(rgb, (np.clip(out[:3], 0.0, 1.0) * 255.0 + 0.5).transpose(2, 1, 0), casting="unsafe")
        hair = np.ascontiguousarray(np.clip(out[3], 0.0, 1.0).T)
        return Drawn(rgb=rgb, hair=hair)

    def _features(self, e: Expression) -> np.ndarray:
        """The head layer (planar) with this expression's eyes, brows and mouth."""
        head = self._s.head.copy()
        o = round(_eye_openness(e.eyes) / _OPEN_STEP)
        for i, crop in enumerate(_EYE_CROPS):
            rows, cols = crop
            head[:, cols, rows] = self._crop(("eye", i, o), crop)
        q = round(_mouth_openness(e.mouth) / _OPEN_STEP)
        rows, cols = _MOUTH_CROP
        head[:, cols, rows] = self._crop(("mouth", 0, q), _MOUTH_CROP)
        return head

    def _crop(self, key: tuple[str, int, int], crop: tuple[slice, slice]) -> np.ndarray:
        """A redrawn feature crop (planar, hair in front), cached by its quantised openness."""
        with self._lock:
            hit = self._crops.get(key)
            if hit is not None:
                self._crops.move_to_end(key)
                return hit
        kind, index, level = key
        part = self._s.skin[crop].copy()
        if kind == "eye":
            x, y = self._eye_grids[index]
            side = (-1.0, 1.0)[index]
            _draw_eye(part, x, y, CX + side * _EYE_DX, side, level * _OPEN_STEP, self.palette)
        else:
            x, y = self._mouth_grid
            _draw_mouth(part, x, y, level * _OPEN_STEP, self.palette)
        _stack(part, self._s.hair_top[crop])
        planar = _planar(part)
        with self._lock:
            self._crops[key] = planar
            while len(self._crops) > _CROP_CACHE_SIZE:
                self._crops.popitem(last=False)
        return planar

    def _backdrop(self, step: int) -> tuple[np.ndarray, np.ndarray]:
        """(background + back hair + body, front locks) turned by `step` yaw steps, cached (LRU)."""
        with self._lock:
            hit = self._backdrops.get(step)
            if hit is not None:
                self._backdrops.move_to_end(step)
                return hit
        s = self._s
        under = s.background.copy()
        if step:
            src = _turn_source(step * _YAW_STEP)
            _stack_planar(under, _warp(s.back_hair, src, s.back_bands))
            front = _warp(s.front, src, s.front_bands)
        else:
            _stack_planar(under, s.back_hair)
            front = s.front
        _stack_planar(under, s.body)
        # kept compact: the backdrop is opaque (no alpha plane needed), half precision is plenty
        under = under[[0, 1, 2, _H]].astype(np.float16)
        front = front.astype(np.float16)
        with self._lock:
            self._backdrops[step] = (under, front)
            while len(self._backdrops) > _CACHE_SIZE:
                self._backdrops.popitem(last=False)
        return under, front
