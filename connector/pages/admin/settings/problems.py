"""Each ``Problem`` of the settings' use cases as a sentence in the admin's language.

Why here: the services say what is wrong as a code and its values (``connector.services.settings_form.CODES``);
only the pages know the admin's language. ``tests/admin_settings`` checks every code has its sentence, so a code
added to the services without one fails there rather than showing a bare code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask_babel import gettext as _

from connector.services.settings_form import Problem, SettingsForm

Params = Mapping[str, str | int]

SENTENCES: dict[str, Callable[[Params], str]] = {
    "required": lambda p: _("Enter a value."),
    "too_long": lambda p: _("This is too long: at most %(max)s characters or lines.", max=p["max"]),
    "integer": lambda p: _("Enter a whole number, such as 30."),
    "number": lambda p: _("Enter a number, such as 7.5."),
    "at_least": lambda p: _("Enter %(min)s or more.", min=p["min"]),
    "at_most": lambda p: _("Enter %(max)s or less.", max=p["max"]),
    "amounts": lambda p: _("“%(entry)s” is not an amount: write a currency and an amount, such as EUR 4.90; "
                           "separate currencies with a semicolon.", entry=p["entry"]),
    "currency": lambda p: _("“%(entry)s” is not a currency code: use three letters, such as EUR.", entry=p["entry"]),
    "decimals": lambda p: _("%(currency)s has %(places)s decimals at most.", currency=p["currency"],
                            places=p["places"]),
    "currency_twice": lambda p: _("%(currency)s is written twice.", currency=p["currency"]),
    "country": lambda p: _("“%(entry)s” is not a country code: use two letters, such as FR.", entry=p["entry"]),
    "country_twice": lambda p: _("%(entry)s is on two rows.", entry=p["entry"]),
    "date": lambda p: _("Enter a date, such as 2026-12-24."),
    "not_before_start": lambda p: _("The last day must not be before the first."),
    "not_before_end": lambda p: _("The return date must not be before the last day of orders."),
    "choice": lambda p: _("Choose one of the options offered."),
    "choose_one": lambda p: _("Tick at least one."),
    "timezone": lambda p: _("Enter a time zone such as Europe/Paris."),
    "rule_id": lambda p: _("Use lower-case letters, digits, “-”, “_” or “.”, such as big-orders."),
    "rule_id_twice": lambda p: _("Another rule has this name."),
    "method_not_offered": lambda p: _("This way back is not offered: tick it above, or leave its fee empty."),
    "changed": lambda p: _("Someone saved the policy (version %(version)s) since you opened it. Your draft is below: "
                           "simulate it, or save it to replace that version.", version=p["version"]),
    "name_value": lambda p: _("“%(line)s”: write one per line as name = value.", line=p["line"]),
    "env_name": lambda p: _("“%(entry)s” is not the name of an environment variable (capitals, digits and _, such "
                            "as SENDCLOUD_SECRET_KEY). Write the name of the variable, never the secret.",
                            entry=p["entry"]),
    "option_name": lambda p: _("“%(entry)s” is not an option name (lower-case letters, digits and _).",
                               entry=p["entry"]),
    "colour_format": lambda p: _("Write a colour as #rrggbb, such as #1a4d8f."),
    "colour_contrast": lambda p: _("This colour is too light to read on white (%(ratio)s:1, at least 4.5:1 is "
                                   "needed). %(shade)s is the same hue, dark enough.", ratio=p["ratio"],
                                   shade=p["shade"]),
    "https_url": lambda p: _("Enter an address starting with https://."),
    "logo_url": lambda p: _("Enter an address starting with https://, or a path on this app such as /static/logo.png."),
    "shop_name": lambda p: _("Enter a name of at most %(max)s characters.", max=p["max"]),
    "invalid": lambda p: _("This is refused: %(detail)s", detail=p["detail"]),
}


def sentence(problem: Problem) -> str:
    words = SENTENCES.get(problem.code)
    return words(problem.params) if words is not None else _("This is refused.")


def error_sentences(form: SettingsForm) -> dict[str, str]:
    """The form's problems as the templates show them, by field name (the error summary links to each field)."""
    return {name: sentence(problem) for name, problem in form.errors.items()}
