"""The store page's address for one return: what the self-issued label's QR code and the portal's in-store QR
code carry, and what a scan at the counter opens.

Why signed: a code scanned at the counter must name one return of one shop and nothing else, so a code cannot
be edited into another return's number or moved to another shop. Why no expiry: the code is printed on a label
or shown on a phone for as long as the return is open (weeks, sometimes months), and it grants nothing by
itself: the page it opens still asks for the store staff's sign-in (``connector.pages.store.session``).

The code is ``<return id>.<signature>``: an HMAC-SHA256 (itsdangerous ``Signer``) keyed with the portal's keys
(``connector.pages.keys``, newest first, so a code made before a key rotation keeps working while the old key is
listed) and salted with the shop's id. The return's number stays readable in the URL, for a person reading it.

No Flask here: the label job (a worker) and the portal's confirmation both call ``store_return_url``, outside
any request of the store page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Final

from itsdangerous import BadSignature, Signer

from connector.config.model import Config
from connector.pages.keys import portal_keys

PREFIX: Final = "/store"
CODE_ROUTE: Final = "/c/<code>"
"""Under the store page's ``/store/<shop_id>``."""
_SALT: Final = "store-return-code:"


def store_path(shop_id: str) -> str:
    """``/store/<shop_id>``: where every page of the shop's store counter lives."""
    return f"{PREFIX}/{shop_id}"


def _signer(keys: Sequence[str], shop_id: str) -> Signer:
    # itsdangerous signs with the LAST key and accepts any of them; ours are newest first.
    return Signer(list(reversed(keys)), salt=_SALT + shop_id, digest_method=hashlib.sha256)


def return_code(keys: Sequence[str], shop_id: str, return_id: str) -> str:
    """The signed code of ``return_id`` in ``shop_id``: ``<return id>.<signature>``."""
    return _signer(keys, shop_id).sign(return_id).decode()


def read_return_code(keys: Sequence[str], shop_id: str, code: str) -> str | None:
    """The return id a code of ``shop_id`` names; None for a code we did not sign for this shop."""
    try:
        return _signer(keys, shop_id).unsign(code.strip()).decode()
    except (BadSignature, UnicodeError, ValueError):
        return None


def code_path(shop_id: str, code: str) -> str:
    return f"{store_path(shop_id)}/c/{code}"


def store_return_url(config: Config, shop_id: str, return_id: str, keys: Sequence[str] | None = None) -> str:
    """The absolute URL of the store page for one return, on the app's own address (``app.base_url``): signed,
    so that scanning it identifies the return; opening it still needs the staff's sign-in. ``keys`` defaults
    to the process's portal keys (``ConfigError`` in production without a secret)."""
    code = return_code(portal_keys(config) if keys is None else keys, shop_id, return_id)
    return config.app.base_url.rstrip("/") + code_path(shop_id, code)
