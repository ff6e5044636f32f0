"""A way into the agents' admin for tests only: a header signed with a test key names the shop, the agent, the
role and the language, as Shopify's ID token or the WordPress session would.

Why: the admin pages are the core's and must be tested before (and apart from) the platforms' own
authenticators. Like Shopify's, this one carries no cookie: the header is not sent by a browser on its own
(Playwright sets it on every request of its context), and every form must carry ``form_fields`` back, here a
``test_form`` field signed for the same agent, checked on every POST: a form without it is refused (403), so
a page whose form forgets the context's hidden fields fails its tests.
"""

from __future__ import annotations

from typing import Final

from flask import Flask, Request, Response
from itsdangerous import BadSignature, URLSafeSerializer

from connector.domain.events import Actor, ActorKind
from connector.pages.admin.auth import register_admin_authenticator
from connector.pages.admin.context import ROLE_SHOP_MANAGER, AdminContext

HEADER: Final = "X-Test-Admin"
FORM_FIELD: Final = "test_form"
KEY: Final = "admin-pages-test-key"
_HEADER_SALT: Final = "test-admin"
_FORM_SALT: Final = "test-admin-form"


def admin_header(
    shop_id: str, user: str = "alice", role: str = ROLE_SHOP_MANAGER, locale: str = "en"
) -> dict[str, str]:
    """The header that opens ``shop_id``'s admin as ``user``."""
    value = URLSafeSerializer(KEY, salt=_HEADER_SALT).dumps({"s": shop_id, "u": user, "r": role, "l": locale})
    return {HEADER: value}


def form_token(shop_id: str, user: str = "alice") -> str:
    """The hidden field the pages render for ``user`` of ``shop_id`` (what a form sends back)."""
    return URLSafeSerializer(KEY, salt=_FORM_SALT).dumps([shop_id, user])


def signed_header_admin(request: Request, shop_id: str) -> AdminContext | Response | None:
    """The registered authenticator: a context for the header's shop (``auth`` refuses it on another shop's
    page), a 403 for a POST whose form lost its ``test_form`` field; None without the header."""
    raw = request.headers.get(HEADER, "")
    if not raw:
        return None
    try:
        claims = URLSafeSerializer(KEY, salt=_HEADER_SALT).loads(raw)
    except BadSignature:
        return None
    token = form_token(claims["s"], claims["u"])
    if request.method == "POST" and request.form.get(FORM_FIELD) != token:
        return Response("the form lost its test_form field", 403)
    return AdminContext(
        shop_id=claims["s"],
        actor=Actor(ActorKind.AGENT, f"test:{claims['u']}"),
        role=claims["r"],
        locale=claims["l"],
        via="test",
        form_fields={FORM_FIELD: token},
    )


def install_test_admin(app: Flask) -> None:
    register_admin_authenticator(app, signed_header_admin)
