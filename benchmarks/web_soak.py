"""Server memory under a long soak: does `ohlora serve` give its memory back after the users leave?

    python benchmarks/web_soak.py [--identities 200] [--turns 1000] [--wait-s 180]

Starts `ohlora serve` (embedded default, a temporary --home) in its own process on 127.0.0.1,
warms it up, and records its RSS. Then `--identities` users (each its own client and cookie)
chat `--turns` turns in all, `--concurrency` users at a time (pausing `--pause-s` between turns);
every `--stream-every`-th user also holds the MJPEG face stream open while chatting. After the last user leaves, the sessions end by
the idle timeout (shortened with OHLORA_IDLE_TIMEOUT_S so that the wait is spent idle, not
waiting for the 180 s rule) and the RSS is read again `--wait-s` seconds later. The figure that
must hold: that RSS is within 1.5x of the RSS after warm-up.

Rate limits stay at the server's defaults; only `evict_idle_s` is shortened (`--evict-idle-s`), because
these users leave right after their last turn. A turn refused with 429/503 is resent after its
Retry-After, as the page tells its user to. Real users come from many addresses, so the clients
connect from `--addresses` loopback source addresses (127.0.0.2, 127.0.0.3, ...; the server is
only ever reached at 127.0.0.1): the per-address limit on new identities (burst 30) then allows
every identity, and each identity's turns stay within its own turn burst.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from _common import emit, machine, src_on_path
from web_stream import MARKER
from web_turns import MESSAGES

src_on_path()

import httpx  # noqa: E402

from ohlora.web.server import free_port  # noqa: E402

HOST = "127.0.0.1"


# --- the server process --------------------------------------------------------------------------------------
def proc_status(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM (kB) and Threads of a process, from /proc/<pid>/status."""
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                name, _, value = line.partition(":")
                if name in ("VmRSS", "VmHWM", "Threads"):
                    out[name] = int(value.split()[0])
    except OSError:
        pass
    return out


def rss_mb(pid: int) -> float:
    return round(proc_status(pid).get("VmRSS", 0) / 1024, 1)


class Serve:
    """`ohlora --home HOME serve --port PORT` in a child process, stopped with SIGINT (then SIGKILL)."""

    def __init__(self, home: Path, env: dict[str, str], log: Path):
        exe = shutil.which("ohlora") or str(Path(sys.executable).parent / "ohlora")
        self.port = free_port(HOST)
        self.url = f"http://{HOST}:{self.port}"
        self._log = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self._log_path = log
        self.proc = subprocess.Popen([exe, "--home", str(home), "serve", "--host", HOST, "--port", str(self.port)],
                                     env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout_s: float = 180.0) -> float:
        t0 = time.perf_counter()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("ohlora serve exited:\n" + self.log_tail())
            try:
                if httpx.get(self.url + "/api/health", timeout=2).status_code == 200:
                    return time.perf_counter() - t0
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("ohlora serve did not start:\n" + self.log_tail())

    def health(self) -> dict:
        try:
            return httpx.get(self.url + "/api/health", timeout=10).json()
        except (httpx.HTTPError, ValueError):
            return {}

    def log_tail(self, chars: int = 3000) -> str:
        self._log.flush()
        return self._log_path.read_bytes()[-chars:].decode("utf-8", "replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=90)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)
        self._log.close()


class RssSampler:
    """The server's RSS every `interval_s` seconds, on a thread; the peak is the kernel's VmHWM."""

    def __init__(self, pid: int, interval_s: float = 1.0):
        self.pid = pid
        self.interval_s = interval_s
        self.samples: list[tuple[float, float]] = []  # (seconds since start, MB)
        self._stop = threading.Event()
        self._t0 = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.samples.append((round(time.monotonic() - self._t0, 1), rss_mb(self.pid)))

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# --- one user -------------------------------------------------------------------------------------------------
def client_for(url: str, address: str) -> httpx.Client:
    """A browser-like client whose connections leave from `address` (a loopback address)."""
    return httpx.Client(base_url=url, timeout=120, transport=httpx.HTTPTransport(local_address=address))


RETRY_FOR_S = 120.0  # how long a user keeps resending a turn the server asked to wait for (429/503)


def chat_turn(client: httpx.Client, text: str, retries: Counter | None = None) -> str:
    """One streamed turn: 'ok' (a done event), 'error' (an error event), or 'http_<status>'. A 429 or 503
    (server full, rate limit) is resent after its Retry-After, as the page asks its user to, for up to
    RETRY_FOR_S; each wait is counted in `retries`."""
    deadline = time.monotonic() + RETRY_FOR_S
    while True:
        with client.stream("POST", "/api/chat", json={"text": text}) as response:
            if response.status_code in (429, 503) and time.monotonic() < deadline:
                response.read()
                if retries is not None:
                    retries[f"waited_http_{response.status_code}"] += 1
                time.sleep(min(10.0, max(0.5, float(response.headers.get("retry-after", 1)))))
                continue
            if response.status_code != 200:
                response.read()
                return f"http_{response.status_code}"
            for line in response.iter_lines():
                if line.strip():
                    kind = json.loads(line)["type"]
                    if kind in ("done", "error"):
                        return "ok" if kind == "done" else "error"
        return "no_done_event"


def hold_stream(client: httpx.Client, stop: threading.Event, frames: list[int]) -> None:
    """Read the MJPEG face stream (shares the user's cookie) until `stop` is set; count the frames."""
    try:
        with client.stream("GET", "/api/face/stream") as response:
            if response.status_code != 200:
                return
            for chunk in response.iter_bytes():
                frames[0] += chunk.count(MARKER)
                if stop.is_set():
                    return
    except httpx.HTTPError:
        pass


def one_user(url: str, address: str, turns: int, offset: int, stream: bool, outcomes: Counter,
             lock: threading.Lock, pause_s: float = 0.0, retries: Counter | None = None) -> int:
    """Open the page (a new identity), optionally watch the face, chat `turns` turns, leave."""
    frames = [0]
    with client_for(url, address) as client:
        page = client.get("/")
        if page.status_code != 200:
            with lock:
                outcomes[f"page_http_{page.status_code}"] += 1
            return 0
        stop = threading.Event()
        viewer = None
        if stream:
            viewer_client = client_for(url, address)
            viewer_client.cookies = client.cookies
            viewer = threading.Thread(target=hold_stream, args=(viewer_client, stop, frames), daemon=True)
            viewer.start()
        try:
            for k in range(turns):
                if k:
                    time.sleep(pause_s)  # reading her answer
                try:
                    waited: Counter = Counter()
                    outcome = chat_turn(client, MESSAGES[(offset + k) % len(MESSAGES)], waited)
                except httpx.HTTPError as exc:
                    outcome = type(exc).__name__
                with lock:
                    outcomes[outcome] += 1
                    if retries is not None:
                        retries.update(waited)
        finally:
            stop.set()
            if viewer is not None:
                viewer.join(timeout=30)
                viewer_client.close()
    return frames[0]


def soak(url: str, args: argparse.Namespace, addresses: list[str]) -> dict:
    """`args.identities` users in `args.concurrency` lanes; the turns are spread evenly over the users."""
    outcomes: Counter = Counter()
    retries: Counter = Counter()
    lock = threading.Lock()
    frames: list[int] = []
    per_user = [args.turns // args.identities + (1 if i < args.turns % args.identities else 0)
                for i in range(args.identities)]
    next_user = [0]

    def lane() -> None:
        while True:
            with lock:
                i = next_user[0]
                next_user[0] += 1
            if i >= args.identities:
                return
            shown = one_user(url, addresses[i % len(addresses)], per_user[i], i, i % args.stream_every == 0,
                             outcomes, lock, args.pause_s, retries)
            with lock:
                frames.append(shown)

    t0 = time.perf_counter()
    lanes = [threading.Thread(target=lane, name=f"lane-{k}") for k in range(args.concurrency)]
    for t in lanes:
        t.start()
    for t in lanes:
        t.join()
    wall = time.perf_counter() - t0
    return {
        "identities": args.identities,
        "turns_attempted": sum(per_user),
        "turns_ok": outcomes.get("ok", 0),
        "outcomes": dict(outcomes),
        "waits_before_a_turn_was_taken": dict(retries),  # 503: server full of active sessions; 429: rate limits
        "face_streams": len(range(0, args.identities, args.stream_every)),
        "face_frames_received": sum(frames),  # MJPEG boundaries seen (approximate: one split across reads is missed)
        "seconds": round(wall, 1),
        "turns_per_s": round(outcomes.get("ok", 0) / wall, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--identities", type=int, default=200)
    parser.add_argument("--turns", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8, help="users chatting at the same time")
    parser.add_argument("--stream-every", type=int, default=4, help="every n-th user also watches the face")
    parser.add_argument("--addresses", type=int, default=8, help="loopback source addresses of the users")
    parser.add_argument("--pause-s", type=float, default=0.5, help="each user's pause between turns")
    parser.add_argument("--idle-timeout-s", type=float, default=30.0)
    parser.add_argument("--wait-s", type=float, default=180.0, help="how long after the last user left")
    parser.add_argument("--evict-idle-s", type=float, default=5.0,
                        help="the server's evict_idle_s: a user who left yields the session slot after this")
    args = parser.parse_args()
    if not 1 <= args.addresses <= 250 or args.identities < 1 or args.concurrency < 1 or args.stream_every < 1:
        parser.error("bad sizes")
    addresses = [f"127.0.0.{2 + k}" for k in range(args.addresses)]
    # users here leave after their last turn: their slot may go to a newcomer soon (the default, 60 s, keeps
    # the slot for someone who is still reading; with 200 users and 64 slots most turns would wait for it)
    env = dict(os.environ, OHLORA_IDLE_TIMEOUT_S=str(args.idle_timeout_s),
               OHLORA_WEB_LIMITS=f"evict_idle_s={args.evict_idle_s:g}")
    env.pop("OHLORA_HOME", None)
    result: dict = {
        "benchmark": "web_soak",
        "machine": machine(),
        "settings": {
            "server": "ohlora serve (embedded default, temporary --home), its own process",
            "OHLORA_IDLE_TIMEOUT_S": args.idle_timeout_s,
            "evict_idle_s (--limit)": args.evict_idle_s,
            "turn_retry": f"429/503 resent after Retry-After for up to {RETRY_FOR_S:g} s",
            "MALLOC_ARENA_MAX (environment)": os.environ.get("MALLOC_ARENA_MAX"),
            "rate_limits": "server defaults; users spread over loopback source addresses",
            "source_addresses": f"{addresses[0]}..{addresses[-1]}",
            "identities": args.identities,
            "turns": args.turns,
            "concurrency": args.concurrency,
            "pause_between_turns_s": args.pause_s,
            "face_stream_every_nth_user": args.stream_every,
            "wait_after_all_left_s": args.wait_s,
        },
    }
    with tempfile.TemporaryDirectory() as tmp:
        server = Serve(Path(tmp) / "home", env, Path(tmp) / "serve.log")
        try:
            result["server_start_s"] = round(server.wait_ready(), 1)
            pid = server.proc.pid
            result["rss_mb_at_start"] = rss_mb(pid)
            # warm-up: two users on the plain loopback address, one of them watching the face
            warm_outcomes: Counter = Counter()
            lock = threading.Lock()
            one_user(server.url, HOST, 3, 0, True, warm_outcomes, lock)
            one_user(server.url, HOST, 3, 5, False, warm_outcomes, lock)
            result["warmup_outcomes"] = dict(warm_outcomes)
            time.sleep(2.0)
            rss_warm = rss_mb(pid)
            result["rss_mb_after_warmup"] = rss_warm
            with RssSampler(pid) as sampler:
                result["soak"] = soak(server.url, args, addresses)
                rss_soak = rss_mb(pid)
                result["rss_mb_after_soak"] = rss_soak
                result["sessions_after_soak"] = server.health().get("sessions")
                result["threads_after_soak"] = proc_status(pid).get("Threads")
                left_at = time.monotonic()
                timeline = []
                while (waited := time.monotonic() - left_at) < args.wait_s:
                    time.sleep(min(15.0, args.wait_s - waited))
                    timeline.append([round(time.monotonic() - left_at), rss_mb(pid)])
            rss_after = rss_mb(pid)
            status = proc_status(pid)
            result["rss_mb_after_all_left"] = rss_after
            result["sessions_after_all_left"] = server.health().get("sessions")
            result["threads_after_all_left"] = status.get("Threads")
            result["rss_mb_peak"] = round(status.get("VmHWM", 0) / 1024, 1)
            result["rss_mb_peak_sampled"] = max((mb for _, mb in sampler.samples), default=None)
            result["rss_mb_after_all_left_timeline"] = timeline
            result["ratio_after_all_left_to_warmup"] = round(rss_after / rss_warm, 3) if rss_warm else None
            result["ratio_after_soak_to_warmup"] = round(rss_soak / rss_warm, 3) if rss_warm else None
            result["goal_ratio_max"] = 1.5
            result["goal_met"] = bool(rss_warm) and rss_after <= 1.5 * rss_warm
        finally:
            server.stop()
    emit(result)


if __name__ == "__main__":
    main()
