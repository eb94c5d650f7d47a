"""The direct back-end: the device library's own convolutions (oneDNN on a CPU, cuDNN, MPS), any dtype
and memory layout.

Upsampling layers run as one stride-2 transposed 4×4 convolution (nearest ×2 + 3×3 equals it with the
flipped kernel: 2.25× fewer multiply-adds than upsampling first); instance norm and style are one
batch-norm call.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ohlora.face.conv.base import EPS, LRELU_SLOPE, Activation, LayerWeights
from ohlora.face.stylegan import fused_kernel


class DirectKernel:
    def __init__(self, layer: LayerWeights, device: torch.device, dtype: torch.dtype,
                 memory_format: torch.memory_format) -> None:
        def put(t: torch.Tensor) -> torch.Tensor:
            return t.to(device=device, dtype=dtype).contiguous(memory_format=memory_format)

        self.upsample = layer.upsample
        self.weight = put(fused_kernel(layer.kernel.flip(2, 3)) if layer.upsample else layer.kernel)
        self.add = put(layer.add)
        self.blur = None if layer.blur is None else put(layer.blur)

    def __call__(self, x: Activation, scale: torch.Tensor, shift: torch.Tensor) -> Activation:
        y = x.materialised()
        if self.upsample:
            y = F.conv_transpose2d(y, self.weight, stride=2, padding=1)
        else:
            y = F.conv2d(y, self.weight, padding=1)
        if self.blur is not None:
            y = F.conv2d(y, self.blur, padding=1, groups=self.blur.shape[0])
        y = F.leaky_relu_(y.add_(self.add), LRELU_SLOPE)
        return Activation(norm_and_style(y, scale, shift))


def norm_and_style(x: torch.Tensor, scale: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
    """Instance norm (biased variance, eps 1e-8) followed by `x·scale + shift` per (sample, channel).

    Done by the batch-norm kernel in training mode (statistics over H×W per channel, then the affine),
    one fused pass. Batch-norm weights are per channel, so samples are folded into channels (NCHW) or,
    in channels-last, where that fold would need a copy, run one by one into slices of one output.
    """
    batch, ch, height, width = x.shape
    if batch == 1 or x.is_contiguous():
        y = F.batch_norm(x.reshape(1, batch * ch, height, width), None, None,
                         scale.reshape(-1), shift.reshape(-1), True, 0.0, EPS)
        return y.reshape(batch, ch, height, width)
    if x.dtype != torch.float32 or x.device.type != "cpu":  # the out= form below is a CPU float32 kernel
        return torch.cat([F.batch_norm(x[i:i + 1], None, None, scale[i], shift[i], True, 0.0, EPS)
                          for i in range(batch)], dim=0)
    out = torch.empty_like(x)  # channels-last: each sample's slice is contiguous, written in place
    mean, invstd = x.new_empty(ch), x.new_empty(ch)  # statistics the kernel saves (unused)
    for i in range(batch):
        torch.ops.aten.native_batch_norm.out(x[i:i + 1], scale[i], shift[i], None, None, True, 0.0, EPS,
                                             out=out[i:i + 1], save_mean=mean, save_invstd=invstd)
    return out
