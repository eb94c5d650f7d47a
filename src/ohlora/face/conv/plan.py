"""Which back-end runs each synthesis layer: a plan is data, one kernel name per layer 1…13.

The CPU table below is what `benchmarks/face_conv_plan.py` measured, each layer alone with every
kernel that can run it (its JSON output, with the machine it ran on, is kept in
`benchmarks/data/face_conv_plan.json`); rerun it on another CPU and copy the `best` row here.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ohlora.face.conv import jit
from ohlora.face.conv.base import Kernel, LayerWeights
from ohlora.face.conv.direct import DirectKernel
from ohlora.face.conv.winograd import WinogradKernel
from ohlora.face.spec import LAYERS

KERNELS = ("direct", "winograd", "winograd-grid")
UPSAMPLING_LAYERS = frozenset(spec.index for spec in LAYERS if spec.upsamples)
PLANS = ("auto", "direct", "winograd")


@dataclass(frozen=True)
class Plan:
    """`kernels[i]` runs layer i + 1: "direct" (`conv.direct`, any device), "winograd" (`conv.winograd`,
    upsampling as phase convolutions of the small map) or "winograd-grid" (upsampling layers only: the
    convolution on the 2× grid). The Winograd kernels need a CPU, float32, channels-last and numba."""

    name: str
    kernels: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.kernels) != len(LAYERS) - 1:
            raise ValueError(f"a plan names {len(LAYERS) - 1} kernels (layers 1…13); got {len(self.kernels)}")
        for index, name in enumerate(self.kernels, start=1):
            if name not in KERNELS:
                raise ValueError(f"layer {index}: kernel must be one of {', '.join(KERNELS)}; got {name!r}")
            if name == "winograd-grid" and index not in UPSAMPLING_LAYERS:
                raise ValueError(f"layer {index} does not upsample: 'winograd-grid' is for layers "
                                 f"{sorted(UPSAMPLING_LAYERS)}")

    @property
    def compiled(self) -> bool:
        return any(name != "direct" for name in self.kernels)

    def layers(self, kernel: str) -> frozenset[int]:
        """The layers that run `kernel` (or every Winograd layer, for "winograd*")."""
        return frozenset(i for i, name in enumerate(self.kernels, start=1)
                         if name == kernel or (kernel == "winograd*" and name.startswith("winograd")))


DIRECT = Plan("direct", ("direct",) * 13)
WINOGRAD = Plan("winograd", ("winograd",) * 13)
# benchmarks/face_conv_plan.py on a 2-core AMD EPYC (AVX2), torch 2.13: its `best` row
# (benchmarks/data/face_conv_plan.json).
CPU_COMPILED = Plan("cpu-compiled", (
    "winograd",       # 1: 512@4² 3×3
    "winograd-grid",  # 2: 512@4² → 8²
    "winograd",       # 3: 512@8²
    "winograd-grid",  # 4: 512@8² → 16²
    "winograd",       # 5: 512@16²
    "winograd-grid",  # 6: 512@16² → 32²
    "winograd",       # 7: 512@32²
    "winograd-grid",  # 8: 512@32² → 256@64²
    "winograd",       # 9: 256@64²
    "winograd",       # 10: 256@64² → 128@128² (the original's fused layer)
    "winograd",       # 11: 128@128²
    "direct",         # 12: 128@128² → 64@256² (fused)
    "winograd",       # 13: 64@256²
))


def compiled_usable(device: torch.device, dtype: torch.dtype, channels_last: bool) -> bool:
    return device.type == "cpu" and dtype == torch.float32 and channels_last and jit.available()


def choose_plan(plan: str | Plan, device: torch.device, dtype: torch.dtype, channels_last: bool,
                compile: bool = False) -> Plan:
    """"auto": `CPU_COMPILED` where the Winograd kernels run (CPU, float32, channels-last, numba) and
    the synthesis is not wrapped in torch.compile (a numba call would break its graph at every layer),
    else `DIRECT` (cuDNN and MPS choose their own algorithms). "direct", "winograd" (every layer), or a
    `Plan` of one's own; a plan with Winograd layers where they cannot run is a ValueError."""
    if isinstance(plan, str):
        if plan not in PLANS:
            raise ValueError(f"plan must be one of {', '.join(PLANS)} or a Plan; got {plan!r}")
        if plan == "auto":
            return CPU_COMPILED if compiled_usable(device, dtype, channels_last) and not compile else DIRECT
        plan = DIRECT if plan == "direct" else WINOGRAD
    if plan.compiled:
        if not compiled_usable(device, dtype, channels_last):
            raise ValueError(f"plan {plan.name!r} has Winograd layers: they need a CPU, float32, channels_last "
                             "and numba (pip install -c constraints.txt -e '.[full]')")
        if compile:
            raise ValueError(f"plan {plan.name!r} has Winograd layers: they cannot run under compile=True")
    return plan


def build_kernels(plan: Plan, layers: list[LayerWeights], device: torch.device, dtype: torch.dtype,
                  memory_format: torch.memory_format) -> list[Kernel]:
    """One kernel per layer (1…13), as the plan says."""
    kernels: list[Kernel] = []
    for layer, name in zip(layers, plan.kernels, strict=True):
        if name == "direct":
            kernels.append(DirectKernel(layer, device, dtype, memory_format))
        else:
            kernels.append(WinogradKernel(layer, grid=name == "winograd-grid"))
    return kernels
