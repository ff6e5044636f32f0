"""Shopify's ``host`` parameter: which admin is framing the app, and where "open the app in the admin" is.

Every load of the app's URL from Shopify's admin carries ``host``: the admin's address, base64-encoded without
padding (``admin.shopify.com/store/<name>``; older shops ``<shop>.myshopify.com/admin``). Shopify's library
sanitises it (``api.utils.sanitizeHost``: decodes, then accepts only Shopify's admin hosts) before it builds a
URL from it, ``https://<decoded host>/apps/<api key>`` (``buildEmbeddedAppUrl``); a document load made outside
the admin (``embedded`` not ``1``) is redirected there, so the admin frames the app and hands it an ID token.

Why a module: the decoded host becomes a redirect target, so it is never trusted raw. Shopify's admin hosts
are accepted, and the one configured admin of the sandbox (``[shopify] admin_base_url``, over http on this
machine), which serves the same ``/store/<name>/apps/<api key>`` page (``sandboxes/shopify/admin_frame.py``).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

SHOPIFY_ADMIN_HOSTS: Final = re.compile(r"admin\.shopify\.com|[a-z0-9][a-z0-9-]*\.myshopify\.com")
"""Hosts an admin that frames the app may have (``sanitizeHost`` also allows Shopify's internal spin/dev ones,
which no merchant uses)."""
SHOPIFY_ADMIN_ORIGIN: Final = "https://admin.shopify.com"
_PATH: Final = re.compile(r"/[A-Za-z0-9._~/-]*")
_MAX_HOST: Final = 300


@dataclass(frozen=True, slots=True)
class AdminHost:
    """A checked ``host``: as Shopify sent it (``raw``, kept on the app's links) and what it names."""

    raw: str
    origin: str
    path: str

    def app_url(self, api_key: str) -> str:
        """The app's page inside this admin: where a load from outside the admin is sent."""
        return f"{self.origin}{self.path}/apps/{api_key}"


def read_host(raw: str | None, sandbox_admin: str = "") -> AdminHost | None:
    """The admin ``raw`` names, if it is Shopify's (or the configured sandbox admin); None otherwise."""
    if not raw or len(raw) > _MAX_HOST:
        return None
    try:
        decoded = base64.b64decode(raw + "=" * (-len(raw) % 4), altchars=b"-_", validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    name, slash, path = decoded.partition("/")
    path = slash + path.rstrip("/")
    if path and not _PATH.fullmatch(path):
        return None
    sandbox = urlsplit(sandbox_admin) if sandbox_admin else None
    if sandbox is not None and sandbox.netloc and name == sandbox.netloc:
        return AdminHost(raw, f"{sandbox.scheme}://{name}", path)
    if SHOPIFY_ADMIN_HOSTS.fullmatch(name):
        return AdminHost(raw, f"https://{name}", path)
    return None


def host_for(shop_domain: str, sandbox_admin: str = "") -> AdminHost:
    """The ``host`` Shopify would send for ``shop_domain`` (``admin.shopify.com/store/<name>``, or the sandbox's
    ``<its address>/store/<name>``): for a request that carries none, an XHR or a form post."""
    name = shop_domain.split(".", 1)[0]
    sandbox = urlsplit(sandbox_admin) if sandbox_admin else None
    if sandbox is not None and sandbox.netloc:
        origin, admin = f"{sandbox.scheme}://{sandbox.netloc}", sandbox.netloc
    else:
        origin, admin = SHOPIFY_ADMIN_ORIGIN, "admin.shopify.com"
    path = f"/store/{name}"
    raw = base64.b64encode(f"{admin}{path}".encode()).decode().rstrip("=")
    return AdminHost(raw, origin, path)
