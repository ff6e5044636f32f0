"""Every secret a finished demo run created, found where the run left it: its data directory.

- the credential encryption key (``secret.key``) and the link-signing key derived from it;
- every shop's decrypted credentials (Shopify access and refresh tokens, WooCommerce consumer key and
  secret, webhook secrets);
- every OAuth ``state`` and wc-auth ``user_id`` (``oauth_states``);
- every portal token and tracking link the run can have handed out: they are signatures of
  ``{shop, order|return, exp}``, so they are rebuilt for each second of the run's window;
- the API keys the demo issued for the shops' store pages (``store-keys.txt``, beside the database).

OAuth codes are used once and stored nowhere, and session tokens are not created by the demo: those are checked
by shape instead (``UNMASKED``), which catches any of them, whatever its value, and any other API key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from itsdangerous import URLSafeSerializer
from sqlalchemy import create_engine, text

from connector.api.settings import CUSTOMER_TOKEN_TTL, TRACKING_TOKEN_TTL
from connector.api.tokens import TokenKind, derive_signing_key
from connector.store.crypto import CredentialCipher
from demo.logistics import STORE_KEYS

UNMASKED: Final = {
    "an OAuth code, state, hmac or other secret query value": re.compile(
        r"(?<![A-Za-z0-9_-])(?:code|state|hmac|id_token|token|user_id|consumer_key|consumer_secret)=(?!\*\*\*)"
        r"[^&\s\"']+"
    ),
    "a tracking link": re.compile(r"/track/(?!\*\*\*)[^/?\s\"']+"),
    "a signed token (JWT session token, portal token, tracking link)": re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\."),
    "an API key": re.compile(r"\brck_[0-9a-f]{12}_[A-Za-z0-9_-]{8,}"),
    "a Shopify token": re.compile(r"\bshp(?:at|rt|ua|ss)_(?!sandbox\b)[A-Za-z0-9]{6,}"),
}
_SECRET_CREDENTIAL = re.compile(r"token|key|secret", re.IGNORECASE)
_PUBLIC_CREDENTIAL = re.compile(r"_id$|permissions|expires|scope", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Secret:
    kind: str
    value: str


def secrets_of_run(data_dir: Path, key: str, started: float, ended: float) -> Iterator[Secret]:
    """``key`` is the run's credential key (``CONNECTOR_SECRET_KEYS``): everything else derives from it."""
    signing_key = derive_signing_key(key)
    yield Secret("credential encryption key", key)
    yield Secret("link signing key", signing_key)
    engine = create_engine(f"sqlite:///{data_dir / 'connector.sqlite3'}")
    with engine.connect() as conn:
        cipher = CredentialCipher([key])
        for platform, blob in conn.execute(text("SELECT platform, credentials FROM shops")):
            for name, value in cipher.decrypt(blob).items() if blob else ():
                if _SECRET_CREDENTIAL.search(name) and not _PUBLIC_CREDENTIAL.search(name):
                    yield Secret(f"{platform} {name}", value)
        for purpose, value in conn.execute(text("SELECT purpose, value FROM oauth_states")):
            yield Secret(f"{purpose} single-use value", value)
        returns = conn.execute(text("SELECT r.shop_id, r.id, r.order_id, o.email FROM returns r "
                                    "JOIN order_snapshots o ON o.shop_id = r.shop_id AND o.order_id = r.order_id"))
        rows = list(returns)
    engine.dispose()
    yield from _signed_tokens(signing_key, rows, started, ended)
    keys = data_dir / STORE_KEYS
    for line in keys.read_text().splitlines() if keys.exists() else ():
        yield Secret("store page API key", line.rsplit(": ", 1)[1])


def _signed_tokens(signing_key: str, rows: list[tuple[str, str, str, str]], started: float,
                   ended: float) -> Iterator[Secret]:
    tracking = URLSafeSerializer(signing_key, salt=TokenKind.TRACKING.value)
    portal = URLSafeSerializer(signing_key, salt=TokenKind.CUSTOMER.value)
    for second in range(int(started) - 1, int(ended) + 2):
        for shop_id, return_id, order_id, email in rows:
            exp = second + int(TRACKING_TOKEN_TTL.total_seconds())
            yield Secret("tracking link", str(tracking.dumps({"s": shop_id, "r": return_id, "exp": exp})))
            exp = second + int(CUSTOMER_TOKEN_TTL.total_seconds())
            yield Secret("portal token", str(portal.dumps({"s": shop_id, "o": order_id, "e": email, "exp": exp})))


def logs_of_run(data_dir: Path) -> str:
    """What the run wrote to files of its own (worker processes' logs, with REDIS_URL)."""
    return "".join(path.read_text(errors="replace") for path in sorted(data_dir.glob("*.log")))
