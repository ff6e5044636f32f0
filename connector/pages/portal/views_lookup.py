"""Screen 1: the customer finds their order with its number and the e-mail address on it.

The answers are those of the JSON API's lookup (``connector.api.portal``): the same rate limit, counted in the
same buckets (``connector.api.lookup_limit``), and one message whether the order does not exist or the e-mail
is another, so the form cannot be used to learn which order numbers exist. Success hands over a signed order
access (``connector.pages.signed.ORDER_ACCESS``) in the next page's path: nothing is stored, no cookie is set.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Final

from flask import Response, redirect, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from connector.api.lookup_limit import count_lookup
from connector.domain.order_numbers import normalize_order_number
from connector.pages.portal import bp
from connector.pages.portal.current import container, signer
from connector.pages.portal.forms import LOOKUP_SUBJECT, form_token, form_token_valid
from connector.pages.portal.layout import show_branding
from connector.pages.portal.links import portal_url
from connector.pages.signed import OrderAccess
from connector.services.portal_lookup import find_customer_order
from connector.services.portal_settings import portal_settings

MAX_ORDER_NUMBER: Final = 64
MAX_EMAIL: Final = 320
"""The API's limits (``LookupRequestSchema``): a value either door refuses, both refuse."""


@dataclass
class LookupForm:
    """What the customer typed (shown back as typed) and, per field, what is wrong with it."""

    order_number: str = ""
    email: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    problem: str | None = None
    """A message about the whole form (not found, too many attempts, an expired form)."""

    @classmethod
    def read(cls) -> LookupForm:
        form = cls(order_number=request.form.get("order_number", "")[:200], email=request.form.get("email", "")[:400])
        form.errors = form.field_errors()
        return form

    def field_errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        number = self.order_number.strip()
        if not number or not normalize_order_number(number) or not _printable(number):
            errors["order_number"] = _("Enter your order number, as written in your order confirmation.")
        elif len(number) > MAX_ORDER_NUMBER:
            errors["order_number"] = _("An order number is at most %(max)d characters.", max=MAX_ORDER_NUMBER)
        email = self.email.strip()
        if not email:
            errors["email"] = _("Enter the e-mail address you used for the order.")
        elif len(email) > MAX_EMAIL or not _looks_like_email(email) or not _printable(email):
            errors["email"] = _("Enter an e-mail address like name@example.com.")
        return errors


def _printable(value: str) -> bool:
    """No control character (a NUL would reach the database and the shop's search; no order has one)."""
    return not any(unicodedata.category(char) == "Cc" for char in value)


def _looks_like_email(value: str) -> bool:
    """Only what every address has: one ``@`` with text on both sides and a dot in the domain. The shop's
    own records decide the rest (an address it accepted is the one to match)."""
    local, at, domain = value.rpartition("@")
    return bool(at and local and "." in domain.strip(".") and not any(char.isspace() for char in value))


@bp.get("/")
def start(shop_id: str) -> str:
    return _form_page(shop_id, LookupForm())


@bp.route("/lookup", methods=["GET", "POST"])
def lookup(shop_id: str) -> BaseResponse | tuple[str, int] | str:
    if request.method == "GET":
        return _form_page(shop_id, LookupForm())
    form = LookupForm.read()
    if not form_token_valid(shop_id, LOOKUP_SUBJECT):
        form.problem = _("This form was open for too long. Please send it again.")
        return _form_page(shop_id, form), 400
    if form.errors:
        return _form_page(shop_id, form), 422
    number = normalize_order_number(form.order_number)
    verdict = count_lookup(container(), shop_id, number, request.remote_addr)
    if not verdict.allowed:
        form.problem = _("Too many attempts. Please wait a minute, then try again.")
        page = _form_page(shop_id, form)
        return Response(page, status=429, headers={"Retry-After": str(verdict.retry_after)})
    order = find_customer_order(container(), shop_id, number, form.email.strip())
    if order is None:
        form.problem = _(
            "We could not find an order with this number and e-mail address. Check both and try again."
        )
        return _form_page(shop_id, form), 404
    access = signer().order_access_token(shop_id, OrderAccess(order.id))
    return redirect(portal_url("lines", access=access), 303)


def _form_page(shop_id: str, form: LookupForm) -> str:
    show_branding(portal_settings(container(), shop_id).branding)
    return render_template(
        "portal/lookup.html", form=form, csrf=form_token(shop_id, LOOKUP_SUBJECT), page_title=_("Find your order")
    )
