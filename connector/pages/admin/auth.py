"""Who may use the agents' admin of a shop: the registered authenticators, asked in turn.

The core names no platform, so it cannot read a Shopify ID token or a WordPress session itself. Each way in
registers a function with ``register_admin_authenticator`` (Shopify's embedded app from ``platforms/shopify``,
the WordPress link-out from ``platforms/woocommerce``, a test one in ``tests/``); ``current_admin`` asks them
in the order they were registered, and the first that recognises the request decides. An authenticator
answers:

- an ``AdminContext``: the request is an agent's of that context's shop (its forms' CSRF fields checked on a
  POST, by the authenticator: only it knows its lock);
- a ``flask.Response``: the request is its kind but cannot be served yet (Shopify's bounce page fetching a
  fresh ID token, a redirect into the shop's admin); the page answers that;
- None: not its kind of request; the next one is asked.

Isolation: a context of another shop than the page's is never used (logged, then as if unrecognised), so a
credential of one shop opens nothing of another; with no context at all the page answers 401 with a page
saying where to open the admin from. Nothing here sets a cookie or trusts one: that is each authenticator's.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, Final, TypeVar, cast

from flask import Flask, Request, Response, current_app, g, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from connector.pages.admin.context import ROLES, AdminContext
from connector.pages.i18n import supported_language, use_order_locale

Authenticator = Callable[[Request, str], AdminContext | BaseResponse | None]
"""``fn(request, shop_id)``: see the module's docstring."""
EXTENSION: Final = "connector.admin.authenticators"
_CURRENT: Final = "connector_admin_context"
F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("connector.pages.admin")


class AdminRefused(HTTPException):
    """The page cannot be served to this request; ``response`` is what it gets instead (the bounce page, the
    401 page). Raised by ``current_admin``; answered as is by the handler ``install_admin_auth`` registers."""

    code = 401

    def __init__(self, response: BaseResponse) -> None:
        super().__init__(response=response)


def register_admin_authenticator(app: Flask, fn: Authenticator) -> None:
    """Add ``fn`` to the ways into ``app``'s admin (asked after the ones registered before it)."""
    app.extensions.setdefault(EXTENSION, []).append(fn)


def install_admin_auth(app: Flask) -> None:
    """The answer to ``AdminRefused``: its response, before any blueprint's catch-all for HTTP errors."""
    app.register_error_handler(AdminRefused, lambda exc: cast(AdminRefused, exc).get_response())


def authenticate(shop_id: str) -> AdminContext | BaseResponse | None:
    """What the registered authenticators make of this request for ``shop_id``'s admin (None: nobody's)."""
    authenticators: list[Authenticator] = current_app.extensions.get(EXTENSION, [])
    for fn in authenticators:
        answer = fn(request, shop_id)
        if answer is None:
            continue
        if isinstance(answer, AdminContext):
            if answer.shop_id != shop_id or answer.role not in ROLES:
                log.warning("admin.context-refused", extra={"via": answer.via, "role": answer.role})
                continue
            return answer
        return answer
    return None


def current_admin(shop_id: str) -> AdminContext:
    """The agent using ``shop_id``'s admin in this request (the page's language set to theirs), or
    ``AdminRefused`` with the authenticator's response or the 401 page."""
    known: AdminContext | None = g.get(_CURRENT)
    if known is not None and known.shop_id == shop_id:
        return known
    answer = authenticate(shop_id)
    if answer is None:
        raise AdminRefused(Response(render_template("admin/signed_out.html"), 401))
    if not isinstance(answer, AdminContext):
        raise AdminRefused(answer)
    setattr(g, _CURRENT, answer)
    use_order_locale(supported_language(answer.locale))
    return answer


def admin_context() -> AdminContext | None:
    """The context ``current_admin`` found earlier in this request (for the layout); None before it."""
    found: AdminContext | None = g.get(_CURRENT)
    return found


def admin_required(view: F) -> F:
    """The view runs for an agent of its ``shop_id`` only; ``current_admin`` answers anyone else."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        current_admin(str(kwargs.get("shop_id", "")))
        return view(*args, **kwargs)

    return cast(F, wrapper)
