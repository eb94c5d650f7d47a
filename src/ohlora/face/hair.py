"""The hair segmentation student of Oh-LoRA v4 (spec face §3.2–3.4), state-dict compatible.

A modified EffiSegNet: MONAI's EfficientNet-B0 feature encoder (5 maps), five lateral 3×3 convs
(ReLU *before* BN) each upsampled to 224×224 (nearest; fixed size whatever the input), summed, BN,
two Ghost modules, a 1×1 conv and a sigmoid → (N, 1, 224, 224) hair probabilities.

Fixes to the original: built with `pretrained=False` (no download), run in `eval()` mode under
`inference_mode` (the original stayed in train mode: random drop-connect and per-frame BN stats).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ohlora import messages
from ohlora.errors import ConfigError, CorruptData
from ohlora.face.devices import resolve_device, resolve_dtype
from ohlora.face.weights import read_state_dict, shape_problems

MASK_SIZE = 224  # get_efficientnet_image_size("efficientnet-b0")
WIDTH = 64
ENCODER_CHANNELS = (16, 24, 40, 112, 320)
STATE_DICT_KEYS = 418
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
        total = None
        for i, feature in enumerate(self.encoder(x), start=1):
            branch = getattr(self, f"bn{i}")(self.relu(getattr(self, f"conv{i}")(feature)))
            branch = self.up(branch)
            total = branch if total is None else total.add_(branch)
        y = self.ghost2(self.ghost1(self.bn6(total)))
        return torch.sigmoid(self.conv6(y))


def _bn_affine(bn: nn.BatchNorm2d) -> tuple[torch.Tensor, torch.Tensor]:
    """Eval-mode batch norm as `x·a + c` per channel."""
    a = bn.weight.detach() / torch.sqrt(bn.running_var.detach() + bn.eps)
    return a, bn.bias.detach() - bn.running_mean.detach() * a


class FoldedHead(nn.Module):
    """The student's decoder rearranged for speed; same function up to float rounding (tests compare).

    Everything between the lateral ReLUs and ghost1's first ReLU is linear: bn1..5, the nearest
    upsampling, the sum, bn6 and ghost1's 1×1 conv. So each lateral is projected to 32 channels at
    its own (low) resolution, and the branches are summed coarse-to-fine with exact ×2 nearest
    steps (PyTorch's nearest indices to 224 nest: 8→16→…→128→224 picks the same source pixels as
    8→224), leaving one 32-channel 224×224 upsampling instead of five 64-channel ones, and no
    full-size bn6 or 1×1 conv.
    """

    def __init__(self, model: HairStudent) -> None:
        super().__init__()
        primary = model.ghost1.primary_conv[0].weight.detach()[:, :, 0, 0]  # (32, 64)
        a6, c6 = _bn_affine(model.bn6)
        constant = c6.clone()
        self.projections = nn.ParameterList()
        self.laterals = nn.ModuleList()
        for i in range(1, 6):
            a, c = _bn_affine(getattr(model, f"bn{i}"))
            constant += a6 * c
            weight = (primary * (a6 * a)[None, :])[:, :, None, None]
            self.projections.append(nn.Parameter(weight, requires_grad=False))
            self.laterals.append(getattr(model, f"conv{i}"))
        self.bias = nn.Parameter((primary @ constant).view(1, -1, 1, 1), requires_grad=False)
        self.primary_bn = model.ghost1.primary_conv[2]
        self.cheap = model.ghost1.cheap_operation
        self.ghost2 = model.ghost2
        self.conv6 = model.conv6

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
        for feature, lateral, proj in zip(reversed(features), reversed(self.laterals), reversed(self.projections),
                                          strict=True):
            q = F.conv2d(F.relu_(lateral(feature)), proj)
            acc = q if acc is None else F.interpolate(acc, scale_factor=2.0, mode="nearest").add_(q)
        u = F.interpolate(acc, size=(MASK_SIZE, MASK_SIZE), mode="nearest").add_(self.bias)
        primary = self.primary_bn(F.relu_(u))
        y = self.ghost2(torch.cat([primary, self.cheap(primary)], dim=1))
        return torch.sigmoid(self.conv6(y))


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
    return (x - 0.5) / 0.5


class HairSegmenter:
    """The student on one device: `predict(rgb)` → float32 (N, 224, 224) hair probabilities.

    `fold` runs the decoder as `FoldedHead` (faster, same output within float rounding);
    `channels_last` is faster with oneDNN on a CPU; `compile` (opt-in) wraps both in torch.compile.
    """

    def __init__(self, model: HairStudent, device: str | torch.device = "auto", dtype: str | torch.dtype = "float32",
                 *, input_size: str = "compat", channels_last: bool = True, fold: bool = True,
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
        self.head = FoldedHead(self.model).eval() if fold else None
        self._nesting: dict[tuple[tuple[int, ...], tuple[int, ...]], bool] = {}
        self._encoder, self._head, self._model = self.model.encoder, self.head, self.model
        if compile:  # opt-in: ~40 s cold compile on a 2-core CPU, then ~30% faster
            self._encoder = torch.compile(self.model.encoder, dynamic=False)
            self._head = torch.compile(self.head, dynamic=False) if self.head is not None else None
            self._model = torch.compile(self.model, dynamic=False)

    @torch.inference_mode()
    def predict_tensor(self, rgb: torch.Tensor) -> torch.Tensor:
        """uint8 RGB (N, H, W, 3) tensor (any device) → float32 (N, 224, 224) on this device."""
        x = preprocess(rgb.to(self.device), self.input_size).to(self.dtype)
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        if self._head is None:
            return self._model(x)[:, 0].float()
        features = self._encoder(x)
        sizes = (tuple(f.shape[-2] for f in features), tuple(f.shape[-1] for f in features))
        if sizes not in self._nesting:
            self._nesting[sizes] = FoldedHead.nests(sizes[0]) and FoldedHead.nests(sizes[1])
        if not self._nesting[sizes]:  # an input size whose maps do not nest: the plain decoder
            return self._model(x)[:, 0].float()
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
