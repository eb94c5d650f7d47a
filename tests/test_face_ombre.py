"""Ombre colouring (spec face §4): hue table, row weights, golden pixels, parity with a literal loop."""

from __future__ import annotations

import colorsys
import math
import subprocess
import sys

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")

from ohlora.face.animator import ombre_cycle  # noqa: E402
from ohlora.face.ombre import (  # noqa: E402
    apply_ombre,
    apply_ombre_float,
    hue_index,
    hue_table,
    ombre_mask,
    row_weights,
    tint_table,
)

SIZE = 256


def literal_ombre(rgb: np.ndarray, probs: np.ndarray, color: float, height: float, grad: float) -> np.ndarray:
    """The original's algorithm written step by step, with a Python loop over rows."""
    mask = cv2.resize(probs.astype(np.float32) * 255, (rgb.shape[1], rgb.shape[0]), interpolation=cv2.INTER_CUBIC)
    mask = np.clip((mask - 0.75 * 255) * 4, 0, 255)
    hair_rows = [y for y in range(mask.shape[0]) if mask[y].max() >= 0.75 * 255]
    if hair_rows:
        top, bottom = hair_rows[0], hair_rows[-1]
        g_top = int(top + (bottom - top) * (1 - height))
        g_bot = int(g_top + (bottom - g_top) * grad)
        for y in range(mask.shape[0]):
            if y < g_top:
                mask[y, :] *= 0.0
            elif y < g_bot:
                mask[y, :] *= (y - g_top) / (g_bot - g_top)
    hue = hue_table()[int(color * 360) % 360]
    tinted = np.clip(rgb + (0.35 * rgb + 0.25 * hue - 0.15 * 255), 0, 255).astype(np.uint8)
    m = np.expand_dims(mask / 255, 2).astype(np.float64)
    return (1 - m) * rgb + m * tinted


def band_mask(rows: tuple[int, int], value: float = 1.0, size: int = SIZE) -> np.ndarray:
    mask = np.zeros((size, size), dtype=np.float32)
    mask[rows[0]:rows[1] + 1, 60:200] = value
    return mask


def gray(level: int = 100) -> np.ndarray:
    return np.full((SIZE, SIZE, 3), level, dtype=np.uint8)


def test_hue_table_matches_the_spec_examples_and_colorsys():
    table = hue_table()
    assert table.shape == (360, 3) and table.dtype == np.uint8
    expected = {0: (255, 0, 0), 1: (255, 4, 0), 30: (255, 127, 0), 60: (255, 255, 0), 120: (0, 255, 0),
                180: (0, 254, 255), 240: (0, 0, 255), 300: (255, 0, 254), 359: (255, 0, 4)}
    for i, rgb in expected.items():
        assert tuple(int(v) for v in table[i]) == rgb, i
    approx = np.array([[int(255 * c) for c in colorsys.hsv_to_rgb(i / 360, 1, 1)] for i in range(360)])
    assert np.abs(approx - table.astype(int)).max() <= 1
    assert not table.flags.writeable


def test_hue_table_equals_one_pixel_conversions():
    for i in (0, 7, 59, 180, 333):
        px = cv2.cvtColor(np.array([[[255, 0, 0]]], np.uint8), cv2.COLOR_BGR2HSV).astype(np.float32)
        px[..., 0], px[..., 1] = i, 1.0
        one = cv2.cvtColor(px, cv2.COLOR_HSV2BGR).astype(np.uint8)[0, 0, ::-1]
        assert (hue_table()[i] == one).all()


def test_hue_index_truncates_and_wraps():
    assert hue_index(0.0) == 0
    assert hue_index(1.0) == 0  # the original crashed here
    assert hue_index(13 / 360) == 12  # float truncation kept for parity
    assert hue_index(0.5) == 180
    assert sum(hue_index(n / 360) != n for n in range(360)) == 20
    for bad in (-0.01, 1.01, float("nan")):
        with pytest.raises(ValueError):
            hue_index(bad)


def test_row_weights_ramp_and_edges():
    rows = np.zeros(SIZE, dtype=bool)
    rows[40:201] = True
    w = row_weights(rows, height=0.5, grad_height=0.5)
    # top 40, bottom 200: g_top = int(40 + 160·0.5) = 120, g_bot = int(120 + 80·0.5) = 160
    assert (w[:120] == 0).all() and (w[160:] == 1).all()
    assert w[120] == 0.0 and w[130] == pytest.approx(0.25) and w[159] == pytest.approx(39 / 40)
    assert w.dtype == np.float32
    # empty ramp: no division, a step at g_top
    step = row_weights(rows, height=0.5, grad_height=0.0)
    assert (step[:120] == 0).all() and (step[120:] == 1).all()
    assert row_weights(np.zeros(SIZE, dtype=bool), 0.5, 0.5) is None


def test_same_size_mask_is_not_changed_by_the_resize():
    mask = band_mask((40, 200))
    assert (cv2.resize(mask * 255, (SIZE, SIZE), interpolation=cv2.INTER_CUBIC) == mask * 255).all()


def test_golden_pixels_for_a_band_of_hair():
    out = apply_ombre_float(gray(100), band_mask((40, 200)), color=0.0, height=0.5, grad_height=0.5)
    # tint: clip(100 + 35 + 0.25·HUE − 38.25) = 96.75 + 0.25·(255, 0, 0) → (160, 96, 96)
    assert out[170, 100].tolist() == [160.0, 96.0, 96.0]
    assert out[130, 100].tolist() == pytest.approx([115.0, 99.0, 99.0])  # weight 0.25
    assert out[100, 100].tolist() == [100.0, 100.0, 100.0]  # above the dyed part
    assert out[170, 10].tolist() == [100.0, 100.0, 100.0]  # not hair
    assert out.dtype == np.float64
    u8 = apply_ombre(gray(100), band_mask((40, 200)), 0.0, 0.5, 0.5)
    assert u8.dtype == np.uint8 and u8[170, 100].tolist() == [160, 96, 96] and u8[130, 100].tolist() == [115, 99, 99]


def test_colour_one_equals_colour_zero():
    image = np.random.default_rng(3).integers(0, 256, (SIZE, SIZE, 3), dtype=np.uint8)
    mask = band_mask((30, 220))
    assert (apply_ombre(image, mask, 1.0, 0.4, 0.6) == apply_ombre(image, mask, 0.0, 0.4, 0.6)).all()
    assert not (apply_ombre(image, mask, 0.5, 0.4, 0.6) == apply_ombre(image, mask, 0.0, 0.4, 0.6)).all()


def test_no_hair_rows_means_unweighted_mask():
    # 0.9 → sharpened (229.5 − 191.25)·4 = 153 < 191.25: no row counts as hair, m = 0.6 everywhere in the band
    out = apply_ombre_float(gray(100), band_mask((40, 200), 0.9), color=0.0, height=0.5, grad_height=0.5)
    assert out[50, 100].tolist() == pytest.approx([0.4 * 100 + 0.6 * 160, 0.4 * 100 + 0.6 * 96, 0.4 * 100 + 0.6 * 96])
    assert out[10, 100].tolist() == [100.0, 100.0, 100.0]


def test_tint_table_is_the_formula():
    table = tint_table(0.25)  # hue 90
    hue = hue_table()[90].astype(np.float64)
    for level in (0, 1, 77, 128, 200, 255):
        expected = np.clip(level + (0.35 * level + 0.25 * hue - 38.25), 0, 255).astype(np.uint8)
        assert (table[level] == expected).all()


@pytest.mark.parametrize("color,height,grad", [(0.0, 0.3, 0.4), (0.37, 0.8, 0.7), (1.0, 0.4, 0.0), (13 / 360, 1.0, 1.0)])
def test_matches_the_literal_row_loop_on_random_masks(color, height, grad):
    rng = np.random.default_rng(int(color * 1000) + 7)
    image = rng.integers(0, 256, (SIZE, SIZE, 3), dtype=np.uint8)
    probs = np.clip(rng.random((224, 224), dtype=np.float32) * 0.3 + band_mask((50, 180), 0.8, 224), 0, 1)
    expected = literal_ombre(image, probs, color, height, grad)
    got = apply_ombre_float(image, probs, color, height, grad)
    assert np.abs(got - expected).max() < 1e-9
    assert (apply_ombre(image, probs, color, height, grad) == expected.astype(np.uint8)).all()


def test_bicubic_resize_of_a_224_mask():
    probs = np.zeros((224, 224), dtype=np.float32)
    probs[30:200, 40:180] = 1.0
    m = ombre_mask(probs, (SIZE, SIZE), 1.0, 0.0)
    assert m.shape == (SIZE, SIZE) and m.dtype == np.float32
    assert m.min() >= 0 and m.max() <= 255
    assert m[128, 128] == 255 and m[5, 5] == 0


def test_bad_inputs():
    with pytest.raises(ValueError):
        apply_ombre(gray().astype(np.float32), band_mask((1, 2)), 0.0, 0.3, 0.4)
    with pytest.raises(ValueError):
        apply_ombre(gray(), np.zeros((2, 3, 4), np.float32), 0.0, 0.3, 0.4)
    with pytest.raises(ValueError):
        apply_ombre(gray(), band_mask((1, 2)), 0.0, 1.5, 0.4)


def test_ombre_cycle():
    assert ombre_cycle(0) == pytest.approx((0.0, 0.8, 0.7))
    color, height, grad = ombre_cycle(90)  # p = 0.25
    assert (color, height, grad) == pytest.approx((0.25, 0.6 + 0.2 * math.cos(1.5 * math.pi), 0.7))
    assert ombre_cycle(360) == pytest.approx(ombre_cycle(0))
    assert ombre_cycle(361.5) == pytest.approx(ombre_cycle(1.5))
    heights = [ombre_cycle(n)[1] for n in range(360)]
    grads = [ombre_cycle(n)[2] for n in range(360)]
    assert min(heights) == pytest.approx(0.4) and max(heights) == pytest.approx(0.8)
    assert min(grads) == pytest.approx(0.3) and max(grads) == pytest.approx(0.7)


def test_embedded_modules_do_not_import_torch():
    code = "import sys, ohlora.face.ombre, ohlora.face.vectors; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
