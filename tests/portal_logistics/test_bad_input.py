"""Whatever a customer (or a forged form) sends to the relay and pickup screens, the answer is a page of ours,
never a 5xx: postcodes of any text (other scripts' digits included: only ASCII postcodes reach the carrier), point
ids and windows that were never offered, missing or tampered tokens."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.portal.review.portal_app import SHOP, access, csrf_of, draft

FULLWIDTH_75011 = "\uff17\uff15\uff10\uff11\uff11"
texts = st.text(max_size=40) | st.sampled_from([FULLWIDTH_75011, "75011\x00", "", " ", "75011" * 10, "SW1A 1AA"])


@pytest.mark.parametrize("customer_locale", ["en-GB"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(postcode=texts, choice=texts, good_token=st.booleans(), good_csrf=st.booleans(),
       screen=st.sampled_from([("relay-point", "relay_point", "point"), ("pickup", "home_pickup", "window")]))
def test_no_input_gets_a_5xx(
    app: Flask, client: FlaskClient, customer_locale: str, postcode: str, choice: str, good_token: bool,
    good_csrf: bool, screen: tuple[str, str, str],
) -> None:
    path, method, field = screen
    url = f"/portal/{SHOP}/o/{access(app)}/{path}"
    token = draft(app, method=method) if good_token else postcode or "x"
    shown = client.get(url, query_string={"d": token, "postcode": postcode})
    assert shown.status_code < 500, shown.get_data(as_text=True)
    page = shown.get_data(as_text=True)
    csrf = csrf_of(page) if good_csrf and 'name="csrf"' in page else choice
    sent = client.post(url, query_string={"d": token}, data={"d": token, "csrf": csrf, "postcode": postcode,
                                                              field: choice})  # fmt: skip
    assert sent.status_code < 500, sent.get_data(as_text=True)


def test_only_ascii_postcodes_reach_the_carrier(app: Flask, client: FlaskClient) -> None:
    url = f"/portal/{SHOP}/o/{access(app)}/relay-point"
    answer = client.get(url, query_string={"d": draft(app, method="relay_point"), "postcode": FULLWIDTH_75011})
    assert answer.status_code == 422 and 'aria-describedby="postcode-hint postcode-error"' in answer.get_data(True)
