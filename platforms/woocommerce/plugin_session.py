"""The WordPress user's session in the agents' admin, after the plugin's link-out (``plugin_entry``).

A signed cookie (``connector.pages.cookie_session``) scoped to ``/admin/<shop_id>``: the user's WordPress id,
login, role and locale as the plugin's token said, a random session id, the sign-in time and the fingerprint of
the shop's shared secret. ``authenticate`` is registered into the admin (``register_admin_authenticator``) and
answers an ``AdminContext`` for a valid session of the page's shop:

- idle for an hour ends it (the cookie is signed again after each admin page, ``refresh_cookie``), ten hours
  after sign-in end it however busy, and so do a rotated secret (``plugin_secret --rotate``) or a shop that is
  no longer connected;
- every form must carry ``csrf``, a form token bound to the shop and this session (``form_fields``); a POST
  without it is refused with a page, whatever the cookie (``SameSite=Lax`` already keeps the cookie off a
  cross-site POST: this is the second lock).

Who the history records: ``Actor(AGENT, "woocommerce:<user id>:<login>")``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final, cast

from flask import Flask, Request, Response, current_app, g, render_template
from werkzeug.wrappers import Response as BaseResponse

from connector.bootstrap import Container
from connector.domain.events import Actor, ActorKind
from connector.errors import ConfigError
from connector.pages.admin.auth import register_admin_authenticator
from connector.pages.admin.context import ROLE_ADMINISTRATOR, ROLE_SHOP_MANAGER, AdminContext
from connector.pages.admin.links import admin_path
from connector.pages.cookie_session import CookieSession, SignedCookie, new_session, secure_cookies
from connector.pages.i18n import SIGNER_EXTENSION, supported_language
from connector.pages.signed import PortalSigner, Purpose, SignedValueRejected
from platforms.woocommerce.plugin_check import current_secret
from platforms.woocommerce.plugin_secret import fingerprint
from platforms.woocommerce.plugin_token import PluginTokenError, TokenRejected

VIA: Final = "woocommerce"
COOKIE: Final = "wp_admin_session"
SESSION: Final = Purpose("woocommerce-admin-session", timedelta(hours=1))
"""Idle time allowed: the cookie is signed again on every admin page."""
MAX_SESSION: Final = timedelta(hours=10)
"""From the link-out, however busy: a working day; then Returns is opened again from WordPress."""
ROLES: Final = (ROLE_ADMINISTRATOR, ROLE_SHOP_MANAGER)
"""The roles a WordPress user can have here: the plugin signs one of these, never anything else."""
CSRF_FIELD: Final = "csrf"
LOGIN: Final = re.compile(r"^[\w.@+-]{1,60}$")
USER_ID: Final = re.compile(r"^[1-9][0-9]{0,19}$")
_CURRENT: Final = "connector_woocommerce_admin_session"

_COOKIE: Final = SignedCookie(COOKIE, SESSION, MAX_SESSION, admin_path)
_SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class WpAgent:
    """A WordPress user, as the plugin's token names them."""

    user_id: str
    login: str
    role: str
    locale: str

    @classmethod
    def from_claims(cls, claims: dict[str, Any] | Any) -> WpAgent:
        """From a token's (or a session's) claims; ``PluginTokenError`` when they do not name a user we admit."""
        user, login, role, locale = (claims.get(k) for k in ("user", "login", "role", "locale"))
        user_id = str(user) if isinstance(user, int | str) and not isinstance(user, bool) else ""
        if not USER_ID.match(user_id) or role not in ROLES:
            raise PluginTokenError(TokenRejected.BAD_CLAIMS)
        login = login if isinstance(login, str) and LOGIN.match(login) else ""
        return cls(user_id, login, role, supported_language(locale if isinstance(locale, str) else None) or "en")

    @property
    def actor(self) -> Actor:
        return Actor(ActorKind.AGENT, f"{VIA}:{self.user_id}" + (f":{self.login}" if self.login else ""))


def _container() -> Container:
    return cast(Container, current_app.extensions["connector"])


def _signer() -> PortalSigner:
    return cast(PortalSigner, current_app.extensions[SIGNER_EXTENSION])


def _secure() -> bool:
    return secure_cookies(_container().config.is_production)


def open_session(response: BaseResponse, shop_id: str, agent: WpAgent, secret: str) -> BaseResponse:
    """Give ``response`` the cookie of a new session of ``agent`` in ``shop_id``'s admin."""
    claims = {"u": agent.user_id, "l": agent.login, "r": agent.role, "loc": agent.locale, "k": fingerprint(secret)}
    session = new_session(shop_id, _container().clock(), claims)
    return _COOKIE.write(response, _signer(), session, _container().clock(), secure=_secure())


def authenticate(request: Request, shop_id: str) -> AdminContext | BaseResponse | None:
    """The admin authenticator: the context of this request's valid session of ``shop_id`` (its form token
    checked on a POST), a refusal page for a POST without it, or None (no session of ours: someone else's
    kind of request, or nobody's)."""
    found = _COOKIE.read(_signer(), shop_id, _container().clock())
    if found is None:
        return None
    secret = current_secret(_container(), shop_id)
    if secret is None or found.claims.get("k") != fingerprint(secret):
        return None
    claims = found.claims
    try:
        agent = WpAgent.from_claims({"user": claims.get("u"), "login": claims.get("l"), "role": claims.get("r"),
                                     "locale": claims.get("loc")})
    except PluginTokenError:
        return None
    subject = f"woocommerce-admin:{found.session_id}"
    if request.method not in _SAFE_METHODS and not _form_token_valid(request, shop_id, subject):
        return Response(render_template("admin/signed_out.html"), 403)
    setattr(g, _CURRENT, found)
    return AdminContext(shop_id, agent.actor, agent.role, agent.locale, VIA,
                        form_fields={CSRF_FIELD: _signer().form_token(shop_id, subject)})


def _form_token_valid(request: Request, shop_id: str, subject: str) -> bool:
    try:
        _signer().check_form_token(request.form.get(CSRF_FIELD, ""), shop_id, subject)
    except (SignedValueRejected, ConfigError):
        return False
    return True


def refresh_cookie(response: Response) -> Response:
    """After a page served to a session of ours: its cookie signed again, so the idle hour starts now."""
    found: CookieSession | None = g.get(_CURRENT)
    if found is not None:
        _COOKIE.write(response, _signer(), found, _container().clock(), secure=_secure())
    return response


def install_session(app: Flask) -> None:
    """Register the authenticator and the cookie's refresh on ``app``."""
    register_admin_authenticator(app, authenticate)
    app.after_request(refresh_cookie)
