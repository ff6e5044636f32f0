"""No form sent to the store page gets a 5xx, whatever its fields hold: the session's own token with any values
(NUL, huge, unicode digits, unknown lines), on every form route, signed in; and each answer is a page of ours.
(Sign-out is left out: it would end the session the next examples need; tests/security/test_no_5xx.py covers it.)"""

from __future__ import annotations

import logging

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.store_page.conftest import SHOP, open_in_store, page_token

FIELDS = ["all", "line", "qty-1", "qty-2", "qty-3", "condition-1", "disposition-1", "note-1", "condition-2",
          "disposition-2", "note-2", "api_key", "staff_name", "next", "q"]
values = st.sampled_from(["1", "2", "0", "-1", "new", "restock", "missing", "dispose", "", "٣", "1e3", "x" * 600,
                          "\x00", "/store/shop-a/", "//evil"]) | st.text(max_size=40)
forms = st.dictionaries(st.sampled_from(FIELDS), values, max_size=6)
ROUTES = ["receive", "inspect"]


@settings(max_examples=120, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_form_gets_a_page_never_a_5xx(signed_in: FlaskClient, caplog: pytest.LogCaptureFixture,
                                         data: st.DataObject) -> None:
    opened = signed_in.application.config
    if "store_test_return" not in opened:  # one return for every example (the order has units for one)
        opened["store_test_return"] = open_in_store(signed_in)
    return_id = opened["store_test_return"]
    token = page_token(signed_in, f"/store/{SHOP}/returns/{return_id}")
    form = data.draw(forms, label="form")
    where = data.draw(st.sampled_from([*ROUTES, "sign-in", "find"]), label="route")
    if data.draw(st.booleans(), label="with the token"):
        form["csrf"] = token
    if where in ROUTES:
        answer = signed_in.post(f"/store/{SHOP}/returns/{return_id}/{where}", data=form)
    elif where == "find":
        answer = signed_in.get(f"/store/{SHOP}/find", query_string=form)
    else:
        answer = signed_in.post(f"/store/{SHOP}/{where}", data=form)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    caplog.clear()
    assert answer.status_code < 500, (answer.status_code, where, form)
    assert not errors, (errors, where, form)
    assert answer.status_code in (200, 303, 400, 403, 404, 409, 422, 429), (answer.status_code, where, form)
    if answer.status_code != 303:
        assert answer.get_data(as_text=True).startswith("<!doctype html>")
