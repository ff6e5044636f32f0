"""Signed customer tokens: a portal session for one order, and the secret link that follows one return.

Tokens are itsdangerous signatures (HMAC-SHA1 over a key derived with the salt) of a small JSON payload
carrying an explicit expiry read against the container's clock. They are signed, not encrypted: they hold
ids only, never an e-mail address in a URL.

The signing key, first found wins:

1. ``app.config["CONNECTOR_SIGNING_KEY"]`` (embedding, tests);
2. the ``CONNECTOR_SIGNING_KEY`` environment variable (comma-separated, newest first: old links keep
   working while an old key is listed);
3. derived (HMAC-SHA256) from each key of ``CONNECTOR_SECRET_KEYS``, the credential encryption keys;
4. outside production only, derived from the development key file the credential cipher uses.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from connector.api.context import container
from connector.api.settings import SIGNING_KEY_ENV
from connector.errors import ConfigError
from connector.store.crypto import ENV_VAR as SECRET_KEYS_ENV

_DERIVATION_LABEL = b"returns-connector api token signing v1"


class TokenKind(enum.StrEnum):
    CUSTOMER = "portal-customer"
    TRACKING = "return-tracking"


@dataclass(frozen=True, slots=True)
class Issued:
    token: str
    expires_at: datetime


def derive_signing_key(secret: str) -> str:
    """A signing key of its own from a credential key, so a token never carries anything a Fernet key
    signed (and the demo-secrets test can rebuild the tokens a run handed out)."""
    return hmac.new(secret.encode(), _DERIVATION_LABEL, hashlib.sha256).hexdigest()


def _split(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def signing_keys() -> list[str]:
    """The keys, newest first."""
    configured = current_app.config.get("CONNECTOR_SIGNING_KEY")
    if configured:
        return _split(str(configured))
    explicit = _split(os.environ.get(SIGNING_KEY_ENV, ""))
    if explicit:
        return explicit
    secrets = _split(os.environ.get(SECRET_KEYS_ENV, ""))
    if secrets:
        return [derive_signing_key(key) for key in secrets]
    config = container().config
    if not config.is_production:
        container().cipher  # noqa: B018 - creates the development key file when there is none
        dev_file = config.data_path / "secret.key"
        if dev_file.exists():
            return [derive_signing_key(dev_file.read_text().strip())]
    raise ConfigError(f"no signing key for customer links: set {SIGNING_KEY_ENV} or {SECRET_KEYS_ENV}")


def _serializer(kind: TokenKind) -> URLSafeSerializer:
    # itsdangerous signs with the LAST key of the list and accepts any of them.
    return URLSafeSerializer(list(reversed(signing_keys())), salt=kind.value)


def issue(kind: TokenKind, claims: dict[str, str], ttl: timedelta) -> Issued:
    expires_at = container().clock() + ttl
    payload: dict[str, Any] = {**claims, "exp": int(expires_at.timestamp())}
    token = _serializer(kind).dumps(payload)
    return Issued(str(token), expires_at.replace(microsecond=0))


def read(kind: TokenKind, token: str) -> dict[str, str] | None:
    """The claims of a valid, unexpired token of this kind; None for anything else."""
    try:
        payload = _serializer(kind).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("exp"), int):
        return None
    if datetime.fromtimestamp(payload["exp"], UTC) <= container().clock():
        return None
    return {str(k): str(v) for k, v in payload.items() if k != "exp"}
