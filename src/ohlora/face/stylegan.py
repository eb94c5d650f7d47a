"""The 256×256 StyleGAN generator of StyleGAN-VectorFind v7/v8 (spec face §1): the reference.

`StyleGANModule` holds the released state dict (123 keys, in the files' order, raw unscaled tensors;
`ohlora.face.spec`), and its `mapping` and `synthesis` are the original's arithmetic written out
plainly, layer by layer (spec §1.3–§1.6). This module is the definition of the math: the fast
generator (`ohlora.face.generator`) folds these tensors and runs the convolutions through
`ohlora.face.conv`, and tests hold every back-end to this module's pixels (±1).

Inference settings of the original (spec §1.8): ψ = 1 (truncation is a no-op, one w drives all 14
layers), lod = 0 (only `output6` runs), the checkpoint's noise buffers, no tanh.
"""

from __future__ import annotations

import math
from collections.abc import Mapping as MappingABC
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ohlora import messages
from ohlora.errors import CorruptData
from ohlora.face.spec import (
    LABEL_DIMS,
    LABEL_EMBED_DIM,
    LAYERS,
    MAPPING_LAYERS,
    VERSION_BY_LABEL_DIMS,
    W_DIM,
    Z_DIM,
    LayerSpec,
    state_dict_shapes,
)
from ohlora.face.weights import read_state_dict, shape_problems

LRELU_SLOPE = 0.2
EPS = 1e-8
MAPPING_LR_MUL = 0.01
CONV_GAIN = math.sqrt(2.0)  # conv and mapping layers; the style affines and ToRGB have gain 1


class Dense(nn.Module):
    """Equalised-learning-rate linear layer: `x · (W·gain/√fan_in·lr_mul)ᵀ + b·lr_mul`."""

    def __init__(self, in_features: int, out_features: int, gain: float = 1.0, lr_mul: float = 1.0) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        self.bias = nn.Parameter(torch.empty(out_features))
        self.scale = gain / math.sqrt(in_features) * lr_mul
        self.lr_mul = lr_mul

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight * self.scale, self.bias * self.lr_mul)


class Mapping(nn.Module):
    """(z, c) → w (spec §1.3): label embedding, PixelNorm of [z, emb], 8 dense layers with LeakyReLU."""

    def __init__(self, label_dims: int) -> None:
        super().__init__()
        self.label_weight = nn.Parameter(torch.empty(label_dims, LABEL_EMBED_DIM))
        for i in range(MAPPING_LAYERS):
            fan_in = Z_DIM + LABEL_EMBED_DIM if i == 0 else W_DIM
            self.add_module(f"dense{i}", Dense(fan_in, W_DIM, CONV_GAIN, MAPPING_LR_MUL))

    def forward(self, z: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        u = torch.cat([z, c @ self.label_weight], dim=1)
        u = u / torch.sqrt(u.pow(2).mean(dim=1, keepdim=True) + EPS)
        for i in range(MAPPING_LAYERS):
            u = F.leaky_relu(getattr(self, f"dense{i}")(u), LRELU_SLOPE)
        return u


class Truncation(nn.Module):
    """Only holds `w_avg`: with ψ = 1 the truncation leaves w unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("w_avg", torch.empty(W_DIM))


class Noise(nn.Module):
    """The checkpoint's fixed noise map, scaled per channel."""

    def __init__(self, ch: int, res: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(ch))
        self.register_buffer("noise", torch.empty(1, 1, res, res))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.noise * self.weight.view(1, -1, 1, 1)


class Blur(nn.Module):
    """Depthwise 3×3 filter after every upsampling (the stored kernel is [1, 2, 1]² / 16)."""

    def __init__(self, ch: int) -> None:
        super().__init__()
        self.register_buffer("kernel", torch.empty(ch, 1, 3, 3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.kernel, padding=1, groups=x.shape[1])


def fused_kernel(weight: torch.Tensor) -> torch.Tensor:
    """The original's fused upsampling kernel (spec §1.6): a scaled 3×3 kernel (Cout, Cin, 3, 3) →
    (Cin, Cout, 4, 4) for `conv_transpose2d(stride=2, padding=1)`.

    That transposed conv equals nearest ×2 upsampling followed by a 3×3 conv with the spatially
    *flipped* kernel, so `fused_kernel(w.flip(2, 3))` computes "upsample, then conv(w)"."""
    k = F.pad(weight, (1, 1, 1, 1))
    k = k[:, :, 1:, 1:] + k[:, :, :-1, 1:] + k[:, :, 1:, :-1] + k[:, :, :-1, :-1]
    return k.permute(1, 0, 2, 3).contiguous()


def instance_norm(x: torch.Tensor) -> torch.Tensor:
    """Per (sample, channel) over H×W: subtract the mean, divide by √(mean square + 1e-8)."""
    x = x - x.mean(dim=(2, 3), keepdim=True)
    return x / torch.sqrt(x.pow(2).mean(dim=(2, 3), keepdim=True) + EPS)


class SynthesisLayer(nn.Module):
    """One layer (spec §1.6): [upsample] conv [blur], noise, bias, LeakyReLU, instance norm, style."""

    def __init__(self, spec: LayerSpec) -> None:
        super().__init__()
        self.spec = spec
        c = spec.out_ch
        self.bias = nn.Parameter(torch.empty(c))
        if spec.op == "const":
            self.const = nn.Parameter(torch.empty(1, c, spec.res, spec.res))
        else:
            self.weight = nn.Parameter(torch.empty(c, spec.in_ch, 3, 3))
        self.apply_noise = Noise(c, spec.res)
        self.style = Dense(W_DIM, 2 * c)
        if spec.upsamples:
            self.blur = Blur(c)

    def scaled_weight(self) -> torch.Tensor:
        """The 3×3 kernel with its run-time scale √2/√(C_in·9)."""
        return self.weight * (CONV_GAIN / math.sqrt(self.spec.in_ch * 9))

    def forward(self, x: torch.Tensor | None, w: torch.Tensor) -> torch.Tensor:
        op = self.spec.op
        if op == "const":
            x = self.const.expand(w.shape[0], -1, -1, -1)
        elif op == "up":
            x = F.conv2d(F.interpolate(x, scale_factor=2.0, mode="nearest"), self.scaled_weight(), padding=1)
        elif op == "fused":
            x = F.conv_transpose2d(x, fused_kernel(self.scaled_weight()), stride=2, padding=1)
        else:
            x = F.conv2d(x, self.scaled_weight(), padding=1)
        if self.spec.upsamples:
            x = self.blur(x)
        x = self.apply_noise(x) + self.bias.view(1, -1, 1, 1)
        x = instance_norm(F.leaky_relu(x, LRELU_SLOPE))
        style = self.style(w).view(-1, 2, self.spec.out_ch, 1, 1)
        return x * (style[:, 0] + 1.0) + style[:, 1]


class ToRGB(nn.Module):
    """1×1 conv with weight/√C_in, plus bias; linear output."""

    def __init__(self, in_ch: int) -> None:
        super().__init__()
        self.bias = nn.Parameter(torch.empty(3))
        self.weight = nn.Parameter(torch.empty(3, in_ch, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.weight / math.sqrt(self.weight.shape[1]), self.bias)


class Synthesis(nn.Module):
    """w (N, 512) → image (N, 3, 256, 256): the 14 layers, each driven by the same w, then `output6`
    (lod 0: the lower-resolution ToRGBs are progressive-growing leftovers, loaded but unused)."""

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("lod", torch.empty(()))
        for spec in LAYERS:
            self.add_module(f"layer{spec.index}", SynthesisLayer(spec))
            if spec.index % 2:
                self.add_module(f"output{spec.index // 2}", ToRGB(spec.out_ch))

    def layers(self) -> list[SynthesisLayer]:
        return [getattr(self, f"layer{spec.index}") for spec in LAYERS]

    def forward(self, w: torch.Tensor) -> torch.Tensor:
        x = None
        for layer in self.layers():
            x = layer(x, w)
        return getattr(self, f"output{(len(LAYERS) - 1) // 2}")(x)


class StyleGANModule(nn.Module):
    """The generator under the released key names (v7: 3 label dims, v8: 7); `forward(z, c)` is
    `synthesis(mapping(z, c))`."""

    def __init__(self, label_dims: int) -> None:
        super().__init__()
        self.label_dims = label_dims
        self.mapping = Mapping(label_dims)
        self.truncation = Truncation()
        self.synthesis = Synthesis()

    def forward(self, z: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        return self.synthesis(self.mapping(z, c))


# --- loading ------------------------------------------------------------------------------------------------


def _artifact_name(path: Path) -> str:
    return "stylegan-v7" if "v7" in path.name else "stylegan-v8"


def validate_state_dict(state: object, source: str = "the state dict", artifact: str = "stylegan-v8") -> str:
    """Check keys, shapes and values; return the version ("v7"/"v8"). CorruptData names what differs."""
    fix = messages.fetch_again(artifact)
    if not isinstance(state, MappingABC) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CorruptData(messages.stylegan_not_state_dict(source, fix))
    label = state.get("mapping.label_weight")
    dims = tuple(label.shape) if label is not None else None
    if dims is None or len(dims) != 2 or dims[1] != LABEL_EMBED_DIM or dims[0] not in VERSION_BY_LABEL_DIMS:
        raise CorruptData(messages.stylegan_bad_label(source, list(dims) if dims else "missing", fix))
    version = VERSION_BY_LABEL_DIMS[dims[0]]
    problems = shape_problems(state, state_dict_shapes(version))
    if problems:
        raise CorruptData(messages.stylegan_mismatch(source, version, problems, fix))
    bad = [k for k, v in state.items() if not v.is_floating_point() or not bool(torch.isfinite(v).all())]
    if bad:
        raise CorruptData(messages.stylegan_non_finite(source, bad[:6], fix))
    return version


def module_from_state_dict(state: MappingABC[str, torch.Tensor], version: str | None = None) -> StyleGANModule:
    """A `StyleGANModule` (float32, on the CPU) holding the state dict, loaded strictly (validated
    first unless its `version` is given, i.e. it was validated already)."""
    version = version or validate_state_dict(state)
    with torch.device("meta"):
        module = StyleGANModule(LABEL_DIMS[version])
    module.load_state_dict({k: v.float() for k, v in state.items()}, strict=True, assign=True)
    return module.eval()


def load_module(path: str | Path) -> StyleGANModule:
    """Read a released `.pth` (weights_only) and load it strictly into a `StyleGANModule` (on CPU)."""
    path = Path(path)
    artifact = _artifact_name(path)
    state = read_state_dict(path, lambda p: messages.stylegan_missing(p, artifact),
                            lambda p, exc: messages.stylegan_unreadable(p, exc, artifact))
    return module_from_state_dict(state, validate_state_dict(state, str(path), artifact))


# --- output ---------------------------------------------------------------------------------------------------


def postprocess_tensor(image: torch.Tensor) -> torch.Tensor:
    """Raw output (N, 3, H, W) nominally in [-1, 1] → uint8 RGB (N, H, W, 3) tensor, spec §1.7: float64
    `(x + 1)·255/2 + 0.5`, clipped to [0, 255], truncated (round half up). Stays on the device
    (except MPS, which has no float64)."""
    x = image.detach()
    if x.device.type == "mps":
        x = x.cpu()
    x = ((x.to(torch.float64) + 1.0) * 255.0 / 2.0 + 0.5).clamp_(0.0, 255.0).to(torch.uint8)
    return x.permute(0, 2, 3, 1).contiguous()


def postprocess(image: torch.Tensor) -> np.ndarray:
    """`postprocess_tensor` as a host numpy array."""
    return postprocess_tensor(image).cpu().numpy()
