"""No form or filter sent to the admin gets a 5xx, whatever its fields hold: the agent's own hidden field with any
values (NUL, huge, unicode digits, unknown lines, amounts of every shape), on every action route and the queue's
filters, on a return in each state the examples move it through; each answer is a page of ours or a redirect."""

from __future__ import annotations

import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connector.bootstrap import Container
from tests.admin_pages.conftest import SHOP, Agent, open_return, review_everything
from tests.admin_pages.signed_admin import FORM_FIELD, form_token

FIELDS = ["all", "line", "qty-1", "qty-2", "condition-1", "disposition-1", "note-1", "condition-2", "disposition-2",
          "approve_message", "decline_message", "cancel_reason", "note", "amount", "reason", "fingerprint", "step",
          "ids", "q", "status", "reason", "method", "from", "to", "min", "max", "review", "overdue", "size", "cursor"]
values = st.sampled_from(["1", "2", "0", "-1", "new", "restock", "missing", "dispose", "", "٣", "1e3", "x" * 1200,
                          "\x00", "12,50", "-3.5", "NaN", "Infinity", "1e999", "0.001", "9" * 30, "approve",
                          "receive", "2026-02-30", "requested", "eyJ4Ijoi", "R0"]) | st.text(max_size=40)
forms = st.dictionaries(st.sampled_from(FIELDS), values, max_size=6)
ROUTES = ["approve", "decline", "cancel", "notes", "receive", "inspect", "resolve", "resolve/confirm"]


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_form_gets_a_page_never_a_5xx(agent: Agent, container: Container, caplog: pytest.LogCaptureFixture,
                                         data: st.DataObject) -> None:
    config = agent.web.application.config
    if "admin_test_return" not in config:  # one return for every example (the order has units for one)
        review_everything(container)
        config["admin_test_return"] = open_return(agent.web)
    return_id = config["admin_test_return"]
    form = data.draw(forms, label="form")
    where = data.draw(st.sampled_from([*ROUTES, "bulk", "queue", "page", "preview"]), label="route")
    if data.draw(st.integers(0, 9), label="with the field") > 0:
        form[FORM_FIELD] = form_token(SHOP)
    page = f"/admin/{SHOP}/returns/{return_id}"
    if where in ROUTES:
        answer = agent.web.post(f"{page}/{where}", data=form, headers=agent.headers)
    elif where == "bulk":
        answer = agent.web.post(f"/admin/{SHOP}/bulk", data={**form, "ids": [return_id, form.get("ids", "")]},
                                headers=agent.headers)
    else:
        path = {"queue": f"/admin/{SHOP}/", "page": page, "preview": f"{page}/resolve"}[where]
        answer = agent.web.get(path, query_string=form, headers=agent.headers)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    caplog.clear()
    assert answer.status_code < 500, (answer.status_code, where, form)
    assert not errors, (errors, where, form)
    assert answer.status_code in (200, 303, 403, 404, 409, 422), (answer.status_code, where, form)
    if answer.status_code not in (303, 403):
        assert answer.get_data(as_text=True).startswith("<!doctype html>")
