"""Signing in at the counter with one of the shop's API keys (``returns-connector api-keys issue``), and out.

A key is pasted or typed once per shift (a password manager may fill it: the field is a password field, paste
allowed, WCAG 3.3.8), with the staff member's name or initials if they like: it goes into the history of every
return they touch, after the key's id, as the API's ``X-Agent-Id`` does. Attempts are counted per address in the
rate limiter every process shares (``connector.api.ratelimit``): a key cannot be guessed (256 random bits), but a
page that answers every guess as fast as it can would still be a door to knock on. A wrong key, another shop's
and a revoked one get the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from flask import Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from connector.api.ratelimit import RateLimiter
from connector.pages.store import bp
from connector.pages.store.current import container
from connector.pages.store.forms import SIGN_IN_SUBJECT, form_token, form_token_valid, safe_next, session_subject
from connector.pages.store.session import (
    STAFF_NAME,
    end_session,
    forget_staff,
    keep_session,
    open_session,
    read_session,
)
from connector.services.store_counter import staff_key

SIGN_IN_LIMIT: Final = 10
SIGN_IN_WINDOW_SECONDS: Final = 300
"""Ten attempts in five minutes from one address: typos and a second colleague, not a guessing run."""
MAX_KEY: Final = 200


@dataclass
class SignInForm:
    staff_name: str = ""
    next: str | None = None
    errors: dict[str, str] = field(default_factory=dict)
    problem: str | None = None

    @classmethod
    def read(cls, shop_id: str) -> tuple[SignInForm, str]:
        """The form as sent, and the key typed (never shown back)."""
        form = cls(staff_name=request.form.get("staff_name", "").strip()[:100],
                   next=safe_next(shop_id, request.form.get("next")))
        key = request.form.get("api_key", "").strip()
        if not key:
            form.errors["api_key"] = _("Enter one of the API keys of this shop.")
        elif len(key) > MAX_KEY:
            form.errors["api_key"] = _("This is not an API key of this shop. Check it and try again.")
        if form.staff_name and not STAFF_NAME.match(form.staff_name.replace(" ", "-")):
            form.errors["staff_name"] = _(
                "Use at most 40 letters, digits, spaces, dots, dashes or underscores, for example “Ana M.”."
            )
        return form, key


@bp.get("/sign-in")
def sign_in(shop_id: str) -> str:
    return _page(shop_id, SignInForm(next=safe_next(shop_id, request.args.get("next"))))


@bp.post("/sign-in")
def sign_in_sent(shop_id: str) -> BaseResponse | tuple[str, int]:
    form, key = SignInForm.read(shop_id)
    if not form_token_valid(shop_id, SIGN_IN_SUBJECT):
        form.problem = _("This form was open for too long. Please send it again.")
        return _page(shop_id, form), 400
    verdict = RateLimiter(container()).hit(
        [f"store-sign-in:ip:{request.remote_addr or 'unknown'}"], SIGN_IN_LIMIT, SIGN_IN_WINDOW_SECONDS
    )
    if not verdict.allowed:
        form.problem = _("Too many attempts. Please wait a few minutes, then try again.")
        return Response(_page(shop_id, form), status=429, headers={"Retry-After": str(verdict.retry_after)})
    if form.errors:
        return _page(shop_id, form), 422
    record = staff_key(container(), shop_id, key)
    if record is None:
        form.errors["api_key"] = _("This is not an API key of this shop. Check it and try again.")
        return _page(shop_id, form), 403
    session = open_session(shop_id, record, form.staff_name.replace(" ", "-"))
    target = form.next or url_for("store.scan", shop_id=shop_id)
    return keep_session(redirect(target, 303), session)


@bp.post("/sign-out")
def sign_out(shop_id: str) -> BaseResponse:
    """Ends the session when the form is this session's own (a forged post cannot sign staff out); the cookie
    goes either way, and the sign-in follows."""
    staff = read_session(shop_id)
    if staff is not None and not form_token_valid(shop_id, session_subject(staff)):
        return redirect(url_for("store.scan", shop_id=shop_id), 303)
    forget_staff()
    return end_session(redirect(url_for("store.sign_in", shop_id=shop_id, out=1), 303), shop_id)


def _page(shop_id: str, form: SignInForm) -> str:
    return render_template(
        "store/sign_in.html",
        form=form,
        csrf=form_token(shop_id, SIGN_IN_SUBJECT),
        signed_out=request.args.get("out") == "1",
        page_title=_("Sign in"),
    )
