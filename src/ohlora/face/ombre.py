"""Ombre hair colouring (spec face §4): the original's formula, vectorised. numpy + cv2 only.

Steps: the hair probabilities are resized to the image with cv2 bicubic (×255), sharpened
(`clip((M − 191.25)·4, 0, 255)`), weighted per row (0 above the dyed part, a linear ramp over its
top `grad_height` fraction, 1 below; rows count as hair where the sharpened mask reaches 191.25),
and used to blend the image with a tinted copy `clip(1.35·I + 0.25·HUE[h] − 38.25)`.

Kept for parity: `h = int(color·360)` truncation. Fixed: `color = 1.0` is hue 0 (the original
indexed entry 360 and crashed).
"""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np

THRESHOLD = 0.75 * 255  # 191.25: sharpening offset and hair-row level
SHARPEN_GAIN = 4.0
TINT_GAIN = 0.35
HUE_WEIGHT = 0.25
TINT_OFFSET = 0.15 * 255
DEFAULT_COLOR = 0.0
DEFAULT_HEIGHT = 0.3
DEFAULT_GRAD_HEIGHT = 0.4


@cache
def hue_table() -> np.ndarray:
    """(360, 3) uint8 RGB: fully saturated hue i (degrees) at V = 255, built with OpenCV like the
    original (BGR (255, 0, 0) → HSV, H = i, S = 1.0 → float HSV2BGR → uint8 truncation → RGB).
    Read-only; built on first use."""
    pixel = cv2.cvtColor(np.array([[[255, 0, 0]]], dtype=np.uint8), cv2.COLOR_BGR2HSV).astype(np.float32)
    hsv = np.repeat(pixel, 360, axis=1)  # one row of 360 pixels: the per-pixel conversion is independent
    hsv[0, :, 0] = np.arange(360, dtype=np.float32)
    hsv[0, :, 1] = 1.0
    table = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR).astype(np.uint8)[0, :, ::-1].copy()
    table.setflags(write=False)
    return table


def _unit(name: str, value: float) -> float:
    value = float(value)
    if not (0.0 <= value <= 1.0):  # also rejects NaN
        raise ValueError(f"ombre {name} must be in [0, 1], got {value!r}")
    return value


def hue_index(color: float) -> int:
    """`int(color·360) % 360`: truncation as the original, and colour 1.0 wraps to 0."""
    return int(_unit("color", color) * 360) % 360


def row_weights(hair_rows: np.ndarray, height: float, grad_height: float) -> np.ndarray | None:
    """Per-row weights (float32, len = len(hair_rows)) from a boolean "row has hair" vector, or None
    when no row has hair (the mask is then used unweighted)."""
    rows = np.flatnonzero(hair_rows)
    if rows.size == 0:
        return None
    top, bottom = int(rows[0]), int(rows[-1])
    g_top = int(top + (bottom - top) * (1 - height))
    g_bot = int(g_top + (bottom - g_top) * grad_height)
    y = np.arange(hair_rows.shape[0])
    weights = np.ones(hair_rows.shape[0], dtype=np.float64)
    weights[y < g_top] = 0.0
    ramp = (y >= g_top) & (y < g_bot)
    if g_bot > g_top:
        weights[ramp] = (y[ramp] - g_top) / (g_bot - g_top)
    # the original multiplies each float32 row by a Python float, i.e. by float32(weight)
    return weights.astype(np.float32)


def ombre_mask(mask: np.ndarray, shape: tuple[int, int], height: float, grad_height: float) -> np.ndarray:
    """Hair probabilities (h, w) in [0, 1] → the weighted, sharpened blend mask float32 (H, W) in [0, 255]."""
    height, grad_height = _unit("height", height), _unit("grad_height", grad_height)
    probs = np.asarray(mask, dtype=np.float32)
    if probs.ndim != 2:
        raise ValueError(f"ombre mask must be 2-D (h, w), got shape {probs.shape}")
    m = cv2.resize(probs * 255, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC)
    m = np.clip((m - THRESHOLD) * SHARPEN_GAIN, 0, 255)
    weights = row_weights(m.max(axis=1) >= THRESHOLD, height, grad_height)
    if weights is not None:
        m *= weights[:, None]
    return m


def tint_table(color: float) -> np.ndarray:
    """(256, 3) uint8: the tinted value of every input level per RGB channel for this colour,
    `uint8(clip(I + (0.35·I + 0.25·HUE[h] − 0.15·255), 0, 255))` in float64 as the original."""
    hue = hue_table()[hue_index(color)]
    levels = np.arange(256, dtype=np.uint8)[:, None]
    return np.clip(levels + (TINT_GAIN * levels + HUE_WEIGHT * hue - TINT_OFFSET), 0, 255).astype(np.uint8)


def _check_rgb(rgb: np.ndarray) -> np.ndarray:
    rgb = np.asarray(rgb)
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"ombre needs a uint8 RGB image (H, W, 3), got {rgb.dtype} {rgb.shape}")
    return rgb


def apply_ombre_float(rgb: np.ndarray, mask: np.ndarray, color: float = DEFAULT_COLOR,
                      height: float = DEFAULT_HEIGHT, grad_height: float = DEFAULT_GRAD_HEIGHT) -> np.ndarray:
    """The original's output: float64 (H, W, 3) in [0, 255], `(1 − m)·I + m·C` with m = mask/255."""
    rgb = _check_rgb(rgb)
    m = ombre_mask(mask, rgb.shape[:2], height, grad_height)
    tinted = np.take_along_axis(tint_table(color), rgb.reshape(-1, 3).astype(np.intp), axis=0).reshape(rgb.shape)
    m = (m / 255)[:, :, None].astype(np.float64)
    return (1 - m) * rgb + m * tinted


def apply_ombre(rgb: np.ndarray, mask: np.ndarray, color: float = DEFAULT_COLOR,
                height: float = DEFAULT_HEIGHT, grad_height: float = DEFAULT_GRAD_HEIGHT) -> np.ndarray:
    """uint8 (H, W, 3): `apply_ombre_float` truncated to uint8 (as the original's GIF path), computed
    only where the mask is non-zero (elsewhere the output is the input, exactly)."""
    rgb = _check_rgb(rgb)
    m = ombre_mask(mask, rgb.shape[:2], height, grad_height)
    out = rgb.copy()
    ys, xs = np.nonzero(m)
    if ys.size:
        pixels = rgb[ys, xs]  # (K, 3) uint8
        tinted = np.take_along_axis(tint_table(color), pixels.astype(np.intp), axis=0)
        mk = (m[ys, xs] / 255)[:, None].astype(np.float64)
        out[ys, xs] = ((1 - mk) * pixels + mk * tinted).astype(np.uint8)
    return out
