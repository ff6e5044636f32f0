"""Ways back and the carrier (``/admin/<shop_id>/settings/carrier``): what the portal offers in each country now,
and the carrier account as a form (``connector.services.carrier_form``): credentials as the names of environment
variables only, never a secret, with the names this process lacks said. Saving replaces the account (303 back);
a mistake comes back marked (422); removing it is a form of its own."""

from __future__ import annotations

from flask import redirect, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from connector.pages.admin.current import container
from connector.pages.admin.links import admin_url
from connector.pages.admin.settings import bp
from connector.pages.admin.settings.access import form_sent, settings_admin
from connector.pages.admin.settings.problems import error_sentences
from connector.services.carrier_form import (
    ADDRESS_FIELDS,
    METHOD_CHOICES,
    CarrierForm,
    carrier_form_of,
    carrier_keys,
    read_carrier_form,
)
from connector.services.carriers import carrier_summary, remove_carrier, set_carrier

DONE = ("saved", "removed")


@bp.get("/carrier")
def carrier(shop_id: str) -> str:
    settings_admin(shop_id)
    done = request.args.get("done")
    summary = carrier_summary(container(), shop_id)
    return _page(shop_id, carrier_form_of(summary.account), done if done in DONE else None)


@bp.post("/carrier")
def carrier_sent(shop_id: str) -> BaseResponse | tuple[str, int]:
    admin = settings_admin(shop_id)
    form = read_carrier_form(form_sent(admin))
    if form.account is None:
        return _page(shop_id, form), 422
    set_carrier(container(), shop_id, form.account)
    return redirect(admin_url("admin.settings.carrier", shop_id=shop_id, done="saved"), 303)


@bp.post("/carrier/remove")
def carrier_removed(shop_id: str) -> BaseResponse:
    settings_admin(shop_id)
    remove_carrier(container(), shop_id)
    return redirect(admin_url("admin.settings.carrier", shop_id=shop_id, done="removed"), 303)


def _page(shop_id: str, form: CarrierForm, done: str | None = None) -> str:
    return render_template(
        "admin/settings/carrier.html", form=form, errors=error_sentences(form), done=done,
        summary=carrier_summary(container(), shop_id), carriers=carrier_keys(), address_fields=ADDRESS_FIELDS,
        method_choices=METHOD_CHOICES, page_title=_("Ways back and carrier"),
    )  # fmt: skip
