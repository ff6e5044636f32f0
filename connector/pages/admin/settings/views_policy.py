"""The return policy (``GET/POST /admin/<shop_id>/settings/policy``): the policy in force as a form over the policy
model, and one form with three buttons:

- simulate: the draft read and checked (422 with the fields marked in the admin's language), then tried on the
  shop's recent returns, showing what would change (decisions, money, and what the draft says of each return);
- save: the same checks, then the next policy version (303 back to the form, saying which version is in force);
  when someone saved since the form was opened, 409 with the merchant's draft kept, to simulate or save again;
- apply the EU preset: the form as sent with the statutory withdrawal right turned on, nothing saved.

The draft is never kept between requests: the form carries it, as typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import redirect, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from connector.domain.money import Money
from connector.pages.admin.current import container, current_shop
from connector.pages.admin.links import admin_url
from connector.pages.admin.settings import bp
from connector.pages.admin.settings.access import form_sent, settings_admin
from connector.pages.admin.settings.problems import error_sentences
from connector.pages.i18n import current_language
from connector.policy import describe
from connector.services.policy_settings import (
    FORM_PROBLEM,
    DraftSimulation,
    PolicyChanged,
    PolicyForm,
    Problem,
    form_of,
    policy_in_force,
    read_form,
    save_policy,
    simulate_draft,
    with_eu_preset,
)
from connector.services.policy_settings.spec import CHARGEABLE_REASONS, METHODS, OUTCOMES, REASONS
from connector.services.settings_form import first

CHOICES = {
    "decisions": ("approve", "review", "decline"),
    "anchors": ("delivery", "fulfillment", "order"),
    "override_kinds": ("sku", "tag", "collection", "product_type"),
    "outcomes": OUTCOMES,
    "scopes": ("variant", "any_product"),
    "reasons": REASONS,
    "chargeable_reasons": CHARGEABLE_REASONS,
    "methods": METHODS,
    "bonus_kinds": ("percent", "flat"),
    "shipping_refunds": ("never", "always", "merchant_fault", "full_return"),
}


@dataclass(frozen=True, slots=True)
class MoneyRow:
    currency: str
    refund_before: Money
    refund_after: Money
    credit_before: Money
    credit_after: Money


@bp.get("/policy")
def policy(shop_id: str) -> str:
    settings_admin(shop_id)
    in_force, version = policy_in_force(container(), shop_id)
    saved = request.args.get("saved", "")
    return _page(form_of(in_force, version), version, saved=saved if saved.isdigit() else None,
                 changed=request.args.get("changed") == "1")


@bp.post("/policy")
def policy_sent(shop_id: str) -> BaseResponse | tuple[str, int]:
    admin = settings_admin(shop_id)
    data = form_sent(admin)
    _policy, version = policy_in_force(container(), shop_id)
    action = first(data, "action")
    if action == "eu_preset":
        return _page(with_eu_preset(data), version, preset=True), 200
    form = read_form(data)
    if form.policy is None:
        return _page(form, version), 422
    if action != "save":
        return _page(form, version, simulation=simulate_draft(container(), shop_id, form.policy)), 200
    try:
        saved = save_policy(container(), shop_id, form.policy, form.base_version, admin.actor)
    except PolicyChanged as exc:
        form.fail(FORM_PROBLEM, Problem.of("changed", version=exc.in_force))
        form.base_version = exc.in_force  # saving again is then a deliberate choice over the new version
        return _page(form, exc.in_force), 409
    target = admin_url("admin.settings.policy", shop_id=shop_id, saved=saved.version, changed=int(saved.changed))
    return redirect(target, 303)


def _page(form: PolicyForm, in_force: int, *, simulation: DraftSimulation | None = None, saved: str | None = None,
          changed: bool = False, preset: bool = False) -> str:
    shop = current_shop()
    shown = form.policy
    plain = describe(shown, shop.currency).lines(current_language()) if shown is not None and shop else []
    return render_template(
        "admin/settings/policy.html", form=form, errors=error_sentences(form), in_force=in_force,
        simulation=simulation, money_rows=_money_rows(simulation), saved=saved, changed=changed, preset=preset,
        choices=CHOICES, plain_words=plain, page_title=_("Return policy"),
    )  # fmt: skip


def _money_rows(simulation: DraftSimulation | None) -> list[MoneyRow]:
    if simulation is None:
        return []
    currencies = sorted({*simulation.refund_before, *simulation.refund_after})

    def money(totals: dict[str, Decimal] | object, currency: str) -> Money:
        amount = totals.get(currency, Decimal(0)) if isinstance(totals, dict) else Decimal(0)
        return Money(amount, currency)

    return [
        MoneyRow(c, money(simulation.refund_before, c), money(simulation.refund_after, c),
                 money(simulation.credit_before, c), money(simulation.credit_after, c))
        for c in currencies
    ]  # fmt: skip
