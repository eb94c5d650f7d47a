"""Can one client knock `ohlora serve` over? /api/health for a legitimate user while one attacker holds sockets.

    python benchmarks/web_abuse.py [--phase-s 15] [--sockets 600] [--streams 508]

Starts `ohlora serve` (embedded default, a temporary --home, default options) in its own process
on 127.0.0.1. A legitimate user on another loopback source address (127.0.0.2) asks /api/health
every `--probe-every-s` seconds, each time on a fresh connection (5 s timeout), through four
phases of `--phase-s` seconds each:

- baseline: nobody else;
- idle_sockets: the attacker (127.0.0.1) keeps trying to hold `--sockets` connections that send nothing;
- slowloris: the same number, each sending a partial request head and one more header line every
  `--dribble-s` seconds;
- face_streams: `--streams` GET /api/face/stream with the attacker's cookie, read as they come.

The attacker re-opens whatever the server closes (at most `--burst` new connections per 0.1 s),
so the figures show what it can hold under the server's bounds. Prints one JSON object: per phase,
the user's latency (p50/p95/max ms), failures and statuses, and what the attacker held and got.
Loopback only; every loop is bounded by the phase time; it stops by itself.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import selectors
import socket
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from _common import emit, machine, percentiles, src_on_path
from web_soak import HOST, Serve

src_on_path()

import httpx  # noqa: E402

USER_ADDRESS = "127.0.0.2"
ATTACKER_ADDRESS = HOST


def raise_open_files(wanted: int) -> int:
    """The soft open-file limit raised towards `wanted` (the server process inherits it)."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        if soft != resource.RLIM_INFINITY and soft < target:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        return resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    except (ImportError, OSError, ValueError):
        return -1


# --- the legitimate user ---------------------------------------------------------------------------------------
def probe_health(url: str, stop_at: float, every_s: float) -> dict:
    """GET /api/health on a fresh connection from USER_ADDRESS every `every_s` until `stop_at`."""
    latencies: list[float] = []
    outcomes: Counter = Counter()
    while time.monotonic() < stop_at:
        started = time.monotonic()
        t0 = time.perf_counter()
        try:
            transport = httpx.HTTPTransport(local_address=USER_ADDRESS)
            with httpx.Client(base_url=url, transport=transport, timeout=5.0) as client:
                status = client.get("/api/health").status_code
            outcomes[str(status)] += 1
            if status == 200:
                latencies.append((time.perf_counter() - t0) * 1000)
        except httpx.HTTPError as exc:
            outcomes[type(exc).__name__] += 1
        time.sleep(max(0.0, every_s - (time.monotonic() - started)))
    total = sum(outcomes.values())
    return {
        "requests": total,
        "failures": total - outcomes.get("200", 0),
        "outcomes": dict(outcomes),
        "latency_ms": percentiles(latencies) if latencies else None,
    }


# --- the attacker -------------------------------------------------------------------------------------------------
class Attacker:
    """One address holding up to `target` connections, each sending `first` then (optionally)
    `dribble` every `dribble_s`; whatever the server closes is opened again (bounded per tick)."""

    def __init__(self, port: int, target: int, first: bytes, dribble: bytes = b"", dribble_s: float = 1.0,
                 burst: int = 100):
        self.port = port
        self.target = target
        self.first = first
        self.dribble = dribble
        self.dribble_s = dribble_s
        self.burst = burst
        self.selector = selectors.DefaultSelector()
        self.socks: dict[socket.socket, float] = {}  # socket -> next dribble time
        self.answers: Counter = Counter()  # status lines the server answered with
        self.opened = 0
        self.closed_by_server = 0
        self.connect_errors = 0
        self.held_samples: list[int] = []
        self.bytes_read = 0

    def _open(self) -> None:
        try:
            sock = socket.create_connection((HOST, self.port), timeout=2.0, source_address=(ATTACKER_ADDRESS, 0))
        except OSError:
            self.connect_errors += 1
            return
        sock.setblocking(False)
        self.opened += 1
        try:
            if self.first:
                sock.send(self.first)
        except OSError:
            sock.close()
            return
        self.socks[sock] = time.monotonic() + self.dribble_s
        self.selector.register(sock, selectors.EVENT_READ)

    def _drop(self, sock: socket.socket) -> None:
        self.selector.unregister(sock)
        del self.socks[sock]
        sock.close()

    def _read(self, sock: socket.socket) -> None:
        try:
            data = sock.recv(262144)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if data.startswith(b"HTTP/1.1 "):
            self.answers[data[9:12].decode("ascii", "replace")] += 1
        self.bytes_read += len(data)
        if not data:
            self.closed_by_server += 1
            self._drop(sock)

    def run(self, stop_at: float) -> None:
        next_sample = time.monotonic()
        while time.monotonic() < stop_at:
            tick_end = min(stop_at, time.monotonic() + 0.1)
            for _ in range(min(self.burst, self.target - len(self.socks))):
                self._open()
            now = time.monotonic()
            if self.dribble:
                for sock, due in list(self.socks.items()):
                    if due <= now:
                        with contextlib.suppress(OSError):
                            sock.send(self.dribble)
                        self.socks[sock] = now + self.dribble_s
            while (left := tick_end - time.monotonic()) > 0:
                for key, _ in self.selector.select(timeout=left):
                    self._read(key.fileobj)  # type: ignore[arg-type]
            if time.monotonic() >= next_sample:
                self.held_samples.append(len(self.socks))
                next_sample += 1.0

    def close(self) -> None:
        for sock in list(self.socks):
            self._drop(sock)
        self.selector.close()

    def report(self) -> dict:
        held = self.held_samples or [0]
        return {
            "target_connections": self.target,
            "opened": self.opened,
            "connect_errors": self.connect_errors,
            "closed_by_server": self.closed_by_server,
            "answers": dict(self.answers),
            "held_open_median": sorted(held)[len(held) // 2],  # open on its side (the server may hold fewer)
            "held_open_max": max(held),
            "bytes_read": self.bytes_read,
        }


def run_phase(url: str, args: argparse.Namespace, attacker: Attacker | None) -> dict:
    stop_at = time.monotonic() + args.phase_s
    thread = None
    if attacker is not None:
        thread = threading.Thread(target=attacker.run, args=(stop_at,), name="attacker", daemon=True)
        thread.start()
        time.sleep(min(2.0, args.phase_s / 4))  # let it take what it can before measuring
    result = {"user": probe_health(url, stop_at, args.probe_every_s)}
    if attacker is not None and thread is not None:
        thread.join(timeout=args.phase_s + 10)
        result["attacker"] = attacker.report()
        attacker.close()
    return result


def attacker_cookie(url: str) -> str:
    transport = httpx.HTTPTransport(local_address=ATTACKER_ADDRESS)
    with httpx.Client(base_url=url, transport=transport, timeout=30) as client:
        client.get("/")
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phase-s", type=float, default=15.0, help="seconds of each phase")
    parser.add_argument("--sockets", type=int, default=600, help="connections the attacker tries to hold")
    parser.add_argument("--streams", type=int, default=508, help="face streams the attacker tries to hold")
    parser.add_argument("--dribble-s", type=float, default=1.0, help="slowloris: one header line this often")
    parser.add_argument("--burst", type=int, default=100, help="attacker's new connections per 0.1 s at most")
    parser.add_argument("--probe-every-s", type=float, default=0.1)
    args = parser.parse_args()
    if not (1 <= args.phase_s <= 300 and 1 <= args.sockets <= 5000 and 1 <= args.streams <= 5000):
        parser.error("bad sizes")
    open_files = raise_open_files(4 * max(args.sockets, args.streams) + 1024)
    env = dict(os.environ)
    env.pop("OHLORA_HOME", None)
    result: dict = {
        "benchmark": "web_abuse",
        "machine": machine(),
        "settings": {
            "server": "ohlora serve (embedded default, temporary --home, default options), its own process",
            "user": f"{USER_ADDRESS}: GET /api/health on a fresh connection every {args.probe_every_s} s, 5 s timeout",
            "attacker": f"{ATTACKER_ADDRESS}: one address",
            "phase_s": args.phase_s,
            "sockets": args.sockets,
            "streams": args.streams,
            "dribble_s": args.dribble_s,
            "open_files_soft_limit": open_files,
        },
    }
    with tempfile.TemporaryDirectory() as tmp:
        server = Serve(Path(tmp) / "home", env, Path(tmp) / "serve.log")
        try:
            result["server_start_s"] = round(server.wait_ready(), 1)
            host = f"{HOST}:{server.port}".encode("ascii")
            phases: dict = {}
            phases["baseline"] = run_phase(server.url, args, None)
            phases["idle_sockets"] = run_phase(server.url, args, Attacker(server.port, args.sockets, b"",
                                                                          burst=args.burst))
            slow_head = b"GET /api/health HTTP/1.1\r\nHost: " + host + b"\r\n"
            phases["slowloris"] = run_phase(server.url, args, Attacker(
                server.port, args.sockets, slow_head, b"X-Slow: 1\r\n", args.dribble_s, args.burst))
            cookie = attacker_cookie(server.url).encode("latin-1")
            stream = b"GET /api/face/stream HTTP/1.1\r\nHost: " + host + b"\r\nCookie: " + cookie + b"\r\n\r\n"
            phases["face_streams"] = run_phase(server.url, args, Attacker(server.port, args.streams, stream,
                                                                          burst=args.burst))
            phases["after"] = run_phase(server.url, argparse.Namespace(**{**vars(args), "phase_s": min(5.0, args.phase_s)}),
                                        None)
            result["phases"] = phases
            result["server_health_after"] = server.health()
            with contextlib.suppress(OSError):
                result["server_log_tail"] = server.log_tail(600).splitlines()[-5:]
        finally:
            server.stop()
    emit(result)


if __name__ == "__main__":
    main()
