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

    from conftest import make_engine
    from ohlora.web.app import create_app
    from ohlora.web.options import WebOptions

    engine = make_engine(home, clock)
    app = create_app(engine.settings, engine=engine, options=WebOptions(token=TOKEN))
    with TestClient(app, follow_redirects=False) as client:
        yield client
    engine.close()


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
