"""No input gets a 5xx: every route of the real app, and the two webhook paths its WSGI layer answers.

Requests go through ``app.wsgi_app`` as gunicorn would call it, so ``/webhooks/*`` reach the intake in front
of Flask. Path parameters are real ids (the seeded shops, an opened return, live tokens) or any text; bodies
are JSON of any shape (nested past the parser's recursion limit too), text or bytes; headers are the ones
the app reads, with real credentials or junk, and webhook bodies are sometimes signed with the right
secret so the intake parses them. An answer of 500 or more, or an error logged (a traceback), fails.
No network: any call to a shop fails as unreachable, the way a dead store would.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import responses
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from connector.bootstrap import Container
from connector.pages.i18n import SIGNER_EXTENSION
from connector.pages.portal.tracking_link import tracking_token
from connector.pages.signed import OrderAccess, PortalSigner
from tests.admin_pages.signed_admin import admin_header, install_test_admin
from tests.api.conftest import APP_SECRET, bearer, customer_token, issue_key, session_token
from tests.api.test_bad_input import json_values, likely_bodies

WOO_SECRET = "woo-shop-a-webhook-secret"
WOO_SOURCE = "https://shop.example/"
SHOPIFY_DOMAIN = "b-shop.myshopify.com"
WEBHOOK_PATHS = ("/webhooks/shopify", "/webhooks/woocommerce")
EXTRA_METHODS = ("PUT", "PATCH", "DELETE")
DEEP = b"[" * 1000 + b"]" * 1000

header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=60)
path_text = st.sampled_from(["shop-z", "R0", "../../etc/passwd"]) | st.text(
    st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30)
# At our limit, past it, and past the interpreter's recursion limit even as Hypothesis raises it (to about 2,000)
# while a test runs: 1,000 levels, which break the parser outside a test, parse inside one.
deep_json = st.sampled_from([50_000, 64, 65, 1000]).flatmap(
    lambda n: st.sampled_from(["[" * n + "]" * n, '{"a":' * n + "1" + "}" * n, '{"lines":' + "[" * n + "]" * n + "}"])
)
bodies = deep_json.map(str.encode) | st.one_of(  # half of them deep: the way a parser breaks
    st.one_of(json_values, likely_bodies).map(lambda v: json.dumps(v).encode()),
    st.text(max_size=80).map(str.encode),
    st.binary(max_size=80),
    st.just(b""),
)
CONTENT_TYPES = ["application/json", "text/plain", "application/x-www-form-urlencoded",
                 "application/json; charset=latin-1"]
QUERY_NAMES = ["store_url", "shop", "hmac", "code", "state", "timestamp", "host", "success", "user_id", "locale",
               "status", "limit", "offset", "email", "order_id", "created_from", "created_to", "reason",
               "q", "from", "to", "min", "max", "size", "cursor", "method", "review", "overdue", "done"]


@dataclass(frozen=True)
class Target:
    """One thing to call: a Flask rule, or (rule None) a webhook path the WSGI layer answers."""

    path: str
    methods: tuple[str, ...]
    rule: Rule | None = None

    @property
    def usual_methods(self) -> tuple[str, ...]:
        """What a client would send; HEAD and OPTIONS (answered by Flask itself) only when nothing else."""
        return tuple(m for m in self.methods if m not in ("HEAD", "OPTIONS")) or self.methods


def targets(app: Flask) -> list[Target]:
    found = [Target(rule.rule, tuple(sorted(rule.methods or ())), rule) for rule in app.url_map.iter_rules()]
    return found + [Target(path, ("POST",)) for path in WEBHOOK_PATHS]


def mostly(real: list[str], junk: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """One of the real values four times in five, else junk (which is what shrinking goes towards)."""
    return st.integers(0, 4).flatmap(lambda i: st.sampled_from(real) if i and real else junk)


@dataclass(frozen=True, repr=False)  # a failing example prints the request, not every token we hold
class Known:
    """Real values an attacker might hold or guess, so requests also get past authentication."""

    params: dict[str, list[str]]
    credentials: dict[str, list[dict[str, str]]]  # by path prefix: what lets a caller in there
    headers: dict[str, list[str]]
    query: list[str]

    def credentials_for(self, path: str) -> list[dict[str, str]]:
        return next((found for prefix, found in self.credentials.items() if path.startswith(prefix)), [{}])


@pytest.fixture
def known(app: Flask, client: FlaskClient, container: Container, opened: str) -> Known:
    with container.uow() as uow:
        creds = uow.shops.credentials("shop-a") or {}
        uow.shops.set_credentials("shop-a", {**creds, "webhook_secret": WOO_SECRET})
        uow.commit()
        returned = uow.returns("shop-a").get(opened)
    assert returned is not None
    signer: PortalSigner = app.extensions[SIGNER_EXTENSION]  # the portal's pages take signed links and drafts
    access = signer.order_access_token("shop-a", OrderAccess(returned.order_id))
    customer = customer_token(client)
    listed = client.get("/api/v1/portal/shop-a/returns", headers=bearer(customer)).get_json()
    tracking = listed["items"][0]["tracking"]["token"]
    key = issue_key(container, "shop-a")
    store_session = _store_session(client, key)
    install_test_admin(app)  # the agents' admin, entered as the platforms' authenticators would let an agent in
    return Known(
        params={"shop_id": ["shop-a", "shop-b"], "return_id": [opened], "token": [tracking, customer],
                "filename": ["x.js"], "access": [access, "not-signed"],
                "tracking": [tracking_token(signer, "shop-a", opened), "not-signed"],
                "path": ["", "o/" + access, "policy", "../../etc/passwd"]},
        credentials={"/api/v1/shops/": [{"X-API-Key": key}, bearer(session_token())],
                     "/api/v1/portal/": [bearer(customer)], "/shopify/session": [bearer(session_token())],
                     "/store/": [{"Cookie": f"store_session={store_session}"}],
                     "/admin/": [admin_header("shop-a"), admin_header("shop-b", locale="fr")]},
        headers={
            "Authorization": [f"Bearer {tracking}", "Bearer ", f"Basic {base64.b64encode(b'ck:cs').decode()}"],
            "X-API-Key": [key[:-1]],
            "Idempotency-Key": ["k-1", "k-2", " " * 3, "x" * 300],
            "X-Shopify-Topic": ["orders/updated", "returns/request", "app/uninstalled", "shop/redact"],
            "X-Shopify-Shop-Domain": [SHOPIFY_DOMAIN, "other.myshopify.com"],
            "X-Shopify-Event-Id": ["evt-1"], "X-Shopify-Webhook-Id": ["wh-1"], "X-Shopify-API-Version": ["2026-04"],
            "X-Shopify-Triggered-At": ["2026-03-10T12:00:00Z"],
            "X-WC-Webhook-Source": [WOO_SOURCE, "https://shop.example", "https://unknown.example/"],
            "X-WC-Webhook-Topic": ["order.updated", "order.created"], "X-WC-Webhook-Resource": ["order", "ORDER"],
            "X-WC-Webhook-Event": ["updated"], "X-WC-Webhook-ID": ["7"], "X-WC-Webhook-Delivery-ID": ["d1"],
            "X-Shopify-Hmac-Sha256": [], "X-WC-Webhook-Signature": [], "Accept-Language": ["fr", "*;q=x"],
        },
        query=["https://shop.example", "http://127.0.0.1:1", "http://[::1]:8080", SHOPIFY_DOMAIN, "1", "0", "-1",
               "fr", "approved", "2026-01-01", "ana@example.com"],
    )


def _store_session(client: FlaskClient, key: str) -> str:
    """A store counter's session of shop-a, signed in with the shop's key (``connector.pages.store``)."""
    form = client.get("/store/shop-a/sign-in").get_data(as_text=True)
    token = form.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    answer = client.post("/store/shop-a/sign-in", data={"csrf": token, "api_key": key})
    cookie = answer.headers["Set-Cookie"]
    return cookie.split("store_session=", 1)[1].split(";", 1)[0]


def _signed(path: str, body: bytes, headers: dict[str, str]) -> dict[str, str]:
    """The headers with a valid signature over ``body`` for the webhook path (and a shop it is valid for)."""
    if path == "/webhooks/shopify":
        digest = hmac.new(APP_SECRET.encode(), body, hashlib.sha256).digest()
        return {**headers, "X-Shopify-Hmac-Sha256": base64.b64encode(digest).decode(),
                "X-Shopify-Shop-Domain": SHOPIFY_DOMAIN}
    digest = hmac.new(WOO_SECRET.encode(), body, hashlib.sha256).digest()
    return {**headers, "X-WC-Webhook-Signature": base64.b64encode(digest).decode(), "X-WC-Webhook-Source": WOO_SOURCE}


@pytest.fixture
def offline() -> Iterator[None]:
    """Every outgoing HTTP call fails as a connection error: no test reaches the network."""
    with responses.RequestsMock(assert_all_requests_are_fired=False):
        yield


def _url(target: Target, values: dict[str, str], method: str) -> str:
    if target.rule is None:
        return target.path
    adapter = target.rule.map.bind("localhost")
    return adapter.build(target.rule.endpoint, values, method=method if method in target.methods else None)


def _send(client: FlaskClient, method: str, url: str, body: bytes, headers: dict[str, str],
          query: dict[str, str], content_type: str | None) -> TestResponse:
    return client.open(url, method=method, data=body, headers=headers, query_string=query,
                       content_type=content_type, environ_base={"REMOTE_ADDR": "198.51.100.7"})


def _assert_no_5xx(answer: TestResponse, caplog: pytest.LogCaptureFixture, *request: object) -> None:
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    caplog.clear()
    assert answer.status_code < 500, (answer.status_code, answer.get_data(as_text=True)[:300], *request)
    assert not errors, (errors, *request)


FUZZ = settings(max_examples=250, deadline=None, derandomize=True, database=None, print_blob=False,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


@FUZZ
@given(data=st.data())
def test_no_input_on_any_route_gets_a_5xx(app: Flask, client: FlaskClient, known: Known, offline: None,
                                          caplog: pytest.LogCaptureFixture, data: st.DataObject) -> None:
    target = data.draw(st.sampled_from(targets(app)), label="route")
    usual = data.draw(st.integers(0, 9), label="usual method?") > 0
    method = data.draw(st.sampled_from(target.usual_methods if usual else target.methods + EXTRA_METHODS),
                       label="method")
    values = {name: data.draw(mostly(known.params[name], path_text), label=name)
              for name in sorted(target.rule.arguments if target.rule else ())}
    headers = dict(data.draw(st.sampled_from([{}, *known.credentials_for(target.path)]), label="credentials"))
    names = data.draw(st.lists(st.sampled_from(sorted(known.headers)), max_size=6, unique=True), label="headers")
    headers |= {name: data.draw(mostly(known.headers[name], header_text), label=name) for name in names}
    query = data.draw(st.dictionaries(st.sampled_from(QUERY_NAMES), mostly(known.query, header_text), max_size=4),
                      label="query")
    body = data.draw(bodies, label="body")
    if target.rule is None and data.draw(st.booleans(), label="signed"):
        headers = _signed(target.path, body, headers)
    content_type = data.draw(st.sampled_from(CONTENT_TYPES) | st.none(), label="content type")
    url = _url(target, values, method)
    answer = _send(client, method, url, body, headers, query, content_type)
    _assert_no_5xx(answer, caplog, method, url, query, headers, body[:200])


HOSTILE_QUERY_VALUES = ["http://[::1]:8080", "https://[2001:db8::1]/", "", "\x00", "%", "[", "-1", "9" * 40,
                        "a" * 3000, "https://shop.example", SHOPIFY_DOMAIN, "\u202e\ufeff"]


def _sweep(app: Flask, client: FlaskClient, known: Known, caplog: pytest.LogCaptureFixture, body: bytes,
           query: dict[str, str]) -> list[tuple[object, ...]]:
    """Every route and method once, with real ids and credentials (webhooks signed): what got a 5xx."""
    failures: list[tuple[object, ...]] = []
    for target in targets(app):
        values = {name: known.params[name][0] for name in (target.rule.arguments if target.rule else ())}
        for method in target.methods:
            headers = {**known.credentials_for(target.path)[0], "Idempotency-Key": f"sweep-{target.path}-{method}"}
            if target.rule is None:
                headers = _signed(target.path, body, {**headers, "X-Shopify-Topic": "orders/updated",
                                                      "X-Shopify-Event-Id": "evt-sweep",
                                                      "X-WC-Webhook-Topic": "order.updated",
                                                      "X-WC-Webhook-Resource": "order"})
            url = _url(target, values, method)
            answer = _send(client, method, url, body, headers, query, "application/json")
            if answer.status_code >= 500 or any(r.levelno >= logging.ERROR for r in caplog.records):
                failures.append((method, url, query, answer.status_code, answer.get_data(as_text=True)[:200]))
            caplog.clear()
    return failures


def test_every_route_and_method_with_a_deep_body(app: Flask, client: FlaskClient, known: Known, offline: None,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    """The one body the issue names, on everything: a sweep, not a sample (and outside Hypothesis, which
    raises the recursion limit while it runs, so 1,000 levels break here as they do in production)."""
    assert not _sweep(app, client, known, caplog, DEEP, {"store_url": WOO_SOURCE})


@pytest.mark.parametrize("value", HOSTILE_QUERY_VALUES, ids=lambda value: repr(value)[:24])
def test_every_route_and_method_with_a_hostile_query(app: Flask, client: FlaskClient, known: Known, offline: None,
                                                     caplog: pytest.LogCaptureFixture, value: str) -> None:
    """Every query parameter the app reads, set to one awkward value at once, on everything."""
    assert not _sweep(app, client, known, caplog, b"{}", dict.fromkeys(QUERY_NAMES, value))
