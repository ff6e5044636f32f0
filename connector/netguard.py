"""Which addresses the connector may call on a merchant's say-so: public ones only.

A WooCommerce store URL is typed by whoever connects a shop (the wc-auth flow is anonymous), and the server
then calls it. Pointed inside (loopback, the cloud metadata service at 169.254.169.254, the LAN), it would
make the connector a proxy into our own network. So a store URL is checked twice:

* when it enters (``check_store_url``): the host must not be, or resolve to, an internal address;
* at every new connection (``GuardedAdapter``): the address the socket actually reached is checked again,
  because DNS may answer differently a second later (DNS rebinding), and only the connected peer is proof.

``allow_private`` (``[app] allow_private_store_urls``) turns both off for development and the sandboxes.
Behind an egress HTTP proxy the peer is the proxy, which must then enforce the same rule itself. The Shopify
client is not guarded: it only ever calls a validated ``<name>.myshopify.com`` or the operator's own
``[shopify] admin_base_url``, never an address a merchant typed.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import Any, Final
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

from connector.errors import ConfigError
from connector.shopaddress import woocommerce_store_url

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str], list[str]]

INTERNAL_SUFFIXES: Final = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa", ".intranet", ".lan")
"""Names reserved for private networks (RFC 6761, 6762, 8375; ICANN's ``.internal``): ``localhost``,
``metadata.google.internal``. Refused without asking DNS, which may not know them from here."""
_NAT64: Final = ipaddress.IPv6Network("64:ff9b::/96")
_SHARED: Final = ipaddress.IPv4Network("100.64.0.0/10")  # carrier-grade NAT: not private, not public either


class InternalAddress(ConfigError):
    """A store URL points inside (or could not be checked): refused unless private addresses are allowed."""


def is_internal(ip: IPAddress) -> bool:
    """Anything but a public unicast address: loopback, private, link-local, multicast, reserved,
    unspecified, shared (CGNAT), documentation ranges, and IPv4 hidden in IPv6 (mapped, 6to4, NAT64)."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (
            ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in _NAT64 else None
        )
        if embedded is not None and is_internal(embedded):
            return True
    elif ip in _SHARED:
        return True
    return (
        not ip.is_global
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def literal_ip(host: str) -> IPAddress | None:
    """The address a host spells, in any form a resolver accepts: ``127.0.0.1``, ``::1``, but also
    ``2130706433``, ``0x7f.1`` and ``0177.1`` (inet_aton's legacy forms, which getaddrinfo honours)."""
    bare = host.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    if not bare or any(c not in "0123456789abcdefx." for c in bare.lower()):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(bare))
    except OSError:
        return None


def resolve(host: str) -> list[str]:
    """Every address ``host`` resolves to (empty when it does not resolve)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return []
    return [str(info[4][0]) for info in infos]


def check_host(host: str, *, allow_private: bool, resolver: Resolver | None = resolve) -> None:
    """Raise ``InternalAddress`` when ``host`` is, or resolves to, an internal address.

    A name that does not resolve passes here (a shop may be registered before its DNS is live); it can
    only ever be reached through ``GuardedAdapter``, which checks the address actually connected to.
    ``resolver=None`` checks the spelling only (no network, e.g. when loading the config file).
    """
    if allow_private:
        return
    name = host.strip("[]").lower().rstrip(".")
    ip = literal_ip(name)
    if ip is not None:
        if is_internal(ip):
            raise InternalAddress(f"{host} is an internal address")
        return
    if name == "localhost" or name.endswith(INTERNAL_SUFFIXES) or "." not in name:
        raise InternalAddress(f"{host} is an internal host name")
    for found in [] if resolver is None else resolver(name):
        resolved = literal_ip(found)
        if resolved is None or is_internal(resolved):
            raise InternalAddress(f"{host} resolves to an internal address")


def check_store_url(url: str, *, allow_private: bool, resolver: Resolver | None = resolve) -> None:
    """``check_host`` for the host of a (normalised) store URL."""
    check_host(urlsplit(url).hostname or "", allow_private=allow_private, resolver=resolver)


def admit_store_url(raw: str, *, allow_private: bool, resolver: Resolver | None = resolve) -> str:
    """The one door for a WooCommerce store URL: its stored spelling, once it is known not to point inside."""
    url = woocommerce_store_url(raw)
    check_store_url(url, allow_private=allow_private, resolver=resolver)
    return url


def refusal_in(exc: BaseException) -> InternalAddress | None:
    """The guard's refusal inside a ``requests`` error (requests wraps urllib3's, which wraps ours)."""
    seen: set[int] = set()
    todo: list[Any] = [exc]
    while todo:
        item = todo.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, _Refused):
            return item.refusal
        todo += [*item.args, getattr(item, "reason", None), item.__cause__, item.__context__]
    return None


# -- the connection-time check --------------------------------------------------------------------


class _Refused(NewConnectionError):
    """urllib3's own "could not connect" (so nothing is sent and nothing is retried as a write), carrying
    the refusal for ``refusal_in``."""

    def __init__(self, conn: HTTPConnection, refusal: InternalAddress) -> None:
        super().__init__(conn, str(refusal))
        self.refusal = refusal


class _PeerChecked(HTTPConnection):
    """Checks the peer right after the TCP handshake, before a byte of the request (or TLS) is sent."""

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        peer = str(sock.getpeername()[0])
        ip = literal_ip(peer)
        if ip is None or is_internal(ip):
            sock.close()
            raise _Refused(self, InternalAddress(f"{self.host} connected to an internal address"))
        return sock


class _GuardedHTTPConnection(_PeerChecked):
    pass


class _GuardedHTTPSConnection(_PeerChecked, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """A ``requests`` transport that refuses to connect to internal addresses (unless ``allow_private``)."""

    __attrs__ = [*HTTPAdapter.__attrs__, "allow_private"]

    def __init__(self, *, allow_private: bool = False, **kwargs: Any) -> None:
        self.allow_private = allow_private
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        if not self.allow_private:
            self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}
