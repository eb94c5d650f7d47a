"""The server's limits as an operator changes them: `ohlora serve --limit NAME=VALUE`, `--show-limits`."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ohlora.cli import app
from ohlora.errors import ConfigError
from ohlora.web.options import RateRule, WebOptions, describe_limits, limit_names, with_limits


def test_numbers_and_rates_change_and_nothing_else():
    options = with_limits(WebOptions(), ["max_connections_per_address=64", "turn_rate=8/0.5", " header_timeout_s = 2.5"])
    assert options.max_connections_per_address == 64
    assert options.turn_rate == RateRule(burst=8.0, per_second=0.5)
    assert options.header_timeout_s == 2.5
    assert options.max_sessions == WebOptions().max_sessions
    assert with_limits(WebOptions(), []) == WebOptions()


def test_only_numeric_fields_are_limits():
    names = limit_names()
    assert "max_streams_per_user" in names and "turn_rate" in names and "idle_connection_s" in names
    assert not {"token", "allowed_hosts", "secure_cookies", "trusted_proxies"} & set(names)


@pytest.mark.parametrize("pair, hint", [
    ("max_sessions", "NAME=VALUE"),
    ("=3", "NAME=VALUE"),
    ("token=abc", "max_sessions"),  # not a limit: the message lists the names
    ("no_such=1", "max_sessions"),
    ("max_sessions=many", "max_sessions"),
    ("max_sessions=2.5", "max_sessions"),  # a count must be whole
    ("max_sessions=-1", "max_sessions"),
    ("turn_rate=8", "BURST/PER_SECOND"),
    ("turn_rate=0/1", "BURST/PER_SECOND"),
])
def test_bad_limits_are_refused_with_what_to_write(pair, hint):
    with pytest.raises(ConfigError, match=hint):
        with_limits(WebOptions(), [pair])


def test_described_values_read_back_as_the_same_options():
    options = with_limits(WebOptions(), ["address_turn_rate=12/0.25", "evict_idle_s=90"])
    lines = describe_limits(options)
    assert len(lines) == len(limit_names())
    again = with_limits(WebOptions(), [line.replace(" = ", "=") for line in lines])
    for name in limit_names():  # rates are shown to 6 significant digits
        want, got = getattr(options, name), getattr(again, name)
        if isinstance(want, RateRule):
            assert got.burst == want.burst and got.per_second == pytest.approx(want.per_second, rel=1e-5)
        else:
            assert got == want, name


def test_serve_shows_the_limits_it_would_run_with(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["--home", str(tmp_path), "serve", "--limit", "max_streams_per_user=3",
                                 "--show-limits"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "max_streams_per_user = 3" in result.output.splitlines()
    result = runner.invoke(app, ["--home", str(tmp_path), "serve", "--limit", "bogus=1"], env={"COLUMNS": "80"})
    assert isinstance(result.exception, ConfigError) and "bogus" in str(result.exception)  # `ohlora` exits 2 on it
