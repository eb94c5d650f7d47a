"""The hair segmentation student of Oh-LoRA v4 (spec face §3.2–3.4), state-dict compatible.

A modified EffiSegNet: MONAI's EfficientNet-B0 feature encoder (5 maps), five lateral 3×3 convs
(ReLU *before* BN) each upsampled to 224×224 (nearest; fixed size whatever the input), summed, BN,
two Ghost modules, a 1×1 conv and a sigmoid → (N, 1, 224, 224) hair probabilities.

Fixes to the original: built with `pretrained=False` (no download), run in `eval()` mode under
`inference_mode` (the original stayed in train mode: random drop-connect and per-frame BN stats).

Speed (CPU): inference runs folded copies, `FoldedEncoder` and `FoldedHead`, with every eval
BatchNorm folded into a conv or GEMM, MONAI's "same" padding folded into the kernels and no
concatenation; `HairStudent` itself keeps the released 418-key state dict untouched.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ohlora import messages
from ohlora.devices import resolve_device, resolve_dtype
from ohlora.errors import ConfigError, CorruptData
from ohlora.face.runtime import exact_float32, retain_freed_memory
from ohlora.face.weights import read_state_dict, shape_problems

MASK_SIZE = 224  # get_efficientnet_image_size("efficientnet-b0")
WIDTH = 64
ENCODER_CHANNELS = (16, 24, 40, 112, 320)
FILE_NAME = "segmentation_model_ohlora_v4.pth"
ARTIFACT = "hair-segmentation"
INPUT_SIZES = ("compat", "matched")
FIX = messages.pull_command(ARTIFACT)


class GhostModule(nn.Module):
    """64 → 64: a 1×1 conv to 32 channels plus a cheap depthwise 3×3 of it, concatenated."""

    def __init__(self, channels: int = WIDTH) -> None:
        super().__init__()
        half = channels // 2
        self.primary_conv = nn.Sequential(
            nn.Conv2d(channels, half, 1, bias=False), nn.ReLU(inplace=True), nn.BatchNorm2d(half))
        self.cheap_operation = nn.Sequential(
            nn.Conv2d(half, half, 3, padding=1, groups=half, bias=False), nn.ReLU(inplace=True), nn.BatchNorm2d(half))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        primary = self.primary_conv(x)
        return torch.cat([primary, self.cheap_operation(primary)], dim=1)


class HairStudent(nn.Module):
    """`SegModelForOhLoRAV4` with the released key names (418 state-dict entries)."""

    def __init__(self) -> None:
        super().__init__()
        from monai.networks.nets import EfficientNetBNFeatures  # heavy import, full path only

        self.encoder = EfficientNetBNFeatures("efficientnet-b0", pretrained=False)
        del self.encoder._avg_pooling, self.encoder._dropout, self.encoder._fc
        for i, ch in enumerate(ENCODER_CHANNELS, start=1):
            self.add_module(f"conv{i}", nn.Conv2d(ch, WIDTH, 3, padding=1, bias=False))
        for i in range(1, 6):
            self.add_module(f"bn{i}", nn.BatchNorm2d(WIDTH))
        self.up = nn.Upsample(size=MASK_SIZE, mode="nearest")
        self.bn6 = nn.BatchNorm2d(WIDTH)
        self.ghost1 = GhostModule()
        self.ghost2 = GhostModule()
        self.conv6 = nn.Conv2d(WIDTH, 1, 1, bias=False)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x (N, 3, H, W) normalised to [-1, 1] → (N, 1, 224, 224) probabilities."""
        return self.decode(self.encoder(x))

    def decode(self, features: list[torch.Tensor]) -> torch.Tensor:
        """The decoder as the original wrote it: the 5 encoder maps → (N, 1, 224, 224) probabilities."""
        total = None
        for i, feature in enumerate(features, start=1):
            branch = getattr(self, f"bn{i}")(self.relu(getattr(self, f"conv{i}")(feature)))
            branch = self.up(branch)
            total = branch if total is None else total.add_(branch)
        y = self.ghost2(self.ghost1(self.bn6(total)))
        return torch.sigmoid(self.conv6(y))


def _bn_affine(bn: nn.BatchNorm2d) -> tuple[torch.Tensor, torch.Tensor]:
    """Eval-mode batch norm as `x·a + c` per channel, in float64 on the CPU (folding stays exact to ~1e-12)."""
    mean, var = bn.running_mean.detach().cpu().double(), bn.running_var.detach().cpu().double()
    a = bn.weight.detach().cpu().double() / torch.sqrt(var + bn.eps)
    return a, bn.bias.detach().cpu().double() - mean * a


def _relu_affine_bounds(a: torch.Tensor, c: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """`a·relu(q) + c` equals `clamp(a·q + c, lo, hi)` per channel: max(a·q + c, c) where a ≥ 0,
    min(a·q + c, c) where a < 0. Returns (lo, hi), with ±inf on the open sides."""
    inf = torch.full_like(c, float("inf"))
    return torch.where(a >= 0, c, -inf), torch.where(a >= 0, inf, c)


def _same_padding(pad: nn.Module, conv: nn.Conv2d,
                  weight: torch.Tensor) -> tuple[torch.Tensor, tuple[int, int], tuple[int, ...] | None]:
    """The padding of `pad` then `conv` as the conv's own (symmetric) padding: (weight, padding, pre_pad).

    MONAI pads "same" with a ConstantPad2d of zeros, (l, r) per side with r = l or l + 1. Symmetric
    padding r with (r - l) zero taps prepended to the kernel reads exactly the same inputs with the
    same real weights (the extra taps only ever meet zeros or get weight 0), so no padded copy of the
    activations is made. Anything else falls back to an explicit `F.pad` (pre_pad)."""
    own = tuple(conv.padding) if isinstance(conv.padding, tuple) else None
    if own is None or conv.dilation != (1, 1):
        raise ValueError(f"cannot fold {conv}")
    if isinstance(pad, nn.Identity):
        return weight, own, None
    if not isinstance(pad, nn.ConstantPad2d) or pad.value != 0 or own != (0, 0):
        raise ValueError(f"cannot fold {pad} before {conv}")
    left, right, top, bottom = pad.padding
    if right < left or bottom < top:
        return weight, (0, 0), tuple(pad.padding)
    return F.pad(weight, (right - left, 0, bottom - top, 0)), (bottom, right), None


class FoldedConv(nn.Module):
    """An eval conv with its "same" padding and the following BatchNorm folded in (weight·a, bias c),
    then an optional in-place activation ("silu", "relu" or None)."""

    def __init__(self, conv: nn.Conv2d, bn: nn.Module | None, pad: nn.Module, act: str | None,
                 like: torch.Tensor, channels_last: bool) -> None:
        super().__init__()
        weight = conv.weight.detach().cpu().double()
        bias = (conv.bias.detach().cpu().double() if conv.bias is not None
                else torch.zeros(weight.shape[0], dtype=torch.float64))
        if isinstance(bn, nn.BatchNorm2d):
            a, c = _bn_affine(bn)
            weight, bias = weight * a.view(-1, 1, 1, 1), bias * a + c
        weight, self.padding, self.pre_pad = _same_padding(pad, conv, weight)
        self.stride, self.groups, self.act = tuple(conv.stride), conv.groups, act
        weight = weight.to(like.device, like.dtype)
        self.register_buffer("weight", weight.contiguous(memory_format=torch.channels_last) if channels_last
                             else weight)
        self.register_buffer("bias", bias.to(like.device, like.dtype))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.pre_pad is not None:
            x = F.pad(x, self.pre_pad)
        y = F.conv2d(x, self.weight, self.bias, self.stride, self.padding, 1, self.groups)
        if self.act == "silu":
            return F.silu(y, inplace=True)
        if self.act == "relu":
            return F.relu(y, inplace=True)
        return y


def _pointwise(terms: list[tuple[torch.Tensor, torch.Tensor]], bias: torch.Tensor | None,
               residual: torch.Tensor | None = None) -> torch.Tensor:
    """Σ_k 1×1-conv(x_k, W_k) + bias (+ residual) as GEMMs accumulated in place, so a 1×1 conv over a
    concatenation needs no concatenated copy. W_k is (Cout, C_k), or (N, Cout, C_k) for a per-sample
    weight (one term). Channels-last maps are (N·H·W, C) matrices already; the result keeps x's layout."""
    x0, w0 = terms[0]
    n, _, h, w = x0.shape
    tensors = [x for x, _ in terms] + ([residual] if residual is not None else [])
    if all(t.is_contiguous(memory_format=torch.channels_last) for t in tensors):
        def rows(t: torch.Tensor) -> torch.Tensor:
            return t.permute(0, 2, 3, 1).reshape(n, h * w, t.shape[1])

        if w0.dim() == 3:  # per-sample weights: a batched GEMM
            out = torch.bmm(rows(x0), w0.transpose(1, 2))
            if residual is not None:
                out.add_(rows(residual))
            if bias is not None:
                out.add_(bias)
        else:
            if residual is None:
                out = F.linear(rows(x0), w0, bias)
            else:
                out = rows(residual).add(bias) if bias is not None else rows(residual).clone()
                out.view(n * h * w, -1).addmm_(rows(x0).view(n * h * w, -1), w0.t())
            for x, wk in terms[1:]:
                out.view(n * h * w, -1).addmm_(rows(x).view(n * h * w, -1), wk.t())
        return out.view(n, h, w, -1).permute(0, 3, 1, 2)
    # contiguous (NCHW): (N, Cout, C) @ (N, C, HW)
    out = torch.bmm(w0.expand(n, -1, -1), x0.reshape(n, x0.shape[1], h * w))
    for x, wk in terms[1:]:
        out.baddbmm_(wk.expand(n, -1, -1), x.reshape(n, x.shape[1], h * w))
    if residual is not None:
        out.add_(residual.reshape(n, -1, h * w))
    if bias is not None:
        out.add_(bias.view(-1, 1))
    return out.view(n, -1, h, w)


class FoldedBlock(nn.Module):
    """One MONAI MBConv block in eval mode with every BatchNorm folded into its conv; the squeeze-and-
    excitation scale is folded into the (1×1) projection's weights per sample, so the expanded map is
    never rescaled in memory. Drop-connect is the identity in eval mode."""

    def __init__(self, block: nn.Module, like: torch.Tensor, channels_last: bool) -> None:
        super().__init__()
        self.expand = (FoldedConv(block._expand_conv, block._bn0, block._expand_conv_padding, "silu", like,
                                  channels_last) if block.expand_ratio != 1 else None)
        self.depthwise = FoldedConv(block._depthwise_conv, block._bn1, block._depthwise_conv_padding, "silu", like,
                                    channels_last)
        self.has_se = bool(block.has_se)
        if self.has_se:
            for name in ("_se_reduce", "_se_expand"):  # 1×1 convs on a 1×1 map: linear layers
                conv = getattr(block, name)
                weight, bias = conv.weight.detach()[:, :, 0, 0], conv.bias.detach()
                self.register_buffer(f"{name[1:]}_weight", weight.to(like.device, like.dtype).clone())
                self.register_buffer(f"{name[1:]}_bias", bias.to(like.device, like.dtype).clone())
        project = FoldedConv(block._project_conv, block._bn2, block._project_conv_padding, None, like, False)
        if project.weight.shape[-2:] != (1, 1) or project.padding != (0, 0) or project.pre_pad is not None:
            raise ValueError("the MBConv projection is expected to be a 1×1 conv")
        self.register_buffer("project_weight", project.weight[:, :, 0, 0].clone())
        self.register_buffer("project_bias", project.bias)
        self.skip = bool(block.id_skip and block.stride == 1 and block.in_channels == block.out_channels)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        x = self.depthwise(inputs if self.expand is None else self.expand(inputs))
        weight = self.project_weight
        if self.has_se:
            squeezed = F.silu(F.linear(x.mean((2, 3)), self.se_reduce_weight, self.se_reduce_bias), inplace=True)
            scale = torch.sigmoid(F.linear(squeezed, self.se_expand_weight, self.se_expand_bias))  # (N, C)
            weight = weight.unsqueeze(0) * scale.unsqueeze(1)  # (N, Cout, C)
        return _pointwise([(x, weight)], self.project_bias, inputs if self.skip else None)


class FoldedEncoder(nn.Module):
    """`EfficientNetBNFeatures.forward` (eval) on folded copies of its weights: same feature maps up to
    float rounding (tests compare), about half the time on a CPU (no BatchNorm passes, no padded copies)."""

    def __init__(self, encoder: nn.Module, channels_last: bool) -> None:
        super().__init__()
        like = encoder._conv_stem.weight
        self.stem = FoldedConv(encoder._conv_stem, encoder._bn0, encoder._conv_stem_padding, "silu", like,
                               channels_last)
        self.stacks = nn.ModuleList(nn.Sequential(*(FoldedBlock(b, like, channels_last) for b in stack))
                                    for stack in encoder._blocks)
        self.extract = tuple(encoder.extract_stacks)

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        x = self.stem(x)
        features = [x] if 0 in self.extract else []
        for i, stack in enumerate(self.stacks, start=1):
            x = stack(x)
            if i in self.extract:
                features.append(x)
        return features


class FoldedHead(nn.Module):
    """The student's decoder rearranged for speed; same function up to float rounding (tests compare).

    Everything between the lateral ReLUs and ghost1's first ReLU is linear: bn1..5, the nearest
    upsampling, the sum, bn6 and ghost1's 1×1 conv. So each lateral is projected to 32 channels at
    its own (low) resolution, and the branches are summed coarse-to-fine with exact ×2 nearest
    steps (PyTorch's nearest indices to 224 nest: 8→16→…→128→224 picks the same source pixels as
    8→224). ghost1's ReLU + BN is `clamp(a·u + c, lo, hi)` (a folded into the projections), done at
    128² before the one 32-channel upsampling to 224 (pointwise ops commute with nearest
    upsampling). Each BN after a depthwise conv's ReLU folds into the next 1×1 conv, and each
    1×1 conv over a concatenation is a sum of two GEMMs, so no 64-channel 224² map is built.
    """

    def __init__(self, model: HairStudent, channels_last: bool = True) -> None:
        super().__init__()
        like = model.conv6.weight

        def conv_relu(conv: nn.Conv2d) -> FoldedConv:
            return FoldedConv(conv, None, nn.Identity(), "relu", like, channels_last)

        def cast(t: torch.Tensor) -> torch.Tensor:
            return t.to(like.device, like.dtype).contiguous()

        half = WIDTH // 2
        a6, c6 = _bn_affine(model.bn6)
        ap1, cp1 = _bn_affine(model.ghost1.primary_conv[2])
        primary = model.ghost1.primary_conv[0].weight.detach().cpu().double()[:, :, 0, 0]  # (32, 64)
        constant = c6.clone()
        projections = []
        for i in range(1, 6):
            a, c = _bn_affine(getattr(model, f"bn{i}"))
            constant += a6 * c
            projections.append(ap1[:, None] * primary * (a6 * a)[None, :])
        self.projections = nn.ParameterList(nn.Parameter(cast(p), requires_grad=False) for p in projections)
        self.laterals = nn.ModuleList(conv_relu(getattr(model, f"conv{i}")) for i in range(1, 6))
        self.register_buffer("bias1", cast(ap1 * (primary @ constant) + cp1))  # added at the coarsest map
        lo, hi = _relu_affine_bounds(ap1, cp1)
        self.register_buffer("lo1", cast(lo).view(1, -1, 1, 1))
        self.register_buffer("hi1", cast(hi).view(1, -1, 1, 1))
        self.cheap1 = conv_relu(model.ghost1.cheap_operation[0])

        # ghost2's 1×1 conv over cat[p1, d1], d1 = ac1·relu(dw1(p1)) + cc1; then its ReLU + BN as a clamp
        ac1, cc1 = _bn_affine(model.ghost1.cheap_operation[2])
        ap2, cp2 = _bn_affine(model.ghost2.primary_conv[2])
        w2 = model.ghost2.primary_conv[0].weight.detach().cpu().double()[:, :, 0, 0]  # (32, 64)
        self.register_buffer("w2_primary", cast(ap2[:, None] * w2[:, :half]))
        self.register_buffer("w2_cheap", cast(ap2[:, None] * w2[:, half:] * ac1[None, :]))
        self.register_buffer("bias2", cast(ap2 * (w2[:, half:] @ cc1) + cp2))
        lo, hi = _relu_affine_bounds(ap2, cp2)
        self.register_buffer("lo2", cast(lo).view(1, -1, 1, 1))
        self.register_buffer("hi2", cast(hi).view(1, -1, 1, 1))
        self.cheap2 = conv_relu(model.ghost2.cheap_operation[0])

        # conv6 over cat[p2, d2], d2 = ac2·relu(dw2(p2)) + cc2
        ac2, cc2 = _bn_affine(model.ghost2.cheap_operation[2])
        w6 = model.conv6.weight.detach().cpu().double()[:, :, 0, 0]  # (1, 64)
        self.register_buffer("w6_primary", cast(w6[:, :half]))
        self.register_buffer("w6_cheap", cast(w6[:, half:] * ac2[None, :]))
        self.register_buffer("bias6", cast(w6[:, half:] @ cc2))

    @staticmethod
    def nests(sizes: tuple[int, ...]) -> bool:
        """True when the coarse-to-fine sum picks the same pixels as upsampling each map to 224:
        every map is exactly twice the next one, and PyTorch's nearest indices compose."""
        if any(sizes[i] != 2 * sizes[i + 1] for i in range(len(sizes) - 1)):
            return False

        def indices(n: int) -> torch.Tensor:
            ramp = torch.arange(n, dtype=torch.float64).view(1, 1, 1, n)
            return F.interpolate(ramp, size=(1, MASK_SIZE), mode="nearest").view(-1).long()

        finest = indices(sizes[0])
        return all(torch.equal((torch.arange(sizes[0]) // (sizes[0] // n))[finest], indices(n)) for n in sizes[1:])

    def forward(self, features: list[torch.Tensor]) -> torch.Tensor:
        acc = None
        for i in range(len(features) - 1, -1, -1):  # coarse to fine
            q = _pointwise([(self.laterals[i](features[i]), self.projections[i])], self.bias1 if acc is None else None)
            acc = q if acc is None else F.interpolate(acc, scale_factor=2.0, mode="nearest").add_(q)
        # one name for the 224² maps, so each is freed as soon as the next exists (less memory to fault in)
        x = F.interpolate(acc.clamp_(self.lo1, self.hi1), size=(MASK_SIZE, MASK_SIZE), mode="nearest")
        del acc
        x = _pointwise([(x, self.w2_primary), (self.cheap1(x), self.w2_cheap)], self.bias2).clamp_(self.lo2, self.hi2)
        return torch.sigmoid_(_pointwise([(x, self.w6_primary), (self.cheap2(x), self.w6_cheap)], self.bias6))


def load_student(path: str | Path) -> HairStudent:
    """Read `segmentation_model_ohlora_v4.pth` (weights_only) and load it strictly, in eval mode (CPU)."""
    path = Path(path)
    state = read_state_dict(path, lambda p: messages.hair_missing(p, FIX),
                            lambda p, exc: messages.hair_unreadable(p, exc, FIX))
    model = HairStudent()
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CorruptData(messages.hair_not_state_dict(path, FIX))
    problems = shape_problems(state, {k: tuple(v.shape) for k, v in model.state_dict().items()})
    if problems:
        raise CorruptData(messages.hair_mismatch(path, problems, FIX))
    model.load_state_dict(state, strict=True)
    return model.eval()


def preprocess(rgb: torch.Tensor, input_size: str = "compat") -> torch.Tensor:
    """uint8 RGB (N, H, W, 3) → float (N, 3, H, W) in [-1, 1] (ToTensor + Normalize(0.5, 0.5)).

    "compat" keeps the frame's size (256, as the original); "matched" resizes to 224 bicubic first,
    the size the student was trained on (spec §3.4).
    """
    x = rgb.permute(0, 3, 1, 2).to(torch.float32) / 255.0
    if input_size == "matched" and x.shape[-1] != MASK_SIZE:
        x = torch.nn.functional.interpolate(x, size=(MASK_SIZE, MASK_SIZE), mode="bicubic", align_corners=False)
        x = x.clamp_(0.0, 1.0)
    return x.sub_(0.5).div_(0.5)  # x is a fresh tensor here: in place, same arithmetic


class HairSegmenter:
    """The student on one device: `predict(rgb)` → float32 (N, 224, 224) hair probabilities.

    `fold` runs folded copies (`FoldedEncoder` + `FoldedHead`: same output within float rounding;
    the student's own weights and state dict are left as loaded). The default (None) folds on a CPU
    only: there it takes about half the time (benchmarks/face_render.py), while on a CUDA GPU, where
    a frame is bound by kernel launches, the plain student measured as fast or faster (H200: 5.3 vs
    8.5 ms for one frame). `channels_last` is faster with oneDNN on a CPU; `compile` (opt-in) wraps
    the modules in torch.compile (on this CPU no faster than the folded eager path).
    """

    def __init__(self, model: HairStudent, device: str | torch.device = "auto", dtype: str | torch.dtype = "float32",
                 *, input_size: str = "compat", channels_last: bool = True, fold: bool | None = None,
                 compile: bool = False) -> None:
        if input_size not in INPUT_SIZES:
            raise ConfigError(messages.hair_bad_input_size(INPUT_SIZES, input_size))
        self.device = resolve_device(device)
        self.dtype = resolve_dtype(dtype, self.device)
        self.input_size = input_size
        self.channels_last = channels_last
        self.model = model.eval().to(self.device, self.dtype)
        if channels_last:
            self.model = self.model.to(memory_format=torch.channels_last)
        if fold is None:
            fold = self.device.type == "cpu"
        if self.device.type == "cpu":
            retain_freed_memory()
        self.encoder = FoldedEncoder(self.model.encoder, channels_last).eval() if fold else None
        self.head = FoldedHead(self.model, channels_last).eval() if fold else None
        self._nesting: dict[tuple[tuple[int, ...], tuple[int, ...]], bool] = {}
        self._encoder, self._head, self._model = self.encoder, self.head, self.model
        self._decode = self.model.decode
        if compile:  # opt-in: ~40 s cold compile on a 2-core CPU
            self._model = torch.compile(self.model, dynamic=False)
            if fold:
                self._encoder = torch.compile(self.encoder, dynamic=False)
                self._head = torch.compile(self.head, dynamic=False)
                self._decode = torch.compile(self.model.decode, dynamic=False)

    @torch.inference_mode()
    def predict_tensor(self, rgb: torch.Tensor) -> torch.Tensor:
        """uint8 RGB (N, H, W, 3) tensor (any device) → float32 (N, 224, 224) on this device."""
        with exact_float32(self.device, self.dtype):
            return self._predict(rgb)

    def _predict(self, rgb: torch.Tensor) -> torch.Tensor:
        x = preprocess(rgb.to(self.device), self.input_size).to(self.dtype)
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        if self._head is None or self._encoder is None:
            return self._model(x)[:, 0].float()
        features = self._encoder(x)
        sizes = (tuple(f.shape[-2] for f in features), tuple(f.shape[-1] for f in features))
        if sizes not in self._nesting:
            self._nesting[sizes] = FoldedHead.nests(sizes[0]) and FoldedHead.nests(sizes[1])
        if not self._nesting[sizes]:  # an input size whose maps do not nest: the plain decoder
            return self._decode(features)[:, 0].float()
        return self._head(features)[:, 0].float()

    def predict(self, rgb: np.ndarray | torch.Tensor) -> np.ndarray:
        """uint8 RGB (H, W, 3) or (N, H, W, 3) → float32 (N, 224, 224) in [0, 1] on the host."""
        x = torch.as_tensor(np.asarray(rgb) if not isinstance(rgb, torch.Tensor) else rgb)
        if x.dtype != torch.uint8 or x.dim() not in (3, 4) or x.shape[-1] != 3:
            raise ValueError(f"hair segmentation needs uint8 RGB (H, W, 3) or (N, H, W, 3); got "
                             f"{x.dtype} {tuple(x.shape)}")
        if x.dim() == 3:
            x = x.unsqueeze(0)
        return self.predict_tensor(x).cpu().numpy()


def load_hair_segmenter(path: str | Path, device: str | torch.device = "auto", dtype: str | torch.dtype = "float32",
                        **options: object) -> HairSegmenter:
    return HairSegmenter(load_student(path), device, dtype, **options)  # type: ignore[arg-type]
