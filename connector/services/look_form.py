"""The shop's look in the customer portal and its language, as a form on the settings page.

The look is what ``connector.branding`` checks (name, logo, accent colour readable on white, https links); a field
left empty falls back to the config file's value, then to the neutral default, as ``portal_settings`` layers them,
and the form shows that value beside the field. The language is the shop's own (``Shop.locale``): the one the
policy's decisions are worded in for its customers, and the portal's and the store page's when the customer's or
the staff's is not known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from connector.branding import (
    MAX_NAME,
    Branding,
    BrandingChoices,
    InvalidBranding,
    check_accent_colour,
    check_shop_name,
    check_url,
    contrast_ratio,
    readable_shade,
)
from connector.services.deps import Deps
from connector.services.portal_settings import portal_branding
from connector.services.settings_form import FormData, Problem, SettingsForm, first

LOOK_FIELDS: Final = ("shop_name", "logo_url", "accent_colour", "policy_url", "contact_url")
LOCALES: Final = ("en", "fr")
_HEX: Final = re.compile(r"^#?[0-9a-fA-F]{6}$")


@dataclass
class LookForm(SettingsForm):
    choices: BrandingChoices | None = None
    """What the shop sets in the app (None where a field is left to the config or the default)."""
    locale: str | None = None
    in_force: Branding | None = None
    """What the portal shows now, every layer applied: the value a field left empty falls back to."""


def look_form(deps: Deps, shop_id: str) -> LookForm:
    """The form of what the shop set in the app, with the look in force beside it."""
    with deps.uow() as uow:
        shop = uow.shops.get(shop_id)
        stored = uow.branding(shop_id).get()
    form = LookForm(choices=stored, locale=shop.locale, in_force=portal_branding(deps, shop))
    for name in LOOK_FIELDS:
        form.values[name] = (getattr(stored, name) or "",)
    form.values["locale"] = (shop.locale,)
    return form


def read_look_form(data: FormData) -> LookForm:
    """The form as sent, checked: ``choices`` and ``locale`` when every field is right, else the fields marked."""
    form = LookForm(values={name: tuple(data.get(name) or ()) for name in (*LOOK_FIELDS, "locale")})
    chosen: dict[str, str | None] = {name: first(data, name) or None for name in LOOK_FIELDS}
    colour = chosen["accent_colour"]
    if colour and _HEX.match(colour) and not colour.startswith("#"):
        chosen["accent_colour"] = colour = f"#{colour}"
    for name, value in chosen.items():
        if value is not None:
            problem = _problem(name, value)
            if problem is not None:
                form.fail(name, problem)
    locale = first(data, "locale")
    if locale not in LOCALES:
        form.fail("locale", Problem.of("choice" if locale else "required"))
    if not form.errors:
        form.choices = BrandingChoices(**chosen)
        form.locale = locale
    return form


def _problem(name: str, value: str) -> Problem | None:
    """What ``connector.branding`` refuses in ``value``, as the form words it."""
    try:
        if name == "shop_name":
            check_shop_name(value)
        elif name == "accent_colour":
            check_accent_colour(value)
        else:
            check_url(name, value, app_path=name == "logo_url")
    except InvalidBranding:
        if name == "shop_name":
            return Problem.of("shop_name", max=MAX_NAME)
        if name == "accent_colour" and _HEX.match(value):
            return Problem.of("colour_contrast", ratio=f"{contrast_ratio(value, '#ffffff'):.2f}",
                              shade=readable_shade(value))  # fmt: skip
        if name == "accent_colour":
            return Problem.of("colour_format")
        return Problem.of("logo_url" if name == "logo_url" else "https_url")
    return None


def save_look(deps: Deps, shop_id: str, choices: BrandingChoices, locale: str) -> None:
    """Keep the look the shop set in the app and its language, together."""
    if locale not in LOCALES:
        raise ValueError(f"not a language of the app: {locale!r}")
    with deps.uow() as uow:
        uow.shops.set_locale(shop_id, locale)  # an unknown shop fails here, loudly
        uow.branding(shop_id).put(choices, deps.clock())
        uow.commit()
