"""The admin's own forms, read and checked before any use case runs: the message of a decision, an internal
note, the reason of an override, and the amount an agent pays instead of the computed refund. (Receiving and
inspecting are read as the store counter reads them, ``connector.pages.store.return_forms``.)

Why checked here as well as by the domain: the domain refuses in English, for the history and the API; agents
need the field marked and a sentence in their language. A value is kept as typed so the form comes back with
it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Final

from flask import request
from flask_babel import gettext as _

from connector.domain.money import Money, minor_units
from connector.pages.store.return_forms import ReturnForms

MAX_MESSAGE: Final = 1000
"""A message to the customer, a note or a reason: a few sentences, as the API's schemas allow."""
_AMOUNT: Final = re.compile(r"^\d{1,12}([.,]\d{1,3})?$")


def typed(form: ReturnForms, name: str, limit: int = MAX_MESSAGE) -> str:
    """The field as sent (one character past ``limit`` kept, so the length check below sees it)."""
    value = request.form.get(name, "").strip()[: limit + 1]
    form.values[name] = value
    return value


def read_text(name: str, required: str | None) -> tuple[str | None, ReturnForms]:
    """A text field: the message of a decision, a note, a reason. ``required`` is the sentence shown when it is
    empty (None: it may be). None with the field marked when it is wrong."""
    form = ReturnForms()
    value = typed(form, name)
    if required and not value:
        form.errors[name] = required
    elif len(value) > MAX_MESSAGE:
        form.errors[name] = _("Write at most %(max)d characters.", max=MAX_MESSAGE)
    return (None if form.errors else value), form


def read_override(currency: str) -> tuple[Money | None, str, ReturnForms]:
    """The refund amount an agent pays instead of the computed one, with the reason that must come with it.
    An empty amount is no override; anything else must be a non-negative amount in the return's currency."""
    form = ReturnForms()
    raw = typed(form, "amount", 20)
    reason = typed(form, "reason")
    if not raw:
        return None, reason, form
    amount = _amount(raw, currency)
    if amount is None:
        form.errors["amount"] = _(
            "Enter an amount in %(currency)s, such as 12.50, with at most %(places)d decimals.",
            currency=currency, places=minor_units(currency),
        )
    if not reason:
        form.errors["reason"] = _("Say why the amount is changed: it is kept in the history.")
    elif len(reason) > MAX_MESSAGE:
        form.errors["reason"] = _("Write at most %(max)d characters.", max=MAX_MESSAGE)
    return (None if form.errors else amount), reason, form


def _amount(raw: str, currency: str) -> Money | None:
    if not raw.isascii() or not _AMOUNT.match(raw):
        return None
    try:
        value = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        return None
    if value.as_tuple().exponent < -minor_units(currency):  # type: ignore[operator]  # finite: matched above
        return None
    return Money(value, currency)
