"""Money, dates and plurals in each language: the exact strings Babel's CLDR data gives (French puts a no-break
space before the currency sign and a narrow no-break space between thousands)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import Flask

from connector.domain.money import Money
from connector.pages.formatting import days_left, format_day, format_moment, format_money, regional_locale
from tests.portal.i18n_app import pages_app

NBSP = "\u00a0"
NNBSP = "\u202f"
LATE_EVENING_UTC = datetime(2026, 3, 5, 23, 30, tzinfo=UTC)  # already the 6th in Paris


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return pages_app(tmp_path)


@pytest.mark.parametrize(
    ("money", "fr", "en"),
    [
        (Money("12.50", "EUR"), f"12,50{NBSP}€", "€12.50"),
        (Money("1234.5", "EUR"), f"1{NNBSP}234,50{NBSP}€", "€1,234.50"),
        (Money("-12.5", "EUR"), f"-12,50{NBSP}€", "-€12.50"),
        (Money("1234.5", "JPY"), f"1{NNBSP}235{NBSP}JPY", "¥1,235"),
        (Money("9.99", "USD"), f"9,99{NBSP}$US", "$9.99"),
    ],
)
def test_money(money: Money, fr: str, en: str) -> None:
    assert format_money(money, "fr") == fr
    assert format_money(money, "en") == en


def test_dates_are_shown_in_the_shops_timezone_when_given() -> None:
    assert format_day(LATE_EVENING_UTC, locale="fr") == "5 mars 2026"
    assert format_day(LATE_EVENING_UTC, "Europe/Paris", locale="fr") == "6 mars 2026"
    assert format_day(LATE_EVENING_UTC, "Europe/Paris", locale="en") == "March 6, 2026"
    assert format_day(date(2026, 3, 5), "Europe/Paris", locale="en") == "March 5, 2026"


def test_moments_to_the_minute() -> None:
    assert format_moment(LATE_EVENING_UTC, "Europe/Paris", locale="fr") == "6 mars 2026, 00:30"
    assert format_moment(LATE_EVENING_UTC, "Europe/Paris", locale="en") == f"March 6, 2026, 12:30{NNBSP}AM"
    assert format_moment(LATE_EVENING_UTC, "Not/AZone", locale="en") == f"March 5, 2026, 11:30{NNBSP}PM"


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_moment(datetime(2026, 3, 5, 23, 30), locale="fr")


@pytest.mark.parametrize(
    ("count", "fr", "en"),
    [
        (0, "0 jour restant", "0 days left"),
        (1, "1 jour restant", "1 day left"),
        (2, "2 jours restants", "2 days left"),
        (1_000_000, "1000000 de jours restants", "1000000 days left"),
    ],
)
def test_plurals_follow_each_languages_rules(app: Flask, count: int, fr: str, en: str) -> None:
    with app.test_request_context("/", headers={"Accept-Language": "fr-FR"}):
        assert days_left(count) == fr
    with app.test_request_context("/", headers={"Accept-Language": "en-GB"}):
        assert days_left(count) == en


def test_the_filters_use_the_pages_language(app: Flask) -> None:
    template = "{{ refund | money }} | {{ when | date('Europe/Paris') }} | {{ when | datetime }} | {{ 3 | days_left }}"
    values = {"refund": Money("12.50", "EUR"), "when": LATE_EVENING_UTC}
    with app.test_request_context("/", headers={"Accept-Language": "fr-CA"}):
        french = app.jinja_env.from_string(template).render(values)
    with app.test_request_context("/", headers={"Accept-Language": "en-US"}):
        english = app.jinja_env.from_string(template).render(values)
    # Canadian French writes its times "23 h 30": the region the browser named (connector.pages.formatting).
    assert french == f"12,50{NBSP}€ | 6 mars 2026 | 5 mars 2026, 23 h 30 | 3 jours restants"
    assert english == f"€12.50 | March 6, 2026 | March 5, 2026, 11:30{NNBSP}PM | 3 days left"


def test_kept_texts_stay_apart_by_language_and_amount(app: Flask) -> None:
    """The formatted prices and days are kept (``_money_text``, ``_day_text``): asked again, in another order of
    languages and amounts, each still gets its own text."""
    for _round in range(2):
        assert format_money(Money("12.50", "EUR"), "en") == "€12.50"
        assert format_money(Money("12.50", "EUR"), "fr") == f"12,50{NBSP}€"
        assert format_money(Money("12.50", "USD"), "en") == "$12.50"
        assert format_money(Money("12.51", "EUR"), "en") == "€12.51"
        assert format_day(date(2026, 3, 5), locale="fr") == "5 mars 2026"
        assert format_day(date(2026, 3, 5), locale="en") == "March 5, 2026"
        with app.test_request_context("/", headers={"Accept-Language": "fr"}):
            assert format_money(Money("12.50", "EUR")) == f"12,50{NBSP}€"



@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("en-GB,en;q=0.8", "5 March 2026"),
        ("en-IE", "5 March 2026"),
        ("en-US", "March 5, 2026"),
        ("en", "March 5, 2026"),
        ("fr-FR,en-GB;q=0.5", "5 March 2026"),  # an English page for a browser whose English is British
        ("en-ZZ", "March 5, 2026"),  # a region Babel does not know: the language's own
    ],
)
def test_english_dates_follow_the_browsers_region(header: str, expected: str) -> None:
    """The catalogue is the language's; dates follow the region the browser names for that language."""
    assert format_day(date(2026, 3, 5), locale=regional_locale("en", header)) == expected


def test_the_date_filter_follows_the_region_of_a_british_browser(app: Flask) -> None:
    with app.test_request_context("/", headers={"Accept-Language": "en-GB"}):
        assert app.jinja_env.from_string("{{ when | date }}").render(when=date(2026, 3, 5)) == "5 March 2026"
