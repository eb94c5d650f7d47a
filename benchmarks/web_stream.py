"""Face frames delivered by `ohlora serve` (embedded face): one viewer, 10 concurrent sessions, and the
transport choice (one MJPEG stream vs one HTTP request per frame; JPEG vs PNG per frame).

    python benchmarks/web_stream.py [--seconds 6] [--fps 15] [--sessions 10]

Each viewer is its own user (own cookie, own session, own animator) reading the MJPEG stream over
a real loopback connection, as an <img> would. CPU figures are the whole process (server + clients).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

from _common import cpu_busy_fraction, emit, machine, src_on_path

src_on_path()

import httpx  # noqa: E402
import numpy as np  # noqa: E402

from ohlora.config import load_settings  # noqa: E402
from ohlora.face.sinks import encode_png  # noqa: E402
from ohlora.web.app import create_app  # noqa: E402
from ohlora.web.frames import BOUNDARY, encode_jpeg  # noqa: E402
from ohlora.web.options import RateRule, WebOptions  # noqa: E402
from ohlora.web.server import ServerThread  # noqa: E402

MARKER = f"--{BOUNDARY}\r\n".encode("ascii")


class CpuWindow:
    """Machine-wide busy fraction (/proc/stat) and this process's CPU seconds over a window."""

    def __enter__(self) -> CpuWindow:
        self._stat0 = _proc_stat()
        self._cpu0 = time.process_time()
        self._t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        idle1, total1 = _proc_stat()
        idle0, total0 = self._stat0
        total = total1 - total0
        self.machine_busy = round(1 - (idle1 - idle0) / total, 3) if total else -1.0
        self.seconds = time.perf_counter() - self._t0
        self.process_cpu_s = time.process_time() - self._cpu0


def _proc_stat() -> tuple[int, int]:
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        return fields[3] + fields[4], sum(fields)
    except OSError:
        return 0, 0


def watch_stream(url: str, seconds: float, ready: threading.Barrier | None = None) -> dict:
    """Open the page (identity), then read the MJPEG stream for `seconds`; count complete frames."""
    with httpx.Client(base_url=url, timeout=30) as client:
        client.get("/")
        if ready is not None:
            ready.wait()
        frames = 0
        sizes: list[int] = []
        gaps: list[float] = []
        start = time.perf_counter()
        last = None
        with client.stream("GET", "/api/face/stream") as response:
            buffer = b""
            for chunk in response.iter_bytes():
                buffer += chunk
                while True:
                    first = buffer.find(MARKER)
                    second = buffer.find(MARKER, first + 1) if first >= 0 else -1
                    if second < 0:
                        break
                    sizes.append(second - first)
                    buffer = buffer[second:]
                    frames += 1
                    now = time.perf_counter()
                    if last is not None:
                        gaps.append(now - last)
                    last = now
                if time.perf_counter() - start >= seconds:
                    break
        elapsed = time.perf_counter() - start
    return {
        "frames": frames,
        "fps": round(frames / elapsed, 2),
        "mean_kb": round(statistics.mean(sizes) / 1024, 1) if sizes else 0,
        "gap_p95_ms": round(sorted(gaps)[int(0.95 * (len(gaps) - 1))] * 1000, 1) if gaps else None,
    }


def poll_frames(url: str, seconds: float, fps: float) -> dict:
    """The alternative transport: one GET /api/face/frame.jpg per frame, paced at `fps` (keep-alive)."""
    with httpx.Client(base_url=url, timeout=30) as client:
        client.get("/")
        frames = 0
        latencies: list[float] = []
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            t0 = time.perf_counter()
            response = client.get("/api/face/frame.jpg")
            latencies.append(time.perf_counter() - t0)
            frames += int(response.status_code == 200)
            delay = start + frames / fps - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        elapsed = time.perf_counter() - start
    return {"frames": frames, "fps": round(frames / elapsed, 2),
            "request_ms_median": round(statistics.median(latencies) * 1000, 2)}


def encode_costs(app_face_rgb: np.ndarray, repeats: int = 50) -> dict:
    out = {}
    for name, encode in (("jpeg_q82", lambda a: encode_jpeg(a, 82)), ("png_zlib1", encode_png)):
        t0 = time.perf_counter()
        for _ in range(repeats):
            data = encode(app_face_rgb)
        out[name] = {"ms": round((time.perf_counter() - t0) / repeats * 1000, 3), "kb": round(len(data) / 1024, 1)}
    return out


def pipeline_stats(app, users: set[str]) -> dict:
    sessions = [s for s in app.state.web.sessions.sessions.values() if s.user in users]
    shown = sum(s.pipeline.stats.displayed for s in sessions if s.pipeline)
    fresh = sum(s.pipeline.stats.fresh for s in sessions if s.pipeline)
    renders = [s.pipeline.stats.ms_per_render for s in sessions if s.pipeline and s.pipeline.stats.rendered]
    return {"sessions": len(sessions), "fresh_fraction": round(fresh / shown, 3) if shown else None,
            "ms_per_render_median": round(statistics.median(renders), 2) if renders else None}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--fps", type=float, default=15.0)
    parser.add_argument("--sessions", type=int, default=10)
    args = parser.parse_args()
    info = machine()
    result: dict = {"machine": info, "target_fps": args.fps, "seconds": args.seconds, "face": "embedded"}
    many = RateRule(burst=10_000, per_second=10_000)
    options = WebOptions(fps=args.fps, api_rate=many, new_user_rate=many,
                         max_streams_per_address=args.sessions + 2)  # every viewer comes from 127.0.0.1
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(load_settings(Path(tmp), env={}, seed=5), options=options)
        with ServerThread(app) as url:
            watch_stream(url, 1.0)  # warm-up: first render, caches
            with CpuWindow() as cpu:
                one = watch_stream(url, args.seconds)
            result["one_viewer_mjpeg"] = {**one, "machine_busy": cpu.machine_busy,
                                          "process_cpu_ms_per_frame": round(cpu.process_cpu_s / max(1, one["frames"]) * 1000, 2)}
            with CpuWindow() as cpu:
                polled = poll_frames(url, args.seconds, args.fps)
            result["one_viewer_polling"] = {**polled, "machine_busy": cpu.machine_busy,
                                            "process_cpu_ms_per_frame": round(cpu.process_cpu_s / max(1, polled["frames"]) * 1000, 2)}

            barrier = threading.Barrier(args.sessions)
            outcomes: list[dict] = [{}] * args.sessions

            def viewer(i: int) -> None:
                outcomes[i] = watch_stream(url, args.seconds, barrier)

            earlier = set(app.state.web.sessions.sessions)
            threads = [threading.Thread(target=viewer, args=(i,)) for i in range(args.sessions)]
            with CpuWindow() as cpu:
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
            fps = [o["fps"] for o in outcomes]
            result["concurrent_sessions_mjpeg"] = {
                "sessions": args.sessions,
                "fps_per_session_median": round(statistics.median(fps), 2),
                "fps_per_session_min": min(fps),
                "fps_total": round(sum(fps), 1),
                "gap_p95_ms_median": statistics.median(o["gap_p95_ms"] for o in outcomes if o["gap_p95_ms"]),
                "machine_busy": cpu.machine_busy,
                "process_cpu_cores": round(cpu.process_cpu_s / cpu.seconds, 2),
                **pipeline_stats(app, set(app.state.web.sessions.sessions) - earlier),
            }
            face = app.state.web.faces.face("embedded")
        from ohlora.face.base import Expression

        result["encode_per_frame"] = encode_costs(face.draw([Expression()])[0].rgb)
    result["cpu_busy_after"] = cpu_busy_fraction()
    result["loadavg"] = os.getloadavg()
    emit(result)


if __name__ == "__main__":
    main()
