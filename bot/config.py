"""One settings object from defaults, `threadbot.toml` and `THREADBOT_*` environment variables.

Precedence, lowest first: defaults, the file, the environment. Every key can be set from the
environment as THREADBOT_<SECTION>_<KEY> (top-level keys: THREADBOT_<KEY>). Secrets are read
only from the environment: a secret found in the file is an error, so it never gets committed,
and they are held as `Secret`, which prints as ******** (call `.reveal()` to use one).

Every value is checked once, here, so the rest of the bot can trust it: numbers against the
ranges in NUMBER_RANGES, URLs in URL_KEYS (http or https with a host), account names in
ACCOUNT_KEYS (Bluesky handles and DIDs, X user names; handles lowercased), and every text
against a length cap and for control characters. A mistake is a ConfigError of one line
naming the key (or the environment variable) and saying what is allowed.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, get_type_hints
from urllib.parse import urlsplit

from bot.errors import ConfigError
from bot.handles import any_account, bluesky_account, x_username
from bot.links.courtlistener_urls import API_BASE, STORAGE_BASE, WEB_BASE
from bot.secret import Secret

DEFAULT_CONFIG_FILE = "threadbot.toml"


@dataclass(frozen=True)
class BlueskySettings:
    service: str = "https://public.api.bsky.app"  # AppView for reading; no login needed
    pds: str = "https://bsky.social"  # where the bot account logs in
    handle: str = ""
    password: Secret = field(default_factory=Secret)  # app password
    watch: tuple[str, ...] = ()
    timeout: float = 20.0
    plc: str = "https://plc.directory"  # where did:plc documents are read (PDS of an export)


@dataclass(frozen=True)
class XSettings:
    api_base: str = "https://api.x.com"
    bearer_token: Secret = field(default_factory=Secret)  # app-only token, for reading
    watch: tuple[str, ...] = ()
    handle: str = ""  # the bot's own account (mentions and replies)
    # OAuth 1.0a user context of the bot's account (mentions, replies)
    consumer_key: Secret = field(default_factory=Secret)
    consumer_secret: Secret = field(default_factory=Secret)
    access_token: Secret = field(default_factory=Secret)
    access_token_secret: Secret = field(default_factory=Secret)
    timeout: float = 20.0  # seconds one API call may take in all


@dataclass(frozen=True)
class CourtListenerSettings:
    api_base: str = API_BASE
    token: Secret = field(default_factory=Secret)
    # where RECAP files and docket pages live; a mirror or the sandbox can stand in
    storage_base: str = STORAGE_BASE
    web_base: str = WEB_BASE


@dataclass(frozen=True)
class FetchSettings:
    allow_private_addresses: bool = False
    max_bytes: int = 50 * 1024 * 1024
    timeout: float = 20.0  # seconds for one whole request, body included
    # seconds for a thread's links (archive, requests, a daemon run); the rest wait for the
    # next `threadbot resolve` or daemon run
    budget: float = 25.0
    proxy: str = ""
    ca_bundle: str = ""


@dataclass(frozen=True)
class DocumentsSettings:
    """Limits on reading one document's text (in a worker process of its own)."""

    timeout: float = 20.0  # seconds of wall time; then the reader is stopped
    max_memory: int = 256 * 1024 * 1024  # bytes a reader may use for one document
    max_text: int = 2_000_000  # characters of text kept
    max_pages: int = 2000  # pages read; the rest are counted, not read
    workers: int = 2  # reader processes


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
    documents: DocumentsSettings = field(default_factory=DocumentsSettings)
    daemon: DaemonSettings = field(default_factory=DaemonSettings)


SECTIONS = {f.name for f in fields(Settings) if f.name not in ("db", "public_url")}
SECTION_OF: dict[type, str] = {
    kind: name for name, kind in get_type_hints(Settings).items() if name in SECTIONS
}
SECRET_KEYS = {
    f"{name}.{key}"
    for kind, name in SECTION_OF.items()
    for key, hint in get_type_hints(kind).items()
    if hint is Secret
}


@dataclass(frozen=True)
class Range:
    """The numbers a key allows: from `low` (excluded if `low_open`) to `high`, finite."""

    low: float
    high: float
    low_open: bool = False
    unit: str = ""

    def allows(self, value: float) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        return math.isfinite(value) and above and value <= self.high

    def describe(self, whole: bool) -> str:
        kind = "a whole number" if whole else "a number"
        unit = f" {self.unit}" if self.unit else ""
        if self.low_open:
            return f"{kind} above {self.low:g} and at most {self.high:g}{unit}"
        return f"{kind} from {self.low:g} to {self.high:g}{unit}"


WEEK = 7 * 24 * 3600
# Every int and float key has a range here (a unit test checks that none is missing).
NUMBER_RANGES: dict[str, Range] = {
    "bluesky.timeout": Range(0, 600, low_open=True, unit="seconds"),
    "x.timeout": Range(0, 600, low_open=True, unit="seconds"),
    "fetch.max_bytes": Range(1, 4 * 1024**3, unit="bytes"),
    "fetch.timeout": Range(0, 3600, low_open=True, unit="seconds"),
    "fetch.budget": Range(0, 24 * 3600, low_open=True, unit="seconds"),
    "documents.timeout": Range(0, 3600, low_open=True, unit="seconds"),
    "documents.max_memory": Range(64 * 1024**2, 64 * 1024**3, unit="bytes"),
    "documents.max_text": Range(1, 1_000_000_000, unit="characters"),
    "documents.max_pages": Range(1, 1_000_000, unit="pages"),
    "documents.workers": Range(1, 64, unit="processes"),
    # The loopback tests poll every 0.2 s; below 0.1 s a job would only spin.
    "daemon.poll_interval": Range(0.1, WEEK, unit="seconds"),
    "daemon.mention_interval": Range(0.1, WEEK, unit="seconds"),
    "daemon.resolve_interval": Range(0.1, WEEK, unit="seconds"),
    "daemon.refresh_interval": Range(0.1, WEEK, unit="seconds"),
    "daemon.backfill_days": Range(0, 3650, unit="days"),
    "daemon.backfill_posts": Range(0, 100_000, unit="posts"),
    "daemon.court_threshold": Range(0, 1000),
    "daemon.requests_per_hour": Range(0, 10_000),  # 0: every request is refused
}


@dataclass(frozen=True)
class UrlRule:
    required: bool = True  # False: "" means "not set"
    credentials: bool = False  # a user name and password before the host are allowed


URL_KEYS: dict[str, UrlRule] = {
    "public_url": UrlRule(),
    "bluesky.service": UrlRule(),
    "bluesky.pds": UrlRule(),
    "bluesky.plc": UrlRule(),
    "x.api_base": UrlRule(),
    "courtlistener.api_base": UrlRule(),
    "courtlistener.storage_base": UrlRule(),
    "courtlistener.web_base": UrlRule(),
    # A proxy is often written http://user:password@proxy:3128.
    "fetch.proxy": UrlRule(required=False, credentials=True),
}

# Account names: the spelling the bot compares with, or None for what is no such name.
ACCOUNT_KEYS: dict[str, tuple[Callable[[str], str | None], str]] = {
    "bluesky.handle": (bluesky_account, "a Bluesky handle or DID"),
    "bluesky.watch": (bluesky_account, "a Bluesky handle or DID"),
    "daemon.denylist": (any_account, "a Bluesky handle or DID, or an X user name"),
    "daemon.optout": (any_account, "a Bluesky handle or DID, or an X user name"),
    "x.handle": (x_username, "an X user name"),
    "x.watch": (x_username, "an X user name"),
}

MAX_TEXT = 4096  # characters in one value: a URL, a path, a handle, a secret
MAX_ITEMS = 10_000  # entries in one list
MAX_FILE_BYTES = 1024 * 1024  # a threadbot.toml is a few hundred bytes


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
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror or e}") from None
    if len(data) > MAX_FILE_BYTES:
        raise ConfigError(f"{path} is over {MAX_FILE_BYTES // 1024} KB: not a configuration file")
    try:
        text = data.decode("utf-8-sig")  # an editor's byte-order mark is harmless
    except UnicodeDecodeError as e:
        raise ConfigError(
            f"{path} is not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path} is not valid TOML: {e}") from None
    except RecursionError:
        raise ConfigError(f"{path} is not valid TOML: values nested too deeply") from None


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
    """Convert a file or environment value to the type the field declares, and check it."""
    hints = get_type_hints(type(obj))
    if key not in hints or key in SECTIONS:
        raise ConfigError(f"unknown configuration key: {where}")
    dotted = key if isinstance(obj, Settings) else f"{SECTION_OF[type(obj)]}.{key}"
    return _check(dotted, where, _convert(hints[key], value, where))


def _convert(kind: Any, value: Any, where: str) -> Any:
    if kind is Secret:
        if isinstance(value, str):
            return Secret(value)
        raise ConfigError(f"{where} must be text")  # never echo what may be a secret
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
    except (TypeError, ValueError, OverflowError):
        pass
    raise ConfigError(f"{where} has an invalid value: {_shown(value)}")


def _check(dotted: str, where: str, value: Any) -> Any:
    """The value if the rules for `dotted` allow it (account names normalised); else ConfigError."""
    if isinstance(value, Secret):
        if len(value.reveal()) > MAX_TEXT or _has_control(value.reveal()):
            raise ConfigError(f"{where} is not a usable secret (too long or control characters)")
        return value
    if isinstance(value, str):
        _check_text(where, value)
    if isinstance(value, tuple):
        if len(value) > MAX_ITEMS:
            raise ConfigError(f"{where} has {len(value)} entries; at most {MAX_ITEMS} are allowed")
        for item in value:
            _check_text(where, item)
    if dotted in NUMBER_RANGES and isinstance(value, int | float) and not isinstance(value, bool):
        allowed = NUMBER_RANGES[dotted]
        if not allowed.allows(value):
            must = allowed.describe(whole=isinstance(value, int))
            raise ConfigError(f"{where} must be {must}, not {_shown(value)}")
    if dotted in URL_KEYS:
        _check_url(where, value, URL_KEYS[dotted])
    if dotted in ACCOUNT_KEYS:
        normalise, what = ACCOUNT_KEYS[dotted]
        items = value if isinstance(value, tuple) else (value,)
        names = []
        for item in items:
            name = normalise(item) if item else ""
            if name is None:
                raise ConfigError(f"{where}: {_shown(item)} is not {what}")
            names.append(name)
        return tuple(names) if isinstance(value, tuple) else names[0]
    return value


def _check_text(where: str, text: str) -> None:
    if len(text) > MAX_TEXT:
        raise ConfigError(f"{where} is {len(text)} characters long; at most {MAX_TEXT} allowed")
    if _has_control(text):
        raise ConfigError(f"{where} contains a control character: {_shown(text)}")


def _has_control(text: str) -> bool:
    # Control characters, and lone surrogates (bytes of an environment that is not UTF-8).
    return any(ord(c) < 0x20 or ord(c) == 0x7F or 0xD800 <= ord(c) <= 0xDFFF for c in text)


def _check_url(where: str, url: str, rule: UrlRule) -> None:
    if not url and not rule.required:
        return
    problem = ""
    try:
        split = urlsplit(url)
        split.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:
        problem = "it does not parse"
    else:
        if split.scheme.lower() not in ("http", "https"):
            problem = "it must start with http:// or https://"
        elif not split.hostname:
            problem = "it names no host"
        elif (split.username is not None or split.password is not None) and not rule.credentials:
            problem = "a user name or password does not belong in it"
        elif any(c.isspace() for c in url):
            problem = "it contains a space"
    if problem:
        shown = "(not shown: it may hold a password)" if "@" in url else _shown(url)
        raise ConfigError(f"{where} must be an http(s) URL with a host; {problem}: {shown}")


def _shown(value: Any) -> str:
    """A value for an error message: repr'd, and cut short so the message stays one line."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


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
