"""OAuth as a Shopify shop answers it: authorization-code grant (optionally expiring tokens with rotating
refresh tokens), refresh grant, and token exchange of an App Bridge session token (HS256 JWT).

Refresh rotation follows the 2026-08-28 changelog: the previous refresh token keeps working until the new one
is first used; ``strict_rotation`` revokes it at once instead.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlencode

import jwt
from flask import Blueprint, Response, jsonify, redirect, request
from werkzeug.wrappers import Response as BaseResponse

TOKEN_EXCHANGE: Final = "urn:ietf:params:oauth:grant-type:token-exchange"  # noqa: S105
ID_TOKEN_TYPE: Final = "urn:ietf:params:oauth:token-type:id_token"  # noqa: S105
OFFLINE: Final = "urn:shopify:params:oauth:token-type:offline-access-token"
ONLINE: Final = "urn:shopify:params:oauth:token-type:online-access-token"
REFRESH_TTL: Final = 90 * 24 * 3600
CODE_TTL: Final = 600
DEFAULT_SCOPES: Final = (
    "read_orders,write_orders,read_returns,write_returns,read_products,read_customers,"
    "write_store_credit_account_transactions,write_gift_cards,write_app_proxy"
)


def query_hmac(params: dict[str, str], secret: str) -> str:
    """Hex HMAC-SHA256 over the sorted ``k=v&...`` query without ``hmac``, as Shopify signs redirects."""
    message = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k not in ("hmac", "signature"))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


@dataclass
class _Token:
    scope: str
    expires_at: float | None
    online_user: str | None = None


@dataclass
class _Refresh:
    access_token: str
    expires_at: float
    successor: str | None = None
    issued: float = field(default_factory=time.time)


class TokenStore:
    """Access tokens, one-time codes and refresh tokens, all in memory."""

    def __init__(self, fixed_token: str | None, token_ttl: int, strict_rotation: bool = False) -> None:
        self._lock = threading.Lock()
        self.token_ttl = token_ttl
        self.strict_rotation = strict_rotation
        self._tokens: dict[str, _Token] = {}
        self._codes: dict[str, tuple[str, float]] = {}
        self._refresh: dict[str, _Refresh] = {}
        self.fixed_token = fixed_token
        if fixed_token:
            self._tokens[fixed_token] = _Token(DEFAULT_SCOPES, None)

    def valid(self, token: str | None) -> bool:
        if not token:
            return False
        with self._lock:
            found = self._tokens.get(token)
            return found is not None and (found.expires_at is None or found.expires_at > time.time())

    def new_code(self, scope: str) -> str:
        code = secrets.token_hex(16)
        with self._lock:
            self._codes[code] = (scope, time.time() + CODE_TTL)
        return code

    def use_code(self, code: str) -> str | None:
        with self._lock:
            found = self._codes.pop(code, None)
        if found is None or found[1] < time.time():
            return None
        return found[0]

    def issue(self, scope: str, expiring: bool, online_user: str | None = None) -> dict[str, Any]:
        token = "shpat_" + secrets.token_hex(16) if online_user is None else "shpua_" + secrets.token_hex(16)
        now = time.time()
        expires = now + self.token_ttl if (expiring or online_user) else None
        body: dict[str, Any] = {"access_token": token, "scope": scope}
        with self._lock:
            self._tokens[token] = _Token(scope, expires, online_user)
            if expiring and online_user is None:
                refresh = "shprt_" + secrets.token_hex(16)
                self._refresh[refresh] = _Refresh(token, now + REFRESH_TTL)
                body |= {
                    "expires_in": self.token_ttl,
                    "refresh_token": refresh,
                    "refresh_token_expires_in": REFRESH_TTL,
                }
        if online_user is not None:
            body |= {
                "expires_in": self.token_ttl,
                "associated_user_scope": scope,
                "associated_user": {"id": int(online_user) if online_user.isdigit() else online_user},
            }
        return body

    def rotate(self, refresh_token: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._refresh.get(refresh_token)
            if found is None or found.expires_at < time.time():
                return None
            scope = self._tokens[found.access_token].scope if found.access_token in self._tokens else DEFAULT_SCOPES
            # First use of a successor retires its predecessor(s).
            for old, entry in list(self._refresh.items()):
                if entry.successor == refresh_token:
                    del self._refresh[old]
        body = self.issue(scope, expiring=True)
        with self._lock:
            if self.strict_rotation:
                self._refresh.pop(refresh_token, None)
            elif refresh_token in self._refresh:
                self._refresh[refresh_token].successor = body["refresh_token"]
        return body

    def revoke_all(self) -> None:
        with self._lock:
            self._tokens = {k: v for k, v in self._tokens.items() if k == self.fixed_token}
            self._refresh.clear()


def blueprint(store: TokenStore, api_key: str, api_secret: str, shop_domain: str) -> Blueprint:
    bp = Blueprint("sandbox_oauth", __name__)

    @bp.get("/admin/oauth/authorize")
    def authorize() -> BaseResponse:
        args = request.args
        if args.get("client_id") != api_key:
            return _error(400, "invalid_request", "Unknown client_id")
        redirect_uri = args.get("redirect_uri")
        if not redirect_uri:
            return _error(400, "invalid_request", "redirect_uri is required")
        code = store.new_code(args.get("scope") or DEFAULT_SCOPES)
        host = base64.b64encode(f"admin.shopify.com/store/{shop_domain.split('.')[0]}".encode()).decode()
        params = {
            "code": code,
            "host": host.rstrip("="),
            "shop": shop_domain,
            "state": args.get("state", ""),
            "timestamp": str(int(time.time())),
        }
        params["hmac"] = query_hmac(params, api_secret)
        sep = "&" if "?" in redirect_uri else "?"
        return redirect(f"{redirect_uri}{sep}{urlencode(params)}", code=302)

    @bp.post("/admin/oauth/access_token")
    def access_token() -> Response:
        form: dict[str, Any] = dict(request.form) or (request.get_json(silent=True) or {})
        if form.get("client_id") != api_key or not hmac.compare_digest(str(form.get("client_secret", "")), api_secret):
            return _error(400, "invalid_client", "Client credentials are invalid")
        grant = form.get("grant_type") or "authorization_code"
        expiring = str(form.get("expiring", "0")) == "1"
        if grant == "authorization_code":
            scope = store.use_code(str(form.get("code", "")))
            if scope is None:
                return _error(400, "invalid_request", "The authorization code was not found or was already used")
            return jsonify(store.issue(scope, expiring))
        if grant == "refresh_token":
            body = store.rotate(str(form.get("refresh_token", "")))
            if body is None:
                return _error(400, "invalid_grant", "The refresh token is invalid or expired")
            return jsonify(body)
        if grant == TOKEN_EXCHANGE:
            return _token_exchange(form, store, api_key, api_secret, shop_domain, expiring)
        return _error(400, "unsupported_grant_type", f"Unsupported grant_type {grant}")

    return bp


def _token_exchange(
    form: dict[str, Any], store: TokenStore, api_key: str, api_secret: str, shop_domain: str, expiring: bool
) -> Response:
    if form.get("subject_token_type") not in (None, ID_TOKEN_TYPE):
        return _error(400, "invalid_request", "subject_token_type must be an id_token")
    try:
        claims = jwt.decode(
            str(form.get("subject_token", "")),
            api_secret,
            algorithms=["HS256"],
            audience=api_key,
            leeway=10,
            options={"require": ["iss", "dest", "aud", "sub", "exp", "nbf"]},
        )
    except jwt.PyJWTError:
        return _error(400, "invalid_subject_token", "The session token could not be verified")
    dest = str(claims.get("dest", "")).removeprefix("https://")
    iss = str(claims.get("iss", "")).removeprefix("https://").removesuffix("/admin")
    if dest != shop_domain or iss != dest:
        return _error(400, "invalid_subject_token", "The session token is for another shop")
    requested = form.get("requested_token_type") or OFFLINE
    if requested == ONLINE:
        return jsonify(store.issue(DEFAULT_SCOPES, expiring=False, online_user=str(claims["sub"])))
    return jsonify(store.issue(DEFAULT_SCOPES, expiring))


def session_token(api_key: str, api_secret: str, shop_domain: str, sub: str = "42", ttl: int = 60) -> str:
    """An App Bridge session token as Shopify signs it (test helper)."""
    now = int(time.time())
    claims = {
        "iss": f"https://{shop_domain}/admin",
        "dest": f"https://{shop_domain}",
        "aud": api_key,
        "sub": sub,
        "exp": now + ttl,
        "nbf": now,
        "iat": now,
        "jti": secrets.token_hex(8),
        "sid": secrets.token_hex(8),
    }
    return jwt.encode(claims, api_secret, algorithm="HS256")


def _error(status: int, code: str, description: str) -> Response:
    response = jsonify({"error": code, "error_description": description})
    response.status_code = status
    return response
