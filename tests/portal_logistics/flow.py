"""A customer's steps through the method screen and the logistics screens, as a browser sends them."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

from flask import Flask
from flask.testing import FlaskClient

from connector.pages.portal.current import signer
from connector.pages.portal.draft import Draft, DraftLine, unseal
from tests.portal.review.portal_app import ORDER, SHOP, access, csrf_of, draft

_D = re.compile(r"[?&]d=([^&]+)")


def method_url(app: Flask) -> str:
    return f"/portal/{SHOP}/o/{access(app)}/method"


def choose_method(app: Flask, client: FlaskClient, method: str, *lines: DraftLine) -> str:
    """Post the method screen; the address it sends the customer to next."""
    token = draft(app, *lines, method=None)
    page = client.get(method_url(app), query_string={"d": token}).get_data(as_text=True)
    sent = client.post(method_url(app), query_string={"d": token},
                       data={"csrf": csrf_of(page), "d": token, "method": method})  # fmt: skip
    assert sent.status_code == 303, sent.get_data(as_text=True)
    return sent.headers["Location"]


def draft_of(app: Flask, location: str) -> Draft:
    found = _D.search(location)
    assert found is not None, location
    with app.test_request_context():
        return unseal(found.group(1), signer(), SHOP, ORDER)


def hidden(page: str, name: str) -> str:
    found = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)">', page)
    assert found is not None, f"no hidden {name}"
    return html.unescape(found.group(1))


def post_form(client: FlaskClient, page: str, **fields: str) -> tuple[int, str, str]:
    """Post the page's POST form with its hidden fields and ``fields``: (status, page, Location)."""
    action = re.search(r'<form method="post" action="([^"]+)"', page)
    assert action is not None, "the page has no form to post"
    data = {"csrf": csrf_of(page), "d": hidden(page, "d"), **fields}
    if 'name="postcode" value=' in page and "postcode" not in fields:
        data["postcode"] = hidden(page, "postcode")
    sent = client.post(html.unescape(action.group(1)), data=data)
    return sent.status_code, sent.get_data(as_text=True), sent.headers.get("Location", "")


def radio_values(page: str, name: str) -> list[str]:
    return [html.unescape(v) for v in re.findall(rf'type="radio" name="{name}" value="([^"]+)"', page)]


def with_query(location: str, **params: str) -> str:
    """``location`` (which carries ``?d=``) with more query parameters, as a GET form adds them."""
    return f"{location}&{urlencode(params)}"
