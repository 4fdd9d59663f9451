"""Settings: defaults, then threadbot.toml, then THREADBOT_* environment variables.

Secrets come only from the environment; any mistake in the file or the environment is a
ConfigError (exit code 2) of one line naming the key, and neither `describe`, repr, str nor a
log line ever prints a secret. Hostile values (not UTF-8, NaN, a 100 KB handle, ftp:// URLs)
are refused the same way.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.config import NUMBER_RANGES, Settings, describe, load_settings
from bot.errors import ConfigError
from bot.secret import Secret

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
    assert settings.fetch.timeout == 20.0


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

    # held as Secret, which shows itself masked: the value is there for whoever reveals it
    assert settings.bluesky.password.reveal() == "app-pass-1234"
    assert settings.courtlistener.token.reveal() == "cl-token"


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


def refused(tmp_path: Path, text: str | bytes, environ: dict[str, str] | None = None) -> str:
    """The one-line message a configuration file (and environment) is refused with."""
    path = tmp_path / "bot.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        write(path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ=environ or {})
    message = str(caught.value)
    assert caught.value.exit_code == 2
    assert "\n" not in message and len(message) < 300, message
    return message


# --- files that are not TOML text ---------------------------------------------------------


def test_a_file_that_is_not_utf8_is_refused_in_one_line(tmp_path: Path) -> None:
    message = refused(tmp_path, 'db = "caf\xe9.db"\n'.encode("latin-1"))

    assert "bot.toml is not UTF-8 text (byte 0xe9 at offset 9)" in message


def test_a_byte_order_mark_is_harmless(tmp_path: Path) -> None:
    path = tmp_path / "bot.toml"
    path.write_bytes(b'\xef\xbb\xbfdb = "bom.db"\n')

    assert load_settings(path, environ={}).db == "bom.db"


def test_binary_junk_is_refused(tmp_path: Path) -> None:
    assert "is not UTF-8 text" in refused(tmp_path, bytes(range(256)) * 4)


def test_values_nested_too_deeply_are_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, "db = " + "[" * 50_000 + "]" * 50_000 + "\n")

    assert "is not valid TOML" in message


def test_a_huge_file_is_refused_without_parsing_it(tmp_path: Path) -> None:
    message = refused(tmp_path, "# padding\n" * 200_000)

    assert "is over 1024 KB" in message


def test_an_unreadable_file_is_refused_in_one_line() -> None:
    # /proc/self/mem is a regular file whose first page cannot be read (EIO), even by root
    with pytest.raises(ConfigError, match=r"^cannot read /proc/self/mem: Input/output error$"):
        load_settings("/proc/self/mem", environ={})


# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[fetch]\ntimeout = nan\n", "fetch.timeout must be a number above 0 and at most 3600"),
        ("[fetch]\ntimeout = inf\n", "fetch.timeout must be a number above 0"),
        ("[fetch]\ntimeout = -inf\n", "fetch.timeout must be"),
        ("[fetch]\ntimeout = -1\n", "fetch.timeout must be a number above 0 and at most 3600"),
        ("[fetch]\ntimeout = 0\n", "fetch.timeout must be a number above 0"),
        ("[fetch]\nmax_bytes = -1\n", "fetch.max_bytes must be a whole number from 1 to"),
        ("[fetch]\nmax_bytes = 0\n", "fetch.max_bytes must be a whole number from 1"),
        ("[fetch]\nmax_bytes = 99999999999999999\n", "fetch.max_bytes must be"),
        ("[bluesky]\ntimeout = 1e9\n", "bluesky.timeout must be a number above 0 and at most 600"),
        ("[daemon]\npoll_interval = 0\n", "daemon.poll_interval must be a number from 0.1"),
        ("[daemon]\nmention_interval = -60\n", "daemon.mention_interval must be"),
        ("[daemon]\nresolve_interval = nan\n", "daemon.resolve_interval must be"),
        ("[daemon]\nrefresh_interval = 1e12\n", "daemon.refresh_interval must be"),
        ("[daemon]\nbackfill_days = -1\n", "daemon.backfill_days must be a number from 0"),
        ("[daemon]\nbackfill_posts = -5\n", "daemon.backfill_posts must be a whole number"),
        ("[daemon]\nrequests_per_hour = -1\n", "daemon.requests_per_hour must be"),
        ("[daemon]\ncourt_threshold = nan\n", "daemon.court_threshold must be"),
    ],
)
def test_numbers_outside_their_range_are_refused_saying_what_is_allowed(
    tmp_path: Path, text: str, message: str
) -> None:
    assert message in refused(tmp_path, text)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"THREADBOT_FETCH_TIMEOUT": "nan"}, "THREADBOT_FETCH_TIMEOUT must be a number above 0"),
        ({"THREADBOT_FETCH_TIMEOUT": "inf"}, "THREADBOT_FETCH_TIMEOUT must be"),
        ({"THREADBOT_FETCH_MAX_BYTES": "-1"}, "THREADBOT_FETCH_MAX_BYTES must be a whole number"),
        ({"THREADBOT_DAEMON_POLL_INTERVAL": "0"}, "THREADBOT_DAEMON_POLL_INTERVAL must be"),
        ({"THREADBOT_FETCH_MAX_BYTES": "9" * 5000}, "THREADBOT_FETCH_MAX_BYTES has an invalid"),
        ({"THREADBOT_BLUESKY_TIMEOUT": "1e400"}, "THREADBOT_BLUESKY_TIMEOUT must be"),
    ],
)
def test_numbers_from_the_environment_are_checked_the_same_way(
    env: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ=env)
    assert message in str(caught.value)
    assert len(str(caught.value)) < 300


def test_numbers_at_the_edges_of_their_range_are_accepted(tmp_path: Path) -> None:
    text = (
        "[fetch]\ntimeout = 3600\nmax_bytes = 1\n"
        "[daemon]\npoll_interval = 0.1\nbackfill_days = 0\nrequests_per_hour = 0\n"
    )
    settings = load_settings(write(tmp_path / "bot.toml", text), environ={})

    assert settings.fetch.timeout == 3600.0
    assert settings.fetch.max_bytes == 1
    assert settings.daemon.poll_interval == 0.1
    assert settings.daemon.requests_per_hour == 0


def test_every_numeric_key_has_a_range() -> None:
    numeric = {
        key
        for key, value in describe(Settings())
        if value.replace(".", "", 1).isdigit()  # describe shows numbers bare
    }

    assert numeric == set(NUMBER_RANGES)


# --- URLs ----------------------------------------------------------------------------------

URL_SETTINGS = [
    ("", "public_url", "THREADBOT_PUBLIC_URL"),
    ("bluesky", "service", "THREADBOT_BLUESKY_SERVICE"),
    ("bluesky", "pds", "THREADBOT_BLUESKY_PDS"),
    ("x", "api_base", "THREADBOT_X_API_BASE"),
    ("courtlistener", "api_base", "THREADBOT_COURTLISTENER_API_BASE"),
    ("courtlistener", "storage_base", "THREADBOT_COURTLISTENER_STORAGE_BASE"),
    ("courtlistener", "web_base", "THREADBOT_COURTLISTENER_WEB_BASE"),
    ("fetch", "proxy", "THREADBOT_FETCH_PROXY"),
]


@pytest.mark.parametrize(("section", "key", "env_name"), URL_SETTINGS)
@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("ftp://files.example.org/", "it must start with http:// or https://"),
        ("file:///etc/passwd", "it must start with http:// or https://"),
        ("javascript:alert(1)", "it must start with http:// or https://"),
        ("appview.example.org", "it must start with http:// or https://"),
        ("https://", "it names no host"),
        ("http:///path", "it names no host"),
        ("https://example.org:99999/", "it does not parse"),
        ("https://example.org:port/", "it does not parse"),
        ("https://exa mple.org/", "it contains a space"),
    ],
)
def test_url_settings_must_be_http_or_https_with_a_host(
    tmp_path: Path, section: str, key: str, env_name: str, value: str, problem: str
) -> None:
    dotted = f"{section}.{key}" if section else key
    text = f'[{section}]\n{key} = "{value}"\n' if section else f'{key} = "{value}"\n'

    message = refused(tmp_path, text)

    assert message.startswith(f"{dotted} must be an http(s) URL with a host; {problem}")
    with pytest.raises(ConfigError, match=f"^{env_name} must be an http"):
        load_settings(environ={env_name: value})


def test_credentials_in_a_service_url_are_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, '[bluesky]\nservice = "https://me:hunter2@appview.example.org"\n')

    assert "a user name or password does not belong in it" in message
    assert "hunter2" not in message


def test_a_proxy_may_carry_credentials_and_may_be_unset(tmp_path: Path) -> None:
    with_login = load_settings(environ={"THREADBOT_FETCH_PROXY": "http://me:pw@proxy.test:3128"})
    assert with_login.fetch.proxy == "http://me:pw@proxy.test:3128"
    assert load_settings(environ={"THREADBOT_FETCH_PROXY": ""}).fetch.proxy == ""
    message = refused(tmp_path, '[fetch]\nproxy = "socks5://me:hunter2@proxy.test:1080"\n')
    assert "hunter2" not in message


def test_a_service_url_cannot_be_emptied() -> None:
    with pytest.raises(ConfigError, match="THREADBOT_BLUESKY_SERVICE must be an http"):
        load_settings(environ={"THREADBOT_BLUESKY_SERVICE": ""})


# --- long values, control characters, account names -----------------------------------------


@pytest.mark.parametrize(
    "env",
    [
        {"THREADBOT_BLUESKY_HANDLE": "a" * 100_000 + ".bsky.social"},
        {"THREADBOT_BLUESKY_WATCH": "a" * 100_000 + ".bsky.social"},
        {"THREADBOT_DAEMON_DENYLIST": "did:plc:" + "a" * 100_000},
        {"THREADBOT_DB": "/data/" + "a" * 100_000},
        {"THREADBOT_BLUESKY_SERVICE": "https://example.org/" + "a" * 100_000},
        {"THREADBOT_BLUESKY_PASSWORD": "p" * 100_000},
        {"THREADBOT_X_WATCH": ",".join(["reporter"] * 20_000)},
    ],
    ids=["handle", "watch", "denylist-did", "db", "service", "password", "many-entries"],
)
def test_over_long_values_are_refused_with_a_short_message(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ=env)

    message = str(caught.value)
    assert message.startswith(next(iter(env)))
    assert len(message) < 300


def test_a_100_kb_handle_in_the_file_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, f'[bluesky]\nwatch = ["{"a" * 100_000}.test"]\n')

    assert message.startswith("bluesky.watch is 100005 characters long; at most 4096")


def test_control_characters_in_a_value_are_refused(tmp_path: Path) -> None:
    assert "db contains a control character" in refused(tmp_path, 'db = "arch\\u0000ive.db"\n')
    with pytest.raises(ConfigError, match="THREADBOT_DB contains a control character"):
        load_settings(environ={"THREADBOT_DB": "archive\udcff.db"})  # bytes that are not UTF-8


def test_accounts_are_normalised_handles_lowercased_dids_kept(tmp_path: Path) -> None:
    text = """\
[bluesky]
handle = "@CourtBot.Example.ORG"
watch = ["Reporter-A.bsky.social", "@reporter-b.test", "did:plc:AbCdEf123"]

[daemon]
denylist = ["Troll.Test", "did:web:Example.com"]
optout = ["@Private.Person.test"]

[x]
watch = ["@CourtWatcher", "Reporter_1", "1234567890123456789"]
"""
    settings = load_settings(write(tmp_path / "bot.toml", text), environ={})

    assert settings.bluesky.handle == "courtbot.example.org"
    assert settings.bluesky.watch == (
        "reporter-a.bsky.social",
        "reporter-b.test",
        "did:plc:AbCdEf123",
    )
    assert settings.daemon.denylist == ("troll.test", "did:web:Example.com")
    assert settings.daemon.optout == ("private.person.test",)
    assert settings.x.watch == ("courtwatcher", "reporter_1", "1234567890123456789")


def test_environment_lists_are_normalised_too() -> None:
    settings = load_settings(environ={"THREADBOT_DAEMON_DENYLIST": "Troll.Test, did:plc:XyZ"})

    assert settings.daemon.denylist == ("troll.test", "did:plc:XyZ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[bluesky]\nwatch = ["not a handle"]\n', "bluesky.watch: 'not a handle' is not a Bluesky"),
        ('[bluesky]\nwatch = ["localhost"]\n', "bluesky.watch: 'localhost' is not a Bluesky"),
        ('[bluesky]\nwatch = ["https://bsky.app/profile/a.test"]\n', "bluesky.watch: 'https:"),
        ('[bluesky]\nhandle = "-bad-.test"\n', "bluesky.handle: '-bad-.test' is not"),
        ('[daemon]\ndenylist = ["did:PLC:x"]\n', "daemon.denylist: 'did:PLC:x' is not"),
        ('[daemon]\noptout = ["a..test"]\n', "daemon.optout: 'a..test' is not"),
        ('[x]\nwatch = ["way_too_long_for_x_names"]\n', "x.watch: 'way_too_long_for_x_names'"),
        ('[x]\nwatch = ["reporter.bsky.social"]\n', "is not an X user name"),
    ],
)
def test_what_is_no_handle_or_did_is_refused(tmp_path: Path, text: str, message: str) -> None:
    assert message in refused(tmp_path, text)


def test_the_bot_may_have_no_handle() -> None:
    assert load_settings(environ={"THREADBOT_BLUESKY_HANDLE": ""}).bluesky.handle == ""


# --- secrets never show -------------------------------------------------------------------

SECRETS_ENV = {
    "THREADBOT_BLUESKY_PASSWORD": "app-pass-1234",
    "THREADBOT_X_BEARER_TOKEN": "bearer-5678",
    "THREADBOT_COURTLISTENER_TOKEN": "cl-token-9012",
}


def shows_no_secret(text: str) -> bool:
    return not any(secret in text for secret in SECRETS_ENV.values())


def test_repr_str_and_fstrings_of_settings_and_sections_never_show_a_secret() -> None:
    settings = load_settings(environ=SECRETS_ENV)
    objects = [settings, settings.bluesky, settings.x, settings.courtlistener]
    objects += [settings.bluesky.password, settings.x.bearer_token, settings.courtlistener.token]

    for obj in objects:
        for shown in (repr(obj), str(obj), f"{obj}", f"{obj!r}", format(obj)):
            assert shows_no_secret(shown), shown
    assert f"[{settings.bluesky.password:>10}]" == "[  ********]"  # format specs work, masked
    assert "password=Secret('********')" in repr(settings)
    assert repr(Settings().bluesky.password) == "Secret('')"  # unset is visible as unset
    assert shows_no_secret(repr(asdict(settings)))
    # the values are all there for the code that sends them
    assert settings.x.bearer_token.reveal() == "bearer-5678"
    assert settings.bluesky.password and not Settings().bluesky.password


def test_log_lines_never_show_a_secret(caplog: pytest.LogCaptureFixture) -> None:
    settings = load_settings(environ=SECRETS_ENV)
    log = logging.getLogger("threadbot.test")

    with caplog.at_level(logging.INFO):
        log.info("settings: %s", settings)
        log.info("settings: %r", settings)
        log.info(f"logging in as {settings.bluesky.handle} with {settings.bluesky.password}")
        log.info("token %s", settings.courtlistener.token)
        log.info("sections %s %s", settings.bluesky, settings.courtlistener)

    assert len(caplog.records) == 5
    assert shows_no_secret(caplog.text)
    assert "********" in caplog.text


def test_threadbot_config_never_shows_a_secret(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["config"], env=SECRETS_ENV)

    assert result.exit_code == 0, result.output
    assert 'bluesky.password = "********"' in result.output
    assert 'courtlistener.token = "********"' in result.output
    assert shows_no_secret(result.output)


def test_secrets_compare_by_value_so_settings_compare() -> None:
    assert load_settings(environ=SECRETS_ENV) == load_settings(environ=SECRETS_ENV)
    assert load_settings(environ=SECRETS_ENV) != Settings()
    assert Secret("a") != "a"  # a Secret is never mistaken for its text
