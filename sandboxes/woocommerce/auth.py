"""REST API key authentication as ``class-wc-rest-authentication.php`` does it.

- Basic auth ``ck:cs`` or ``consumer_key``/``consumer_secret`` query params. Real WooCommerce only tries
  these when WordPress thinks the request is HTTPS; the sandbox serves plain HTTP and accepts them anyway
  (``basic_over_http``), standing in for a TLS-terminating proxy.
- OAuth 1.0a one-legged (HMAC-SHA1/SHA256, key ``secret&``), params in the query string or an
  ``Authorization: OAuth`` header; timestamp within 15 minutes; a nonce is accepted once per key.
- Key permissions ``read|write|read_write`` are checked per HTTP method.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote, unquote

from flask import Flask, Response, g, request

from sandboxes.woocommerce.errors import ApiError
from sandboxes.woocommerce.state import ApiKey, Store

NONCE_WINDOW_S = 15 * 60
_OAUTH_REQUIRED = ("oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature",
                   "oauth_signature_method")  # fmt: skip
_WRITE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_CANNOT = {
    "GET": ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    "POST": ("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."),
    "PUT": ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
    "PATCH": ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
    "DELETE": ("woocommerce_rest_cannot_delete", "Sorry, you are not allowed to delete this resource."),
}


def _auth_error(message: str) -> ApiError:
    return ApiError("woocommerce_rest_authentication_error", message, 401)


def new_key(store: Store, user_id: int, description: str, permissions: str,
            consumer_key: str | None = None, consumer_secret: str | None = None) -> ApiKey:  # fmt: skip
    key = ApiKey(
        store.key_id(), user_id, description, permissions,
        consumer_key or "ck_" + secrets.token_hex(20), consumer_secret or "cs_" + secrets.token_hex(20),
    )  # fmt: skip
    with store.lock:
        store.api_keys[key.consumer_key] = key
    return key


def rawurlencode(value: str) -> str:
    """PHP ``rawurlencode`` (RFC 3986: everything but ``A-Za-z0-9-_.~``)."""
    return quote(value, safe="-_.~")


def signature_base(method: str, url: str, oauth_params: dict[str, str]) -> str:
    """The string WooCommerce signs: METHOD & rawurlencode(url) & double-encoded sorted params."""
    pairs = sorted((k, v) for k, v in oauth_params.items() if k != "oauth_signature")
    joined = "%26".join(rawurlencode(f"{rawurlencode(k)}={rawurlencode(v)}") for k, v in pairs)
    return f"{method.upper()}&{rawurlencode(url)}&{joined}"


def sign(method: str, url: str, oauth_params: dict[str, str], secret: str) -> str:
    algorithm = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}[oauth_params["oauth_signature_method"]]
    digest = hmac.new(f"{secret}&".encode(), signature_base(method, url, oauth_params).encode(), algorithm)
    return base64.b64encode(digest.digest()).decode()


@dataclass
class Authenticator:
    store: Store
    basic_over_http: bool = True

    def __post_init__(self) -> None:
        self._nonces: dict[str, dict[str, float]] = {}
        self._nonce_lock = threading.Lock()

    def install(self, app: Flask) -> None:
        app.before_request(self.before_request)

    def before_request(self) -> Response | None:
        if not request.path.startswith("/wp-json/wc/"):
            return None
        try:
            key = self._identify()
            g.api_key = key
            if request.url_rule is None or request.method == "OPTIONS":
                return None  # unknown routes 404 (rest_no_route) before any permission check
            if key is None:
                code, message = _CANNOT.get(request.method, _CANNOT["GET"])
                raise ApiError(code, message, 401)
            self._check_permissions(key)
        except ApiError as error:
            return error.response()
        return None

    def _identify(self) -> ApiKey | None:
        auth = request.authorization
        if auth is not None and auth.type == "basic" and self.basic_over_http:
            return self._by_secret(auth.username or "", auth.password or "")
        if self.basic_over_http and "consumer_key" in request.args and "consumer_secret" in request.args:
            return self._by_secret(request.args["consumer_key"], request.args["consumer_secret"])
        oauth = self._oauth_params()
        if oauth is not None:
            return self._by_oauth(oauth)
        return None

    def _by_secret(self, consumer_key: str, consumer_secret: str) -> ApiKey:
        key = self.store.api_keys.get(consumer_key)
        if key is None:
            raise _auth_error("Consumer key is invalid.")
        if not hmac.compare_digest(key.consumer_secret.encode(), consumer_secret.encode()):
            raise _auth_error("Consumer secret is invalid.")
        return key

    @staticmethod
    def _oauth_params() -> dict[str, str] | None:
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("oauth "):
            found: dict[str, str] = {}
            for part in header[6:].split(","):
                name, _, value = part.strip().partition("=")
                if name.startswith("oauth_"):
                    found[name] = unquote(value.strip().strip('"'))
            return {**{k: v for k, v in request.args.items()}, **found}
        if any(name.startswith("oauth_") for name in request.args):
            merged: dict[str, str] = {}
            for name in request.args:
                merged[name] = request.args.getlist(name)[-1]
            return merged
        return None

    def _by_oauth(self, oauth: dict[str, str]) -> ApiKey:
        missing = [name for name in _OAUTH_REQUIRED if not oauth.get(name)]
        if missing:
            raise _auth_error(f"Missing OAuth parameter {missing[0]}")
        key = self.store.api_keys.get(oauth["oauth_consumer_key"])
        if key is None:
            raise _auth_error("Consumer key is invalid.")
        if oauth["oauth_signature_method"] not in ("HMAC-SHA1", "HMAC-SHA256"):
            raise _auth_error("Invalid signature - signature method is invalid.")
        url = f"{request.scheme}://{request.host}{request.path}"
        expected = sign(request.method, url, oauth, key.consumer_secret)
        provided = oauth["oauth_signature"].replace(" ", "+")
        if not hmac.compare_digest(expected.encode(), provided.encode()):
            raise _auth_error("Invalid signature - provided signature does not match.")
        self._check_timestamp_and_nonce(key, oauth["oauth_timestamp"], oauth["oauth_nonce"])
        return key

    def _check_timestamp_and_nonce(self, key: ApiKey, timestamp: str, nonce: str) -> None:
        now = time.time()
        try:
            stamp = int(timestamp)
        except ValueError as exc:
            raise _auth_error("Invalid timestamp.") from exc
        if stamp < now - NONCE_WINDOW_S or stamp > now + NONCE_WINDOW_S:
            raise _auth_error("Invalid timestamp.")
        with self._nonce_lock:
            used = self._nonces.setdefault(key.consumer_key, {})
            if nonce in used:
                raise _auth_error("Invalid nonce - nonce has already been used.")
            for old, at in list(itertools.islice(used.items(), 64)):  # oldest first: insertion order
                if at >= now - NONCE_WINDOW_S:
                    break
                del used[old]
            used[nonce] = now

    @staticmethod
    def _check_permissions(key: ApiKey) -> None:
        if request.method in _WRITE and key.permissions not in ("write", "read_write"):
            raise _auth_error("The API key provided does not have write permissions.")
        if request.method in ("GET", "HEAD") and key.permissions not in ("read", "read_write"):
            raise _auth_error("The API key provided does not have read permissions.")
