"""Network safety of `ohlora serve`: loopback by default, remote only with --allow-remote + token,
the token enforced on every request, the per-home secret kept private."""

from __future__ import annotations

import os
import socket
import stat

import pytest

from ohlora import messages
from ohlora.errors import ConfigError
from ohlora.web.safety import check_bind, check_token, is_loopback, same_secret, token_digest

TOKEN = "correct-horse-battery-staple"


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LOCALHOST"])
def test_loopback_needs_nothing(host):
    assert is_loopback(host)
    assert check_bind(host, 8000, allow_remote=False, token=None) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.0.10", "10.1.2.3", "example.com", "my-laptop"])
def test_any_other_address_is_refused_without_allow_remote(host):
    assert not is_loopback(host)
    with pytest.raises(ConfigError) as err:
        check_bind(host, 8000, allow_remote=False, token=TOKEN)
    assert str(err.value) == messages.SERVE_REMOTE_REFUSED.format(host=host)


def test_allow_remote_still_needs_a_good_token():
    with pytest.raises(ConfigError, match="토큰"):
        check_bind("0.0.0.0", 8000, allow_remote=True, token=None)
    with pytest.raises(ConfigError, match="16"):
        check_bind("0.0.0.0", 8000, allow_remote=True, token="short")
    with pytest.raises(ConfigError):
        check_token("with spaces in it, long enough")
    assert check_bind("0.0.0.0", 8000, allow_remote=True, token=f"  {TOKEN} ") == TOKEN


def test_bad_port_is_refused():
    with pytest.raises(ConfigError):
        check_bind("127.0.0.1", 70000, allow_remote=False, token=None)


def test_token_comparison_helpers():
    assert same_secret(TOKEN, TOKEN) and not same_secret(TOKEN + "x", TOKEN) and not same_secret(None, TOKEN)
    assert token_digest(TOKEN) != TOKEN and len(token_digest(TOKEN)) == 64


# --- the serve command refuses before anything starts -------------------------------------------------------
typer = pytest.importorskip("typer")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("0.0.0.0", 0))
        return probe.getsockname()[1]


@pytest.fixture
def serve_cli(home, monkeypatch):
    """`serve` registered the way the lead does (`app.command()(serve)`), with uvicorn never really run."""
    from dataclasses import dataclass

    from typer.testing import CliRunner

    from ohlora.config import load_settings
    from ohlora.web.commands import serve

    started: list[object] = []
    try:
        import uvicorn

        monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: started.append(self.config))
    except ImportError:
        pass

    @dataclass
    class Obj:
        settings: object

    app = typer.Typer()

    @app.callback()
    def main(ctx: typer.Context) -> None:
        ctx.obj = Obj(load_settings(home, env={}))

    app.command()(serve)

    def invoke(*args: str, env: dict | None = None):
        return CliRunner().invoke(app, ["serve", *args], env=env or {})

    return invoke, started


def test_serve_refuses_a_public_address_without_allow_remote(serve_cli):
    invoke, started = serve_cli
    result = invoke("--host", "0.0.0.0")
    assert isinstance(result.exception, ConfigError) and "--allow-remote" in str(result.exception)
    result = invoke("--host", "0.0.0.0", "--allow-remote")
    assert isinstance(result.exception, ConfigError) and "토큰" in str(result.exception)
    assert started == []


def test_serve_starts_on_loopback_and_remote_with_a_token(serve_cli):
    pytest.importorskip("fastapi")
    pytest.importorskip("uvicorn")
    invoke, started = serve_cli
    port = _free_port()  # serve binds its port itself before it starts uvicorn
    result = invoke("--port", str(port))
    assert result.exit_code == 0, result.output
    assert f"http://127.0.0.1:{port}/" in result.output
    assert started[-1].host == "127.0.0.1" and started[-1].port == port
    result = invoke("--host", "0.0.0.0", "--port", str(_free_port()), "--allow-remote", env={"OHLORA_WEB_TOKEN": TOKEN})
    assert result.exit_code == 0, result.output
    from fastapi import FastAPI

    assert started[-1].host == "0.0.0.0" and isinstance(started[-1].app, FastAPI)


# --- the token on every request ----------------------------------------------------------------------------
@pytest.fixture
def token_client(home, clock):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from conftest import make_services
    from ohlora.web.app import create_app
    from ohlora.web.options import WebOptions

    services = make_services(home, clock)
    app = create_app(services.settings, services=services, options=WebOptions(token=TOKEN))
    with TestClient(app, follow_redirects=False) as client:
        yield client
    services.close()


def test_every_user_endpoint_needs_the_token(token_client):
    client = token_client
    for method, path in [("GET", "/"), ("GET", "/api/state"), ("GET", "/api/memory"), ("GET", "/api/history"),
                         ("GET", "/api/faces"), ("GET", "/api/face/frame.jpg"), ("GET", "/api/face/stream?frames=1")]:
        response = client.request(method, path)
        assert response.status_code == 401, path
    assert client.post("/api/chat", json={"text": "안녕"}).status_code == 401
    assert client.get("/api/health").status_code == 200  # liveness only, no user data
    assert client.get("/?token=wrong-token-of-enough-length").status_code == 401


def test_bearer_header_or_the_token_link_grants_access(token_client):
    client = token_client
    assert client.get("/api/state", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    client.cookies.clear()
    link = client.get(f"/?token={TOKEN}")
    assert link.status_code == 303 and link.headers["location"] == "/"
    assert TOKEN not in link.headers["set-cookie"]  # the cookie holds a signed digest, not the token
    assert client.get("/").status_code == 200
    assert client.get("/api/state").status_code == 200


# --- the secret ------------------------------------------------------------------------------------------------
def test_secret_file_is_created_private_and_kept(tmp_path):
    pytest.importorskip("itsdangerous")
    from ohlora.web.identity import SECRET_FILE, load_secret

    home = tmp_path / "home"
    first = load_secret(home)
    path = home / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_secret(home) == first and len(first) >= 32
    os.chmod(path, 0o644)
    assert load_secret(home) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # loosened permissions are tightened again


# --- issue 12: a token that is hard to guess, from a place `ps` does not show ----------------------------------
def _urlsafe_like(seed: int) -> str:
    """What `secrets.token_urlsafe(16)` looks like, from a seeded generator (the same on every run)."""
    import base64
    import random

    return base64.urlsafe_b64encode(random.Random(seed).randbytes(16)).rstrip(b"=").decode("ascii")


@pytest.mark.parametrize("weak", ["a" * 16, "ab" * 8, "1234567890123456", "abcdefghijklmnop", "9876543210987654",
                                  "aaaaaaaabbbbbbbb", "Passw0rd!Passw0rd!", "abcabcabcabcabcabc"])
def test_guessable_tokens_are_refused_with_a_recipe(weak):
    from ohlora.web.access import TOKEN_RECIPE, estimated_bits

    assert estimated_bits(weak) < 64
    with pytest.raises(ConfigError) as err:
        check_bind("0.0.0.0", 8000, allow_remote=True, token=weak)
    assert str(err.value) == messages.SERVE_TOKEN_WEAK.format(recipe=TOKEN_RECIPE)
    assert "secrets.token_urlsafe(24)" in str(err.value)


def test_random_tokens_are_accepted():
    import secrets

    from ohlora.web.access import estimated_bits

    for seed in range(2000):  # the estimate of such tokens stays far above 64 (never below 80 in 200,000 tries)
        token = _urlsafe_like(seed)
        assert len(token) == 22 and check_token(token) == token
    assert min(estimated_bits(_urlsafe_like(seed)) for seed in range(2000)) > 75
    fresh = secrets.token_urlsafe(16)
    assert check_token(fresh) == fresh
    assert check_token(secrets.token_urlsafe(24)) is not None


def test_token_file_first_line_and_clear_errors(tmp_path):
    from ohlora.web.access import pick_token, read_token_file

    path = tmp_path / "token"
    path.write_text(f"  {TOKEN}  \nsecond line is ignored\n", encoding="utf-8")
    assert read_token_file(path) == TOKEN
    assert pick_token(from_env=None, from_file=path, from_argv=None) == TOKEN
    assert pick_token(from_env=TOKEN, from_file=None, from_argv=None) == TOKEN
    assert pick_token(from_env=None, from_file=None, from_argv=None) is None
    with pytest.raises(ConfigError) as err:
        read_token_file(tmp_path / "missing")
    assert str(tmp_path / "missing") in str(err.value) and "토큰 파일" in str(err.value)
    (tmp_path / "empty").write_text("\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="첫 줄"):
        read_token_file(tmp_path / "empty")
    (tmp_path / "binary").write_bytes(b"\xff\xfe\x00 not text")
    with pytest.raises(ConfigError):
        read_token_file(tmp_path / "binary")
    with pytest.raises(ConfigError) as err:
        pick_token(from_env=TOKEN, from_file=path, from_argv=None)
    assert "OHLORA_WEB_TOKEN" in str(err.value) and "--token-file" in str(err.value)


@pytest.fixture
def captured_options(monkeypatch):
    """The WebOptions `serve` builds its app with (the app itself is never started)."""
    pytest.importorskip("fastapi")
    pytest.importorskip("uvicorn")
    import ohlora.web.app

    seen: list[object] = []
    real = ohlora.web.app.create_app

    def spy(settings, **kwargs):
        seen.append(kwargs.get("options"))
        return real(settings, **kwargs)

    monkeypatch.setattr(ohlora.web.app, "create_app", spy)
    return seen


def test_serve_takes_the_token_from_env_or_file_and_warns_about_argv(serve_cli, captured_options, tmp_path):
    invoke, started = serve_cli
    remote = ("--host", "0.0.0.0", "--allow-remote")
    result = invoke(*remote, "--port", str(_free_port()), env={"OHLORA_WEB_TOKEN": TOKEN})
    assert result.exit_code == 0, result.output
    assert captured_options[-1].token == TOKEN and messages.SERVE_TOKEN_IN_ARGV not in result.output

    path = tmp_path / "token"
    path.write_text(TOKEN + "\n", encoding="utf-8")
    path.chmod(0o600)
    result = invoke(*remote, "--port", str(_free_port()), "--token-file", str(path))
    assert result.exit_code == 0, result.output
    assert captured_options[-1].token == TOKEN and messages.SERVE_TOKEN_IN_ARGV not in result.output

    result = invoke(*remote, "--port", str(_free_port()), "--token", TOKEN)  # still works, but `ps` shows it
    assert result.exit_code == 0, result.output
    assert captured_options[-1].token == TOKEN
    assert messages.SERVE_TOKEN_IN_ARGV.split(":")[0] in result.output
    count = len(started)

    result = invoke(*remote, "--token-file", str(tmp_path / "missing"))
    assert isinstance(result.exception, ConfigError) and "missing" in str(result.exception)
    result = invoke(*remote, "--token-file", str(path), env={"OHLORA_WEB_TOKEN": TOKEN})
    assert isinstance(result.exception, ConfigError) and "--token-file" in str(result.exception)
    result = invoke(*remote, env={"OHLORA_WEB_TOKEN": "a" * 16})
    assert isinstance(result.exception, ConfigError) and "token_urlsafe" in str(result.exception)
    result = invoke(*remote, "--trusted-proxy", "my-proxy.example", env={"OHLORA_WEB_TOKEN": TOKEN})
    assert isinstance(result.exception, ConfigError) and "--trusted-proxy" in str(result.exception)
    assert len(started) == count  # nothing started after a refusal

    result = invoke(*remote, "--port", str(_free_port()), "--secure-cookies", "--trusted-proxy", "10.0.0.0/8",
                    env={"OHLORA_WEB_TOKEN": TOKEN})
    assert result.exit_code == 0, result.output
    assert captured_options[-1].secure_cookies and captured_options[-1].trusted_proxies == ("10.0.0.0/8",)


# --- issue 12: wrong tokens back off, per address ------------------------------------------------------------
def test_token_guard_backs_off_exponentially_per_address_and_stays_bounded():
    from datetime import datetime

    from ohlora.clock import ManualClock
    from ohlora.web.access import TokenGuard, address_key

    clock = ManualClock(datetime(2025, 6, 25, 14, 0, 0))
    guard = TokenGuard(clock.monotonic, free=5, base_s=1.0, max_s=60.0, forget_s=600.0, max_keys=3)
    for _ in range(4):
        guard.failed("1.2.3.4")
        assert guard.wait("1.2.3.4") == 0.0
    waits = []
    for _ in range(9):
        guard.failed("1.2.3.4")
        waits.append(guard.wait("1.2.3.4"))
        clock.advance(waits[-1])
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0, 60.0]
    guard.failed("1.2.3.4")
    assert guard.wait("5.6.7.8") == 0.0  # another address is not held back
    clock.advance(600.0)
    assert guard.wait("1.2.3.4") == 0.0  # forgotten after a quiet while
    for _ in range(6):
        guard.failed("2001:db8::1")
    assert guard.wait("2001:db8::ffff") > 0  # one IPv6 /64 is one client
    assert address_key("::ffff:1.2.3.4") == "1.2.3.4"
    guard.succeeded("2001:db8::2")
    assert guard.wait("2001:db8::1") == 0.0
    for n in range(50):
        guard.failed(f"10.0.0.{n}")
    assert len(guard) <= 3


def _token_app(home, clock, **options):
    from conftest import make_services
    from ohlora.web.app import create_app
    from ohlora.web.options import WebOptions

    services = make_services(home, clock)
    return services, create_app(services.settings, services=services, options=WebOptions(token=TOKEN, **options))


def test_wrong_token_guesses_are_limited(home, clock):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    services, app = _token_app(home, clock)
    try:
        with TestClient(app, follow_redirects=False) as client:
            codes = [client.get(f"/?token=guess-{n:04d}-of-enough-length").status_code for n in range(600)]
            assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}  # was: 600 tries, all looked at
            refused = client.get(f"/?token={TOKEN}")  # while backing off even the right token is not looked at
            assert refused.status_code == 429 and int(refused.headers["retry-after"]) == 1
            bearer = client.get("/api/state", headers={"Authorization": f"Bearer {TOKEN}"})
            assert bearer.status_code == 429 and bearer.json()["error"]["code"] == "token_backoff"

            other = TestClient(app, follow_redirects=False, client=("192.0.2.7", 40000))  # same app, another address
            assert other.get(f"/?token={TOKEN}").status_code == 303

            clock.advance(1.0)
            assert client.get("/api/state", headers={"X-Ohlora-Token": "still-wrong-of-enough-length"}).status_code == 401
            again = client.get(f"/?token={TOKEN}")
            assert again.status_code == 429 and int(again.headers["retry-after"]) == 2  # doubled
            clock.advance(2.0)
            assert client.get(f"/?token={TOKEN}").status_code == 303  # the right token clears the record
            assert client.get("/").status_code == 200
            assert [client.get(f"/?token=guess-{n}-of-enough-length").status_code for n in range(5)] == [401] * 5
            assert client.get("/?token=one-more-of-enough-length").status_code == 429
            assert client.get("/api/state").status_code == 200  # a valid access cookie is never held back
    finally:
        services.close()


# --- issue 12: access cookies of one's own, that expire, Secure behind TLS -------------------------------------
def _access_cookie(response) -> str | None:
    from ohlora.web.deps import ACCESS_COOKIE

    for header in response.headers.get_list("set-cookie"):
        if header.startswith(ACCESS_COOKIE + "="):
            return header
    return None


def test_access_cookies_are_per_client_and_expire(home, clock):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from ohlora.web.deps import ACCESS_COOKIE

    services, app = _token_app(home, clock)
    day = 24 * 3600.0
    try:
        with TestClient(app, follow_redirects=False) as first:
            second = TestClient(app, follow_redirects=False, client=("192.0.2.8", 40000))
            one, two = first.get(f"/?token={TOKEN}"), second.get(f"/?token={TOKEN}")
            header = _access_cookie(one)
            assert header is not None and "Max-Age=2592000" in header and "HttpOnly" in header
            assert "Secure" not in header  # plain http, no --secure-cookies
            assert one.cookies[ACCESS_COOKIE] != two.cookies[ACCESS_COOKIE]  # was: one value for every client
            assert TOKEN not in header
            original = first.cookies[ACCESS_COOKIE]

            clock.advance(0.5 * day)
            fresh = first.get("/api/state")
            assert fresh.status_code == 200 and _access_cookie(fresh) is None  # young: not re-issued
            clock.advance(19.5 * day)
            renewed = first.get("/api/state")
            assert renewed.status_code == 200 and _access_cookie(renewed) is not None  # sliding: a day old, re-issued
            clock.advance(20 * day)  # 40 days after the token link
            assert first.get("/api/state").status_code == 200  # the renewed cookie is 20 days old
            assert second.get("/api/state").status_code == 401  # the unused one expired after 30 days
            first.cookies.clear()
            first.cookies.set(ACCESS_COOKIE, original)
            assert first.get("/api/state").status_code == 401  # and an old copy cannot be replayed
    finally:
        services.close()


def test_access_cookie_of_another_token_or_old_format_is_refused(tmp_path):
    pytest.importorskip("itsdangerous")
    from itsdangerous import URLSafeSerializer

    from ohlora.web.identity import Identities, load_secret

    ids = Identities(load_secret(tmp_path / "home"))
    now = 1_750_000_000.0
    cookie = ids.sign_access(token_digest(TOKEN), now)
    assert ids.check_access(cookie, digest=token_digest(TOKEN), now=now, max_age=60) is not None
    assert ids.check_access(cookie, digest=token_digest(TOKEN + "-new"), now=now, max_age=60) is None
    assert ids.check_access(cookie, digest=token_digest(TOKEN), now=now + 61, max_age=60) is None
    shared = URLSafeSerializer(ids.secret, salt="ohlora-access").dumps(token_digest(TOKEN))  # the old, shared cookie
    assert ids.check_access(shared, digest=token_digest(TOKEN), now=now, max_age=60) is None


@pytest.mark.parametrize(("options", "base_url", "headers", "peer", "secure"), [
    ({}, "http://testserver", {}, "testclient", False),
    ({"secure_cookies": True}, "http://testserver", {}, "testclient", True),
    ({}, "https://testserver", {}, "testclient", True),
    ({"trusted_proxies": ("10.0.0.0/8",)}, "http://testserver", {"X-Forwarded-Proto": "https"}, "10.1.2.3", True),
    ({}, "http://testserver", {"X-Forwarded-Proto": "https"}, "10.1.2.3", False),  # an untrusted peer is not believed
    ({"trusted_proxies": ("10.0.0.0/8",)}, "http://testserver", {"X-Forwarded-Proto": "http"}, "10.1.2.3", False),
])
def test_secure_cookie_flag(home, clock, options, base_url, headers, peer, secure):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from ohlora.web.deps import USER_COOKIE

    services, app = _token_app(home, clock, **options)
    try:
        with TestClient(app, base_url=base_url, follow_redirects=False, client=(peer, 40000)) as client:
            link = client.get(f"/?token={TOKEN}", headers=headers)
            assert link.status_code == 303
            assert ("Secure" in _access_cookie(link)) is secure
            page = client.get("/", headers={**headers, "Authorization": f"Bearer {TOKEN}"})  # a client keeps
            # a Secure cookie to itself over plain http (here only the proxy saw https)
            user = next(h for h in page.headers.get_list("set-cookie") if h.startswith(USER_COOKIE + "="))
            assert ("Secure" in user) is secure
    finally:
        services.close()


def test_a_trusted_proxy_names_the_client_for_the_back_off(home, clock):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from ohlora.web.access import client_address

    proxies = ("10.0.0.0/8",)
    assert client_address("10.0.0.1", {"x-forwarded-for": "203.0.113.9, 10.0.0.2"}, proxies) == "203.0.113.9"
    assert client_address("10.0.0.1", {"x-forwarded-for": "6.6.6.6, 203.0.113.9"}, proxies) == "203.0.113.9"
    assert client_address("192.0.2.1", {"x-forwarded-for": "203.0.113.9"}, proxies) == "192.0.2.1"  # not a proxy
    services, app = _token_app(home, clock, trusted_proxies=proxies)
    try:
        with TestClient(app, follow_redirects=False, client=("10.0.0.1", 40000)) as proxy:
            attacker, friend = {"X-Forwarded-For": "203.0.113.9"}, {"X-Forwarded-For": "198.51.100.4"}
            codes = [proxy.get(f"/?token=guess-{n}-of-enough-length", headers=attacker).status_code for n in range(7)]
            assert codes == [401] * 5 + [429] * 2
            assert proxy.get(f"/?token={TOKEN}", headers=friend).status_code == 303  # others behind the proxy are fine
    finally:
        services.close()


# --- issue 12: identity cookies expire, with a sliding renewal ------------------------------------------------
def test_identity_cookies_carry_a_time_and_slide(home, clock, tmp_path):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient
    from itsdangerous import URLSafeSerializer

    from conftest import make_services
    from ohlora.web.app import create_app
    from ohlora.web.deps import USER_COOKIE
    from ohlora.web.identity import Identities, load_secret

    def user_header(response) -> str | None:
        return next((h for h in response.headers.get_list("set-cookie") if h.startswith(USER_COOKIE + "=")), None)

    services = make_services(home, clock)
    day = 24 * 3600.0
    ids = Identities(load_secret(home))
    try:
        with TestClient(create_app(services.settings, services=services)) as client:
            first = client.get("/")
            assert "Max-Age=15552000" in user_header(first)  # 180 days
            user = ids.read_user(client.cookies[USER_COOKIE])
            original = client.cookies[USER_COOKIE]
            clock.advance(0.5 * day)
            assert user_header(client.get("/api/state")) is None  # young: left alone
            clock.advance(1.0 * day)
            renewed = client.get("/api/state")
            assert user_header(renewed) is not None and ids.read_user(client.cookies[USER_COOKIE]) == user
            clock.advance(179.0 * day)  # 180.5 days after the first visit, 179 after the renewal
            kept = client.get("/api/state")
            assert kept.status_code == 200 and ids.read_user(client.cookies[USER_COOKIE]) == user  # still them

            client.cookies.clear()
            client.cookies.set(USER_COOKIE, original)  # was: a cookie could be replayed forever
            replayed = client.get("/api/state")
            assert ids.read_user(replayed.cookies[USER_COOKIE]) not in (None, user)

            untimed = URLSafeSerializer(ids.secret, salt="ohlora-user").dumps(user)  # a cookie from before times
            client.cookies.clear()
            client.cookies.set(USER_COOKIE, untimed)
            upgraded = client.get("/api/state")
            assert ids.read_user(upgraded.cookies[USER_COOKIE]) == user  # nobody loses their memories
            stamp = ids.user_stamp(upgraded.cookies[USER_COOKIE])
            assert stamp is not None and stamp.issued == int(clock.now().timestamp())
    finally:
        services.close()
