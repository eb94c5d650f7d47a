"""The compiled Winograd back-end: 3×3 convolutions as Winograd F(4×4, 3×3) products, with the tile
transforms compiled by numba (optional: the `full` extra; `available()`).

A 3×3 convolution (stride 1, zero padding 1) computes every 4×4 output tile from a 6×6 input tile
with 36 products per channel pair instead of 144 (Lavin & Gray, "Fast Algorithms for Convolutional
Neural Networks", 2016):

    Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A

The 36 element-wise products over all input channels are 36 matrix products (tiles × C_in) @
(C_in × C_out), a torch `bmm` that oneDNN runs near peak. The transforms are one compiled pass each,
tile by tile, with every channel vector in a register:

* `_input_tiles` reads a channels-last map, applies the *previous* layer's pending affine (its
  instance norm and style) on the fly, zero-pads at the borders and writes the 36 transformed tiles
  (36, T, C), the left operand of the products.
* `_output_tiles` turns the products back into 4×4 tiles, adds noise + bias, applies the LeakyReLU,
  writes the channels-last map and sums each channel per tile row (the instance-norm statistics).
* After an upsampling layer's convolution StyleGAN blurs (3×3, per channel): there `_output_tiles`
  only places the tiles and `_blur_finish` blurs, adds, applies the LeakyReLU and sums, in one pass.

The three steps run band by band (`BAND_BYTES`), so that the transformed tiles and their products are
read back from the cache and are never all in memory at once. A layer thus returns its activations
*before* instance norm, with the affine that norm and style give (`Activation.a`, `.b`).

Nearest ×2 upsampling followed by a 3×3 convolution runs either as four "phase" convolutions of the
small map, one per output pixel parity (`upsample_phase_kernel`: the products read 4× the weights
over ¼ of the tiles), or on the 2× grid, the input transform reading the small map upsampled (the
same products; the transformed inputs are 4× larger). Which one a layer uses is the plan's choice.

Arithmetic: float32 Winograd (tests compare with float64 direct convolutions); the transformed
weights are computed in float64; the statistics are summed in float32 per tile row (≤ 2048 values)
and in float64 across rows. The kernels compile on first use (about 20 s on a 2-core CPU) and are
cached on disk by numba.
"""

from __future__ import annotations

import numpy as np
import torch

from ohlora.face.conv.base import EPS, LRELU_SLOPE, Activation, LayerWeights
from ohlora.face.conv.jit import available, kernel, njit, prange, threads

__all__ = ["BAND_BYTES", "WinogradKernel", "available", "fused_layer", "upsample_phase_kernel",
           "winograd_weights"]

TILE = 4
# A layer runs in bands of tile rows (all three steps per band) whose transformed inputs or products
# take at most this much memory, so they are still in the cache when read back; unbanded, batch 8 also
# needs most of a GB more. `benchmarks/face_conv_plan.py --bands` measures the choice.
BAND_BYTES = 12 << 20


# The Bᵀ and Aᵀ transforms are written out at each of their two uses (rows, then columns): numba
# compiled them slower as shared helpers, inlined or not.
if njit is not None:

    @kernel
    def _input_tiles(x, alpha, beta, v, first, shift):  # pragma: no cover - compiled
        """x (B, h, w, C) raw map, read ×2**shift nearest-upsampled (H = h·2**shift, W likewise),
        alpha/beta (B, C) pending affine → v (36, tiles of the bands from tile row `first`, C)."""
        height = x.shape[1] << shift
        width = x.shape[2] << shift
        ch = x.shape[3]
        th = height // 4
        tw = width // 4
        for band_row in prange(v.shape[1] // tw):
            r = first + band_row
            b = r // th
            ti = r % th
            d = np.empty((6, ch), np.float32)  # one input row of a 6×6 window, affine applied
            t = np.empty((6, 6, ch), np.float32)  # rows transformed along x: t[b', i]
            al = alpha[b]
            be = beta[b]
            for tj in range(tw):
                for i in range(6):
                    y = 4 * ti - 1 + i
                    row = x[b, min(max(y, 0), height - 1) >> shift]
                    for j in range(6):
                        xx = 4 * tj - 1 + j
                        mask = np.float32(1.0 if (0 <= y < height and 0 <= xx < width) else 0.0)
                        src = row[min(max(xx, 0), width - 1) >> shift]
                        dj = d[j]
                        for c in range(ch):
                            dj[c] = (src[c] * al[c] + be[c]) * mask
                    d0 = d[0]
                    d1 = d[1]
                    d2 = d[2]
                    d3 = d[3]
                    d4 = d[4]
                    d5 = d[5]
                    o = t[0, i]
                    for c in range(ch):
                        o[c] = 4 * d0[c] - 5 * d2[c] + d4[c]
                    o = t[1, i]
                    for c in range(ch):
                        o[c] = d3[c] + d4[c] - 4 * (d1[c] + d2[c])
                    o = t[2, i]
                    for c in range(ch):
                        o[c] = 4 * (d1[c] - d2[c]) + d4[c] - d3[c]
                    o = t[3, i]
                    for c in range(ch):
                        o[c] = 2 * (d3[c] - d1[c]) + d4[c] - d2[c]
                    o = t[4, i]
                    for c in range(ch):
                        o[c] = 2 * (d1[c] - d3[c]) + d4[c] - d2[c]
                    o = t[5, i]
                    for c in range(ch):
                        o[c] = 4 * d1[c] - 5 * d3[c] + d5[c]
                tile = band_row * tw + tj
                for j in range(6):
                    u0 = t[j, 0]
                    u1 = t[j, 1]
                    u2 = t[j, 2]
                    u3 = t[j, 3]
                    u4 = t[j, 4]
                    u5 = t[j, 5]
                    o = v[j, tile]
                    for c in range(ch):
                        o[c] = 4 * u0[c] - 5 * u2[c] + u4[c]
                    o = v[6 + j, tile]
                    for c in range(ch):
                        o[c] = u3[c] + u4[c] - 4 * (u1[c] + u2[c])
                    o = v[12 + j, tile]
                    for c in range(ch):
                        o[c] = 4 * (u1[c] - u2[c]) + u4[c] - u3[c]
                    o = v[18 + j, tile]
                    for c in range(ch):
                        o[c] = 2 * (u3[c] - u1[c]) + u4[c] - u2[c]
                    o = v[24 + j, tile]
                    for c in range(ch):
                        o[c] = 2 * (u1[c] - u3[c]) + u4[c] - u2[c]
                    o = v[30 + j, tile]
                    for c in range(ch):
                        o[c] = 4 * u1[c] - 5 * u3[c] + u5[c]

    @kernel
    def _output_tiles(m, add, slope, out, sums, finish, first):  # pragma: no cover - compiled
        """m (36, T, P·K) products (P = 1, or 4 upsampling phases ordered row parity, column parity)
        → out (B, HO, WO, K) = LeakyReLU(tiles + add), add (HO, WO, K); sums (B·TH, 2, K) float64:
        per tile row, Σ out and Σ out² per channel. Without `finish` only the tiles are written (add,
        LeakyReLU and sums are left to `_blur_finish`)."""
        batch, out_h, out_w, k_out = out.shape
        n = m.shape[2]
        ph = 1 if n == k_out else 2
        th = out_h // (4 * ph)
        tw = out_w // (4 * ph)
        for band_row in prange(m.shape[1] // tw):
            r = first + band_row
            b = r // th
            ti = r % th
            t = np.empty((4, 6, n), np.float32)  # columns transformed: t[q, a]
            y = np.empty((4, 4, n), np.float32)  # the output tile y[p, q]
            s1 = np.zeros(k_out, np.float32)
            s2 = np.zeros(k_out, np.float32)
            for tj in range(tw):
                tile = band_row * tw + tj
                for a in range(6):
                    m0 = m[6 * a, tile]
                    m1 = m[6 * a + 1, tile]
                    m2 = m[6 * a + 2, tile]
                    m3 = m[6 * a + 3, tile]
                    m4 = m[6 * a + 4, tile]
                    m5 = m[6 * a + 5, tile]
                    o = t[0, a]
                    for c in range(n):
                        o[c] = m0[c] + m1[c] + m2[c] + m3[c] + m4[c]
                    o = t[1, a]
                    for c in range(n):
                        o[c] = m1[c] - m2[c] + 2 * (m3[c] - m4[c])
                    o = t[2, a]
                    for c in range(n):
                        o[c] = m1[c] + m2[c] + 4 * (m3[c] + m4[c])
                    o = t[3, a]
                    for c in range(n):
                        o[c] = m1[c] - m2[c] + 8 * (m3[c] - m4[c]) + m5[c]
                for q in range(4):
                    t0 = t[q, 0]
                    t1 = t[q, 1]
                    t2 = t[q, 2]
                    t3 = t[q, 3]
                    t4 = t[q, 4]
                    t5 = t[q, 5]
                    o = y[0, q]
                    for c in range(n):
                        o[c] = t0[c] + t1[c] + t2[c] + t3[c] + t4[c]
                    o = y[1, q]
                    for c in range(n):
                        o[c] = t1[c] - t2[c] + 2 * (t3[c] - t4[c])
                    o = y[2, q]
                    for c in range(n):
                        o[c] = t1[c] + t2[c] + 4 * (t3[c] + t4[c])
                    o = y[3, q]
                    for c in range(n):
                        o[c] = t1[c] - t2[c] + 8 * (t3[c] - t4[c]) + t5[c]
                for p in range(4):
                    for pr in range(ph):
                        yy = ph * (4 * ti + p) + pr
                        for q in range(4):
                            for pc in range(ph):
                                xx = ph * (4 * tj + q) + pc
                                lo = (pr * ph + pc) * k_out
                                src = y[p, q, lo:lo + k_out]
                                dst = out[b, yy, xx]
                                extra = add[yy, xx]
                                if finish:
                                    for k in range(k_out):
                                        val = src[k] + extra[k]
                                        dst[k] = val if val >= 0 else val * slope
                                else:
                                    for k in range(k_out):
                                        dst[k] = src[k]
            if not finish:
                continue
            for yy in range(4 * ph * ti, 4 * ph * (ti + 1)):
                for xx in range(out_w):
                    row = out[b, yy, xx]
                    for k in range(k_out):
                        s1[k] += row[k]
                    for k in range(k_out):
                        s2[k] += row[k] * row[k]
            for k in range(k_out):
                sums[r, 0, k] = s1[k]
                sums[r, 1, k] = s2[k]

    @kernel
    def _blur_finish(y, blur, add, slope, out, sums):  # pragma: no cover - compiled
        """out = LeakyReLU(blur ⋆ y + add): y and out (B, H, W, K), a 3×3 per-channel correlation with
        zero padding, blur (9, K) (taps row by row), add (H, W, K); sums (B·H, 2, K) float64: per row,
        Σ out and Σ out² per channel."""
        batch, height, width, k_out = y.shape
        for r in prange(batch * height):
            b = r // height
            yy = r % height
            acc = np.empty(k_out, np.float32)
            s1 = np.zeros(k_out, np.float32)
            s2 = np.zeros(k_out, np.float32)
            for xx in range(width):
                extra = add[yy, xx]
                for k in range(k_out):
                    acc[k] = extra[k]
                for dy in range(3):
                    sy = yy + dy - 1
                    if sy < 0 or sy >= height:
                        continue
                    for dx in range(3):
                        sx = xx + dx - 1
                        if sx < 0 or sx >= width:
                            continue
                        src = y[b, sy, sx]
                        tap = blur[3 * dy + dx]
                        for k in range(k_out):
                            acc[k] += tap[k] * src[k]
                dst = out[b, yy, xx]
                for k in range(k_out):
                    val = acc[k]
                    dst[k] = val if val >= 0 else val * slope
                for k in range(k_out):
                    s1[k] += dst[k]
                for k in range(k_out):
                    s2[k] += dst[k] * dst[k]
            for k in range(k_out):
                sums[r, 0, k] = s1[k]
                sums[r, 1, k] = s2[k]


# Lavin & Gray's F(4, 3) weight transform, interpolation points 0, ±1, ±2 and ∞ (exact in float64).
# The input (Bᵀ) and output (Aᵀ) transforms are written out in the compiled kernels above.
_G = ((1 / 4, 0, 0),
      (-1 / 6, -1 / 6, -1 / 6),
      (-1 / 6, 1 / 6, -1 / 6),
      (1 / 24, 1 / 12, 1 / 6),
      (1 / 24, -1 / 12, 1 / 6),
      (0, 0, 1))

# Rows: the input offsets −1, 0, +1 of a 3-tap filter on the small map; columns: the taps of the
# original 3-tap filter on the upsampled map. Even output pixels (2i) read input rows i−1, i, i;
# odd ones (2i+1) read i, i, i+1.
_PHASE_ROWS = (((1, 0, 0), (0, 1, 1), (0, 0, 0)),
               ((0, 0, 0), (1, 1, 0), (0, 0, 1)))


def winograd_weights(kernel: torch.Tensor) -> torch.Tensor:
    """A 3×3 correlation kernel (C_out, C_in, 3, 3) → its 36 transformed matrices (36, C_in, C_out),
    float32 (computed in float64)."""
    if kernel.dim() != 4 or kernel.shape[-2:] != (3, 3):
        raise ValueError(f"winograd_weights needs a (C_out, C_in, 3, 3) kernel; got {tuple(kernel.shape)}")
    g = torch.tensor(_G, dtype=torch.float64, device=kernel.device)
    u = torch.einsum("ai,ocij,bj->abco", g, kernel.detach().to(torch.float64), g)
    return u.reshape(36, kernel.shape[1], kernel.shape[0]).to(torch.float32).contiguous()


def upsample_phase_kernel(kernel: torch.Tensor) -> torch.Tensor:
    """The 3×3 kernel (C_out, C_in, 3, 3) of "nearest ×2 upsampling, then 3×3 correlation with
    padding 1" → a 3×3 kernel (4·C_out, C_in, 3, 3) on the small map whose output channels are the
    four output parities (row parity, column parity, channel), exact at the borders too."""
    rows = torch.tensor(_PHASE_ROWS, dtype=torch.float64, device=kernel.device)  # (parity, offset, tap)
    k = torch.einsum("aru,oiuv,bsv->aboirs", rows, kernel.detach().to(torch.float64), rows)
    return k.reshape(4 * kernel.shape[0], kernel.shape[1], 3, 3)


def _nhwc(t: torch.Tensor) -> np.ndarray:
    """A (B, C, H, W) float32 CPU tensor as its (B, H, W, C) numpy view (a copy unless channels-last)."""
    nhwc = t.permute(0, 2, 3, 1)
    if not nhwc.is_contiguous():
        nhwc = nhwc.contiguous()
    return nhwc.numpy()


UPSAMPLING = ("none", "phases", "grid")


def fused_layer(x: Activation, weights: torch.Tensor, add: torch.Tensor, upsample: str, scale: torch.Tensor,
                shift: torch.Tensor, blur: torch.Tensor | None = None) -> Activation:
    """One synthesis layer: the pending affine of `x`, a 3×3 convolution, the optional depthwise `blur`
    ((9, K): the taps row by row, zero padding), `+ add` (noise·weight + bias, (1, K, HO, WO)),
    LeakyReLU; returned with the instance norm (biased variance) and the style `·scale + shift`
    ((B, K) each) as its pending affine.

    `upsample`: "none"; "phases", nearest ×2 as four phase convolutions of the small map (`weights`
    from `winograd_weights(upsample_phase_kernel(k))`); "grid", the convolution on the 2× grid, the
    input transform reading the map upsampled (`weights` from `winograd_weights(k)`). Same result."""
    if upsample not in UPSAMPLING:
        raise ValueError(f"upsample must be one of {', '.join(UPSAMPLING)}; got {upsample!r}")
    batch, ch, height, width = x.x.shape
    batch = max(batch, 1 if x.a is None else x.a.shape[0])  # the constant input is one map for every sample
    scale_in = 2 if upsample == "grid" else 1
    grid_h, grid_w = height * scale_in, width * scale_in  # the map the tiles cover
    if grid_h % TILE or grid_w % TILE:
        raise ValueError(f"Winograd F(4, 3) needs sizes that are multiples of 4; got {grid_h}×{grid_w}")
    n = weights.shape[2]
    k_out = n // (4 if upsample == "phases" else 1)
    out_h, out_w = (2 * height, 2 * width) if upsample != "none" else (height, width)
    th, tw = grid_h // TILE, grid_w // TILE
    rows = batch * th  # tile rows, all samples
    band = max(1, min(rows, BAND_BYTES // (36 * tw * max(ch, n) * 4)))  # tile rows per band
    v_buffer = torch.empty(36 * band * tw * ch)
    m_buffer = torch.empty(36 * band * tw * n)
    out = torch.empty(batch, out_h, out_w, k_out)
    tiles = out if blur is None else torch.empty_like(out)
    sums = np.empty((batch * (th if blur is None else out_h), 2, k_out), np.float64)
    add_nhwc = _nhwc(add)[0]
    x_nhwc = _nhwc(x.x.expand(batch, -1, -1, -1))
    a = torch.ones(batch, ch) if x.a is None else x.a
    b = torch.zeros(batch, ch) if x.b is None else x.b
    a, b = a.float().contiguous().numpy(), b.float().contiguous().numpy()
    with threads():
        for first in range(0, rows, band):  # the tile transforms of a band stay in the cache
            count = min(band, rows - first) * tw
            v = v_buffer[:36 * count * ch].view(36, count, ch)
            m = m_buffer[:36 * count * n].view(36, count, n)
            _input_tiles(x_nhwc, a, b, v.numpy(), first, scale_in - 1)
            torch.bmm(v, weights, out=m)
            _output_tiles(m.numpy(), add_nhwc, np.float32(LRELU_SLOPE), tiles.numpy(), sums, blur is None, first)
        del v_buffer, m_buffer
        if blur is not None:
            _blur_finish(tiles.numpy(), blur.numpy(), add_nhwc, np.float32(LRELU_SLOPE), out.numpy(), sums)
    totals = sums.reshape(batch, -1, 2, k_out).sum(axis=1) / (out_h * out_w)  # (B, 2, K): E[y], E[y²]
    mean = totals[:, 0]
    inv_std = 1.0 / np.sqrt(np.maximum(totals[:, 1] - mean * mean, 0.0) + EPS)  # biased variance
    alpha = scale.numpy().astype(np.float64) * inv_std
    beta = shift.numpy().astype(np.float64) - mean * alpha
    return Activation(out.permute(0, 3, 1, 2), torch.from_numpy(alpha.astype(np.float32)),
                      torch.from_numpy(beta.astype(np.float32)))


class WinogradKernel:
    """A layer through `fused_layer`; upsampling layers as phases, or on the 2× grid with `grid`.
    CPU, float32, channels-last."""

    def __init__(self, layer: LayerWeights, grid: bool = False) -> None:
        self.upsample = ("grid" if grid else "phases") if layer.upsample else "none"
        phases = self.upsample == "phases"
        self.weights = winograd_weights(upsample_phase_kernel(layer.kernel) if phases else layer.kernel)
        self.add = layer.add.contiguous(memory_format=torch.channels_last)
        self.blur = None if layer.blur is None else layer.blur.reshape(-1, 9).t().contiguous()

    def __call__(self, x: Activation, scale: torch.Tensor, shift: torch.Tensor) -> Activation:
        return fused_layer(x, self.weights, self.add, self.upsample, scale, shift, self.blur)
