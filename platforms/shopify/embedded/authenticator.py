"""The Shopify way into the agents' admin (``connector.pages.admin.auth``): an ID token on every request.

``EmbeddedAdmin`` is registered as an admin authenticator. It recognises a request as Shopify's when it carries
an ID token (header, document parameter or form field) or the parameters Shopify's admin adds to every load
(``embedded=1``, ``shop`` and ``host``), and otherwise leaves it to the other ways in (None). What it answers:

- the ``AdminContext`` of the token's shop (``auth.current_admin`` refuses it on another shop's pages), with
  the agent ``shopify-user:<staff id>`` (the same actor the JSON API records for the token's ``sub``);
- the bounce page for a document without a valid token, or a 401 with Shopify's retry header for a fetch;
- 503 when the shop must be installed by token exchange and Shopify cannot be reached.

Role: every staff member who can open the app is an administrator here. The ID token says who they are, not
what they may do; Shopify decides which staff may open an app at all (the app's access in their permissions),
which is the merchant's own way to keep an agent out of the settings.

The context tells the layout what an embedded page needs: the ``shopify-api-key`` meta tag, App Bridge first
then Polaris (both settings; tests and the demo point them at the sandbox's stand-ins), ``embedded.js`` (fills
each form's ``id_token`` field on submit), the empty ``id_token`` field itself, and ``shop``/``host``/
``embedded``/``locale`` on every link, so that the next page loaded inside the admin is again recognised and
bounced for a fresh token.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Request, url_for
from werkzeug.wrappers import Response

from connector.domain.events import Actor, ActorKind
from connector.pages.admin.context import ROLE_ADMINISTRATOR, AdminContext
from connector.providers import ProcessResources
from platforms.shopify.auth import InstallFlow
from platforms.shopify.embedded.entry import EmbeddedSession, open_session
from platforms.shopify.embedded.id_token import FIELD, find_token, looks_embedded
from platforms.shopify.settings import settings_of

VIA = "shopify"
API_KEY_META = "shopify-api-key"


class EmbeddedAdmin:
    """``fn(request, shop_id)`` for ``register_admin_authenticator``."""

    def __init__(self, resources: ProcessResources, flow: Callable[[], InstallFlow]) -> None:
        self._resources = resources
        self._flow = flow

    def __call__(self, request: Request, shop_id: str) -> AdminContext | Response | None:
        if find_token(request) is None and not looks_embedded(request):
            return None
        session = open_session(self._resources, request, self._flow)
        if isinstance(session, Response):
            return session
        return self.context(session)

    def context(self, session: EmbeddedSession) -> AdminContext:
        """What the admin's pages need of this embedded session."""
        return AdminContext(
            shop_id=session.shop.id,
            actor=Actor(ActorKind.AGENT, f"shopify-user:{session.token.user_id}"),
            role=ROLE_ADMINISTRATOR,
            locale=session.locale,
            via=VIA,
            form_fields={FIELD: ""},
            link_params=link_params(session),
            meta={API_KEY_META: settings_of(self._resources.config).api_key},
            scripts=page_scripts(self._resources),
        )


def link_params(session: EmbeddedSession) -> dict[str, str]:
    """What every link and form of an embedded page keeps: the parameters of Shopify's own loads."""
    params = {"embedded": "1", "shop": session.shop.address, "host": session.host.raw}
    if session.locale_param:
        params["locale"] = session.locale_param
    return params


def page_scripts(resources: ProcessResources) -> tuple[str, ...]:
    """App Bridge first (Shopify asks for it as the first script, neither async nor deferred), then Polaris (when
    configured), then ours."""
    settings = settings_of(resources.config)
    ours = url_for("shopify_embedded.static", filename="embedded.js")
    return tuple(url for url in (settings.app_bridge_url, settings.polaris_url, ours) if url)
