"""No form sent to the settings pages gets a 5xx, whatever its fields hold (any field of the policy, the carrier or the
look, rows at any index, amounts, dates and numbers of every shape, NUL, huge values, every action), and every
problem the services can report has its sentence in both languages."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connector.pages.admin.settings.problems import SENTENCES, sentence
from connector.services.settings_form import CODES, Problem
from tests.admin_pages.signed_admin import FORM_FIELD, form_token
from tests.admin_settings.conftest import SHOP, Merchant

FIELDS = ["name", "timezone", "locale", "methods", "default_action", "refund_on_first_scan_max", "windows-days",
          "windows-anchor", "windows-overrides-0-kind", "windows-overrides-0-match", "windows-overrides-49-days",
          "windows-holidays-0-start", "windows-holidays-0-end", "windows-holidays-0-until", "exclusions-tags",
          "customer_limit-max_returns", "outcomes-allowed", "outcomes-rules-3-allowed", "bonus-kind", "bonus-percent",
          "bonus-flat", "keep_item-below", "fees-return_shipping", "fees-restocking_percent-unwanted",
          "fees-by_method-relay_point", "rules-0-id", "rules-0-priority", "rules-0-action", "rules-1-id",
          "rules-0-when-countries", "rules-0-when-keep_item", "rules-999-id", "eu_withdrawal-enabled",
          "eu_withdrawal-days", "base_version", "action", "carrier", "credentials", "options", "address-country",
          "methods-0-country", "methods-0-methods", "refund_on_first_scan", "shop_name", "accent_colour", "logo_url",
          "policy_url", "contact_url"]
values = st.sampled_from(["1", "0", "-1", "", "٣", "1e3", "x" * 3000, "\x00", "12,50", "EUR 4.90", "EUR 4,999",
                          "EUR -1", "JPY 1.5", "2026-02-30", "2026-12-24", "approve", "decline", "review", "save",
                          "simulate", "eu_preset", "sendcloud", "self_issued", "a = b\nc", "refund", "relay_point",
                          "FR", "default", "#ffee00", "javascript:alert(1)", "Mars/Olympus", "9" * 30, "percent",
                          "flat", "yes", "no"]) | st.text(max_size=40)
forms = st.dictionaries(st.sampled_from(FIELDS), st.lists(values, min_size=1, max_size=3), max_size=8)
ROUTES = ["policy", "carrier", "carrier/remove", "look"]


@settings(max_examples=120, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_settings_form_gets_a_page_never_a_5xx(merchant: Merchant, caplog: pytest.LogCaptureFixture,
                                                   data: st.DataObject) -> None:
    form = data.draw(forms, label="form")
    if data.draw(st.integers(0, 9), label="with the field") > 0:
        form[FORM_FIELD] = [form_token(SHOP, "marie")]
    where = data.draw(st.sampled_from(ROUTES), label="route")
    answer = merchant.web.post(f"/admin/{SHOP}/settings/{where}", data=form, headers=merchant.headers)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    caplog.clear()
    assert answer.status_code < 500, (answer.status_code, where, form)
    assert not errors, (errors, where, form)
    assert answer.status_code in (200, 303, 403, 409, 422), (answer.status_code, where, form)
    if answer.status_code not in (303, 403):
        assert answer.get_data(as_text=True).startswith("<!doctype html>")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_problem_has_its_sentence(app: Flask, language: str) -> None:
    assert set(SENTENCES) == set(CODES)
    params = {"max": 5, "min": 1, "entry": "X", "currency": "EUR", "places": 2, "version": 3, "line": "a",
              "ratio": "1.10", "shade": "#6e6700", "detail": "d"}
    with app.test_request_context(headers={"Accept-Language": language}):
        for code in CODES:
            words = sentence(Problem.of(code, **params))
            assert words and "%(" not in words, code
