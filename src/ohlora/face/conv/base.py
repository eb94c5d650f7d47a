"""The kernel interface: what one synthesis layer's back-end receives, and what it returns.

A synthesis layer (1…13) is: [nearest ×2 upsampling] 3×3 correlation [blur], `+ add` (noise·weight +
bias), LeakyReLU, instance norm, style `·scale + shift` (spec face §1.6). A back-end turns the
layer's folded tensors (`LayerWeights`) into a callable `Kernel`:

    kernel(activation, scale, shift) -> activation

An `Activation` may carry a pending per-(sample, channel) affine: its value is `x·a + b`. A back-end
that computes the instance-norm statistics while it writes its output (compiled Winograd) returns
its LeakyReLU output with the norm and style as that affine, and the next reader applies it on the
fly; one that does not (direct) applies it with `materialised()` and returns a plain activation.
Either can follow the other, so a plan may mix them layer by layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import torch

from ohlora.face.stylegan import EPS, LRELU_SLOPE, SynthesisLayer

__all__ = ["EPS", "LRELU_SLOPE", "Activation", "Kernel", "LayerWeights", "fold_layer"]


@dataclass(frozen=True)
class Activation:
    """(B, C, H, W) activations; with `a` and `b` ((B, C) each) their value is `x·a + b`."""

    x: torch.Tensor
    a: torch.Tensor | None = None
    b: torch.Tensor | None = None

    def materialised(self) -> torch.Tensor:
        if self.a is None:
            return self.x
        batch, ch = self.a.shape
        a = self.a.reshape(batch, ch, 1, 1).to(self.x.dtype)
        b = self.b.reshape(batch, ch, 1, 1).to(self.x.dtype)
        return torch.addcmul(b, self.x, a)


@dataclass(frozen=True)
class LayerWeights:
    """One synthesis layer with its run-time scales folded in (float32, CPU).

    `kernel` (C_out, C_in, 3, 3) is the correlation on the layer's output grid: for an upsampling
    layer, the map is nearest-upsampled first (the original's fused layers 10 and 12 are the same
    with the kernel flipped, see `stylegan.fused_kernel`). `add` (1, C_out, H, W) is noise·weight +
    bias; `blur` (C_out, 1, 3, 3) the depthwise filter of upsampling layers."""

    index: int
    upsample: bool
    kernel: torch.Tensor
    add: torch.Tensor
    blur: torch.Tensor | None


def fold_layer(layer: SynthesisLayer) -> LayerWeights:
    spec = layer.spec
    scaled = layer.scaled_weight().detach().float()
    kernel = scaled.flip(2, 3) if spec.op == "fused" else scaled
    noise = layer.apply_noise
    add = (noise.noise * noise.weight.view(1, -1, 1, 1) + layer.bias.view(1, -1, 1, 1)).detach().float()
    blur = layer.blur.kernel.detach().float() if spec.upsamples else None
    return LayerWeights(spec.index, spec.upsamples, kernel, add, blur)


class Kernel(Protocol):
    """One layer on one device: `(activation, scale, shift) -> activation`, scale and shift (B, C_out)
    float32: the style's `1 + s` and `s'`."""

    def __call__(self, x: Activation, scale: torch.Tensor, shift: torch.Tensor) -> Activation: ...
