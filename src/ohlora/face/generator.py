"""The StyleGAN generator for inference: `mapping(z, c)` once per face, `render(w)` per frame.

Built from the reference `StyleGANModule` (`face.stylegan`, the definition of the math) with the
run-time constants folded in once: the weight scales; the constant first layer, which does not depend
on w, normalised ahead; noise·weight + bias as one tensor per layer; the 14 style affines as one
matrix product (ψ = 1: every layer reads the same w). The 13 convolution layers run through the
kernels of `face.conv`, one per layer as the plan (`face.conv.plan`) chooses; whatever the plan, the
pixels are the reference's within ±1.
"""

from __future__ import annotations

import copy
import hashlib
import math
import warnings
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ohlora import messages
from ohlora.devices import resolve_device, resolve_dtype
from ohlora.face.conv.base import LRELU_SLOPE, Activation, fold_layer
from ohlora.face.conv.plan import Plan, build_kernels, choose_plan
from ohlora.face.runtime import exact_float32, retain_freed_memory
from ohlora.face.spec import VERSION_BY_LABEL_DIMS, W_DIM, Z_DIM
from ohlora.face.stylegan import StyleGANModule, instance_norm, load_module, postprocess_tensor


class FastSynthesis(nn.Module):
    """w (B, 512) → raw image (B, 3, 256, 256) float32, the layers run by the plan's kernels."""

    def __init__(self, module: StyleGANModule, plan: Plan, device: torch.device, dtype: torch.dtype,
                 channels_last: bool) -> None:
        super().__init__()
        fmt = torch.channels_last if channels_last else torch.contiguous_format
        first, *rest = module.synthesis.layers()
        with torch.no_grad():
            add = first.apply_noise(first.const) + first.bias.view(1, -1, 1, 1)
            self.const = instance_norm(F.leaky_relu(add, LRELU_SLOPE)).to(device, dtype).contiguous(memory_format=fmt)
            # styles stay float32: they are tiny and set the scale of every layer
            styles = [layer.style for layer in (first, *rest)]
            self.style_weight_t = torch.cat([s.weight * s.scale for s in styles]).t().contiguous().to(device)
            self.style_bias = torch.cat([s.bias for s in styles]).to(device)
            self.style_sizes = tuple(s.bias.shape[0] for s in styles)
            self.kernels = build_kernels(plan, [fold_layer(layer) for layer in rest], device, dtype, fmt)
            out = module.synthesis.output6
            self.rgb_weight = (out.weight / math.sqrt(out.weight.shape[1])).to(device, dtype).contiguous(
                memory_format=fmt)
            self.rgb_bias = out.bias.detach().to(device, dtype)
        # the 1×1 ToRGB as a (pixels × C) @ (C × 3) product where the activations are channels-last on
        # a CPU in float32, and always where a pending affine is folded into it
        self.rgb_matrix = self.rgb_weight.reshape(3, -1).t().contiguous()
        self.rgb_as_product = channels_last and device.type == "cpu" and dtype == torch.float32

    def forward(self, w: torch.Tensor) -> torch.Tensor:
        styles = torch.addmm(self.style_bias, w.float(), self.style_weight_t).split(self.style_sizes, dim=1)
        scales_shifts = [(s[:, :s.shape[1] // 2] + 1.0, s[:, s.shape[1] // 2:]) for s in styles]
        x = Activation(self.const, *scales_shifts[0])
        for kernel, (scale, shift) in zip(self.kernels, scales_shifts[1:], strict=True):
            x = kernel(x, scale, shift)
        return self.to_rgb(x)

    def to_rgb(self, x: Activation) -> torch.Tensor:
        batch, ch, height, width = x.x.shape
        if x.a is not None:  # the pending norm + style folded into per-sample 1×1 weights
            weights = x.a.unsqueeze(2) * self.rgb_matrix  # (B, C, 3)
            bias = torch.addmm(self.rgb_bias, x.b, self.rgb_matrix).unsqueeze(1)  # (B, 1, 3)
            y = torch.baddbmm(bias, x.x.permute(0, 2, 3, 1).reshape(batch, height * width, ch), weights)
            return y.view(batch, height, width, 3).permute(0, 3, 1, 2)
        if self.rgb_as_product:
            y = torch.addmm(self.rgb_bias, x.x.permute(0, 2, 3, 1).reshape(-1, ch), self.rgb_matrix)
            return y.view(batch, height, width, 3).permute(0, 3, 1, 2)
        return F.conv2d(x.x, self.rgb_weight, self.rgb_bias).float()


def _float_tensor(x: np.ndarray | torch.Tensor, device: torch.device) -> torch.Tensor:
    if isinstance(x, torch.Tensor):
        return x.to(device=device, dtype=torch.float32)
    return torch.from_numpy(np.array(x, dtype=np.float32)).to(device)  # a copy: inputs may be read-only


class StyleGANGenerator:
    """Inference object: `mapping(z, c)` → w (once per face), `synthesis(w)` / `render(w)` per frame.

    `dtype` applies to the synthesis convolutions (the mapping always runs in float32; bfloat16 is
    only worth it on CPUs with AVX512-BF16/AMX). `channels_last` defaults to True except on MPS.
    `compile` wraps the synthesis in `torch.compile` (opt-in: the first call of each batch size
    compiles, tens of seconds on a CPU; inductor caches on disk). `plan`: see `face.conv.plan`.
    """

    def __init__(self, module: StyleGANModule, device: str | torch.device = "auto", dtype: str | torch.dtype = "auto",
                 *, channels_last: bool | None = None, compile: bool = False, plan: str | Plan = "auto") -> None:
        self.device = resolve_device(device)
        self.dtype = resolve_dtype(dtype, self.device)
        if channels_last is None:  # faster with oneDNN (CPU) and cuDNN; MPS prefers NCHW
            channels_last = self.device.type != "mps"
        self.plan = choose_plan(plan, self.device, self.dtype, channels_last, compile)
        if self.device.type == "cpu":
            retain_freed_memory()
        self.label_dims = module.label_dims
        self.version = VERSION_BY_LABEL_DIMS[self.label_dims]
        lod = float(module.synthesis.lod)
        if lod != 0.0:
            warnings.warn(messages.stylegan_lod_forced(lod), stacklevel=2)
        self.stored_lod = lod
        label = module.mapping.label_weight.detach().cpu().float()
        self.label_checksum = hashlib.sha256(label.numpy().tobytes()).hexdigest()
        self.mapping_net = copy.deepcopy(module.mapping).to(self.device, torch.float32).eval()
        self.synth = FastSynthesis(module, self.plan, self.device, self.dtype, channels_last)
        self._run = torch.compile(self.synth, dynamic=False) if compile else self.synth

    @torch.inference_mode()
    def mapping(self, z: np.ndarray | torch.Tensor, c: np.ndarray | torch.Tensor) -> torch.Tensor:
        """z (N, 512) and c (N, K) → w (N, 512) float32 on the device (spec §1.3)."""
        z, c = _float_tensor(z, self.device), _float_tensor(c, self.device)
        if z.dim() == 1:
            z = z.unsqueeze(0)
        if c.dim() == 1:
            c = c.unsqueeze(0)
        if z.dim() != 2 or z.shape[1] != Z_DIM or c.shape != (z.shape[0], self.label_dims):
            raise ValueError(f"mapping needs z (N, {Z_DIM}) and c (N, {self.label_dims}); got "
                             f"{tuple(z.shape)} and {tuple(c.shape)}")
        return self.mapping_net(z, c)

    def _as_w(self, w: np.ndarray | torch.Tensor) -> torch.Tensor:
        w = _float_tensor(w, self.device)
        if w.dim() == 1:
            w = w.unsqueeze(0)
        if w.dim() != 2 or w.shape[1] != W_DIM:
            raise ValueError(f"synthesis needs w of shape (N, {W_DIM}); got {tuple(w.shape)}")
        return w

    @torch.inference_mode()
    def synthesis(self, w: np.ndarray | torch.Tensor) -> torch.Tensor:
        """w (N, 512) → raw image (N, 3, 256, 256) float32, nominally in [-1, 1]."""
        with exact_float32(self.device, self.dtype):
            return self._run(self._as_w(w))

    @torch.inference_mode()
    def render_tensor(self, w: np.ndarray | torch.Tensor) -> torch.Tensor:
        """w (N, 512) → uint8 RGB (N, 256, 256, 3) tensor on the device."""
        with exact_float32(self.device, self.dtype):
            return postprocess_tensor(self._run(self._as_w(w)))

    def render(self, w: np.ndarray | torch.Tensor) -> np.ndarray:
        """w (N, 512) → uint8 RGB (N, 256, 256, 3) numpy array."""
        return self.render_tensor(w).cpu().numpy()


def load_generator(path: str | Path, device: str | torch.device = "auto", dtype: str | torch.dtype = "auto",
                   **options: object) -> StyleGANGenerator:
    """Load a released generator file strictly; the version comes from `mapping.label_weight`'s shape.

    Options are those of `StyleGANGenerator` (channels_last, compile, plan).
    """
    return StyleGANGenerator(load_module(path), device, dtype, **options)  # type: ignore[arg-type]
