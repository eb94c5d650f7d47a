"""Face frames on the wire: JPEG encoding and the MJPEG (multipart/x-mixed-replace) framing.

Measured on the 2-core CPU (256×256 face): JPEG q82 ≈ 11 kB in ≈ 0.7 ms with OpenCV (≈ 2.5 ms
with Pillow); PNG ≈ 97 kB in ≈ 5 ms. So frames travel as JPEG, in one long HTTP response that
an <img> shows natively (see benchmarks/web_stream.py for the stream against per-frame requests).
"""

from __future__ import annotations

import io

import numpy as np

BOUNDARY = "ohloraframe"
MJPEG_MEDIA_TYPE = f"multipart/x-mixed-replace; boundary={BOUNDARY}"


def encode_jpeg(rgb: np.ndarray, quality: int = 82) -> bytes:
    """JPEG bytes of an RGB uint8 (H, W, 3) image: OpenCV when installed, else Pillow."""
    img = np.ascontiguousarray(rgb, dtype=np.uint8)
    if img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f"expected an (H, W, 3) uint8 image, got {img.shape}")
    try:
        import cv2
    except ImportError:
        cv2 = None
    if cv2 is not None:
        ok, buffer = cv2.imencode(".jpg", img[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
        if ok:
            return buffer.tobytes()
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(img).save(out, format="JPEG", quality=int(quality))
    return out.getvalue()


def mjpeg_part(jpeg: bytes) -> bytes:
    """One part of the multipart stream (boundary, headers, the picture)."""
    head = f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(jpeg)}\r\n\r\n".encode("ascii")
    return head + jpeg + b"\r\n"


def split_mjpeg(data: bytes) -> list[bytes]:
    """The JPEG pictures in a captured MJPEG byte stream (complete parts only): tests and benchmarks."""
    marker = f"--{BOUNDARY}\r\n".encode("ascii")
    out: list[bytes] = []
    pos = 0
    while True:
        start = data.find(marker, pos)
        if start < 0:
            return out
        header_end = data.find(b"\r\n\r\n", start)
        if header_end < 0:
            return out
        length = None
        for line in data[start + len(marker):header_end].split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        if length is None:
            return out
        body_start = header_end + 4
        if len(data) < body_start + length:
            return out
        out.append(data[body_start:body_start + length])
        pos = body_start + length
