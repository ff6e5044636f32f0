"""Which language a page is served in: the signed switcher value, then the order's locale, then
Accept-Language with regions dropped, then the configured default."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, render_template, request
from flask_babel import get_locale

from connector.pages.i18n import current_language, supported_language, use_order_locale
from connector.pages.signed import PortalSigner
from tests.portal.i18n_app import NOW, pages_app, signer


def language_app(data_dir: Path, default_locale: str = "en") -> Flask:
    app = pages_app(data_dir, default_locale)

    @app.route("/language", methods=["GET", "POST"])
    def language() -> str:
        get_locale()  # something was already rendered in the selected language before the order was read
        if "order_locale" in request.values:
            use_order_locale(request.values["order_locale"])
        return current_language()

    @app.route("/page")
    def page() -> str:
        return render_template("base.html")

    return app


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return language_app(tmp_path)


def served(app: Flask, accept: str | None = None, **params: str) -> str:
    headers = {"Accept-Language": accept} if accept is not None else {}
    return app.test_client().get("/language", query_string=params, headers=headers).get_data(as_text=True)


def token(language: str) -> str:
    return signer().language_token(language)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("fr-FR,en;q=0.8", "fr"),  # werkzeug's best_match(["fr", "en"]) answers "en" here
        ("fr-CA", "fr"),
        ("fr_FR", "fr"),
        ("de-DE,fr-FR;q=0.8,en;q=0.5", "fr"),
        ("en-US,fr;q=0.9", "en"),
        ("en;q=0,fr;q=0.5", "fr"),
        ("de-DE", "en"),
        ("*", "en"),
        ("", "en"),
    ],
)
def test_accept_language_by_preference_with_regions_dropped(app: Flask, accept: str, expected: str) -> None:
    assert served(app, accept) == expected


def test_without_any_hint_the_configured_default_is_used(tmp_path: Path) -> None:
    assert served(language_app(tmp_path / "fr", default_locale="fr-FR")) == "fr"
    assert served(language_app(tmp_path / "fr", default_locale="fr-FR"), "en-GB") == "en"
    assert served(language_app(tmp_path / "de", default_locale="de")) == "en"


@pytest.mark.parametrize(("order_locale", "expected"), [("fr", "fr"), ("fr-CA", "fr"), ("de", "en"), ("", "en")])
def test_the_orders_locale_comes_before_the_browsers(app: Flask, order_locale: str, expected: str) -> None:
    assert served(app, "en-GB", order_locale=order_locale) == expected


def test_the_chosen_language_comes_before_the_order_and_the_browser(app: Flask) -> None:
    assert served(app, "en-GB", lang=token("fr"), order_locale="en") == "fr"
    assert served(app, "fr-FR", lang=token("en"), order_locale="fr") == "en"


def test_the_chosen_language_travels_in_a_posted_form(app: Flask) -> None:
    answer = app.test_client().post("/language", data={"lang": token("fr")}, headers={"Accept-Language": "en"})
    assert answer.get_data(as_text=True) == "fr"


@pytest.mark.parametrize(
    "bad",
    [
        "fr",  # not signed: only our own switcher's links choose
        token("fr")[:-2] + "xx",
        PortalSigner(["another-key"], clock=lambda: NOW).language_token("fr"),
        signer().form_token("shop-1", "fr"),  # signed, for another purpose
        token("de"),  # signed, but not a language we serve
    ],
)
def test_a_lang_value_we_cannot_trust_is_ignored(app: Flask, bad: str) -> None:
    assert served(app, "en-GB", lang=bad) == "en"
    assert served(app, "en-GB", lang=bad, order_locale="fr") == "fr"


def test_pages_are_rendered_in_the_selected_language(app: Flask) -> None:
    french = app.test_client().get("/page", headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)
    assert '<html lang="fr"' in french and "Aller au contenu" in french and "<title>Retours</title>" in french
    english = app.test_client().get("/page", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert '<html lang="en"' in english and "Skip to content" in english and "<title>Returns</title>" in english


def test_templates_can_carry_the_language_on(app: Flask) -> None:
    with app.test_request_context("/", query_string={"lang": token("fr")}):
        carried = app.jinja_env.from_string("{{ language_token() }}").render()
        switch = app.jinja_env.from_string("{{ language_token('en') }}").render()
    assert signer().read_language(carried) == "fr"
    assert signer().read_language(switch) == "en"


@pytest.mark.parametrize(
    ("tag", "expected"), [("FR", "fr"), ("fr-BE", "fr"), ("en_GB", "en"), ("de", None), (None, None)]
)
def test_supported_language(tag: str | None, expected: str | None) -> None:
    assert supported_language(tag) == expected
