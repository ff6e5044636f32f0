"""What a platform's session token tells the agent API: the shop it was issued for and the staff user holding it.

Why a contract of its own: an embedded admin (Shopify's App Bridge) signs its staff's requests with a token only
the platform can read. The provider reads it (``PlatformProvider.read_session_token``) and answers with these
values or one of these errors, so ``connector.api.auth`` asks the providers and never names a platform.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from connector.config.model import Config
from connector.errors import ConnectorError


@dataclass(frozen=True, slots=True)
class SessionIdentity:
    """The shop's address as its platform spells it (``Shop.address``) and the platform's id of the staff user."""

    shop_address: str
    user_id: str


class SessionTokenRefused(ConnectorError):
    """The token is not one this platform signed for this app, or it is expired."""


class SessionTokensNotConfigured(ConnectorError):
    """This server holds no key to check the platform's tokens; the message says which setting is missing."""


SessionTokenReader = Callable[[Config, str], SessionIdentity]
"""``(configuration, bearer token) -> who holds it``; raises ``SessionTokenRefused`` or
``SessionTokensNotConfigured``."""
