"""One client cannot knock `ohlora serve` over: connection bounds, timeouts and request-head rules.

A real uvicorn server (`ServerThread`, our h11 protocol of `ohlora.web.connections`) on a free
loopback port, with short timeouts so that the tests stay fast; the attacker connects from
127.0.0.1 and the other user from 127.0.0.2 (the per-address bound is what keeps it working).
Waits are bounded polls on the server's own counts; no timing is asserted beyond generous deadlines.
"""

from __future__ import annotations

import contextlib
import json
import socket
import time

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
pytest.importorskip("httpx")

import httpx  # noqa: E402

from conftest import make_services  # noqa: E402
from ohlora.web.app import create_app  # noqa: E402
from ohlora.web.connections import ConnectionGuard, ConnectionRules, address_key, in_networks  # noqa: E402
from ohlora.web.options import WebOptions  # noqa: E402
from ohlora.web.server import ServerThread  # noqa: E402

ATTACKER = "127.0.0.1"
USER = "127.0.0.2"
DEADLINE_S = 120.0  # only ends a broken test: alone these waits take seconds, late in a whole-suite run one took > 30 s
SHORT = dict(header_timeout_s=1.0, body_timeout_s=1.0, idle_connection_s=1.0, send_timeout_s=5.0)


def _second_loopback_works() -> bool:
    try:
        with socket.socket() as probe:
            probe.bind((USER, 0))
        return True
    except OSError:
        return False


needs_second_loopback = pytest.mark.skipif(not _second_loopback_works(), reason="127.0.0.2 is not usable here")


@contextlib.contextmanager
def open_files(at_least: int):
    """Raise this process's open-file limit for the duration (the server runs in this process too)."""
    resource = pytest.importorskip("resource")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = at_least if hard == resource.RLIM_INFINITY else min(at_least, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.fixture
def serve(home, clock):
    """`serve(**options)` -> a started ServerThread on the scripted services; stopped at the end."""
    services = make_services(home, clock)
    with contextlib.ExitStack() as stack:
        def start(**overrides) -> ServerThread:
            options = WebOptions(**{**SHORT, **overrides})
            server = ServerThread(create_app(services.settings, services=services, options=options), options=options)
            stack.enter_context(server)
            return server

        yield start
    services.close()


def wait_for(condition, what: str, deadline_s: float = DEADLINE_S) -> None:
    deadline = time.monotonic() + deadline_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {deadline_s} s: {what}")
        time.sleep(0.02)


def connect(server: ServerThread, source: str = ATTACKER) -> socket.socket:
    sock = socket.create_connection((server.host, server.port), timeout=DEADLINE_S, source_address=(source, 0))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def read_all(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (bounded by the socket timeout)."""
    out = b""
    with contextlib.suppress(ConnectionError, TimeoutError, socket.timeout):
        while chunk := sock.recv(65536):
            out += chunk
    return out


def parse(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, headers, body


def host(server: ServerThread) -> bytes:
    return f"{server.host}:{server.port}".encode("ascii")


def health(server: ServerThread, source: str = USER) -> int:
    transport = httpx.HTTPTransport(local_address=source)
    with httpx.Client(base_url=server.url, transport=transport, timeout=DEADLINE_S) as client:
        return client.get("/api/health").status_code


def test_address_keys():
    assert address_key(("127.0.0.1", 5)) == "127.0.0.1"
    assert address_key(("::ffff:10.1.2.3", 5)) == "10.1.2.3"
    assert address_key(("2001:db8:1:2:aaaa::1", 5)) == address_key(("2001:db8:1:2:bbbb::9", 7)) == "2001:db8:1:2::/64"
    assert address_key(None) == ""
    assert in_networks(("10.1.2.3", 1), ("10.0.0.0/8",)) and in_networks(("::ffff:10.1.2.3", 1), ("10.1.2.3",))
    assert not in_networks(("10.1.2.3", 1), ("192.168.0.0/16", "not an address")) and not in_networks(None, ("::1",))


def test_refusals_are_logged_as_one_summary_a_minute(caplog):
    now = [1000.0]
    guard = ConnectionGuard(ConnectionRules(), clock=lambda: now[0])
    with caplog.at_level("WARNING", logger="ohlora.web"):
        for _ in range(500):
            guard.note("refused_per_address")
        now[0] += 59.0
        guard.note("timeout_header")
        assert len(caplog.records) == 1  # the first at once, then nothing for a minute
        now[0] += 1.0
        guard.note("bad_request")
    assert len(caplog.records) == 2
    assert "bad_request 1" in caplog.messages[1] and "refused_per_address 499" in caplog.messages[1]
    assert "timeout_header 1" in caplog.messages[1]


@needs_second_loopback
def test_six_hundred_idle_sockets_leave_health_to_another_client(serve):
    server = serve(max_connections_per_address=32)
    guard = server.guard
    with open_files(4096), contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(connect(server)) for _ in range(600)]
        wait_for(lambda: guard.open_from(ATTACKER) + guard.refused["per_address"] >= 600, "all 600 accepted or refused")
        assert guard.open_from(ATTACKER) == 32
        assert health(server) == 200  # the other client, while the attacker holds its 32
        # an excess connection was answered, not just dropped: 429, Retry-After, our headers
        answered = [parse(raw) for raw in (read_all(s) for s in sockets[-5:]) if raw]
        assert answered, "no refused connection got an answer"
        status, headers, body = answered[0]
        assert status == 429 and int(headers["retry-after"]) > 0
        assert headers["x-content-type-options"] == "nosniff" and headers["connection"] == "close"
        assert json.loads(body)["error"]["code"] == "too_many_connections"
        # and the 32 the attacker holds are closed by the idle timeout
        wait_for(lambda: guard.open_from(ATTACKER) == 0, "idle sockets closed")
        assert guard.timed_out["idle"] >= 32
        assert health(server, ATTACKER) == 200  # the attacker's address may come back afterwards


@needs_second_loopback
def test_slowloris_partial_headers_are_cut_off_and_others_are_served(serve):
    server = serve(max_connections_per_address=32)
    guard = server.guard
    with contextlib.ExitStack() as stack:
        slow = [stack.enter_context(connect(server)) for _ in range(32)]
        for sock in slow:
            sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: " + host(server) + b"\r\n")
        wait_for(lambda: guard.open_from(ATTACKER) == 32, "the slow sockets accepted")
        extra = stack.enter_context(connect(server))  # the 33rd is refused at once
        assert parse(read_all(extra))[0] == 429
        assert health(server) == 200
        # dribbling one header line at a time does not keep a connection: the header deadline is absolute
        dribbled = 0
        while guard.open_from(ATTACKER) and dribbled < 400:
            for sock in slow:
                with contextlib.suppress(OSError):
                    sock.sendall(b"X-a: b\r\n")
            dribbled += 1
            time.sleep(0.05)
        assert guard.open_from(ATTACKER) == 0
        status, headers, _ = parse(read_all(slow[0]))
        assert status == 408 and headers["connection"] == "close" and "content-security-policy" in headers
        assert guard.timed_out["header"] >= 32
        assert health(server) == 200


def test_a_stalled_body_gets_408(serve):
    server = serve()
    with connect(server) as sock:
        sock.sendall(b"POST /api/chat HTTP/1.1\r\nHost: " + host(server) + b"\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"text\":")
        status, headers, body = parse(read_all(sock))
    assert status == 408 and json.loads(body)["error"]["code"] == "request_timeout"
    assert server.guard.timed_out["body"] == 1


def test_slow_keep_alive_request_after_a_good_one_is_cut_off(serve):
    server = serve()
    with connect(server) as sock:
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: " + host(server) + b"\r\n\r\n")
        first = b""
        while b"\r\n\r\n" not in first:
            first += sock.recv(65536)
        assert parse(first)[0] == 200
        sock.sendall(b"GET /api/health HTTP/1.1\r\n")
        for _ in range(400):  # a byte at a time until the server gives up (bounded)
            try:
                sock.sendall(b"X")
            except OSError:
                break
            if server.guard.timed_out["header"]:
                break
            time.sleep(0.05)
        assert server.guard.timed_out["header"] == 1
        wait_for(lambda: server.guard.open_connections == 0, "the slow connection closed")


def test_headers_over_the_limit_get_431(serve):
    server = serve()
    big = b"X-Filler: " + b"a" * (17 * 1024) + b"\r\n"
    with connect(server) as sock:  # all at once: a complete (too large) head
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: " + host(server) + b"\r\n" + big + b"\r\n")
        status, headers, body = parse(read_all(sock))
    assert status == 431 and json.loads(body)["error"]["code"] == "headers_too_large"
    assert headers["x-frame-options"] == "DENY"
    with connect(server) as sock:  # piece by piece, never finished: refused once over the limit
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: " + host(server) + b"\r\n")
        with contextlib.suppress(OSError):
            for k in range(0, len(big), 4096):
                sock.sendall(big[k:k + 4096])
        assert parse(read_all(sock))[0] == 431
    with connect(server) as sock:  # 100 KB at once
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: " + host(server) + b"\r\nX-Big: " + b"b" * 100_000 + b"\r\n\r\n")
        assert parse(read_all(sock))[0] == 431
    assert health(server, ATTACKER) == 200  # a normal head still passes


def test_content_length_with_chunked_gets_400(serve):
    server = serve()
    with connect(server) as sock:
        sock.sendall(b"POST /api/chat HTTP/1.1\r\nHost: " + host(server) + b"\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        status, headers, body = parse(read_all(sock))
    assert status == 400 and json.loads(body)["error"]["code"] == "bad_framing"
    assert headers["referrer-policy"] == "no-referrer"


@needs_second_loopback
def test_when_all_connections_are_taken_an_idle_one_of_the_heaviest_address_yields(serve):
    server = serve(max_connections=8, max_connections_per_address=32, idle_connection_s=60.0, header_timeout_s=60.0)
    guard = server.guard
    with contextlib.ExitStack() as stack:
        held = [stack.enter_context(connect(server)) for _ in range(8)]
        wait_for(lambda: guard.open_from(ATTACKER) == 8, "the attacker holds every connection")
        assert health(server) == 200  # another address still gets in: an idle attacker socket made room
        assert guard.evicted >= 1
        wait_for(lambda: guard.open_from(USER) == 0, "the other client's connection closed")
        held.append(stack.enter_context(connect(server)))  # the attacker takes the free place again
        wait_for(lambda: guard.open_from(ATTACKER) == 8, "the attacker holds every connection again")
        # and gets a clear 503 + Retry-After when nothing is left to take from a heavier address
        extra = stack.enter_context(connect(server))
        status, headers, _ = parse(read_all(extra))
        assert status == 503 and int(headers["retry-after"]) > 0


@needs_second_loopback
def test_a_trusted_proxy_has_no_per_address_bound(serve):
    server = serve(max_connections_per_address=2, trusted_proxies=(USER,), idle_connection_s=60.0, header_timeout_s=60.0)
    guard = server.guard
    with contextlib.ExitStack() as stack:
        for _ in range(4):
            stack.enter_context(connect(server, USER))
        wait_for(lambda: guard.open_from(USER) == 4, "the proxy's four connections open")
        assert guard.refused["per_address"] == 0
        assert health(server) == 200
