"""Winograd F(4×4, 3×3) convolution for channels-last CPU tensors (the StyleGAN synthesis' fast path).

A 3×3 convolution (stride 1, zero padding 1) computes every 4×4 output tile from a 6×6 input tile
with 36 products per channel pair instead of 144 (Lavin & Gray, "Fast Algorithms for Convolutional
Neural Networks", 2016):

    Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A

Here the 36 element-wise products over all input channels are 36 matrix products
(tiles × C_in) @ (C_in × C_out), which a CPU runs near its peak. The transforms of the input tiles
and of the output are small fixed matrices (their entries are 0, ±1, ±2, ±4, ±5, ±8 and fractions
of 6 and 24), computed once per call for the input and once per layer for the weights (in float64).

The nearest ×2 upsampling followed by a 3×3 convolution (StyleGAN's upsampling layers, and the
original's fused transposed convolutions, which equal the same thing with the kernel flipped) is a
3×3 convolution of the *small* input into four "phase" outputs, one per output pixel parity
(`upsample_phase_kernel`); it runs through the same Winograd product and the phases are
interleaved into the 2× output (`winograd_upsample_conv3x3`). That needs 36·4 products per 4×4
input tile instead of the transposed convolution's 16·16.

Float32 results differ from a direct convolution by rounding only (about 1e-5 relative here).
Sizes must be multiples of 4 (every StyleGAN layer is: 4…256).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

TILE = 4  # output tile (m)
WINDOW = 6  # input tile (m + r - 1)

# Lavin & Gray's F(4, 3) matrices with interpolation points 0, ±1, ±2 and ∞ (exact in float64).
_BT = ((4, 0, -5, 0, 1, 0),
       (0, -4, -4, 1, 1, 0),
       (0, 4, -4, -1, 1, 0),
       (0, -2, -1, 2, 1, 0),
       (0, 2, -1, -2, 1, 0),
       (0, 4, 0, -5, 0, 1))
_G = ((1 / 4, 0, 0),
      (-1 / 6, -1 / 6, -1 / 6),
      (-1 / 6, 1 / 6, -1 / 6),
      (1 / 24, 1 / 12, 1 / 6),
      (1 / 24, -1 / 12, 1 / 6),
      (0, 0, 1))
_AT = ((1, 1, 1, 1, 1, 0),
       (0, 1, -1, 2, -2, 0),
       (0, 1, 1, 4, 4, 0),
       (0, 1, -1, 8, -8, 1))

# Rows: the input offsets −1, 0, +1 of a 3-tap filter on the small map; columns: the taps of the
# original 3-tap filter on the upsampled map. Even output pixels (2i) read input rows i−1, i, i;
# odd ones (2i+1) read i, i, i+1.
_PHASE_ROWS = (((1, 0, 0), (0, 1, 1), (0, 0, 0)),
               ((0, 0, 0), (1, 1, 0), (0, 0, 1)))


class WinogradTransforms:
    """The fixed input and output transforms (36×36 and 16×36) on one device, in float32."""

    def __init__(self, device: torch.device | str = "cpu") -> None:
        bt = torch.tensor(_BT, dtype=torch.float64)
        at = torch.tensor(_AT, dtype=torch.float64)
        self.input = torch.kron(bt, bt).to(device, torch.float32)  # V[6a+b] = Σ Bᵀ[a,i] Bᵀ[b,j] d[i,j]
        self.output = torch.kron(at, at).to(device, torch.float32)  # Y[4p+q] = Σ Aᵀ[p,a] Aᵀ[q,b] M[6a+b]


def winograd_weights(kernel: torch.Tensor) -> torch.Tensor:
    """A 3×3 correlation kernel (C_out, C_in, 3, 3) → its 36 transformed matrices (36, C_in, C_out),
    float32 (computed in float64)."""
    if kernel.dim() != 4 or kernel.shape[-2:] != (3, 3):
        raise ValueError(f"winograd_weights needs a (C_out, C_in, 3, 3) kernel; got {tuple(kernel.shape)}")
    g = torch.tensor(_G, dtype=torch.float64, device=kernel.device)
    u = torch.einsum("ai,ocij,bj->abco", g, kernel.detach().to(torch.float64), g)
    return u.reshape(WINDOW * WINDOW, kernel.shape[1], kernel.shape[0]).to(torch.float32).contiguous()


def upsample_phase_kernel(kernel: torch.Tensor) -> torch.Tensor:
    """The 3×3 kernel (C_out, C_in, 3, 3) of "nearest ×2 upsampling, then 3×3 correlation with
    padding 1" → a 3×3 kernel (4·C_out, C_in, 3, 3) on the small map whose output channels are the
    four output parities (row parity, column parity, channel), exact at the borders too."""
    rows = torch.tensor(_PHASE_ROWS, dtype=torch.float64, device=kernel.device)  # (parity, offset, tap)
    k = torch.einsum("aru,oiuv,bsv->aboirs", rows, kernel.detach().to(torch.float64), rows)
    return k.reshape(4 * kernel.shape[0], kernel.shape[1], 3, 3)


def _input_tiles(x: torch.Tensor, transforms: WinogradTransforms) -> tuple[torch.Tensor, int, int]:
    """x (B, C, H, W) → transformed tiles (36, B·H/4·W/4, C)."""
    batch, ch, height, width = x.shape
    if height % TILE or width % TILE:
        raise ValueError(f"Winograd F(4, 3) needs sizes that are multiples of 4; got {height}×{width}")
    th, tw = height // TILE, width // TILE
    nhwc = F.pad(x.permute(0, 2, 3, 1), (0, 0, 1, 1, 1, 1))  # (B, H+2, W+2, C), zero padding 1
    tiles = torch.stack([nhwc[:, i:i + TILE * th:TILE, j:j + TILE * tw:TILE, :]
                         for i in range(WINDOW) for j in range(WINDOW)])  # (36, B, TH, TW, C)
    v = torch.mm(transforms.input, tiles.view(WINDOW * WINDOW, -1))
    return v.view(WINDOW * WINDOW, batch * th * tw, ch), th, tw


def _products(v: torch.Tensor, weights: torch.Tensor, transforms: WinogradTransforms) -> torch.Tensor:
    """(36, T, C_in) × (36, C_in, K) → the inverse-transformed 4×4 outputs (16, T·K)."""
    m = torch.bmm(v, weights)
    return torch.mm(transforms.output, m.view(WINDOW * WINDOW, -1))


def winograd_conv3x3(x: torch.Tensor, weights: torch.Tensor, transforms: WinogradTransforms,
                     add: torch.Tensor | None = None) -> torch.Tensor:
    """3×3 correlation, stride 1, zero padding 1, of x (B, C_in, H, W) with `winograd_weights(k)`.

    Returns (B, C_out, H, W) in channels-last memory. `add` (broadcastable to (1 or B, C_out, H, W),
    channels-last or any layout) is added in the same pass that places the tiles."""
    batch, _, height, width = x.shape
    c_out = weights.shape[2]
    v, th, tw = _input_tiles(x, transforms)
    y = _products(v, weights, transforms).view(TILE, TILE, batch, th, tw, c_out)
    tiles = y.permute(2, 3, 0, 4, 1, 5)  # (B, TH, 4, TW, 4, C)
    out = _place(tiles, None if add is None else _nhwc_view(add, th, tw, TILE))
    return out.reshape(batch, height, width, c_out).permute(0, 3, 1, 2)


def winograd_upsample_conv3x3(x: torch.Tensor, weights: torch.Tensor, transforms: WinogradTransforms,
                              add: torch.Tensor | None = None) -> torch.Tensor:
    """Nearest ×2 upsampling then 3×3 correlation (padding 1), with weights
    `winograd_weights(upsample_phase_kernel(k))`: x (B, C_in, H, W) → (B, C_out, 2H, 2W), channels-last.
    `add` as in `winograd_conv3x3` (at the output size)."""
    batch, _, height, width = x.shape
    c_out = weights.shape[2] // 4
    v, th, tw = _input_tiles(x, transforms)
    y = _products(v, weights, transforms).view(TILE, TILE, batch, th, tw, 2, 2, c_out)
    tiles = y.permute(2, 3, 0, 5, 4, 1, 6, 7)  # (B, TH, 4, parity, TW, 4, parity, C)
    out = _place(tiles, None if add is None else _nhwc_view(add, th, tw, TILE, 2))
    return out.reshape(batch, 2 * height, 2 * width, c_out).permute(0, 3, 1, 2)


def _place(tiles: torch.Tensor, add: torch.Tensor | None) -> torch.Tensor:
    """The tiles (a permuted view) copied into row-major order, `add` added in the same pass."""
    if torch.compiler.is_compiling():  # inductor plans the layout itself (and rejects out= here)
        return (tiles if add is None else tiles + add).contiguous()
    out = torch.empty(tiles.shape, dtype=tiles.dtype, device=tiles.device)
    if add is None:
        return out.copy_(tiles)
    return torch.add(tiles, add, out=out)


def _nhwc_view(t: torch.Tensor, th: int, tw: int, *steps: int) -> torch.Tensor:
    """A (N, C, H, W) tensor as (N, TH, *steps, TW, *steps, C) over its NHWC order (a view when
    it is channels-last, else a copy)."""
    nhwc = t.permute(0, 2, 3, 1)
    if not nhwc.is_contiguous():
        nhwc = nhwc.contiguous()
    return nhwc.reshape(t.shape[0], th, *steps, tw, *steps, t.shape[1])
