"""The fetcher against a misbehaving loopback server: what a stranger's link can do to us.

Nothing here leaves 127.0.0.1: public-looking names resolve through an injected resolver,
and the one public address in these tests (93.184.216.34) is only ever checked by the
guard or handed to a loopback proxy, never connected to.
"""

from __future__ import annotations

import asyncio
import socket
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from urllib.parse import quote

import pytest
from fetch_server import PAGE, FetchTestServer, self_signed_certificate

from bot.config import FetchSettings
from bot.errors import ConfigError
from bot.links.fetch import Fetcher, FetchResult, parse_retry_after
from bot.links.fetch.guard import AddressGuard, address_refusal, parse_ip_literal

MB = 1 << 20
# Loopback is private, so most tests allow private addresses; the SSRF tests do not.
OPEN = FetchSettings(allow_private_addresses=True, max_bytes=MB, timeout=5.0)
GUARDED = FetchSettings(allow_private_addresses=False, max_bytes=MB, timeout=5.0)


@pytest.fixture(scope="module")
def server():  # type: ignore[no-untyped-def]
    with FetchTestServer() as s:
        yield s


class Sleeps:
    """Stands in for asyncio.sleep: records how long the fetcher asked to wait."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def resolver(names: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def resolve(host: str, port: int) -> list[str]:
        if host in names:
            return names[host]
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    return resolve


LOOPBACK_NAMES = resolver({"public.example": ["127.0.0.1"], "other.example": ["127.0.0.1"]})


def fetch(url: str, settings: FetchSettings = OPEN, /, **options: Any) -> FetchResult:
    """One fetch with a fresh Fetcher; fetch options (want_body, ...) and Fetcher options mix."""
    call = {k: options.pop(k) for k in ("want_body", "accept", "headers") if k in options}
    options = {"trust_env": False, "sleep": Sleeps(), "resolver": LOOPBACK_NAMES, **options}

    async def go() -> FetchResult:
        async with Fetcher(settings, **options) as fetcher:
            result = await fetcher.fetch(url, **call)
            # The body is a file the Fetcher removes on exit: read what it wrote, so the
            # tests below compare bytes.
            return replace(result, body=result.body.read() if result.body else None)

    return asyncio.run(go())


# --- pages and redirects ----------------------------------------------------------------


def test_page(server: FetchTestServer) -> None:
    result = fetch(server.url("/page"))
    assert result.outcome == "ok", result.error
    assert (result.status, result.body, result.error) == (200, PAGE, None)
    assert result.content_type == "text/html"
    assert result.headers["etag"] == '"v1"'
    assert result.headers["content-length"] == str(len(PAGE))
    assert result.final_url == result.url and result.redirects == [] and result.attempts == 1


def test_undecodable_bytes_come_back_as_bytes(server: FetchTestServer) -> None:
    result = fetch(server.url("/bytes"))
    assert result.outcome == "ok" and result.content_type == "application/pdf"
    assert result.body == b"%PDF-1.7\n\xff\xfe\x00\x80\xc3("


def test_redirect_chain_is_recorded_in_order(server: FetchTestServer) -> None:
    # 302, 301 (cycling through the codes), then a relative Location from /chain/0
    result = fetch(server.url("/chain/3"))
    assert result.outcome == "ok", result.error
    assert result.redirects == [
        server.url("/chain/2"),
        server.url("/chain/1"),
        server.url("/chain/0"),
        server.url("/page"),
    ]
    assert result.final_url == server.url("/page") and result.body == PAGE


def test_every_redirect_code_is_followed(server: FetchTestServer) -> None:
    result = fetch(server.url("/chain/5"))  # 301, 308, 307, 303, 302, then 301 relative
    assert result.outcome == "ok" and len(result.redirects) == 6


def test_redirect_loop(server: FetchTestServer) -> None:
    result = fetch(server.url("/loop/a"))
    assert result.outcome == "failed"
    assert result.error == f"redirect loop at {server.url('/loop/a')}"
    assert result.redirects == [server.url("/loop/b")]


def test_returning_with_a_new_cookie_is_not_a_loop(server: FetchTestServer) -> None:
    result = fetch(server.url("/login-wall/"))
    assert result.outcome == "ok", result.error
    assert result.redirects == [server.url("/login-wall/set"), server.url("/login-wall/")]


def test_endless_redirect_chain(server: FetchTestServer) -> None:
    result = fetch(server.url("/chain/40"))
    assert result.outcome == "failed" and result.error == "more than 10 redirects"
    assert len(result.redirects) == 10
    assert result.status in (301, 302, 303, 307, 308)


def test_redirect_cap_is_configurable(server: FetchTestServer) -> None:
    assert fetch(server.url("/chain/3"), max_redirects=4).outcome == "ok"
    assert fetch(server.url("/chain/3"), max_redirects=3).error == "more than 3 redirects"


def test_redirect_to_ftp_is_refused(server: FetchTestServer) -> None:
    result = fetch(server.url("/redirect-to?url=ftp://files.example/order.pdf"))
    assert result.outcome == "failed"
    assert result.error == (
        "redirect to an unusable URL (not an http(s) URL): ftp://files.example/order.pdf"
    )


def test_credentials_stay_with_their_origin(server: FetchTestServer) -> None:
    secret = {"Authorization": "Token s3cret"}
    same = server.url("/page?same")
    fetch(server.url(f"/redirect-to?url={same}"), headers=secret)
    other = server.url("/page?other", host="other.example")
    fetch(server.url(f"/redirect-to?url={other}"), headers=secret)
    seen = dict(server.log)
    assert seen["/page?same"]["authorization"] == "Token s3cret"
    assert "authorization" not in seen["/page?other"]
    assert seen["/page?other"]["host"] == f"other.example:{server.port}"


# --- retries ----------------------------------------------------------------------------


def test_429_with_retry_after_then_success(server: FetchTestServer) -> None:
    sleeps = Sleeps()
    result = fetch(server.url("/flaky/rate/429/2?retry_after=7"), sleep=sleeps)
    assert result.outcome == "ok" and result.body == PAGE
    assert result.attempts == 3
    assert sleeps.calls == [7.0, 7.0]  # the server's wait, not our backoff


def test_500_then_success_backs_off(server: FetchTestServer) -> None:
    sleeps = Sleeps()
    result = fetch(server.url("/flaky/err/500/1"), sleep=sleeps, backoff=2.0)
    assert result.outcome == "ok" and result.attempts == 2
    assert len(sleeps.calls) == 1 and 1.0 <= sleeps.calls[0] <= 3.0  # 2 s, jittered ±50 %


def test_503_forever_fails_after_the_retries(server: FetchTestServer) -> None:
    sleeps = Sleeps()
    result = fetch(server.url("/status/503"), sleep=sleeps, retries=3, backoff=1.0)
    assert result.outcome == "failed" and result.error == "HTTP 503"
    assert result.status == 503 and result.attempts == 4 and result.retry_after is None
    assert len(sleeps.calls) == 3
    assert sleeps.calls[2] > sleeps.calls[0]  # exponential: 1, 2, 4 s, each jittered ±50 %


def test_retry_after_longer_than_the_cap_gives_up_at_once(server: FetchTestServer) -> None:
    sleeps = Sleeps()
    result = fetch(server.url("/status/429?retry_after=3600"), sleep=sleeps)
    assert result.outcome == "failed" and result.status == 429
    assert result.error == "rate limited: retry after 3600 s"
    assert result.retry_after == 3600.0 and result.attempts == 1 and sleeps.calls == []


def test_retry_after_cap_is_configurable(server: FetchTestServer) -> None:
    result = fetch(server.url("/flaky/cap/503/1?retry_after=120"), max_retry_after=300)
    assert result.outcome == "ok" and result.attempts == 2


def test_retry_after_as_an_http_date() -> None:
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    wait = parse_retry_after(soon)
    assert wait is not None and 100 < wait <= 120
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("30") == 30.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_server_that_never_answers_times_out(server: FetchTestServer) -> None:
    settings = FetchSettings(allow_private_addresses=True, timeout=0.3)
    result = fetch(server.url("/hang"), settings, retries=1)
    assert result.outcome == "failed" and "0.3 s" in (result.error or "")
    assert result.transient  # tried again later, not now
    assert result.status is None and result.attempts == 1


def test_server_that_trickles_hits_the_deadline(server: FetchTestServer) -> None:
    settings = FetchSettings(allow_private_addresses=True, timeout=2.0)
    result = fetch(server.url("/trickle"), settings, request_deadline=0.4)
    assert result.outcome == "failed"
    assert result.error == "no complete answer within 0.4 s"
    assert result.attempts == 1  # not retried: the same server would do it again


def test_connection_refused_is_retried_then_reported() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the block ends: nothing listens
    result = fetch(f"http://127.0.0.1:{port}/", retries=2)
    assert result.outcome == "failed" and result.attempts == 3
    assert result.error == "could not connect to 127.0.0.1: connection refused"


def test_unknown_host_is_not_retried() -> None:
    result = fetch("http://nowhere.example/")
    assert result.outcome == "failed" and result.attempts == 1
    assert result.error == "could not resolve host nowhere.example"


# --- bodies -----------------------------------------------------------------------------


def test_body_longer_than_its_content_length(server: FetchTestServer) -> None:
    async def go() -> list[FetchResult]:
        async with Fetcher(OPEN, trust_env=False, max_connections=1) as fetcher:
            results = [await fetcher.fetch(server.url(p)) for p in ("/lie/short", "/page")]
            return [replace(r, body=r.body.read() if r.body else None) for r in results]

    lie, after = asyncio.run(go())
    assert lie.outcome == "failed" and lie.body is None and lie.status == 200
    assert lie.error == "the server sent 10 bytes more than its Content-Length of 10"
    # the extra bytes are not taken for the start of the next response on that connection
    assert after.outcome == "ok" and after.body == PAGE and after.attempts == 1


def test_body_shorter_than_its_content_length(server: FetchTestServer) -> None:
    result = fetch(server.url("/lie/long"))
    assert result.outcome == "failed" and result.body is None
    assert result.error == (
        "the connection closed after 50 of the 100 bytes the server's Content-Length declared"
    )


def test_gzip_bomb_stops_at_the_cap(server: FetchTestServer) -> None:
    settings = FetchSettings(allow_private_addresses=True, max_bytes=4 * MB)
    result = fetch(server.url("/gzip-bomb"), settings)  # ~1 MB on the wire, 1 GB inflated
    assert result.outcome == "failed" and result.body is None
    assert result.error == "body larger than 4 MB limit once decompressed"


@pytest.mark.parametrize("form", ["gzip", "zlib", "raw"])
def test_compressed_body_is_decompressed(server: FetchTestServer, form: str) -> None:
    result = fetch(server.url(f"/compressed/{form}"))
    assert result.outcome == "ok", result.error
    assert result.body == PAGE * 100


def test_content_length_over_the_cap_is_refused_unread(server: FetchTestServer) -> None:
    # The server declares 2 GB and then sends nothing: a fetcher that started reading would
    # wait for the 5 s timeout and report that instead.
    result = fetch(server.url("/huge"))
    assert result.outcome == "failed" and result.status == 200
    assert result.error == "body larger than 1 MB limit (Content-Length: 2 GB)"


def test_chunked_body_over_the_cap(server: FetchTestServer) -> None:
    result = fetch(server.url("/chunked"))
    assert result.outcome == "failed" and result.error == "body larger than 1 MB limit"


def test_headers_only_for_a_huge_file(server: FetchTestServer) -> None:
    result = fetch(server.url("/huge"), want_body=False)
    assert result.outcome == "ok" and result.body is None and result.status == 200
    assert result.headers["content-length"] == "2147483648"
    assert result.headers["etag"] == '"big"' and result.content_type == "application/pdf"


# --- URLs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://user:pw@127.0.0.1/", "URL contains a user name or password"),
        ("https://token@example.com/", "URL contains a user name or password"),
        ("ftp://files.example/order.pdf", "not an http(s) URL"),
        ("javascript:alert(1)", "not an http(s) URL"),
        ("storage.courtlistener.com/recap/gov.uscourts", "not an http(s) URL"),
        ("http://", "URL has no host name"),
        ("", "empty URL"),
        ("https://exa mple.com", "invalid host name 'exa mple.com'"),
        ("http://[::1", "malformed URL: Invalid port: ':1'"),
        ("http://example.com:99999/", "invalid port 99999"),
        ("http://-bad-.example/", "invalid host name '-bad-.example'"),
    ],
)
def test_unusable_urls(url: str, error: str) -> None:
    result = fetch(url)
    assert (result.outcome, result.error, result.attempts) == ("failed", error, 0)
    assert result.url == url


def test_idn_host_is_sent_as_punycode(server: FetchTestServer) -> None:
    names = resolver({"xn--bcher-kva.example": ["127.0.0.1"]})
    result = fetch(
        f"http://bücher.example:{server.port}/echo-host",
        GUARDED,
        resolver=names,
        allow_networks=["127.0.0.1/32"],
    )
    assert result.outcome == "ok", result.error
    assert result.body == f"xn--bcher-kva.example:{server.port}".encode()
    assert result.final_url == f"http://xn--bcher-kva.example:{server.port}/echo-host"


def test_odd_port_is_fine(server: FetchTestServer) -> None:
    assert server.port not in (80, 443)
    assert fetch(server.url("/page")).outcome == "ok"


# --- the address guard ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/page?probe={n}",
        "http://[::1]:{port}/page?probe={n}",
        "http://2130706433:{port}/page?probe={n}",
        "http://0x7f.1:{port}/page?probe={n}",
        "http://0177.0.0.1:{port}/page?probe={n}",
        "http://[::ffff:127.0.0.1]:{port}/page?probe={n}",
        "http://public.example:{port}/page?probe={n}",  # resolves to 127.0.0.1
    ],
)
def test_loopback_is_blocked(server: FetchTestServer, url: str) -> None:
    probe = abs(hash(url))
    result = fetch(url.format(port=server.port, n=probe), GUARDED)
    assert result.outcome == "blocked" and result.status is None
    assert result.error is not None and result.error.startswith("refused: ")
    assert "loopback" in result.error
    assert not any(f"probe={probe}" in p for p in server.paths())  # nothing arrived


def test_blocked_name_names_the_address(server: FetchTestServer) -> None:
    result = fetch(server.url("/page", host="public.example"), GUARDED)
    assert result.error == "refused: public.example resolves to 127.0.0.1, a loopback address"


def test_one_private_address_blocks_the_name() -> None:
    # A name with a public and a private address: whoever runs its DNS would choose.
    names = resolver({"mixed.example": ["93.184.216.34", "10.0.0.7"]})
    result = fetch("http://mixed.example/", GUARDED, resolver=names)
    assert result.outcome == "blocked"
    assert result.error == "refused: mixed.example resolves to 10.0.0.7, a private address"


def test_redirect_to_cloud_metadata_is_blocked(server: FetchTestServer) -> None:
    metadata = "http://169.254.169.254/latest/meta-data"
    start = server.url(f"/redirect-to?url={metadata}", host="public.example")
    result = fetch(start, GUARDED, allow_networks=["127.0.0.1/32"])
    assert result.outcome == "blocked" and result.status is None
    assert result.error == "refused: 169.254.169.254 is a link-local/cloud-metadata address"
    assert result.redirects == [metadata] and result.final_url == metadata


def test_redirect_to_a_name_on_the_private_network_is_blocked(server: FetchTestServer) -> None:
    names = resolver({"public.example": ["127.0.0.1"], "intranet.example": ["192.168.1.20"]})
    start = server.url("/redirect-to?url=http://intranet.example/admin", host="public.example")
    result = fetch(start, GUARDED, resolver=names, allow_networks=["127.0.0.1/32"])
    assert result.outcome == "blocked"
    assert result.error == "refused: intranet.example resolves to 192.168.1.20, a private address"


def test_private_addresses_allowed_by_the_setting(server: FetchTestServer) -> None:
    assert fetch(server.url("/page"), OPEN).outcome == "ok"


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "a loopback address"),
        ("127.255.0.9", "a loopback address"),
        ("::1", "a loopback address"),
        ("10.1.2.3", "a private address"),
        ("172.16.0.1", "a private address"),
        ("172.31.255.255", "a private address"),
        ("192.168.0.1", "a private address"),
        ("fc00::1", "a private (unique local) address"),
        ("fd12:3456::1", "a private (unique local) address"),
        ("169.254.1.1", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("169.254.169.254", "a link-local/cloud-metadata address"),
        ("fd00:ec2::254", "a cloud-metadata address (AWS)"),
        ("100.100.100.200", "a cloud-metadata address (Alibaba Cloud)"),
        ("100.64.0.1", "a shared (carrier-grade NAT) address"),
        ("100.127.255.254", "a shared (carrier-grade NAT) address"),
        ("0.0.0.0", "an unspecified ('this network') address"),
        ("::", "an unspecified address"),
        ("224.0.0.1", "a multicast address"),
        ("ff02::1", "a multicast address"),
        ("255.255.255.255", "a broadcast address"),
        ("240.0.0.1", "a reserved address"),
        ("192.0.2.10", "a reserved (documentation) address"),
        ("2001:db8::1", "a reserved (documentation) address"),
        ("198.18.0.1", "a reserved (benchmarking) address"),
        ("::ffff:127.0.0.1", "an IPv6 form of 127.0.0.1, a loopback address"),
        (
            "::ffff:169.254.169.254",
            "an IPv6 form of 169.254.169.254, a link-local/cloud-metadata address",
        ),
        ("::ffff:10.0.0.1", "an IPv6 form of 10.0.0.1, a private address"),
        ("64:ff9b::7f00:1", "an IPv6 form of 127.0.0.1, a loopback address"),
        (
            "64:ff9b::a9fe:a9fe",
            "an IPv6 form of 169.254.169.254, a link-local/cloud-metadata address",
        ),
        ("2002:7f00:1::", "an IPv6 form of 127.0.0.1, a loopback address"),
        ("64:ff9b:1::1", "a private (local NAT64) address"),
        ("::127.0.0.1", "an IPv6 form of 127.0.0.1, a loopback address"),
        ("2001::1", "a Teredo tunnel address"),
        ("fe80::1%eth0", "a link-local address"),
    ],
)
def test_guard_refuses_every_private_class(address: str, kind: str) -> None:
    assert address_refusal(address) == f"refused: {address} is {kind}"


@pytest.mark.parametrize(
    "address",
    ["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:2800:220:1:248:1893:25c8:1946",
     "2001:4860:4860::8888", "::ffff:93.184.216.34", "64:ff9b::5db8:d822", "172.32.0.1",
     "100.128.0.1", "11.0.0.1"],
)  # fmt: skip
def test_guard_allows_public_addresses(address: str) -> None:
    assert address_refusal(address) is None


def test_guard_allow_list_and_private_setting() -> None:
    tests_guard = AddressGuard(allow_networks=["127.0.0.1/32"])
    assert tests_guard.refusal("127.0.0.1") is None
    assert tests_guard.refusal("127.0.0.2") is not None
    assert tests_guard.refusal("169.254.169.254") is not None
    intranet = AddressGuard(allow_private=True)
    assert intranet.refusal("10.0.0.5") is None and intranet.refusal("::1") is None
    # metadata services stay refused even where private addresses are allowed
    assert intranet.refusal("169.254.169.254") is not None
    assert intranet.refusal("::ffff:169.254.169.254") is not None
    assert intranet.refusal("fd00:ec2::254") is not None


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0x7F000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.1.65535", "10.1.255.255"),
        ("[::1]", "::1"),
        ("::ffff:127.0.0.1", "::ffff:7f00:1"),
        ("example.com", None),
        ("0xcafe.com", None),
        ("1.2.3.4.5", None),
        ("256.1.1.1", None),
        ("08.1.1.1", None),
    ],
)
def test_ip_literals_in_every_spelling(host: str, address: str | None) -> None:
    assert parse_ip_literal(host) == address


# --- TLS -------------------------------------------------------------------------------


def test_tls_checks_the_name_while_connecting_to_the_vetted_address(tmp_path) -> None:  # type: ignore[no-untyped-def]
    cert, key = self_signed_certificate(tmp_path, "public.example")
    with FetchTestServer(tls=(cert, key)) as tls_server:
        url = tls_server.url("/echo-host", host="public.example")
        options: dict[str, Any] = {"allow_networks": ["127.0.0.1/32"], "retries": 0}
        trusted = FetchSettings(allow_private_addresses=False, ca_bundle=str(cert))
        result = fetch(url, trusted, **options)
        assert result.outcome == "ok", result.error
        assert result.body == f"public.example:{tls_server.port}".encode()

        untrusted = fetch(url, GUARDED, **options)
        assert untrusted.outcome == "failed" and untrusted.attempts == 1
        assert untrusted.error is not None
        assert untrusted.error.startswith("secure connection to public.example failed: ")
        assert "certificate" in untrusted.error


def test_missing_ca_bundle_is_a_configuration_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match=r"fetch\.ca_bundle names a file that does not exist"):
        Fetcher(FetchSettings(ca_bundle=str(tmp_path / "missing.pem")))


# --- politeness and proxies -------------------------------------------------------------


def test_per_host_delay_spaces_request_starts(server: FetchTestServer) -> None:
    sleeps = Sleeps()

    async def go() -> list[FetchResult]:
        options = {"trust_env": False, "sleep": sleeps, "per_host_delay": 5.0}
        async with Fetcher(OPEN, **options) as fetcher:  # type: ignore[arg-type]
            return [await fetcher.fetch(server.url("/page")) for _ in range(2)]

    results = asyncio.run(go())
    assert [r.outcome for r in results] == ["ok", "ok"]
    assert len(sleeps.calls) == 1 and 4.0 < sleeps.calls[0] <= 5.0


def test_concurrent_fetches_share_the_pool(server: FetchTestServer) -> None:
    async def go() -> list[FetchResult]:
        async with Fetcher(OPEN, trust_env=False, max_connections=3) as fetcher:
            urls = [server.url(f"/chain/{i % 3}") for i in range(30)]
            results = await asyncio.gather(*(fetcher.fetch(u) for u in urls))
            return [replace(r, body=r.body.read() if r.body else None) for r in results]

    assert all(r.outcome == "ok" and r.body == PAGE for r in asyncio.run(go()))


def test_configured_proxy_carries_the_request(server: FetchTestServer) -> None:
    names = resolver({"public.example": ["93.184.216.34"], "intranet.example": ["10.1.2.3"]})
    settings = FetchSettings(allow_private_addresses=False, proxy=server.url(""))
    ok = fetch("http://public.example/order", settings, resolver=names)
    assert ok.outcome == "ok" and ok.body == b"via proxy http://public.example/order"
    # the target is still checked (best effort: with our resolver) before the proxy sees it
    blocked = fetch("http://intranet.example/admin", settings, resolver=names)
    assert blocked.outcome == "blocked"
    assert "http://intranet.example/admin" not in server.paths()


def test_proxy_environment_variables(server: FetchTestServer, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HTTP_PROXY", server.url(""))
    monkeypatch.setenv("NO_PROXY", "other.example")
    names = resolver({"public.example": ["93.184.216.34"], "other.example": ["127.0.0.1"]})
    proxied = fetch("http://public.example/env", GUARDED, resolver=names, trust_env=True)
    assert proxied.body == b"via proxy http://public.example/env"
    direct = fetch(
        server.url("/page", host="other.example"),
        GUARDED,
        resolver=names,
        trust_env=True,
        allow_networks=["127.0.0.1/32"],
    )
    assert direct.outcome == "ok" and direct.body == PAGE


# --- permanent and transient failures ---------------------------------------------------


@pytest.mark.parametrize(
    "location", ["http:\\\\127.0.0.1\\page", "\\\\127.0.0.1\\page", "http://[::1/x"]
)
def test_a_malformed_redirect_is_a_clear_failure_never_retried(
    server: FetchTestServer, location: str
) -> None:
    result = fetch(server.url(f"/redirect-to?url={quote(location)}"))
    assert result.outcome == "failed"
    assert (result.error or "").startswith("redirect to an unusable URL (malformed URL")
    assert result.transient is False  # a Location that can never work is not retried


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:0/page", "invalid port 0"),
        ("http://example.org/" + "a" * 9000, "URL longer than 8,192 characters"),
        ("http:\\\\example.org\\page", "a backslash where a slash belongs"),
    ],
)
def test_a_url_that_can_never_work_fails_at_once_and_for_good(url: str, why: str) -> None:
    result = fetch(url)
    assert result.outcome == "failed" and why in (result.error or "")
    assert result.attempts == 0 and result.transient is False


def test_failures_that_may_pass_are_marked_so(server: FetchTestServer) -> None:
    assert fetch(server.url("/status/503"), retries=0).transient is True
    assert fetch(server.url("/status/429"), retries=0).transient is True
    assert fetch(server.url("/status/404")).transient is False
    assert fetch(server.url("/loop/a")).transient is False


@pytest.mark.parametrize(
    "address",
    [
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, Oracle, DigitalOcean
        "169.254.170.2",  # AWS ECS task credentials
        "169.254.169.253",  # AWS DNS
        "169.254.169.123",  # AWS time
        "::a9fe:a9fe",  # IPv4-compatible spelling of 169.254.169.254
        "::ffff:a9fe:a9fe",
        "fd00:ec2::254",  # AWS IPv6 metadata
        "fd00:ec2::23",
        "100.100.100.200",  # Alibaba Cloud
        "168.63.129.16",  # Azure wire server
        "fe80::a9fe:a9fe",
    ],
)
def test_metadata_addresses_stay_refused_with_private_addresses_allowed(address: str) -> None:
    guard = AddressGuard(allow_private=True)
    assert guard.refusal(address) is not None
    assert guard.refusal("10.0.0.5") is None  # what the setting is for still works
