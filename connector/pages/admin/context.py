"""Who is using the agents' admin, as every admin page and form sees it, whatever the way in.

The admin is reached two ways (issue 20): embedded in Shopify's admin (an ID token on every request, no
cookie) and linked out from WordPress (a short-lived signed token exchanged for a session cookie). Each way
registers an authenticator (``connector.pages.admin.auth``) that answers an ``AdminContext``; the pages read
only this, so they are the same pages for both platforms and name neither.

Why ``form_fields``: each way has its own CSRF lock, and the pages must not know which. A cookie session
needs a form token bound to the session; inside Shopify's iframe there is no cookie, and the form carries the
ID token itself in a hidden ``id_token`` field that a small script fills on submit. Every form of the admin
renders these fields as hidden inputs, and the authenticator checks them on the POST.

Why ``link_params``, ``meta`` and ``scripts``: an embedded page must keep ``shop``/``host``/``embedded`` on its
links (the bounce page needs them to fetch a new ID token) and load App Bridge with the ``shopify-api-key``
meta tag; a linked-out page needs none of that. The authenticator says what its pages need; the layout
renders it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from connector.domain.events import Actor

ROLE_ADMINISTRATOR: Final = "administrator"
"""May do everything, settings included (WordPress administrator, Shopify's shop owner or full staff)."""
ROLE_SHOP_MANAGER: Final = "shop_manager"
"""WordPress's shop manager: the returns, and the settings (a merchant's manager sets the policy too)."""
ROLE_AGENT: Final = "agent"
"""A support agent: the returns only."""
ROLES: Final = (ROLE_ADMINISTRATOR, ROLE_SHOP_MANAGER, ROLE_AGENT)


@dataclass(frozen=True, slots=True)
class AdminContext:
    """One authenticated agent of one shop, for the request being served.

    - ``shop_id``: the shop the credential names; a page of any other shop refuses it (``auth.current_admin``);
    - ``actor``: who the history records (``Actor(AGENT, "<platform>:<user>")``);
    - ``role``: one of ``ROLES``; the settings pages may ask for more than the returns pages;
    - ``locale``: the page's language, ``en`` or ``fr`` (Shopify's ``locale``, the WordPress user's locale);
    - ``via``: the way in (``shopify``, ``woocommerce``, ``test``), for the log and the layout;
    - ``form_fields``: hidden fields every form of the page must carry (see the module's docstring);
    - ``link_params``: query parameters every link inside the admin must carry;
    - ``meta`` / ``scripts``: ``<meta name content>`` tags and script URLs the layout adds to ``<head>``.
    """

    shop_id: str
    actor: Actor
    role: str
    locale: str
    via: str
    form_fields: Mapping[str, str] = field(default_factory=dict)
    link_params: Mapping[str, str] = field(default_factory=dict)
    meta: Mapping[str, str] = field(default_factory=dict)
    scripts: Sequence[str] = ()

    @property
    def may_change_settings(self) -> bool:
        """Whether the merchant's settings are open to this user (an agent handles returns only)."""
        return self.role in (ROLE_ADMINISTRATOR, ROLE_SHOP_MANAGER)
