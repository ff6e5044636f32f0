"""The templates' texts (``connector.pages.i18n.page_catalogue``): the catalogue is remembered for the request,
and a language chosen again mid-request (the order's) is followed by what is rendered next."""

from __future__ import annotations

from pathlib import Path

from flask import render_template_string
from flask_babel import gettext

from connector.pages.i18n import page_catalogue, use_order_locale
from tests.portal.i18n_app import pages_app

TEMPLATE = (
    "{{ _('Return policy') }}|{{ gettext('Order %(name)s', name='<#1>') }}"
    "|{{ ngettext('%(num)d day left', '%(num)d days left', 3) }}"
)


def test_the_templates_say_what_flask_babel_says(tmp_path: Path) -> None:
    app = pages_app(tmp_path)
    for language in ("fr", "en"):
        with app.test_request_context("/", headers={"Accept-Language": language}):
            said = render_template_string(TEMPLATE).split("|")
            assert said[0] == gettext("Return policy")
            assert said[1] == gettext("Order %(name)s", name="&lt;#1&gt;")  # autoescaped, as Jinja's new style
            assert said[2] == ("3 jours restants" if language == "fr" else "3 days left")


def test_the_order_language_chosen_mid_request_is_followed(tmp_path: Path) -> None:
    app = pages_app(tmp_path)
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        english = render_template_string("{{ _('Return policy') }}")
        first = page_catalogue()
        assert page_catalogue() is first  # remembered for the request
        use_order_locale("fr")
        assert render_template_string("{{ _('Return policy') }}") == gettext("Return policy") != english
        assert page_catalogue() is not first


def test_outside_a_request_the_texts_stay_untranslated(tmp_path: Path) -> None:
    app = pages_app(tmp_path)
    with app.app_context():
        assert app.jinja_env.from_string("{{ _('Return policy') }}").render() == "Return policy"
