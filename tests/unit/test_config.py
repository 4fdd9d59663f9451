"""Settings: defaults, then threadbot.toml, then THREADBOT_* environment variables.

Secrets come only from the environment; any mistake in the file or the environment is a
ConfigError (exit code 2) naming the key, and `describe` never prints a secret.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings, describe, load_settings
from bot.errors import ConfigError

FILE = """\
db = "court.db"
public_url = "https://archive.example.org"

[bluesky]
service = "https://appview.example.org"
handle = "courtbot.example.org"
watch = ["reporter-a.test", "reporter-b.test"]
timeout = 5

[fetch]
allow_private_addresses = true
max_bytes = 1000
proxy = "http://proxy.example.org:3128"
"""


@pytest.fixture(autouse=True)
def in_empty_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stray ./threadbot.toml where the tests run must not change what they read."""
    monkeypatch.chdir(tmp_path)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_need_no_file_and_no_environment() -> None:
    settings = load_settings(environ={})

    assert settings == Settings()
    assert settings.db == "archive.db"
    assert settings.bluesky.service == "https://public.api.bsky.app"
    assert settings.bluesky.watch == ()
    assert settings.fetch.allow_private_addresses is False
    assert settings.fetch.max_bytes == 50 * 1024 * 1024


def test_a_file_sets_top_level_keys_and_sections(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path / "bot.toml", FILE), environ={})

    assert settings.db == "court.db"
    assert settings.public_url == "https://archive.example.org"
    assert settings.bluesky.service == "https://appview.example.org"
    assert settings.bluesky.handle == "courtbot.example.org"
    assert settings.bluesky.watch == ("reporter-a.test", "reporter-b.test")
    assert settings.bluesky.timeout == 5.0
    assert settings.fetch.allow_private_addresses is True
    assert settings.fetch.max_bytes == 1000
    assert settings.fetch.proxy == "http://proxy.example.org:3128"
    # keys the file does not mention keep their defaults
    assert settings.bluesky.pds == "https://bsky.social"
    assert settings.fetch.timeout == 30.0


def test_the_environment_beats_the_file(tmp_path: Path) -> None:
    env = {
        "THREADBOT_DB": "/data/env.db",
        "THREADBOT_BLUESKY_SERVICE": "http://localhost:2584",
        "THREADBOT_FETCH_ALLOW_PRIVATE_ADDRESSES": "false",
        "THREADBOT_BLUESKY_WATCH": "a.test, b.test",
        "THREADBOT_FETCH_MAX_BYTES": "2048",
    }

    settings = load_settings(write(tmp_path / "bot.toml", FILE), environ=env)

    assert settings.db == "/data/env.db"
    assert settings.bluesky.service == "http://localhost:2584"
    assert settings.fetch.allow_private_addresses is False
    assert settings.bluesky.watch == ("a.test", "b.test")
    assert settings.fetch.max_bytes == 2048
    # what the environment does not name still comes from the file
    assert settings.bluesky.handle == "courtbot.example.org"


def test_the_environment_alone_sets_values_of_every_type() -> None:
    env = {
        "THREADBOT_FETCH_ALLOW_PRIVATE_ADDRESSES": "true",
        "THREADBOT_BLUESKY_WATCH": "a.test, b.test",
        "THREADBOT_FETCH_MAX_BYTES": "4096",
        "THREADBOT_BLUESKY_TIMEOUT": "2.5",
        "THREADBOT_X_API_BASE": "http://localhost:9000",
    }

    settings = load_settings(environ=env)

    assert settings.fetch.allow_private_addresses is True
    assert settings.bluesky.watch == ("a.test", "b.test")
    assert settings.fetch.max_bytes == 4096
    assert settings.bluesky.timeout == 2.5
    assert settings.x.api_base == "http://localhost:9000"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True),
        ("TRUE", True),
        ("1", True),
        ("yes", True),
        ("on", True),
        ("false", False),
        ("0", False),
        ("no", False),
        ("off", False),
        ("", False),
    ],
)
def test_booleans_from_the_environment(value: str, expected: bool) -> None:
    env = {"THREADBOT_FETCH_ALLOW_PRIVATE_ADDRESSES": value}

    assert load_settings(environ=env).fetch.allow_private_addresses is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a.test", ("a.test",)),
        ("a.test,b.test", ("a.test", "b.test")),
        (" a.test , , b.test ,", ("a.test", "b.test")),
        ("", ()),
    ],
)
def test_lists_from_the_environment_are_comma_separated(
    value: str, expected: tuple[str, ...]
) -> None:
    assert load_settings(environ={"THREADBOT_BLUESKY_WATCH": value}).bluesky.watch == expected


def test_threadbot_config_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "elsewhere.toml", 'db = "from-env-file.db"\n')

    assert load_settings(environ={"THREADBOT_CONFIG": str(path)}).db == "from-env-file.db"


def test_threadbot_toml_in_the_current_directory_is_read(tmp_path: Path) -> None:
    write(tmp_path / "threadbot.toml", 'db = "local.db"\n')

    assert load_settings(environ={}).db == "local.db"


def test_an_explicit_path_beats_threadbot_config(tmp_path: Path) -> None:
    chosen = write(tmp_path / "chosen.toml", 'db = "chosen.db"\n')
    other = write(tmp_path / "other.toml", 'db = "other.db"\n')

    assert load_settings(chosen, environ={"THREADBOT_CONFIG": str(other)}).db == "chosen.db"


@pytest.mark.parametrize(
    ("section", "key", "env_name"),
    [
        ("bluesky", "password", "THREADBOT_BLUESKY_PASSWORD"),
        ("x", "bearer_token", "THREADBOT_X_BEARER_TOKEN"),
        ("courtlistener", "token", "THREADBOT_COURTLISTENER_TOKEN"),
    ],
)
def test_a_secret_in_the_file_is_refused_and_the_env_var_named(
    tmp_path: Path, section: str, key: str, env_name: str
) -> None:
    path = write(tmp_path / "bot.toml", f'[{section}]\n{key} = "hunter2-secret"\n')

    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})

    message = str(caught.value)
    assert f"{section}.{key} is a secret" in message
    assert env_name in message
    assert "hunter2-secret" not in message
    assert caught.value.exit_code == 2


def test_secrets_come_from_the_environment() -> None:
    env = {
        "THREADBOT_BLUESKY_PASSWORD": "app-pass-1234",
        "THREADBOT_COURTLISTENER_TOKEN": "cl-token",
    }

    settings = load_settings(environ=env)

    assert settings.bluesky.password == "app-pass-1234"
    assert settings.courtlistener.token == "cl-token"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour = 'blue'\n", "unknown configuration key: colour"),
        ("[bluesky]\nservise = 'https://x.test'\n", "unknown configuration key: bluesky.servise"),
        ("[mastodon]\nserver = 'https://x.test'\n", "unknown configuration key: mastodon"),
        ("bluesky = 'https://x.test'\n", "[bluesky] must be a table"),
        ("[fetch]\nmax_bytes = 'lots'\n", "fetch.max_bytes has an invalid value: 'lots'"),
        ("[fetch]\nallow_private_addresses = 'maybe'\n", "fetch.allow_private_addresses"),
        ("[fetch]\nmax_bytes = true\n", "fetch.max_bytes has an invalid value"),
        ("[bluesky]\ntimeout = 'soon'\n", "bluesky.timeout has an invalid value"),
        ("db = 5\n", "db has an invalid value: 5"),
        ("[bluesky]\nwatch = 5\n", "bluesky.watch has an invalid value"),
    ],
    ids=[
        "unknown-top-level-key",
        "unknown-section-key",
        "unknown-section",
        "section-not-a-table",
        "bad-int",
        "bad-bool",
        "bool-for-int",
        "bad-float",
        "int-for-string",
        "int-for-list",
    ],
)
def test_mistakes_in_the_file_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / "bot.toml", text)

    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})

    assert message in str(caught.value)
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"THREADBOT_FETCH_MAX_BYTES": "50MB"}, "THREADBOT_FETCH_MAX_BYTES has an invalid value"),
        (
            {"THREADBOT_FETCH_ALLOW_PRIVATE_ADDRESSES": "maybe"},
            "THREADBOT_FETCH_ALLOW_PRIVATE_ADDRESSES has an invalid value: 'maybe'",
        ),
        ({"THREADBOT_BLUESKY_TIMEOUT": "soon"}, "THREADBOT_BLUESKY_TIMEOUT has an invalid value"),
    ],
)
def test_mistakes_in_the_environment_are_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(environ=env)


def test_invalid_toml_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "broken.toml", "[bluesky\nservice = \n")

    with pytest.raises(ConfigError, match=r"broken\.toml is not valid TOML"):
        load_settings(path, environ={})


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_settings(tmp_path / "nope.toml", environ={})


def test_threadbot_config_naming_a_missing_file_is_refused(tmp_path: Path) -> None:
    env = {"THREADBOT_CONFIG": str(tmp_path / "nope.toml")}

    with pytest.raises(ConfigError, match="THREADBOT_CONFIG names a file that does not exist"):
        load_settings(environ=env)


def test_describe_lists_every_key_with_its_value(tmp_path: Path) -> None:
    rows = dict(describe(load_settings(write(tmp_path / "bot.toml", FILE), environ={})))

    assert rows["db"] == '"court.db"'
    assert rows["bluesky.watch"] == '["reporter-a.test", "reporter-b.test"]'
    assert rows["fetch.allow_private_addresses"] == "true"
    assert rows["fetch.max_bytes"] == "1000"
    assert rows["bluesky.timeout"] == "5.0"
    assert set(rows) >= {"public_url", "bluesky.service", "x.api_base", "courtlistener.token"}


def test_describe_masks_secrets_and_never_shows_them() -> None:
    env = {
        "THREADBOT_BLUESKY_PASSWORD": "app-pass-1234",
        "THREADBOT_X_BEARER_TOKEN": "bearer-5678",
    }

    rows = describe(load_settings(environ=env))

    shown = dict(rows)
    assert shown["bluesky.password"] == '"********"'
    assert shown["x.bearer_token"] == '"********"'
    assert shown["courtlistener.token"] == '""  # not set'
    everything = repr(rows)
    assert "app-pass-1234" not in everything
    assert "bearer-5678" not in everything
