"""The StyleGAN synthesis' Winograd layers with their transforms compiled by numba (optional).

`ohlora.face.winograd` runs the input and output transforms of Winograd F(4×4, 3×3) as torch ops:
a padding copy, 36 strided slices stacked, a 36×36 matrix product, then a 16×36 product and a
permuted copy. Each is a full pass over a tensor 2.25× the size of the feature map, which makes the
64-channel 256² layers slower than oneDNN's direct convolution. Here each transform is one pass,
tile by tile, with every channel vector in a register:

* `_input_tiles` reads a channels-last map, applies the *previous* layer's pending instance norm and
  style (`x·α + β` per sample and channel) on the fly, zero-pads at the borders and writes the
  36 transformed tiles (36, T, C), the left operand of the 36 products (a torch `bmm`, which oneDNN
  runs near peak).
* `_output_tiles` turns the products back into 4×4 tiles (or the four upsampling phases), adds
  noise + bias, applies the LeakyReLU, writes the channels-last map and sums each channel per tile
  row (for the instance-norm statistics).
* After an upsampling layer's convolution StyleGAN blurs (3×3, per channel): there `_output_tiles`
  only places the tiles and `_blur_finish` blurs, adds, applies the LeakyReLU and sums, in one pass.

The three steps run band by band (`BAND_BYTES`), so that the transformed tiles and their products are
read back from the cache, and are never all in memory at once.

So a layer returns its activations *before* instance norm, with the (α, β) that the norm and the
style give; the next layer (or the ToRGB product) applies them while it reads. That removes the
batch-norm passes too. Arithmetic: the same float32 Winograd algorithm (tests compare with float64
direct convolutions); the statistics are summed in float32 per tile row (≤ 2048 values) and in
float64 across rows.

numba is part of the `full` extra. Without it (`available()` is False) the generator keeps the torch
Winograd path. The kernels compile on first use (about 20 s on a 2-core CPU) and are cached on disk
by numba.
"""

from __future__ import annotations

import numpy as np
import torch

from ohlora.face.compiled import available, kernel, njit, prange, threads

__all__ = ["BAND_BYTES", "Pending", "available", "blur_taps", "fused_layer"]

TILE = 4
# A layer runs in bands of tile rows (all three steps per band) whose transformed inputs or products
# take at most this much memory, so they are still in the cache when read back. Whole synthesis on the
# 2-core CPU, ms/frame at batch 1 / 8: 4 MB 117 / 99, 8 MB 106 / 88, 12 MB 100 / 86, 32 MB 101 / 90,
# unbanded 101 / 91 (and 800 MB more peak memory at batch 8: 2.4 instead of 1.6 GB).
BAND_BYTES = 12 << 20


# The Bᵀ and Aᵀ transforms are written out at each of their two uses (rows, then columns): as shared
# njit helpers (inlined or not) the whole synthesis measured ~10 ms per frame slower.
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

    @kernel
    def _affine(x, alpha, beta, out):  # pragma: no cover - compiled
        """out = x·α + β per (sample, channel); x and out (B, H, W, C), α/β (B, C)."""
        batch, height, width, ch = x.shape
        for r in prange(batch * height):
            b = r // height
            yy = r % height
            al = alpha[b]
            be = beta[b]
            for xx in range(width):
                src = x[b, yy, xx]
                dst = out[b, yy, xx]
                for c in range(ch):
                    dst[c] = src[c] * al[c] + be[c]


def _nhwc(t: torch.Tensor) -> np.ndarray:
    """A channels-last (B, C, H, W) float32 CPU tensor as its (B, H, W, C) numpy view."""
    nhwc = t.permute(0, 2, 3, 1)
    if not nhwc.is_contiguous():
        nhwc = nhwc.contiguous()
    return nhwc.numpy()


class Pending:
    """A layer's activations before its instance norm + style, and the (α, β) per (sample, channel)
    that complete them: `x·α + β`."""

    __slots__ = ("alpha", "beta", "x")

    def __init__(self, x: torch.Tensor, alpha: torch.Tensor, beta: torch.Tensor) -> None:
        self.x, self.alpha, self.beta = x, alpha, beta

    @staticmethod
    def identity(x: torch.Tensor) -> Pending:
        batch, ch = x.shape[:2]
        return Pending(x, x.new_ones(batch, ch), x.new_zeros(batch, ch))

    def applied(self) -> torch.Tensor:
        """The finished activations (B, C, H, W), channels-last."""
        out = torch.empty_like(self.x, memory_format=torch.channels_last)
        with threads():
            _affine(_nhwc(self.x), self.alpha.numpy(), self.beta.numpy(), _nhwc(out))
        return out


def blur_taps(kernel: torch.Tensor) -> torch.Tensor:
    """A depthwise blur kernel (K, 1, 3, 3) → the (9, K) float32 layout `fused_layer` takes."""
    return kernel.detach().reshape(kernel.shape[0], 9).t().to(torch.float32).contiguous()


UPSAMPLING = ("none", "phases", "input")


def fused_layer(pending: Pending, weights: torch.Tensor, add: torch.Tensor, slope: float,
                upsample: str, scale: torch.Tensor, shift: torch.Tensor, eps: float,
                blur: torch.Tensor | None = None) -> Pending:
    """One synthesis layer: the pending affine of the input, a 3×3 convolution, the optional depthwise
    `blur` (`blur_taps` layout, zero padding), `+ add` (noise·weight + bias, (1, K, HO, WO)),
    LeakyReLU(slope); returned pending with the instance norm (biased variance, eps) and the style
    `·scale + shift` ((B, K) each) as its affine.

    `upsample`: "none"; "phases", nearest ×2 upsampling as four phase convolutions of the small map
    (`weights` from `winograd_weights(upsample_phase_kernel(k))`: the products read 4× the weights
    over ¼ of the tiles); "input", the input transform reads the map nearest-upsampled and the
    convolution runs on the 2× grid (`weights` from `winograd_weights(k)`). Same result."""
    if upsample not in UPSAMPLING:
        raise ValueError(f"upsample must be one of {', '.join(UPSAMPLING)}; got {upsample!r}")
    x = pending.x
    batch, ch, height, width = x.shape
    scale_in = 2 if upsample == "input" else 1
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
    x_nhwc = _nhwc(x)
    alpha, beta = pending.alpha.contiguous().numpy(), pending.beta.contiguous().numpy()
    with threads():
        for first in range(0, rows, band):  # the tile transforms of a band stay in the cache
            count = min(band, rows - first) * tw
            v = v_buffer[:36 * count * ch].view(36, count, ch)
            m = m_buffer[:36 * count * n].view(36, count, n)
            _input_tiles(x_nhwc, alpha, beta, v.numpy(), first, scale_in - 1)
            torch.bmm(v, weights, out=m)
            _output_tiles(m.numpy(), add_nhwc, np.float32(slope), tiles.numpy(), sums, blur is None, first)
        del v_buffer, m_buffer
        if blur is not None:
            _blur_finish(tiles.numpy(), blur.numpy(), add_nhwc, np.float32(slope), out.numpy(), sums)
    totals = sums.reshape(batch, -1, 2, k_out).sum(axis=1) / (out_h * out_w)  # (B, 2, K): E[y], E[y²]
    mean = totals[:, 0]
    inv_std = 1.0 / np.sqrt(np.maximum(totals[:, 1] - mean * mean, 0.0) + eps)  # biased variance
    alpha = scale.numpy().astype(np.float64) * inv_std
    beta = shift.numpy().astype(np.float64) - mean * alpha
    return Pending(out.permute(0, 3, 1, 2), torch.from_numpy(alpha.astype(np.float32)),
                   torch.from_numpy(beta.astype(np.float32)))
