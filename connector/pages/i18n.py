"""Languages of the pages: Flask-Babel installed on the app, and which language each request is served in.

The language, first found wins:

1. the one the customer chose with the switcher: ``lang`` in the query or the form, a value signed by
   ``connector.pages.signed`` (no cookie can remember it under Shopify's app proxy, so every link and form
   of the page carries it on). A value we did not sign, or no longer can read, is ignored, not an error;
2. the order's own language, once the page knows the order (``use_order_locale``);
3. the browser's ``Accept-Language``, by preference, each tag reduced to its language (``fr-FR`` and
   ``fr-CA`` are French). Werkzeug's ``best_match(["fr", "en"])`` is not used: it can answer ``en`` to a
   browser asking for ``fr-FR`` first;
4. the configured default locale (``app.default_locale``), when supported, else English.

Regions are dropped for the formats as well as the texts: a Canadian customer sees French as in France.
"""

from __future__ import annotations

import re
from typing import Final, cast

from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Babel, get_locale, get_translations, refresh

from connector.config.model import Config
from connector.errors import ConfigError
from connector.pages.catalogs import compiled_catalogs
from connector.pages.formatting import install_filters
from connector.pages.keys import portal_keys
from connector.pages.signed import PortalSigner, SignedValueRejected

SUPPORTED: Final = ("en", "fr")
FALLBACK: Final = "en"
LANG_PARAM: Final = "lang"
SIGNER_EXTENSION: Final = "connector.pages.signer"
_ORDER_LOCALE: Final = "connector_pages_order_locale"
_CATALOGUE: Final = "connector_pages_catalogue"
_TAG: Final = re.compile(r"[-_]")


def install_i18n(app: Flask, config: Config, signer: PortalSigner | None = None) -> Babel:
    """Flask-Babel on ``app`` with the pages' catalogues (compiled now when needed, see
    ``connector.pages.catalogs``), the language selection above, the formatting filters, and ``lang`` and
    ``language_token`` in every template. ``signer`` reads the switcher's values; by default one keyed from
    the process's secret (``connector.pages.keys``)."""
    translations = compiled_catalogs(config.data_path / "cache" / "translations")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(translations.resolve())
    app.config["BABEL_DEFAULT_LOCALE"] = supported_language(config.app.default_locale) or FALLBACK
    app.config["BABEL_DEFAULT_TIMEZONE"] = "UTC"
    app.extensions[SIGNER_EXTENSION] = signer or PortalSigner(lambda: portal_keys(config))
    babel = Babel(app, locale_selector=select_locale)
    _install_template_gettext(app)
    install_filters(app)
    app.jinja_env.globals["language_token"] = language_token
    app.context_processor(lambda: {"lang": current_language()})
    return babel


def supported_language(tag: str | None) -> str | None:
    """``fr-CA``, ``fr_FR`` or ``FR`` -> ``fr``; None for a language we do not serve."""
    if not tag:
        return None
    language = _TAG.split(tag.strip(), maxsplit=1)[0].lower()
    return language if language in SUPPORTED else None


def select_locale() -> str | None:
    """Flask-Babel's locale selector; None lets it use ``BABEL_DEFAULT_LOCALE``."""
    if not has_request_context():
        return None
    return chosen_language() or supported_language(g.get(_ORDER_LOCALE)) or accepted_language()


def use_order_locale(locale: str | None) -> None:
    """Tell the selection the order's language (Shopify's customer locale, WooCommerce's order language).
    Flask-Babel keeps the locale it chose for the rest of the request, so the choice is made again."""
    setattr(g, _ORDER_LOCALE, locale)
    refresh()


def chosen_language() -> str | None:
    token = request.args.get(LANG_PARAM) or (request.form.get(LANG_PARAM) if request.method == "POST" else None)
    if not token:
        return None
    try:
        return supported_language(_signer().read_language(token))
    except (SignedValueRejected, ConfigError):  # no key to read it with: the page still shows, as if unchosen
        return None


def accepted_language() -> str | None:
    """The first supported language of ``Accept-Language``, in the browser's order of preference."""
    for tag, quality in request.accept_languages:
        language = supported_language(tag)
        if language and quality > 0:
            return language
    return None


def current_language() -> str:
    """The language of the page being rendered (for ``<html lang>``, links, the formatting filters)."""
    locale = get_locale() if has_request_context() else None
    return supported_language(str(locale) if locale else None) or FALLBACK


def language_token(language: str | None = None) -> str:
    """The signed ``lang`` value for links and hidden fields: the switcher's choice, or the current language
    carried on to the next page. Empty when the process has no key to sign with: the page that says so (a
    configuration error) must still render, its links then simply carry no choice."""
    try:
        return _signer().language_token(supported_language(language) or current_language())
    except ConfigError:
        return ""


def _signer() -> PortalSigner:
    signer: PortalSigner = current_app.extensions[SIGNER_EXTENSION]
    return signer


def page_catalogue() -> NullTranslations:
    """The catalogue of the page's language: Flask-Babel's own (``get_translations``), remembered for the
    request beside the locale it serves. Why: a page says some sixty texts, and each of Flask-Babel's lookups
    goes through ``flask.g`` about ten times before reaching the same dictionary. The memo is taken again
    whenever the locale is another object, as after ``use_order_locale`` (Flask-Babel parses a new one once
    its choice is refreshed), so the texts always follow the language the page is in."""
    locale = get_locale()
    if locale is None:  # no application context: Flask-Babel answers with the untranslated texts
        return cast(NullTranslations, get_translations())
    memo: tuple[object, NullTranslations] | None = g.get(_CATALOGUE)
    if memo is None or memo[0] is not locale:
        memo = (locale, cast(NullTranslations, get_translations()))
        setattr(g, _CATALOGUE, memo)
    return memo[1]


def _install_template_gettext(app: Flask) -> None:
    """The templates' ``_``, ``gettext`` and ``ngettext`` (Jinja's i18n extension, new style: autoescaped,
    ``%(name)s`` variables), over ``page_catalogue`` rather than Flask-Babel's lookups, with ``_`` bound
    straight to ``gettext`` rather than through the extension's alias (one call instead of three a text)."""
    env = app.jinja_env
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
        gettext=lambda message: page_catalogue().ugettext(message),
        ngettext=lambda singular, plural, count: page_catalogue().ungettext(singular, plural, count),
        newstyle=True,
        pgettext=lambda context, message: page_catalogue().upgettext(context, message),
        npgettext=lambda context, singular, plural, count: page_catalogue().unpgettext(
            context, singular, plural, count
        ),
    )
    env.globals["_"] = env.globals["gettext"]
