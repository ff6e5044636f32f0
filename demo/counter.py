"""The demo's store staff at the counter, over HTTP like a browser: sign in to the store page with the shop's API
key, open the return from the code the customer shows (the in-store QR's URL), receive every unit, inspect each
item. What a person does at ``/store/<shop id>``, so an in-store return goes through the pages (their forms,
tokens and session cookie), not around them.
"""

from __future__ import annotations

import re
from typing import Final

import requests

from connector.pages.store.links import store_path

STAFF: Final = "Demo counter"
_CSRF_OF_FORM: Final = r'action="[^"]*/{step}"[^>]*>\s*<input type="hidden" name="csrf" value="([^"]+)"'


class Counter:
    """One browser per shop, signed in once with the key the demo issued for the shop's store page."""

    def __init__(self, app_url: str, keys: dict[str, str]) -> None:
        self.app_url = app_url
        self.keys = keys
        self._browsers: dict[str, requests.Session] = {}

    def take_back(self, shop_id: str, return_id: str, scanned_url: str, lines: int) -> None:
        """Receive every expected unit of the return whose code was scanned, then inspect its ``lines`` items as
        new, back to stock."""
        browser = self._signed_in(shop_id)
        page = _ok(browser.get(scanned_url, timeout=30), "open the scanned return")
        returns = f"{self.app_url}{store_path(shop_id)}/returns/{return_id}"
        if not page.url.startswith(returns):
            raise RuntimeError(f"the scanned code of {return_id} opened {page.url}")
        page = _ok(browser.post(f"{returns}/receive", data={"csrf": _token(page.text, "receive"), "all": "1"},
                                timeout=30), f"receive {return_id}")
        for line in range(1, lines + 1):
            form = {"csrf": _token(page.text, "inspect"), "line": str(line), f"condition-{line}": "new",
                    f"disposition-{line}": "restock"}
            page = _ok(browser.post(f"{returns}/inspect", data=form, timeout=30), f"inspect {return_id}")

    def _signed_in(self, shop_id: str) -> requests.Session:
        if shop_id not in self._browsers:
            browser = requests.Session()
            sign_in = f"{self.app_url}{store_path(shop_id)}/sign-in"
            form = _ok(browser.get(sign_in, timeout=30), "open the store page's sign-in")
            token = re.search(r'name="csrf" value="([^"]+)"', form.text)
            if token is None:
                raise RuntimeError("the store page's sign-in has no form token")
            _ok(browser.post(sign_in, data={"csrf": token.group(1), "api_key": self.keys[shop_id],
                                            "staff_name": STAFF}, timeout=30), "sign in to the store page")
            self._browsers[shop_id] = browser
        return self._browsers[shop_id]


def _token(page: str, step: str) -> str:
    found = re.search(_CSRF_OF_FORM.format(step=step), page)
    if found is None:
        raise RuntimeError(f"the store page offers no {step} form")
    return found.group(1)


def _ok(answer: requests.Response, what: str) -> requests.Response:
    """The page after the redirects a browser follows; a refusal stops the demo with what the page said."""
    if answer.status_code != 200:
        raise RuntimeError(f"the store page refused to {what}: {answer.status_code} {answer.text[:300]}")
    return answer
