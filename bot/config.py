"""One settings object from defaults, `threadbot.toml` and `THREADBOT_*` environment variables.

Precedence, lowest first: defaults, the file, the environment. Every key can be set from the
environment as THREADBOT_<SECTION>_<KEY> (top-level keys: THREADBOT_<KEY>). Secrets are read
only from the environment: a secret found in the file is an error, so it never gets committed.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, get_type_hints

from bot.errors import ConfigError

SECRET_KEYS = {
    "bluesky.password",
    "x.bearer_token",
    "x.consumer_key",
    "x.consumer_secret",
    "x.access_token",
    "x.access_token_secret",
    "courtlistener.token",
}
DEFAULT_CONFIG_FILE = "threadbot.toml"


@dataclass(frozen=True)
class BlueskySettings:
    service: str = "https://public.api.bsky.app"  # AppView for reading; no login needed
    pds: str = "https://bsky.social"  # where the bot account logs in
    handle: str = ""
    password: str = ""  # secret: app password
    watch: tuple[str, ...] = ()
    timeout: float = 20.0
    plc: str = "https://plc.directory"  # where did:plc documents are read (PDS of an export)


@dataclass(frozen=True)
class XSettings:
    api_base: str = "https://api.x.com"
    bearer_token: str = ""  # secret: app-only token, for reading
    watch: tuple[str, ...] = ()
    handle: str = ""  # the bot's own account (mentions and replies)
    # secrets: OAuth 1.0a user context of the bot's account (mentions, replies)
    consumer_key: str = ""
    consumer_secret: str = ""
    access_token: str = ""
    access_token_secret: str = ""
    timeout: float = 20.0  # seconds one API call may take in all


@dataclass(frozen=True)
class CourtListenerSettings:
    api_base: str = "https://www.courtlistener.com/api/rest/v4"
    token: str = ""  # secret
    # where RECAP files and docket pages live; a mirror or the sandbox can stand in
    storage_base: str = "https://storage.courtlistener.com"
    web_base: str = "https://www.courtlistener.com"


@dataclass(frozen=True)
class FetchSettings:
    allow_private_addresses: bool = False
    max_bytes: int = 50 * 1024 * 1024
    timeout: float = 30.0
    proxy: str = ""
    ca_bundle: str = ""


@dataclass(frozen=True)
class DaemonSettings:
    poll_interval: float = 300.0  # seconds between polls of the watched accounts
    mention_interval: float = 60.0  # seconds between reads of the bot's notifications
    resolve_interval: float = 300.0  # seconds between retries of due links
    refresh_interval: float = 900.0  # seconds between refreshes of young threads
    backfill_days: float = 7.0  # a newly watched account: consider this many days back
    backfill_posts: int = 200  # … and at most this many posts
    court_threshold: float = 3.0  # court-ruling score a watched thread needs to be archived
    requests_per_hour: int = 10  # archive requests one person may make in an hour
    denylist: tuple[str, ...] = ()  # handles or DIDs whose requests are ignored
    optout: tuple[str, ...] = ()  # handles or DIDs whose threads are never archived
    session_file: str = ""  # the bot's saved login (default: next to db, mode 0600)


@dataclass(frozen=True)
class Settings:
    db: str = "archive.db"
    public_url: str = "http://127.0.0.1:8001"
    bluesky: BlueskySettings = field(default_factory=BlueskySettings)
    x: XSettings = field(default_factory=XSettings)
    courtlistener: CourtListenerSettings = field(default_factory=CourtListenerSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    daemon: DaemonSettings = field(default_factory=DaemonSettings)


SECTIONS = {f.name for f in fields(Settings) if f.name not in ("db", "public_url")}


def load_settings(
    path: str | os.PathLike[str] | None = None, environ: dict[str, str] | None = None
) -> Settings:
    """Build the settings: `path`, else $THREADBOT_CONFIG, else ./threadbot.toml if present."""
    env = dict(os.environ if environ is None else environ)
    file_values = _read_file(_config_path(path, env))
    return _apply(Settings(), file_values, env)


def _config_path(path: str | os.PathLike[str] | None, env: dict[str, str]) -> Path | None:
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"configuration file not found: {p}")
        return p
    if env.get("THREADBOT_CONFIG"):
        p = Path(env["THREADBOT_CONFIG"])
        if not p.is_file():
            raise ConfigError(f"THREADBOT_CONFIG names a file that does not exist: {p}")
        return p
    default = Path(DEFAULT_CONFIG_FILE)
    return default if default.is_file() else None


def _read_file(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path} is not valid TOML: {e}") from None
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror}") from None


def _apply(settings: Settings, values: dict[str, Any], env: dict[str, str]) -> Settings:
    top: dict[str, Any] = {}
    for key, value in values.items():
        if key in SECTIONS:
            if not isinstance(value, dict):
                raise ConfigError(f"[{key}] must be a table in the configuration file")
            continue
        top[key] = _coerce(settings, key, value, key)
    for key in _keys(Settings):
        env_value = env.get(f"THREADBOT_{key.upper()}")
        if env_value is not None:
            top[key] = _coerce(settings, key, env_value, f"THREADBOT_{key.upper()}")

    for section in SECTIONS:
        current = getattr(settings, section)
        section_values: dict[str, Any] = {}
        for key, value in values.get(section, {}).items():
            dotted = f"{section}.{key}"
            if dotted in SECRET_KEYS:
                env_name = f"THREADBOT_{section.upper()}_{key.upper()}"
                raise ConfigError(
                    f"{dotted} is a secret: set {env_name} in the environment, not the file"
                )
            section_values[key] = _coerce(current, key, value, dotted)
        for key in _keys(type(current)):
            env_name = f"THREADBOT_{section.upper()}_{key.upper()}"
            if env.get(env_name) is not None:
                section_values[key] = _coerce(current, key, env[env_name], env_name)
        top[section] = replace(current, **section_values)
    return replace(settings, **top)


def _keys(cls: type) -> list[str]:
    return [f.name for f in fields(cls) if f.name not in SECTIONS]


def _coerce(obj: Any, key: str, value: Any, where: str) -> Any:
    """Convert a file or environment value to the type the field declares."""
    hints = get_type_hints(type(obj))
    if key not in hints or key in SECTIONS:
        raise ConfigError(f"unknown configuration key: {where}")
    kind = hints[key]
    try:
        if kind is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off", ""):
                return False
            raise ValueError(value)
        if kind is int and not isinstance(value, bool | float):
            return int(value)
        if kind is float and not isinstance(value, bool):
            return float(value)
        if kind == tuple[str, ...]:
            items = value.split(",") if isinstance(value, str) else list(value)
            return tuple(str(i).strip() for i in items if str(i).strip())
        if kind is str and isinstance(value, str):
            return value
    except (TypeError, ValueError):
        pass
    raise ConfigError(f"{where} has an invalid value: {value!r}")


def describe(settings: Settings) -> list[tuple[str, str]]:
    """The effective configuration as (key, value) pairs, with secrets masked."""
    rows: list[tuple[str, str]] = []
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if f.name in SECTIONS:
            for sf in fields(value):
                key = f"{f.name}.{sf.name}"
                rows.append((key, _show(key, getattr(value, sf.name))))
        else:
            rows.append((f.name, _show(f.name, value)))
    return rows


def _show(key: str, value: Any) -> str:
    if key in SECRET_KEYS:
        return '"********"' if value else '""  # not set'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, tuple):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    return str(value)
