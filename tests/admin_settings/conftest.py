"""The settings pages over the admin pages' harness (``tests/admin_pages/conftest.py``: the API's app and
database, SQLite and PostgreSQL, entered through the test authenticator), as the shop's manager by default."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.admin_pages.conftest import (  # noqa: F401 - fixtures reused as they are
    SHOP,
    Agent,
    _signing_key,
    api_app,
    app,
    bearer,
    client,
    clock,
    container,
    customer_token,
    fake_shops,
    open_return,
    page_text,
)

_INPUT = re.compile(r'<input(?P<attrs>[^>]*)>')
_TEXTAREA = re.compile(r'<textarea(?P<attrs>[^>]*)>(?P<text>.*?)</textarea>', re.S)
_SELECT = re.compile(r'<select(?P<attrs>[^>]*)>(?P<body>.*?)</select>', re.S)
_ATTR = re.compile(r'(\w[\w-]*)(?:="([^"]*)")?')


def _attrs(text: str) -> dict[str, str]:
    return {name: unescape(value or "") for name, value in _ATTR.findall(text)}


def form_values(page: str, action_part: str) -> dict[str, list[str]]:
    """The values a browser would send from the form whose action contains ``action_part`` (text fields, ticked
    boxes, selected options, hidden fields), as the page shows them."""
    opening = next(m for m in re.finditer(r'<form[^>]*action="([^"]*)"[^>]*>', page) if action_part in m.group(1))
    form = page[opening.start(): page.index("</form>", opening.start())]
    sent: dict[str, list[str]] = {}
    for found in _INPUT.finditer(form):
        attrs = _attrs(found.group("attrs"))
        kind = attrs.get("type", "text")
        if "name" not in attrs or kind == "submit" or (kind == "checkbox" and "checked" not in attrs):
            continue
        sent.setdefault(attrs["name"], []).append(attrs.get("value", ""))
    for found in _TEXTAREA.finditer(form):
        sent.setdefault(_attrs(found.group("attrs"))["name"], []).append(unescape(found.group("text")))
    for found in _SELECT.finditer(form):
        name = _attrs(found.group("attrs"))["name"]
        chosen = re.search(r'<option value="([^"]*)" selected', found.group("body"))
        first = re.search(r'<option value="([^"]*)"', found.group("body"))
        sent.setdefault(name, []).append(unescape((chosen or first).group(1)) if (chosen or first) else "")
    return sent


class Merchant(Agent):
    """The shop's manager on the settings pages: a form is sent as the page shows it, with the changes typed."""

    def __init__(self, web: FlaskClient, shop_id: str = SHOP, user: str = "marie", locale: str = "en",
                 role: str = "shop_manager") -> None:
        super().__init__(web, shop_id, user, locale)
        from tests.admin_pages.signed_admin import admin_header

        self.headers = admin_header(shop_id, user, role=role, locale=locale)

    def send(self, page_path: str, changes: dict[str, Any], action: str | None = None,
             post_path: str | None = None) -> TestResponse:
        """The form of ``page_path`` as shown, ``changes`` typed in (a list for boxes, None to clear a box)."""
        page = page_text(self.get(page_path))
        data: dict[str, Any] = form_values(page, post_path or page_path)
        for name, value in changes.items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value if isinstance(value, list) else [value]
        if action:
            data["action"] = [action]
        return self.web.post(post_path or page_path, data=data, headers=self.headers)


@pytest.fixture
def merchant(client: FlaskClient) -> Merchant:  # noqa: F811 - the fixture imported above
    return Merchant(client)
