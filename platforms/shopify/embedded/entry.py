"""Opening the embedded admin for one request: its ID token checked, its shop found (installed by token exchange
when we hold no offline token for it), its admin's ``host`` and its language.

This is ``authenticate.admin`` of shopify-app-js for a server-rendered app, step by step:

1. the token from ``Authorization: Bearer``, the ``id_token`` parameter of a document load or the ``id_token``
   field of a form (``id_token.find_token``); none, or one that does not verify (HS256 with the app's secret,
   ``aud`` = the app's key, exp/nbf, iss and dest of one shop: ``auth.decode_session_token``) -> the bounce page
   for a document, a 401 to retry for a fetch (``answers.refused``);
2. the shop is the token's ``dest``: never a parameter of the URL;
3. no active shop here for that domain (Shopify-managed install: the merchant installed the app in Shopify, and
   this is its first load; or it was uninstalled and installed again) -> token exchange for an expiring offline
   token (``InstallFlow.exchange_session``), stored encrypted like the code grant's and followed by the webhook
   subscriptions. A token Shopify refuses to exchange is handled like an invalid one (Shopify's library does the
   same for ``invalid_subject_token``); Shopify unreachable -> 503, nothing stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask import Request, render_template
from flask import Response as Page
from werkzeug.wrappers import Response

from connector.domain.orders import Platform, Shop
from connector.errors import ConfigError, ConnectorError
from connector.pages.i18n import accepted_language, supported_language
from connector.providers import ProcessResources
from platforms.shopify.auth import InstallFlow, OAuthError, SessionToken, decode_session_token
from platforms.shopify.embedded.answers import refused
from platforms.shopify.embedded.host import AdminHost, host_for, read_host
from platforms.shopify.embedded.id_token import find_token
from platforms.shopify.settings import settings_of
from platforms.shopify.webhook_source import app_secrets

log = logging.getLogger("connector.shopify.embedded")


@dataclass(frozen=True, slots=True)
class EmbeddedSession:
    """One request's agent inside Shopify's admin."""

    shop: Shop
    token: SessionToken
    raw_token: str
    host: AdminHost
    locale: str
    locale_param: str


def open_session(
    resources: ProcessResources, request: Request, flow: Callable[[], InstallFlow]
) -> EmbeddedSession | Response:
    """The request's embedded session, or what to answer instead (bounce page, 401 to retry, 503)."""
    found = find_token(request)
    if found is None:
        return refused(request)
    settings = settings_of(resources.config)
    try:
        token = decode_session_token(found.value, settings.api_key, app_secrets(resources.config))
    except OAuthError as exc:
        log.info("embedded.token-refused", extra={"why": str(exc), "source": found.source})
        return refused(request)
    shop = _installed_shop(resources, token.shop_domain)
    if shop is None:
        answer = _install(request, flow, found.value, token.shop_domain)
        if answer is not None:
            return answer
        shop = _installed_shop(resources, token.shop_domain)
        if shop is None:
            return refused(request)
    host = read_host(request.args.get("host"), settings.admin_base_url)
    if host is None:
        host = host_for(shop.address, settings.admin_base_url)
    locale_param = request.args.get("locale", "")[:20]
    locale = supported_language(locale_param) or accepted_language() or supported_language(shop.locale) or "en"
    return EmbeddedSession(shop, token, found.value, host, locale, locale_param)


def _installed_shop(resources: ProcessResources, domain: str) -> Shop | None:
    with resources.uow() as uow:
        shop = uow.shops.find(Platform.SHOPIFY, domain)
    return shop if shop is not None and shop.active else None


def _install(request: Request, flow: Callable[[], InstallFlow], raw_token: str, domain: str) -> Response | None:
    """Token exchange for a shop we hold no offline token for; None once it is stored."""
    try:
        flow().exchange_session(f"Bearer {raw_token}")
    except (OAuthError, ConfigError) as exc:
        log.warning("embedded.exchange-refused", extra={"shop": domain, "why": str(exc)})
        return refused(request)
    except ConnectorError as exc:
        log.error("embedded.exchange-failed", extra={"shop": domain, "error": type(exc).__name__})
        return Page(render_template("shopify_embedded/unavailable.html"), status=503, mimetype="text/html")
    log.info("embedded.installed", extra={"shop": domain})
    return None
