"""The released face's layout, without torch: StyleGAN-VectorFind v7/v8 state-dict keys and shapes
(spec face §1.2, §1.5, §1.9) and the VectorFind dimensions and catalogue (spec face §2.5, §2.6).

Both the modules that load the files (`face.stylegan`, `face.vectors`) and the artifact checker
(`ohlora.models.check`, which must run without torch) read these tables; tests tie them to the
state dict of the reference module.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

RESOLUTION = 256
Z_DIM = 512
W_DIM = 512
LABEL_EMBED_DIM = 16
MAPPING_LAYERS = 8
NUM_LAYERS = 14  # synthesis conv layers = w slots
LABEL_DIMS = MappingProxyType({"v7": 3, "v8": 7})  # mapping.label_weight is (LABEL_DIMS, 16)
VERSION_BY_LABEL_DIMS = MappingProxyType({dims: version for version, dims in LABEL_DIMS.items()})
FILE_NAMES = MappingProxyType({
    "v7": "stylegan_gen_vector_find_v7.pth",
    "v8": "stylegan_gen_vector_find_v8.pth",
})


def channels(res: int) -> int:
    """Feature maps at a resolution: min(16384 // res, 512)."""
    return min(16384 // res, 512)


@dataclass(frozen=True)
class LayerSpec:
    """One synthesis layer. `op`: "const" (layer 0), "conv" (3×3), "up" (nearest ×2, then 3×3) or
    "fused" (the original's stride-2 transposed 4×4 conv, res ≥ 128); upsampling layers are blurred."""

    index: int
    res: int  # output resolution
    in_ch: int
    out_ch: int
    op: str

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


def state_dict_shapes(version: str) -> dict[str, tuple[int, ...]]:
    """Key → shape of a released generator file, in the files' order (123 keys; spec §1.9)."""
    shapes: dict[str, tuple[int, ...]] = {"mapping.label_weight": (LABEL_DIMS[version], LABEL_EMBED_DIM)}
    for i in range(MAPPING_LAYERS):
        shapes[f"mapping.dense{i}.weight"] = (W_DIM, Z_DIM + LABEL_EMBED_DIM if i == 0 else W_DIM)
        shapes[f"mapping.dense{i}.bias"] = (W_DIM,)
    shapes["truncation.w_avg"] = (W_DIM,)
    shapes["synthesis.lod"] = ()
    for layer in LAYERS:
        p, c = f"synthesis.layer{layer.index}", layer.out_ch
        shapes[f"{p}.bias"] = (c,)
        if layer.op == "const":
            shapes[f"{p}.const"] = (1, c, layer.res, layer.res)
        else:
            shapes[f"{p}.weight"] = (c, layer.in_ch, 3, 3)
        shapes[f"{p}.apply_noise.weight"] = (c,)
        shapes[f"{p}.apply_noise.noise"] = (1, 1, layer.res, layer.res)
        shapes[f"{p}.style.weight"] = (2 * c, W_DIM)
        shapes[f"{p}.style.bias"] = (2 * c,)
        if layer.upsamples:
            shapes[f"{p}.blur.kernel"] = (c, 1, 3, 3)
        if layer.index % 2:  # the ToRGB of each resolution (only output6 runs at lod 0)
            shapes[f"synthesis.output{layer.index // 2}.bias"] = (3,)
            shapes[f"synthesis.output{layer.index // 2}.weight"] = (3, c, 1, 1)
    return shapes


# --- VectorFind (spec face §2.5, §2.6) --------------------------------------------------------------------
VERSIONS = ("v7", "v8")
# The released catalogue: case No. (the original's row among its tested latents) in CSV row order,
# and each face's group name (which edit directions it uses).
VECTORFIND_CASES = MappingProxyType({
    "v7": (127, 672, 709, 931, 1017, 1073, 1162, 1211, 1277, 1351, 1359, 1409, 1591, 1646, 1782, 1788,
           1819, 1836, 1905, 1918, 2054, 2089, 2100, 2111, 2137, 2185, 2240),
    "v8": (83, 143, 194, 214, 285, 483, 536, 679, 853, 895, 986, 991, 1064, 1180, 1313, 1535, 1750, 1792,
           1996),
})
VECTORFIND_FACE_GROUPS = MappingProxyType({
    "v7": ("hhh", "lhh", "lhh", "hhl", "lhh", "hlh", "lhh", "lhh", "lll", "hhl", "lll", "lhh", "lhl", "hll",
           "lhl", "llh", "hlh", "lhh", "hhl", "hhh", "lhh", "lll", "hhl", "lhh", "hll", "hhl", "lhh"),
    "v8": ("lhlh", "lhhh", "lllh", "llhl", "hlll", "hhll", "llhl", "lhll", "hhll", "hllh", "hhll", "lllh",
           "lhll", "hhll", "hllh", "hllh", "hllh", "lhhh", "hhlh"),
})
VECTORFIND_GROUP_HEADERS = MappingProxyType({
    "v7": ("case", "vector_no", "group_name", "eyes_corr", "mouth_corr", "pose_corr"),
    "v8": ("case", "vector_no", "passed", "group_name", "eyes_corr", "mouth_corr", "pose_corr", "sum_abs_corr"),
})
# ohlora_z_vectors.csv: z (512) then the label dims, per face
VECTORFIND_Z_COLUMNS = MappingProxyType({v: Z_DIM + LABEL_DIMS[v] for v in VERSIONS})
