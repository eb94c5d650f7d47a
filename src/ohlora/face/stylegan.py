"""The 256×256 StyleGAN generator of StyleGAN-VectorFind v7/v8 (spec face §1).

Two objects:

* `StyleGANModule`: an `nn.Module` whose `state_dict()` has exactly the 123 keys, order and shapes
  of the released files (spec §1.9). It holds the raw, unscaled tensors and only serves loading.
* `StyleGANGenerator`: the fast inference object built from it. Run-time scales are folded into
  the weights once; the constant first layer is pre-normalised; noise·weight + bias is one
  pre-computed tensor per layer; the 14 style affines are one matrix product (ψ = 1, all layers
  share w); instance norm and style modulation are one fused batch-norm call. On a CPU the layers
  where it pays run as Winograd F(4×4, 3×3) products: with numba installed through compiled
  transforms that also fuse LeakyReLU and the norm (`ohlora.face.winograd_jit`, `JIT_WINOGRAD_LAYERS`),
  else as torch ops (`ohlora.face.winograd`, `CPU_WINOGRAD_LAYERS`); buffers are kept between frames
  (`retain_freed_memory`). On CUDA, float32 runs without TF32.
  Arithmetic is the original's up to float rounding (same weights and w give the same pixels within
  ±1; tests compare with a literal reference).

Inference settings of the original (spec §1.8): ψ = 1 (truncation is a no-op), lod = 0 (forced),
the checkpoint's noise buffers (`randomize_noise=False`), no tanh.
"""

from __future__ import annotations

import hashlib
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ohlora import messages
from ohlora.errors import CorruptData
from ohlora.face import winograd_jit
from ohlora.face.devices import exact_float32, resolve_device, resolve_dtype, retain_freed_memory
from ohlora.face.vectors import LABEL_DIMS, W_DIM, Z_DIM
from ohlora.face.weights import read_state_dict, shape_problems
from ohlora.face.winograd import (
    WinogradTransforms,
    upsample_phase_kernel,
    winograd_conv3x3,
    winograd_upsample_conv3x3,
    winograd_weights,
)

RESOLUTION = 256
LABEL_EMBED_DIM = 16
NUM_LAYERS = 14
MAPPING_LAYERS = 8
MAPPING_LR_MUL = 0.01
LRELU_SLOPE = 0.2
EPS = 1e-8
VERSION_BY_LABEL_DIMS = MappingProxyType({v: k for k, v in LABEL_DIMS.items()})
FILE_NAMES = MappingProxyType({
    "v7": "stylegan_gen_vector_find_v7.pth",
    "v8": "stylegan_gen_vector_find_v8.pth",
})


def channels(res: int) -> int:
    """Feature maps at a resolution: min(16384 // res, 512)."""
    return min(16384 // res, 512)


@dataclass(frozen=True)
class LayerSpec:
    index: int
    res: int  # output resolution
    in_ch: int
    out_ch: int
    op: str  # "const" (layer0), "conv" (3×3), "up" (nearest ×2 + 3×3), "fused" (transposed 4×4, stride 2)

    @property
    def upsamples(self) -> bool:
        return self.op in ("up", "fused")


def _layer_table() -> tuple[LayerSpec, ...]:
    specs = []
    for i in range(NUM_LAYERS):
        res = 4 * 2 ** (i // 2)
        out_ch = channels(res)
        if i == 0:
            op, in_ch = "const", out_ch
        elif i % 2:
            op, in_ch = "conv", out_ch
        else:
            op, in_ch = ("fused" if res >= 128 else "up"), channels(res // 2)
        specs.append(LayerSpec(i, res, in_ch, out_ch, op))
    return tuple(specs)


LAYERS = _layer_table()


# --- the state-dict-exact module (raw parameters, no forward) --------------------------------------------


class _Dense(nn.Module):
    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        self.bias = nn.Parameter(torch.empty(out_features))


class _Mapping(nn.Module):
    def __init__(self, label_dims: int) -> None:
        super().__init__()
        self.label_weight = nn.Parameter(torch.empty(label_dims, LABEL_EMBED_DIM))
        for i in range(MAPPING_LAYERS):
            fan_in = Z_DIM + LABEL_EMBED_DIM if i == 0 else W_DIM
            self.add_module(f"dense{i}", _Dense(fan_in, W_DIM))


class _Truncation(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("w_avg", torch.empty(W_DIM))


class _Noise(nn.Module):
    def __init__(self, ch: int, res: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(ch))
        self.register_buffer("noise", torch.empty(1, 1, res, res))


class _Blur(nn.Module):
    def __init__(self, ch: int) -> None:
        super().__init__()
        self.register_buffer("kernel", torch.empty(ch, 1, 3, 3))


class _Layer(nn.Module):
    def __init__(self, spec: LayerSpec) -> None:
        super().__init__()
        c = spec.out_ch
        self.bias = nn.Parameter(torch.empty(c))
        if spec.op == "const":
            self.const = nn.Parameter(torch.empty(1, c, spec.res, spec.res))
        else:
            self.weight = nn.Parameter(torch.empty(c, spec.in_ch, 3, 3))
        self.apply_noise = _Noise(c, spec.res)
        self.style = _Dense(W_DIM, 2 * c)
        if spec.upsamples:
            self.blur = _Blur(c)


class _ToRGB(nn.Module):
    def __init__(self, in_ch: int) -> None:
        super().__init__()
        self.bias = nn.Parameter(torch.empty(3))
        self.weight = nn.Parameter(torch.empty(3, in_ch, 1, 1))


class _Synthesis(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("lod", torch.empty(()))
        for spec in LAYERS:
            self.add_module(f"layer{spec.index}", _Layer(spec))
            if spec.index % 2:
                self.add_module(f"output{spec.index // 2}", _ToRGB(spec.out_ch))


class StyleGANModule(nn.Module):
    """Holds the raw tensors under the released key names (v7: 3 label dims, v8: 7)."""

    def __init__(self, label_dims: int) -> None:
        super().__init__()
        self.label_dims = label_dims
        self.mapping = _Mapping(label_dims)
        self.truncation = _Truncation()
        self.synthesis = _Synthesis()


def state_dict_shapes(version: str) -> dict[str, tuple[int, ...]]:
    """The released files' keys, in order, with their shapes (no memory is allocated)."""
    with torch.device("meta"):
        module = StyleGANModule(LABEL_DIMS[version])
    return {k: tuple(v.shape) for k, v in module.state_dict(keep_vars=True).items()}


def _artifact_name(path: Path) -> str:
    return "stylegan-v7" if "v7" in path.name else "stylegan-v8"


def validate_state_dict(state: object, source: str = "the state dict", artifact: str = "stylegan-v8") -> str:
    """Check keys, shapes and values; return the version ("v7"/"v8"). CorruptData names what differs."""
    fix = messages.fetch_again(artifact)
    if not isinstance(state, Mapping) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CorruptData(messages.stylegan_not_state_dict(source, fix))
    label = state.get("mapping.label_weight")
    dims = tuple(label.shape) if label is not None else None
    if dims is None or len(dims) != 2 or dims[1] != LABEL_EMBED_DIM or dims[0] not in VERSION_BY_LABEL_DIMS:
        raise CorruptData(messages.stylegan_bad_label(source, list(dims) if dims else "missing", fix))
    version = VERSION_BY_LABEL_DIMS[dims[0]]
    expected = state_dict_shapes(version)
    problems = shape_problems(state, expected)
    if problems:
        raise CorruptData(messages.stylegan_mismatch(source, version, problems, fix))
    bad = [k for k, v in state.items() if not v.is_floating_point() or not bool(torch.isfinite(v).all())]
    if bad:
        raise CorruptData(messages.stylegan_non_finite(source, bad[:6], fix))
    return version


def load_module(path: str | Path) -> StyleGANModule:
    """Read a released `.pth` (weights_only) and load it strictly into a `StyleGANModule` (on CPU)."""
    path = Path(path)
    artifact = _artifact_name(path)
    state = read_state_dict(path, lambda p: messages.stylegan_missing(p, artifact),
                            lambda p, exc: messages.stylegan_unreadable(p, exc, artifact))
    version = validate_state_dict(state, str(path), artifact)
    with torch.device("meta"):
        module = StyleGANModule(LABEL_DIMS[version])
    module.load_state_dict({k: v.float() for k, v in state.items()}, strict=True, assign=True)
    return module


# --- the fast inference path ------------------------------------------------------------------------------


def fused_kernel(weight: torch.Tensor) -> torch.Tensor:
    """The original's fused upsampling kernel (spec §1.6): a scaled 3×3 kernel (Cout, Cin, 3, 3) →
    (Cin, Cout, 4, 4) for `conv_transpose2d(stride=2, padding=1)`.

    Note: that transposed conv equals nearest ×2 upsampling followed by a 3×3 conv with the
    spatially *flipped* kernel, so `fused_kernel(w.flip(2, 3))` reproduces "upsample + conv(w)".
    """
    k = F.pad(weight, (1, 1, 1, 1))
    k = k[:, :, 1:, 1:] + k[:, :, :-1, 1:] + k[:, :, 1:, :-1] + k[:, :, :-1, :-1]
    return k.permute(1, 0, 2, 3).contiguous()


def _instance_norm(x: torch.Tensor) -> torch.Tensor:
    x = x - x.mean(dim=(2, 3), keepdim=True)
    return x / torch.sqrt(x.pow(2).mean(dim=(2, 3), keepdim=True) + EPS)


class _FoldedSynthesis(nn.Module):
    """Per-frame synthesis with every constant folded in. forward(w (B,512)) → image (B,3,256,256).

    `up` chooses how the nearest-upsampling layers 2, 4, 6, 8 run: "nearest" (upsample, then the
    3×3 conv, as the original) or "transposed" (the equivalent stride-2 4×4 transposed conv of the
    flipped kernel, 2.25× fewer multiply-adds; same result up to float rounding). Layers 10 and 12
    are always transposed, as in the original.

    `winograd` names the layers (1…13) whose convolution runs as Winograd F(4×4, 3×3) products
    (`ohlora.face.winograd`; float32, channels-last): 3×3 layers directly, upsampling layers (nearest
    or fused alike) as four phase convolutions of the small map. Same result up to float rounding.
    With `jit` (CPU, numba installed) those layers run through `ohlora.face.winograd_jit` instead:
    compiled transforms that also apply the LeakyReLU and gather the instance-norm statistics, the
    norm + style being applied by whatever reads the layer next (the next Winograd layer or ToRGB);
    the upsampling layers in `JIT_UPSAMPLE_INPUT_LAYERS` then run on the 2× grid (the input transform
    reads the small map upsampled) instead of as phases. `gemm` names the (small-map) layers that run
    as plain matrix products.
    """

    def __init__(self, module: StyleGANModule, device: torch.device, dtype: torch.dtype,
                 up: str = "transposed", channels_last: bool = False,
                 winograd: frozenset[int] = frozenset(), jit: bool = False,
                 gemm: frozenset[int] = frozenset()) -> None:
        super().__init__()
        if up not in ("nearest", "transposed"):
            raise ValueError(f"up must be 'nearest' or 'transposed', not {up!r}")
        if winograd and (dtype != torch.float32 or not channels_last):
            raise ValueError("Winograd layers need float32 and channels_last")
        if jit and (device.type != "cpu" or not winograd_jit.available()):
            raise ValueError("compiled Winograd layers need a CPU and numba (the 'full' extra)")
        if gemm & winograd or (gemm and not channels_last):
            raise ValueError("GEMM layers need channels_last and cannot also be Winograd layers")
        self.transforms = WinogradTransforms(device) if winograd and not jit else None
        self.dtype = dtype
        syn = module.synthesis
        fmt = torch.channels_last if channels_last else torch.contiguous_format

        def put(t: torch.Tensor, float_dtype: torch.dtype | None = None) -> torch.Tensor:
            return t.detach().to(device=device, dtype=float_dtype or dtype)

        style_w, style_b, sizes = [], [], []
        self.ops: list[str] = []
        self.kernels: list[torch.Tensor | None] = []
        self.noise_bias: list[torch.Tensor | None] = []
        self.blurs: list[torch.Tensor | None] = []
        for spec in LAYERS:
            layer = getattr(syn, f"layer{spec.index}")
            style_w.append(layer.style.weight.detach() / math.sqrt(W_DIM))
            style_b.append(layer.style.bias.detach())
            sizes.append(2 * spec.out_ch)
            nb = (layer.apply_noise.noise * layer.apply_noise.weight.view(1, -1, 1, 1)
                  + layer.bias.view(1, -1, 1, 1)).detach()
            if spec.op == "const":
                # const + noise + bias → LeakyReLU → instance norm does not depend on w: do it once.
                x = F.leaky_relu(layer.const.detach() + nb, LRELU_SLOPE)
                self.const = put(_instance_norm(x)).contiguous(memory_format=fmt)
                self.ops.append("const")
                self.kernels.append(None)
                self.noise_bias.append(None)
                self.blurs.append(None)
                continue
            scaled = layer.weight.detach() * (math.sqrt(2.0) / math.sqrt(spec.in_ch * 9))
            # the correlation kernel on the (upsampled) map: the fused layers' transposed conv is
            # "upsample + conv" with the flipped kernel (see fused_kernel)
            correlation = scaled.flip(2, 3) if spec.op == "fused" else scaled
            if spec.index in gemm:
                self.ops.append("gemm_up" if spec.upsamples else "gemm")
                self.kernels.append(put(gemm_weights(correlation, spec.upsamples)))
            elif spec.index in winograd:
                if spec.upsamples and jit and spec.index in JIT_UPSAMPLE_INPUT_LAYERS:
                    self.ops.append("jit_upx")  # the input transform reads the map upsampled
                    kernel = correlation
                elif spec.upsamples:
                    self.ops.append("jit_up" if jit else "winograd_up")
                    kernel = upsample_phase_kernel(correlation)
                else:
                    self.ops.append("jit" if jit else "winograd")
                    kernel = correlation
                self.kernels.append(put(winograd_weights(kernel)))
            elif spec.op == "fused" or (spec.op == "up" and up == "transposed"):
                # nearest ×2 + 3×3 conv equals the transposed conv of the *flipped* kernel
                self.ops.append("transposed")
                self.kernels.append(put(fused_kernel(correlation.flip(2, 3))).contiguous(memory_format=fmt))
            else:
                self.ops.append("nearest" if spec.op == "up" else "conv")
                self.kernels.append(put(correlation).contiguous(memory_format=fmt))
            self.noise_bias.append(put(nb).contiguous(memory_format=fmt))
            if not spec.upsamples:
                self.blurs.append(None)
            elif self.ops[-1] in JIT_UPSAMPLING:  # the compiled layers take the taps as (9, C)
                self.blurs.append(put(winograd_jit.blur_taps(layer.blur.kernel)))
            else:
                self.blurs.append(put(layer.blur.kernel).contiguous(memory_format=fmt))
        # styles stay float32: they are tiny and set the scale of every layer
        self.style_weight_t = put(torch.cat(style_w, 0).t().contiguous(), torch.float32)
        self.style_bias = put(torch.cat(style_b, 0), torch.float32)
        self.style_sizes = tuple(sizes)
        out = syn.output6
        self.rgb_weight = put(out.weight.detach() / math.sqrt(out.weight.shape[1])).contiguous(memory_format=fmt)
        self.rgb_bias = put(out.bias)
        # on a CPU the 1×1 ToRGB as a matrix product is ~3× faster than oneDNN's 3-channel conv
        self.rgb_matrix = (self.rgb_weight.reshape(3, -1).t().contiguous()
                           if channels_last and device.type == "cpu" and dtype == torch.float32 else None)

    def forward(self, w: torch.Tensor) -> torch.Tensor:
        batch = w.shape[0]
        styles = torch.addmm(self.style_bias, w.float(), self.style_weight_t)
        x = self.const
        pending: winograd_jit.Pending | None = None  # a compiled layer's output before norm + style
        for op, kernel, nb, blur, style in zip(self.ops, self.kernels, self.noise_bias, self.blurs,
                                               styles.split(self.style_sizes, dim=1), strict=True):
            ch = style.shape[1] // 2
            scale = style[:, :ch] + 1.0
            shift = style[:, ch:]
            if op == "const":  # already normalised: only the style
                x = torch.addcmul(shift.reshape(batch, ch, 1, 1).to(self.dtype), x,
                                  scale.reshape(batch, ch, 1, 1).to(self.dtype))
                continue
            if op in JIT_UPSAMPLING:
                pending = winograd_jit.fused_layer(pending or winograd_jit.Pending.identity(x), kernel, nb,
                                                   LRELU_SLOPE, JIT_UPSAMPLING[op], scale, shift, EPS, blur)
                continue
            if pending is not None:
                x, pending = pending.applied(), None
            if op == "winograd":  # noise + bias are added while the tiles are placed
                x = F.leaky_relu_(winograd_conv3x3(x, kernel, self.transforms, add=nb), LRELU_SLOPE)
                x = _norm_and_style(x, scale, shift)
                continue
            if op == "gemm":
                x = _gemm_conv3x3(x, kernel)
            elif op == "gemm_up":
                x = _gemm_upsample_conv3x3(x, kernel)
            elif op == "winograd_up":
                x = winograd_upsample_conv3x3(x, kernel, self.transforms)
            elif op == "transposed":
                x = F.conv_transpose2d(x, kernel, stride=2, padding=1)
            elif op == "nearest":
                x = F.conv2d(F.interpolate(x, scale_factor=2.0, mode="nearest"), kernel, padding=1)
            else:
                x = F.conv2d(x, kernel, padding=1)
            if blur is not None:
                x = F.conv2d(x, blur, padding=1, groups=blur.shape[0])
            x = F.leaky_relu_(x.add_(nb), LRELU_SLOPE)
            x = _norm_and_style(x, scale, shift)
        if pending is not None:  # ToRGB with the last layer's norm + style folded into its weights
            x = pending.x
            batch, ch, height, width = x.shape
            weights = pending.alpha.unsqueeze(2) * self.rgb_matrix  # (B, C, 3)
            bias = torch.addmm(self.rgb_bias, pending.beta, self.rgb_matrix).unsqueeze(1)  # (B, 1, 3)
            y = torch.baddbmm(bias, x.permute(0, 2, 3, 1).reshape(batch, height * width, ch), weights)
            return y.view(batch, height, width, 3).permute(0, 3, 1, 2)
        if self.rgb_matrix is not None:  # the 1×1 ToRGB as one (pixels × C) @ (C × 3) product
            batch, ch, height, width = x.shape
            y = torch.addmm(self.rgb_bias, x.permute(0, 2, 3, 1).reshape(-1, ch), self.rgb_matrix)
            return y.view(batch, height, width, 3).permute(0, 3, 1, 2)
        return F.conv2d(x, self.rgb_weight, self.rgb_bias).float()


def gemm_weights(kernel: torch.Tensor, upsample: bool) -> torch.Tensor:
    """A 3×3 correlation kernel (K, C, 3, 3) → the right operand of `_gemm_conv3x3`: (9·C, K), rows
    ordered (tap row, tap column, channel); or with `upsample` ("nearest ×2, then the kernel") of
    `_gemm_upsample_conv3x3`: (4, 4·C, K), one 2×2 kernel on the small map per output parity (the
    non-zero taps of `upsample_phase_kernel`)."""
    k_out, c_in = kernel.shape[:2]
    if not upsample:
        return kernel.detach().permute(2, 3, 1, 0).reshape(9 * c_in, k_out).contiguous()
    phases = upsample_phase_kernel(kernel).to(kernel.dtype).view(2, 2, k_out, c_in, 3, 3)
    return torch.stack([phases[r, c, :, :, r:r + 2, c:c + 2].permute(2, 3, 1, 0).reshape(4 * c_in, k_out)
                        for r in range(2) for c in range(2)]).contiguous()


def _gemm_conv3x3(x: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """3×3 correlation (padding 1) of a small channels-last map as one (pixels × 9C) @ (9C × K) product.
    On 4×4 maps this is 3× faster than oneDNN's convolution at batch 1 (benchmarks/face_render.py)."""
    batch, ch, height, width = x.shape
    padded = F.pad(x.permute(0, 2, 3, 1), (0, 0, 1, 1, 1, 1))
    columns = torch.cat([padded[:, i:i + height, j:j + width] for i in range(3) for j in range(3)], dim=3)
    y = torch.mm(columns.view(-1, 9 * ch), weights)
    return y.view(batch, height, width, -1).permute(0, 3, 1, 2)


def _gemm_upsample_conv3x3(x: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Nearest ×2 upsampling then 3×3 correlation (padding 1) of a small channels-last map: four
    (pixels × 4C) @ (4C × K) products, one per output parity, written interleaved (channels-last)."""
    batch, ch, height, width = x.shape
    padded = F.pad(x.permute(0, 2, 3, 1), (0, 0, 1, 1, 1, 1))
    out = x.new_empty(batch, height, 2, width, 2, weights.shape[2])
    for r in range(2):
        for c in range(2):
            columns = torch.cat([padded[:, r + i:r + i + height, c + j:c + j + width]
                                 for i in range(2) for j in range(2)], dim=3)
            out[:, :, r, :, c] = torch.mm(columns.view(-1, 4 * ch), weights[2 * r + c]).view(batch, height, width, -1)
    return out.view(batch, 2 * height, 2 * width, -1).permute(0, 3, 1, 2)


JIT_UPSAMPLING = MappingProxyType({"jit": "none", "jit_up": "phases", "jit_upx": "input"})


def _norm_and_style(x: torch.Tensor, scale: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
    """Instance norm (biased variance, eps 1e-8) followed by `x·scale + shift` per (sample, channel).

    Done by the batch-norm kernel in training mode (statistics over H×W per channel, then the
    affine), which is one fused pass and much faster on a CPU than var_mean + addcmul. Batch-norm
    weights are per channel, so samples are folded into channels (NCHW) or run one by one
    (channels_last, where that fold would need a copy), each written into its slice of one output
    (no concatenation: 8 frames of 64×256² take 26 instead of 38 ms).
    """
    batch, ch, height, width = x.shape
    scale, shift = scale.reshape(batch, ch), shift.reshape(batch, ch)
    if batch == 1 or x.is_contiguous():
        y = F.batch_norm(x.reshape(1, batch * ch, height, width), None, None,
                         scale.reshape(-1), shift.reshape(-1), True, 0.0, EPS)
        return y.reshape(batch, ch, height, width)
    if x.dtype != torch.float32 or x.device.type != "cpu":  # measured on CPU float32 only
        return torch.cat([F.batch_norm(x[i:i + 1], None, None, scale[i], shift[i], True, 0.0, EPS)
                          for i in range(batch)], dim=0)
    out = torch.empty_like(x)  # channels-last: each sample's slice is contiguous, written in place
    mean, invstd = x.new_empty(ch), x.new_empty(ch)  # statistics the kernel saves (unused)
    for i in range(batch):
        torch.ops.aten.native_batch_norm.out(x[i:i + 1], scale[i], shift[i], None, None, True, 0.0, EPS,
                                             out=out[i:i + 1], save_mean=mean, save_invstd=invstd)
    return out


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


def _float_tensor(x: np.ndarray | torch.Tensor, device: torch.device) -> torch.Tensor:
    if isinstance(x, torch.Tensor):
        return x.to(device=device, dtype=torch.float32)
    return torch.from_numpy(np.array(x, dtype=np.float32)).to(device)  # a copy: inputs may be read-only


CONV_MODES = ("auto", "direct", "winograd", "jit")
# Layers where the torch Winograd path (`ohlora.face.winograd`) beat oneDNN's direct convolution on
# the 2-core AVX-512 CPU, one layer at a time in a whole synthesis (ms/frame at batch 1): 7 (512@32²)
# −10…−12, 9 (256@64²) −6.5…−9.7, 11 (128@128²) −3.3…−6.4, 8 (512@32²→64²) −1.6…−3, 5 (512@16²)
# −0.4…−6.8, 10 (256@64²→128²) about 0 at batch 1 and −3 per frame at batch 8. Not used: the 4²/8²
# layers (nothing to gain), the 16²→32² upsampling (6: +5 at batch 1, 0 at batch 8; its phase weights
# are 151 MB to read) and the 64-channel 256² layers 12/13 (+3…+4: their input transforms cost more
# than the products save). Together: 150 → 123 ms per synthesis. Used where numba is missing.
CPU_WINOGRAD_LAYERS = frozenset({5, 7, 8, 9, 10, 11})
# With numba (`ohlora.face.winograd_jit`: one-pass transforms, LeakyReLU and norm statistics fused,
# norm + style applied by the next reader) nearly every layer pays. Whole synthesis, ms/frame at
# batch 1 / batch 8 (medians of interleaved runs): torch Winograd set above 123 / 115; compiled
# {5, 7…13} 104 / 90; adding 6, with 6 and 8 on the 2× grid (JIT_UPSAMPLE_INPUT_LAYERS) 100 / 87;
# adding 3 and 4 (4 on the 2× grid) 98 / 85. Layers 10 or 12 on the 2× grid: +2…+5; layers 1–2
# compiled too: no better than their matrix products (CPU_GEMM_LAYERS).
JIT_WINOGRAD_LAYERS = frozenset(range(3, NUM_LAYERS))
# Upsampling layers whose compiled Winograd convolution runs on the 2× grid, the input transform
# reading the small map upsampled, instead of as four phase convolutions of the small map: the same
# products, but the phases read 4× the transformed weights (151 MB for layer 6, 75 MB for layer 8),
# while on the 2× grid the 128- and 64-channel layers write 4× the transformed inputs.
JIT_UPSAMPLE_INPUT_LAYERS = frozenset({4, 6, 8})
# The first layers (4×4 and 8×8 inputs) run as plain matrix products on a CPU in float32 channels-last
# with conv="auto" (those not compiled): oneDNN is slow on such small maps (alone: layer 1 2.4 → 0.8 ms,
# layer 2 2.1 → 0.9, layer 4 3.2 → 2.8 at batch 1). With the torch Winograd layers, in a whole synthesis
# that is 111 → 109 ms at batch 1 and no change at batch 8. Layers 3 (8²) and 6 (16² → 32²) are faster
# in oneDNN.
CPU_GEMM_LAYERS = frozenset({1, 2, 4})


def layer_plan(conv: str, device: torch.device, dtype: torch.dtype, channels_last: bool,
               compile: bool = False) -> tuple[frozenset[int], bool, frozenset[int]]:
    """How the synthesis layers run: (the Winograd layers, whether through the compiled transforms of
    `ohlora.face.winograd_jit`, the layers run as plain matrix products).

    "direct": no Winograd; "winograd": all layers, torch transforms; "jit": all layers, compiled
    (needs numba and a CPU; not with `compile`). "auto" on a CPU in float32 channels-last:
    `JIT_WINOGRAD_LAYERS` compiled when numba is installed and `compile` is off (numba calls would
    break the compiled graph at every layer), else `CPU_WINOGRAD_LAYERS` with torch transforms, and
    `CPU_GEMM_LAYERS` as matrix products where not Winograd; elsewhere nothing (cuDNN and MPS choose
    their own algorithms). Winograd needs float32 and channels-last."""
    if conv not in CONV_MODES:
        raise ValueError(f"conv must be one of {', '.join(CONV_MODES)}; got {conv!r}")
    usable = dtype == torch.float32 and channels_last
    if conv in ("winograd", "jit"):
        if not usable:
            raise ValueError(f"conv={conv!r} needs float32 and channels_last")
        if conv == "jit" and (device.type != "cpu" or not winograd_jit.available()):
            raise ValueError("conv='jit' needs a CPU and numba (pip install -c constraints.txt -e '.[full]')")
        if conv == "jit" and compile:
            raise ValueError("conv='jit' cannot be combined with compile=True")
        return frozenset(range(1, NUM_LAYERS)), conv == "jit", frozenset()
    if conv == "auto" and usable and device.type == "cpu":
        jit = winograd_jit.available() and not compile
        layers = JIT_WINOGRAD_LAYERS if jit else CPU_WINOGRAD_LAYERS
        return layers, jit, CPU_GEMM_LAYERS - layers
    return frozenset(), False, frozenset()


class StyleGANGenerator:
    """Inference object: `mapping(z, c)` → w (once per face), `synthesis(w)` / `render(w)` per frame.

    `dtype` applies to the synthesis convolutions (the mapping always runs in float32; bfloat16 is
    only worth it on CPUs with AVX512-BF16/AMX). `up`: see `_FoldedSynthesis`. `channels_last`
    defaults to True except on MPS. `compile` wraps the synthesis in `torch.compile` (opt-in: the
    first call of each batch size compiles, tens of seconds on a CPU; inductor caches on disk).
    `conv`: see `layer_plan`.
    """

    def __init__(self, module: StyleGANModule, device: str | torch.device = "auto", dtype: str | torch.dtype = "auto",
                 *, up: str = "transposed", channels_last: bool | None = None, compile: bool = False,
                 conv: str = "auto") -> None:
        self.device = resolve_device(device)
        self.dtype = resolve_dtype(dtype, self.device)
        if channels_last is None:  # faster with oneDNN (CPU) and cuDNN; MPS prefers NCHW
            channels_last = self.device.type != "mps"
        self.winograd_layers, self.jit, self.gemm_layers = layer_plan(conv, self.device, self.dtype, channels_last,
                                                                      compile)
        if self.device.type == "cpu":
            retain_freed_memory()
        self.label_dims = module.label_dims
        self.version = VERSION_BY_LABEL_DIMS[self.label_dims]
        mapping = module.mapping
        lod = float(module.synthesis.lod)
        if lod != 0.0:
            warnings.warn(messages.stylegan_lod_forced(lod), stacklevel=2)
        self.stored_lod = lod
        self.label_checksum = hashlib.sha256(
            mapping.label_weight.detach().cpu().float().numpy().tobytes()).hexdigest()
        self.w_avg = module.truncation.w_avg.detach().to(self.device, torch.float32)
        self.label_weight = mapping.label_weight.detach().to(self.device, torch.float32)
        self.dense: list[tuple[torch.Tensor, torch.Tensor]] = []
        for i in range(MAPPING_LAYERS):
            dense = getattr(mapping, f"dense{i}")
            scale = math.sqrt(2.0) / math.sqrt(dense.weight.shape[1]) * MAPPING_LR_MUL
            self.dense.append(((dense.weight.detach() * scale).to(self.device, torch.float32),
                               (dense.bias.detach() * MAPPING_LR_MUL).to(self.device, torch.float32)))
        self.synth = _FoldedSynthesis(module, self.device, self.dtype, up=up, channels_last=channels_last,
                                      winograd=self.winograd_layers, jit=self.jit, gemm=self.gemm_layers)
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
        u = torch.cat([z, c @ self.label_weight], dim=1)
        u = u / torch.sqrt(u.pow(2).mean(dim=1, keepdim=True) + EPS)
        for weight, bias in self.dense:
            u = F.leaky_relu(F.linear(u, weight, bias), LRELU_SLOPE)
        return u

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

    Options are those of `StyleGANGenerator` (up, channels_last, compile).
    """
    return StyleGANGenerator(load_module(path), device, dtype, **options)  # type: ignore[arg-type]
