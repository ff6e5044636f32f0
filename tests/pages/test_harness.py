"""The browser harness proves itself on the portal's base template: a tiny Flask app renders
``connector/pages/templates/base.html`` with a form, served over real HTTP, driven in Chromium at 390x844; axe-core
finds nothing serious on it and does find an unlabelled field; the keyboard reaches everything with a visible focus.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from flask import Flask, redirect, render_template_string, request, url_for
from playwright.sync_api import Page, expect
from werkzeug.wrappers import Response

from tests.pages.browser import DESKTOP, MOBILE, ScreenCounter, Viewport, assert_accessible
from tests.pages.conftest import LiveServer, Screenshot

PAGES = Path(__file__).resolve().parents[2] / "connector" / "pages"

TEXTS = {
    "en": {"title": "Find your order", "label": "E-mail address", "submit": "Continue", "skip": "Skip to content",
           "error": "Enter an e-mail address, like name@example.com.", "done": "Order found"},
    "fr": {"title": "Retrouver votre commande", "label": "Adresse e-mail", "submit": "Continuer",
           "skip": "Aller au contenu", "error": "Saisissez une adresse e-mail, comme nom@exemple.fr.",
           "done": "Commande trouvée"},
}

FORM_PAGE = """{% extends "base.html" %}
{% block skip_link %}{{ t.skip }}{% endblock %}
{% block content %}
<h1>{{ t.title }}</h1>
<form method="post" novalidate>
  <label for="email">{{ t.label }}</label>
  <input id="email" name="email" type="email" autocomplete="email" value="{{ email }}"
         {% if error %}aria-invalid="true" aria-describedby="email-error"{% endif %}>
  {% if error %}<p id="email-error" class="error">{{ error }}</p>{% endif %}
  <button type="submit">{{ t.submit }}</button>
</form>
{% endblock %}"""

DONE_PAGE = """{% extends "base.html" %}{% block content %}<h1>{{ t.done }}</h1>{% endblock %}"""

UNLABELLED_PAGE = """{% extends "base.html" %}
{% block content %}<h1>Search</h1><form><input id="unlabelled" name="q" type="text"></form>{% endblock %}"""


def base_template_app() -> Flask:
    """A form page on base.html in the language that Accept-Language asks for; a bad e-mail comes back to the form
    with its error tied to the field, a good one redirects (post/redirect/get, as the portal's steps will)."""
    app = Flask(__name__, template_folder=str(PAGES / "templates"), static_folder=str(PAGES / "static"))
    # base.html's own texts go through gettext; this app's texts are its own, so untranslated catalogues do.
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]

    def render(source: str, **context: object) -> str:
        lang = request.accept_languages.best_match(list(TEXTS)) or "en"
        return render_template_string(source, lang=lang, t=TEXTS[lang], title=TEXTS[lang]["title"],
                                      stylesheet_url=url_for("static", filename="base.css"), **context)

    @app.route("/", methods=["GET", "POST"])
    def lookup() -> str | Response:
        email = request.form.get("email", "")
        if request.method == "POST":
            if "@" in email:
                return redirect(url_for("done"), 303)
            lang = request.accept_languages.best_match(list(TEXTS)) or "en"
            return render(FORM_PAGE, email=email, error=TEXTS[lang]["error"])
        return render(FORM_PAGE, email="", error=None)

    @app.get("/done")
    def done() -> str:
        return render(DONE_PAGE)

    @app.get("/unlabelled")
    def unlabelled() -> str:
        return render(UNLABELLED_PAGE)

    return app


def focused_id(page: Page) -> str:
    """The focused element's id, else its class, else its tag name."""
    return str(page.evaluate("""() => {
        const element = document.activeElement;
        return element.id || element.className || element.tagName.toLowerCase();
    }"""))


def assert_focus_visible(page: Page) -> None:
    """The focused element shows base.css's focus ring (3px solid, #1a5fb4): served, applied, not suppressed."""
    ring = page.evaluate("""() => {
        const style = getComputedStyle(document.activeElement);
        return [document.activeElement.matches(':focus-visible'), style.outlineStyle, style.outlineWidth,
                style.outlineColor];
    }""")
    assert ring == [True, "solid", "3px", "rgb(26, 95, 180)"], f"focus ring of {focused_id(page)}: {ring}"


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=lambda viewport: viewport.name)
@pytest.mark.parametrize(("locale", "lang"), [("en-GB", "en"), ("fr-FR", "fr")])
def test_base_page_is_accessible_and_keyboard_usable(
    page: Page, live_server: LiveServer, screenshot: Screenshot, viewport: Viewport, locale: str, lang: str,
) -> None:
    page.goto(live_server(base_template_app()))

    assert page.evaluate("() => [innerWidth, innerHeight]") == [viewport.width, viewport.height]
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_role("heading", level=1)).to_have_text(TEXTS[lang]["title"])
    assert_accessible(page)

    page.keyboard.press("Tab")
    assert focused_id(page) == "skip-link"
    expect(page.get_by_role("link", name=TEXTS[lang]["skip"])).to_be_in_viewport()
    assert_focus_visible(page)
    page.keyboard.press("Tab")
    assert focused_id(page) == "email"
    assert_focus_visible(page)
    page.keyboard.press("Tab")
    assert focused_id(page) == "button"
    assert_focus_visible(page)
    for control in (page.get_by_label(TEXTS[lang]["label"]), page.get_by_role("button")):
        box = control.bounding_box()
        assert box is not None and min(box["width"], box["height"]) >= 24, f"WCAG 2.5.8 target size: {box}"
    screenshot("focus-on-submit")


def test_an_error_comes_back_tied_to_its_field(page: Page, live_server: LiveServer, screenshot: Screenshot) -> None:
    page.goto(live_server(base_template_app()))
    field = page.get_by_label(TEXTS["en"]["label"])
    field.fill("not-an-address")
    field.press("Enter")

    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(TEXTS["en"]["error"])
    expect(field).to_have_value("not-an-address")
    assert_accessible(page)
    screenshot("error")


def test_the_skip_link_moves_focus_to_the_content(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server(base_template_app()))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused_id(page) == "content"
    page.keyboard.press("Tab")
    assert focused_id(page) == "email"


def test_axe_reports_an_unlabelled_field(page: Page, live_server: LiveServer) -> None:
    """The check can fail: a field without a label is a critical violation, listed with its id, help and target."""
    page.goto(live_server(base_template_app()) + "/unlabelled")

    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)

    assert "- label (critical): Form elements must have labels" in str(failure.value)
    assert "at #unlabelled" in str(failure.value)
    assert_accessible(page, allow=("label",))  # an allowance waives that rule and nothing else


def test_screens_count_page_loads_not_in_page_moves(
    page: Page, live_server: LiveServer, screens: ScreenCounter,
) -> None:
    base_url = live_server(base_template_app())
    page.goto(base_url)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link: an in-page move, not a new screen
    field = page.get_by_label(TEXTS["en"]["label"])
    field.fill("wrong")
    field.press("Enter")  # the form again, with its error: a screen
    expect(field).to_have_attribute("aria-invalid", "true")
    page.get_by_label(TEXTS["en"]["label"]).fill("customer@example.com")
    page.get_by_role("button", name=TEXTS["en"]["submit"]).click()  # posted, redirected: one screen
    expect(page.get_by_role("heading", level=1)).to_have_text(TEXTS["en"]["done"])
    page.wait_for_load_state()

    # The form posts to the page's own URL, whose #content fragment the skip link set and the redirect keeps.
    assert [url.removeprefix(base_url) for url in screens.urls] == ["/", "/#content", "/done#content"]
    assert screens.count == 3


def test_screenshots_are_kept_at_the_viewport_width(
    page: Page, live_server: LiveServer, screenshot: Screenshot,
) -> None:
    page.goto(live_server(base_template_app()))

    path = screenshot("lookup")

    png = path.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (MOBILE.width, MOBILE.height)  # the page fits one phone screen: no sideways scroll
