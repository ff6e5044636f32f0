"""OAuth: authorization-code grant with a signed redirect, expiring tokens with rotating refresh tokens,
token exchange of an App Bridge session token."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt
import requests

from tests.sandbox_shopify.conftest import Sandbox

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"


def authorize(sb: Sandbox, state: str = "nonce-1") -> dict[str, str]:
    response = requests.get(
        f"{sb.base}/admin/oauth/authorize",
        params={
            "client_id": sb.options.api_key,
            "scope": "read_orders,write_returns",
            "redirect_uri": "https://app.invalid/callback",
            "state": state,
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == "https://app.invalid/callback"
    return dict(parse_qsl(location.query))


def token(sb: Sandbox, **form: Any) -> requests.Response:
    data = {"client_id": sb.options.api_key, "client_secret": sb.options.api_secret, **form}
    return requests.post(f"{sb.base}/admin/oauth/access_token", data=data, timeout=10)


def shop_name(sb: Sandbox, access_token: str) -> int:
    return sb.post("{ shop { name } }", token=access_token).status_code


def test_code_grant_redirect_is_signed_like_shopify(sandbox: Sandbox) -> None:
    params = authorize(sandbox)
    assert set(params) == {"code", "shop", "hmac", "state", "timestamp", "host"}
    assert params["state"] == "nonce-1" and params["shop"] == sandbox.options.shop_domain
    message = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "hmac")
    expected = hmac.new(sandbox.options.api_secret.encode(), message.encode(), hashlib.sha256).hexdigest()
    assert hmac.compare_digest(params["hmac"], expected)
    granted = token(sandbox, code=params["code"])
    assert granted.status_code == 200
    body = granted.json()
    assert body["scope"] == "read_orders,write_returns" and "refresh_token" not in body
    assert shop_name(sandbox, body["access_token"]) == 200
    assert token(sandbox, code=params["code"]).status_code == 400  # codes are single use
    assert token(sandbox, code=authorize(sandbox)["code"], client_secret="wrong").status_code == 400


def test_expiring_token_and_refresh_rotation(make_sandbox: Any) -> None:
    sb = make_sandbox(token_ttl=1)
    first = token(sb, code=authorize(sb)["code"], expiring="1").json()
    assert first["expires_in"] == 1 and first["refresh_token"] and first["refresh_token_expires_in"] > 0
    assert shop_name(sb, first["access_token"]) == 200
    time.sleep(1.2)
    assert shop_name(sb, first["access_token"]) == 401
    second = token(sb, grant_type="refresh_token", refresh_token=first["refresh_token"]).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert shop_name(sb, second["access_token"]) == 200
    third = token(sb, grant_type="refresh_token", refresh_token=second["refresh_token"])
    assert third.status_code == 200
    # Once the successor has been used, the original refresh token is dead.
    reused = token(sb, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"


def test_strict_rotation_revokes_immediately(make_sandbox: Any) -> None:
    sb = make_sandbox(strict_refresh_rotation=True)
    first = token(sb, code=authorize(sb)["code"], expiring="1").json()
    assert token(sb, grant_type="refresh_token", refresh_token=first["refresh_token"]).status_code == 200
    assert token(sb, grant_type="refresh_token", refresh_token=first["refresh_token"]).status_code == 400


def _session_token(sb: Sandbox, **changes: Any) -> str:
    now = int(time.time())
    domain = sb.options.shop_domain
    claims = {
        "iss": f"https://{domain}/admin",
        "dest": f"https://{domain}",
        "aud": sb.options.api_key,
        "sub": "42",
        "exp": now + 60,
        "nbf": now,
        "iat": now,
        "jti": "j",
        "sid": "s",
        **changes,
    }
    return jwt.encode(claims, sb.options.api_secret, algorithm="HS256")


def test_token_exchange(sandbox: Sandbox) -> None:
    form = {
        "grant_type": TOKEN_EXCHANGE,
        "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
        "requested_token_type": "urn:shopify:params:oauth:token-type:offline-access-token",
        "expiring": "1",
    }
    good = token(sandbox, subject_token=_session_token(sandbox), **form)
    assert good.status_code == 200
    body = good.json()
    assert body["refresh_token"] and shop_name(sandbox, body["access_token"]) == 200
    minted = sandbox.admin("POST", "/session-token", json={"sub": "7"})["session_token"]
    assert token(sandbox, subject_token=minted, **form).status_code == 200
    expired = _session_token(sandbox, exp=int(time.time()) - 120, nbf=int(time.time()) - 180)
    assert token(sandbox, subject_token=expired, **form).status_code == 400
    other_shop = _session_token(sandbox, dest="https://other.myshopify.com")
    assert token(sandbox, subject_token=other_shop, **form).json()["error"] == "invalid_subject_token"
    forged = jwt.encode({"aud": sandbox.options.api_key}, "not-the-secret-but-long-enough-for-hs256", algorithm="HS256")
    assert token(sandbox, subject_token=forged, **form).status_code == 400
    online = token(
        sandbox,
        subject_token=_session_token(sandbox),
        **{**form, "requested_token_type": "urn:shopify:params:oauth:token-type:online-access-token"},
    ).json()
    assert online["associated_user"] == {"id": 42} and online["expires_in"] > 0
