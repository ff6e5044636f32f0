"""Shopify's App Bridge session tokens read for the agent API: the embedded admin's staff call it with them.

``read_session_token`` is ``PROVIDER.read_session_token``; it turns ``auth.decode_session_token``'s answer and
refusal into the core's ``SessionIdentity`` and errors (``connector.session_token``).
"""

from __future__ import annotations

from connector.config.model import Config
from connector.session_token import SessionIdentity, SessionTokenRefused, SessionTokensNotConfigured
from platforms.shopify.auth import OAuthError, decode_session_token
from platforms.shopify.settings import settings_of
from platforms.shopify.webhook_source import app_secrets


def read_session_token(config: Config, token: str) -> SessionIdentity:
    """The shop domain and staff user id of a token signed with the app's secret (any of the rotation list)."""
    secrets = app_secrets(config)
    api_key = settings_of(config).api_key
    if not api_key or not secrets:
        raise SessionTokensNotConfigured("Shopify session tokens are not configured on this server")
    try:
        session = decode_session_token(token, api_key, secrets)
    except OAuthError as exc:
        raise SessionTokenRefused(str(exc)) from exc
    return SessionIdentity(shop_address=session.shop_domain, user_id=session.user_id)
