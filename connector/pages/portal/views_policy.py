"""The return policy as a page, ``/portal/<shop_id>/policy``, written from the policy that decides returns.

Every sentence comes from ``connector.policy.describe`` (the engine's own catalogue, in French and English), so
when the merchant changes the policy the page changes with it and can never promise what the decisions do not
give. The sentences are grouped under the questions a customer asks, by the setting each one states.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from flask import render_template
from flask_babel import gettext as _

from connector.pages.i18n import current_language
from connector.pages.portal import bp
from connector.pages.portal.current import container
from connector.pages.portal.look import show_shop_look
from connector.policy import Explanation
from connector.services.policy_page import policy_page

SECTION_OF_SETTING: Final = {
    "fees.by_method": "methods",
    "methods": "methods",
    "windows": "windows",
    "exclusions": "exclusions",
    "customer_limit": "exclusions",
    "outcomes": "outcomes",
    "bonus": "outcomes",
    "keep_item": "outcomes",
    "fees": "fees",
    "eu_withdrawal": "rights",
}
"""A described setting (``fees.by_method``), else the first part of its name (``fees.return_shipping`` -> ``fees``)
-> its section."""
SECTIONS: Final = ("windows", "exclusions", "outcomes", "methods", "fees", "rights")


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    sentences: tuple[str, ...]


def sections(summary: Explanation, language: str) -> list[Section]:
    """The summary's sentences under their section, in the page's order; a section with nothing to say is left
    out (no "rights" section without the EU preset)."""
    grouped: dict[str, list[str]] = {key: [] for key in SECTIONS}
    for item in summary.items:
        setting = item.rule.split("[", 1)[0]
        section = SECTION_OF_SETTING.get(setting) or SECTION_OF_SETTING.get(setting.split(".", 1)[0], "outcomes")
        grouped[section].append(item.render(language))
    return [Section(key, tuple(grouped[key])) for key in SECTIONS if grouped[key]]


@bp.get("/policy")
def policy(shop_id: str) -> str:
    page = policy_page(container(), shop_id)
    show_shop_look(shop_id)
    return render_template(
        "portal/policy.html",
        page_title=_("Return policy"),
        page=page,
        sections=sections(page.summary, current_language()),
    )
