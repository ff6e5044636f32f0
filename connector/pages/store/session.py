"""The store staff's session: a signed cookie for one shop, opened with one of the shop's API keys.

Why a cookie here when the portal has none: the portal is served through Shopify's app proxy, which strips
cookies; this page is served on the app's own address only, to staff at a counter going from page to page. The
cookie holds ids only (the key's id, the staff member's name if given, a random session id, the sign-in time),
signed with the pages' keys (``PortalSigner``), never the key itself.

What it is made of is ``connector.pages.cookie_session`` (the WordPress link-out into the admin uses the same):
idle for ``SESSION.ttl`` (signed again on each page), ``MAX_SESSION`` at most after sign-in, and revoked with
its key: every request checks that the key is still active and the shop still installed
(``store_counter.key_still_valid``). The cookie is scoped to ``/store/<shop_id>``. Forms carry a token bound to
the session id as well (``forms``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, TypeVar, cast

from flask import Response, g, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from connector.domain.events import Actor, ActorKind
from connector.pages.cookie_session import CookieSession, SignedCookie, new_session, secure_cookies
from connector.pages.signed import Purpose
from connector.pages.store.current import container, signer
from connector.pages.store.links import store_path
from connector.services.store_counter import key_still_valid
from connector.store.apikeys_repo import ApiKeyRecord

COOKIE: Final = "store_session"
SESSION: Final = Purpose("store-staff-session", timedelta(hours=1))
"""Idle time allowed: the cookie is signed again on every page, so an hour without one ends the session."""
MAX_SESSION: Final = timedelta(hours=8)
"""From sign-in, however busy: about one shift at the counter."""
STAFF_NAME: Final = re.compile(r"^[\w.@:+-]{1,40}$")
"""The API's ``X-Agent-Id`` hint, shorter: it goes after the key's id in the history's actor."""
_STAFF: Final = "connector_store_staff"
_COOKIE: Final = SignedCookie(COOKIE, SESSION, MAX_SESSION, store_path)
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class StaffSession:
    """Who is at the counter: one key of one shop, and the name staff gave at sign-in (optional)."""

    shop_id: str
    key_id: str
    key_label: str
    staff_name: str
    session_id: str
    signed_in_at: datetime

    @property
    def actor(self) -> Actor:
        """As the API names an agent of an API key (``api-key:<id>``, then the ``X-Agent-Id`` hint)."""
        return Actor(ActorKind.AGENT, f"api-key:{self.key_id}" + (f":{self.staff_name}" if self.staff_name else ""))


def open_session(shop_id: str, record: ApiKeyRecord, staff_name: str) -> StaffSession:
    opened = new_session(shop_id, container().clock(), {})
    return StaffSession(shop_id, record.id, record.label, staff_name, opened.session_id, opened.signed_in_at)


def read_session(shop_id: str) -> StaffSession | None:
    """The valid session of this shop the request carries; None for none, another shop's, an expired or forged
    one, or one whose key was revoked since."""
    found = _COOKIE.read(signer(), shop_id, container().clock())
    if found is None or not found.claims.get("k"):
        return None
    record = key_still_valid(container(), shop_id, found.claims["k"])
    if record is None:
        return None
    name = found.claims.get("u", "")
    return StaffSession(shop_id, record.id, record.label, name if STAFF_NAME.match(name) else "",
                        found.session_id, found.signed_in_at)


def current_staff() -> StaffSession | None:
    staff: StaffSession | None = g.get(_STAFF)
    return staff


def staff_required(view: F) -> F:
    """The view runs for a signed-in session of its ``shop_id`` only (``current_staff()`` is set); anyone else is
    sent to the sign-in, which brings them back to the page they asked for (a scanned code's, say)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        shop_id = str(kwargs.get("shop_id", ""))
        staff = read_session(shop_id)
        if staff is None:
            back = request.full_path.rstrip("?") if request.method == "GET" else None
            return redirect(url_for("store.sign_in", shop_id=shop_id, next=back), 303)
        setattr(g, _STAFF, staff)
        return view(*args, **kwargs)

    return cast(F, wrapper)


def keep_session(response: BaseResponse, session: StaffSession) -> BaseResponse:
    """Set (or sign again: the idle hour starts anew) the session's cookie on ``response``."""
    claims = {"k": session.key_id, "u": session.staff_name}
    cookie = CookieSession(session.shop_id, session.session_id, session.signed_in_at, claims)
    return _COOKIE.write(response, signer(), cookie, container().clock(), secure=_secure())


def end_session(response: BaseResponse, shop_id: str) -> BaseResponse:
    return _COOKIE.delete(response, shop_id, secure=_secure())


def _secure() -> bool:
    return secure_cookies(container().config.is_production)


def forget_staff() -> None:
    """No session for the rest of this request (it was just ended): ``refresh_cookie`` leaves the cookie gone."""
    setattr(g, _STAFF, None)


def refresh_cookie(response: Response) -> Response:
    """After a page of a signed-in session: its cookie signed again, so the idle hour starts now."""
    staff = current_staff()
    if staff is not None:
        keep_session(response, staff)
    return response
