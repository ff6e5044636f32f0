"""Store URLs may not point inside: refused when they enter, and again where each connection lands."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from connector.errors import ConfigError
from connector.netguard import InternalAddress, admit_store_url, check_host, is_internal, literal_ip
from platforms.woocommerce.client import RetryPolicy, WooClient

PUBLIC = "93.184.216.34"

INSIDE = [
    "127.0.0.1", "localhost", "LOCALHOST.", "0.0.0.0", "169.254.169.254", "10.0.0.1", "10.255.1.2", "172.16.0.1",
    "192.168.1.1", "100.64.0.1", "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "[::1]", "::", "fc00::1",
    "fd12:3456::1", "fe80::1", "ff02::1", "::ffff:127.0.0.1", "2002:7f00:1::", "64:ff9b::a9fe:a9fe",
    "2130706433", "0x7f.1", "0x7f000001", "0177.0.0.1", "127.1", "017700000001",
    "metadata.google.internal", "anything.internal", "shop.localhost", "printer.local", "metadata",
]


@pytest.mark.parametrize("host", INSIDE)
def test_internal_hosts_are_refused_without_dns(host: str) -> None:
    def no_dns(name: str) -> list[str]:
        raise AssertionError(f"{host} should be refused by its spelling, DNS asked for {name}")

    with pytest.raises(InternalAddress):
        check_host(host, allow_private=False, resolver=no_dns)
    check_host(host, allow_private=True, resolver=no_dns)


@pytest.mark.parametrize("ip", [PUBLIC, "8.8.8.8", "2606:4700:4700::1111", "2a00:1450:4007::64"])
def test_public_addresses_pass(ip: str) -> None:
    address = literal_ip(ip)
    assert address is not None and not is_internal(address)
    check_host(ip, allow_private=False, resolver=None)


def test_a_name_resolving_inside_is_refused() -> None:
    with pytest.raises(InternalAddress):
        check_host("shop.example.com", allow_private=False, resolver=lambda _: [PUBLIC, "10.0.0.7"])
    check_host("shop.example.com", allow_private=False, resolver=lambda _: [PUBLIC])
    check_host("not-yet-live.example.com", allow_private=False, resolver=lambda _: [])  # the socket check remains


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080", "http://localhost/", "http://0.0.0.0", "http://169.254.169.254/latest/meta-data",
     "http://10.1.2.3", "http://2130706433", "http://0x7f.1", "http://metadata.google.internal", "http://[::1]:9"],
)
def test_admit_store_url_refuses_the_issues_addresses(url: str) -> None:
    with pytest.raises(InternalAddress) as refused:
        admit_store_url(url, allow_private=False, resolver=lambda _: [])
    assert isinstance(refused.value, ConfigError)  # every entry point already answers ConfigError cleanly
    assert admit_store_url(url, allow_private=True).startswith("http://")


# -- at connection time ----------------------------------------------------------------------------


class _Hits(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        _Hits.hits.append(self.path)
        body = b"[]"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def inside() -> Iterator[int]:
    """A store listening on loopback: the place a rebound DNS name would send the connector."""
    _Hits.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hits)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


def test_dns_rebinding_is_caught_where_the_connection_lands(inside: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The name looked public when the shop was added; by the time we connect it points at loopback."""
    url = admit_store_url(f"http://rebound.example.com:{inside}", allow_private=False, resolver=lambda _: [PUBLIC])
    real = socket.getaddrinfo

    def rebound(host: Any, *args: Any, **kwargs: Any) -> Any:
        return real("127.0.0.1" if host == "rebound.example.com" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebound)
    client = WooClient(url, "ck", "cs", retry=RetryPolicy(max_retries=2, base_delay=0))
    with pytest.raises(InternalAddress):
        client.get("orders")
    assert _Hits.hits == []  # refused after the TCP handshake, before a byte of the request
    allowed = WooClient(url, "ck", "cs", allow_private=True)
    assert allowed.get("orders") == []
    assert len(_Hits.hits) == 1


def test_a_literal_loopback_url_is_refused_at_connection_too(inside: int) -> None:
    """Entry checks can be skipped (a shop stored before them, a base_url in the credentials): the client
    still refuses."""
    client = WooClient(f"http://127.0.0.1:{inside}", "ck", "cs", retry=RetryPolicy(max_retries=0))
    with pytest.raises(InternalAddress):
        client.get("orders")
    assert _Hits.hits == []
