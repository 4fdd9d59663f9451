"""The address guard: links posted by strangers must not reach our own network.

A link can point at the machine the bot runs on (http://127.0.0.1:8001/), at the private
network around it (http://10.0.0.5/admin), or at a cloud provider's metadata service
(http://169.254.169.254/latest/meta-data), directly, through a public name that resolves to
such an address, or through a redirect. The guard decides from the address actually
connected to, so all three are refused the same way.

- `address_refusal(ip)` is the pure rule: why an address is not public, or None.
- `AddressGuard` adds the deployment's choices (`fetch.allow_private_addresses`, networks a
  test or an intranet deployment allows explicitly).
- `GuardedNetworkBackend` is where the rule is enforced: httpcore asks it for every new TCP
  connection; it resolves the name itself, checks every address the name resolves to, and
  connects to a checked address, never to the name (so a second, rebinding DNS answer is
  never used).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import typing
from collections.abc import Callable, Iterable

import httpcore

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

# Checked in order: the first network that holds an address names the reason. Specific
# entries (metadata services) come before the ranges that contain them.
_V4_RULES: list[tuple[str, str]] = [
    ("169.254.169.254/32", "a link-local/cloud-metadata address"),
    ("169.254.170.2/32", "a cloud-metadata address (container credentials)"),
    ("100.100.100.200/32", "a cloud-metadata address (Alibaba Cloud)"),
    ("168.63.129.16/32", "a cloud-metadata address (Azure)"),
    ("0.0.0.0/8", "an unspecified ('this network') address"),
    ("10.0.0.0/8", "a private address"),
    ("100.64.0.0/10", "a shared (carrier-grade NAT) address"),
    ("127.0.0.0/8", "a loopback address"),
    ("169.254.0.0/16", "a link-local address"),
    ("172.16.0.0/12", "a private address"),
    ("192.0.0.0/24", "a reserved (IETF protocol) address"),
    ("192.0.2.0/24", "a reserved (documentation) address"),
    ("192.88.99.0/24", "a reserved (6to4 relay) address"),
    ("192.168.0.0/16", "a private address"),
    ("198.18.0.0/15", "a reserved (benchmarking) address"),
    ("198.51.100.0/24", "a reserved (documentation) address"),
    ("203.0.113.0/24", "a reserved (documentation) address"),
    ("224.0.0.0/4", "a multicast address"),
    ("255.255.255.255/32", "a broadcast address"),
    ("240.0.0.0/4", "a reserved address"),
]
_V6_RULES: list[tuple[str, str]] = [
    ("fd00:ec2::/32", "a cloud-metadata address (AWS)"),
    ("::/128", "an unspecified address"),
    ("::1/128", "a loopback address"),
    ("64:ff9b:1::/48", "a private (local NAT64) address"),
    ("100::/64", "a reserved (discard) address"),
    ("2001::/32", "a Teredo tunnel address"),
    ("2001:db8::/32", "a reserved (documentation) address"),
    ("fc00::/7", "a private (unique local) address"),
    ("fe80::/10", "a link-local address"),
    ("fec0::/10", "a site-local address"),
    ("ff00::/8", "a multicast address"),
    ("::/96", "a reserved (IPv4-compatible) address"),
]
_RULES = [(ipaddress.ip_network(net), why) for net, why in _V4_RULES + _V6_RULES]

# IPv6 forms that carry an IPv4 address inside: judged by the address they carry.
_MAPPED = ipaddress.ip_network("::ffff:0:0/96")
_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated IPv4-compatible form: ::a9fe:a9fe
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")

# Refused even when private addresses are allowed: where clouds serve credentials and
# instance data. All of IPv4 link-local (AWS, GCP, Azure, OpenStack, Oracle, DigitalOcean at
# 169.254.169.254; ECS task credentials at 169.254.170.2; AWS DNS and time at .253 and .123),
# IPv6 link-local, AWS's IPv6 metadata range, Alibaba's and Azure's own addresses.
_METADATA = [
    ipaddress.ip_network(n)
    for n in (
        "169.254.0.0/16",
        "fe80::/10",
        "fd00:ec2::/32",
        "100.100.100.200/32",
        "168.63.129.16/32",
    )
]


def address_refusal(ip: str) -> str | None:
    """Why the bot must not connect to `ip`, as one sentence; None when it is public.

    >>> address_refusal("169.254.169.254")
    'refused: 169.254.169.254 is a link-local/cloud-metadata address'
    >>> address_refusal("93.184.216.34") is None
    True
    """
    address = _parse(ip)
    if address is None:
        return f"refused: {ip} is not an IP address"
    reason = _classify(address)
    return None if reason is None else f"refused: {ip} is {reason}"


def _classify(address: IPAddress) -> str | None:
    inner = _embedded_ipv4(address)
    if inner is not None:
        inner_reason = _classify(inner)
        if inner_reason is None:
            return None
        return f"an IPv6 form of {inner}, {inner_reason}"
    for network, reason in _RULES:
        if address.version == network.version and address in network:
            return reason
    # Anything else the registries do not call globally reachable (new special-purpose
    # blocks, for instance) is refused too: a stranger's link has no business there.
    if not address.is_global:
        return "not a public address"
    return None


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address in _MAPPED or address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _COMPATIBLE and int(address) > 1:  # not :: or ::1
        return ipaddress.IPv4Address(int(address))
    if address in _SIX_TO_FOUR:
        return address.sixtofour
    return None


def _is_metadata(address: IPAddress) -> bool:
    """Whether the address, or the IPv4 address an IPv6 form carries, is a metadata one."""
    for candidate in (address, _embedded_ipv4(address)):
        if candidate is not None and any(
            candidate.version == n.version and candidate in n for n in _METADATA
        ):
            return True
    return False


def _parse(ip: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.scope_id:
        address = ipaddress.IPv6Address(ip.split("%", 1)[0])
    return address


def parse_ip_literal(host: str) -> str | None:
    """The address a URL host names literally, in its usual form; None for a name.

    Besides the usual forms this reads the old ones that browsers and C libraries still
    accept and that are used to slip loopback past naive filters: 2130706433, 0x7f.1,
    0177.0.0.1, 127.1 all name 127.0.0.1.
    """
    host = host.strip("[]")
    if ":" in host:
        address = _parse(host)
        return None if address is None else str(address)
    parts = host.rstrip(".").split(".") if host else []
    if not parts or len(parts) > 4:
        return None
    numbers = [_ipv4_part(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    *leading, last = typing.cast(list[int], numbers)
    if any(n > 255 for n in leading) or last >= 256 ** (5 - len(parts)):
        return None
    value = last
    for i, n in enumerate(leading):
        value += n << (8 * (3 - i))
    return str(ipaddress.IPv4Address(value))


def _ipv4_part(text: str) -> int | None:
    try:
        if text[:2].lower() == "0x":
            return int(text[2:] or "0", 16)
        if len(text) > 1 and text.startswith("0"):
            return int(text[1:], 8)
        return int(text, 10) if text.isdigit() else None
    except ValueError:
        return None


class AddressRefused(Exception):
    """Raised instead of connecting: `reason` is the sentence shown to the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NameNotResolved(Exception):
    """The host name does not resolve (not retried: a typo does not fix itself)."""


class AddressGuard:
    """The rule with the deployment's choices applied.

    `allow_private`: `fetch.allow_private_addresses`, for an intranet deployment. Cloud
    metadata services stay refused even then: no archived link needs them.
    `allow_networks`: networks allowed whatever else applies (tests allow 127.0.0.1/32 and
    still see 169.254.169.254 refused).
    """

    def __init__(self, *, allow_private: bool = False, allow_networks: Iterable[str] = ()):
        self.allow_private = allow_private
        self.allow_networks = [ipaddress.ip_network(n, strict=False) for n in allow_networks]

    def refusal(self, ip: str, host: str | None = None) -> str | None:
        """Why connecting to `ip` (which `host` resolved to, if named) is refused, or None."""
        address = _parse(ip)
        if address is None:
            return f"refused: {ip} is not an IP address"
        if any(address.version == n.version and address in n for n in self.allow_networks):
            return None
        if self.allow_private and not _is_metadata(address):
            return None
        reason = _classify(address)
        if reason is None:
            return None
        if host is not None and host != ip:
            return f"refused: {host} resolves to {ip}, {reason}"
        return f"refused: {ip} is {reason}"

    async def vetted_addresses(
        self, host: str, port: int, resolver: Resolver, timeout: float | None = None
    ) -> list[str]:
        """Every address `host` resolves to, once each is checked; raises AddressRefused.

        One refused address refuses the name: whoever controls the name's DNS would
        otherwise choose which of its addresses we use.
        """
        literal = parse_ip_literal(host)
        if literal is not None:
            addresses = [literal]
        else:
            addresses = await _resolve(host, port, resolver, timeout)
        for ip in addresses:
            reason = self.refusal(ip, None if literal else host)
            if reason is not None:
                raise AddressRefused(reason)
        return addresses


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the system resolver gives for `host`, in its order, without repeats."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def _resolve(host: str, port: int, resolver: Resolver, timeout: float | None) -> list[str]:
    try:
        async with asyncio.timeout(timeout):
            addresses = await asyncio.to_thread(resolver, host, port)
    except TimeoutError:
        raise httpcore.ConnectTimeout(f"resolving {host} took too long") from None
    except socket.gaierror as e:
        if e.errno == socket.EAI_AGAIN:  # the DNS server failed: worth another try
            raise httpcore.ConnectError(f"cannot resolve {host} now: {e.strerror}") from None
        raise NameNotResolved(f"could not resolve host {host}") from None
    except OSError as e:
        raise NameNotResolved(f"could not resolve host {host}: {e.strerror or e}") from None
    if not addresses:
        raise NameNotResolved(f"could not resolve host {host}")
    return list(addresses)


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that connects only to addresses the guard allows.

    httpcore calls `connect_tcp(host, port)` for every new connection (the first request
    to a host and every redirect to a new one); the pool reuses a connection only for the
    same scheme, host and port. TLS is started afterwards on the returned stream with the
    host *name* as server_hostname, so SNI and certificate checks are unchanged.
    """

    def __init__(
        self,
        guard: AddressGuard,
        resolver: Resolver = system_resolver,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self.guard = guard
        self.resolver = resolver
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self.guard.vetted_addresses(host, port, self.resolver, timeout)
        error: Exception | None = None
        for ip in addresses:
            try:
                return await self.inner.connect_tcp(
                    ip,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                error = e  # try the name's next address, as a browser would
        assert error is not None
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise AddressRefused(f"refused: {path} is a local socket")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)
