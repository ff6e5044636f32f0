"""The WSGI side of intake: which paths it answers, how it reads bodies, and what it never shows a caller."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from tests.webhooks.test_intake import (
    ORDER_BODY,
    SECRET,
    WOO_BODY,
    _container,
    _counts,
    shopify_headers,
    woo_headers,
)
from webhooks.intake import Intake
from webhooks.wsgi import EnvironHeaders
from wiring.app import create_app


@pytest.fixture
def app(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("SHOPIFY_API_SECRET", SECRET)
    yield create_app(container=_container(engine, max_body=4096))


def _call(app: Flask, path: str, body: bytes = b"", headers: dict[str, str] | None = None, method: str = "POST",
          content_length: str | None = None, chunked: bool = False,
          stream: io.BytesIO | None = None) -> tuple[str, dict[str, str], bytes]:
    """One request straight through the app's WSGI callable, with an environ shaped like gunicorn's."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "", "SERVER_NAME": "x",
        "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
        "wsgi.input": stream or io.BytesIO(body),
        "wsgi.errors": io.StringIO(), "wsgi.input_terminated": chunked,
    }
    if not chunked:
        environ["CONTENT_LENGTH"] = content_length if content_length is not None else str(len(body))
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    seen: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: object = None) -> None:
        seen["status"], seen["headers"] = status, dict(response_headers)

    payload = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], payload


def test_get_is_405_naming_post(app: Flask) -> None:
    status, headers, body = _call(app, "/webhooks/shopify", method="GET")
    assert status.startswith("405") and headers["Allow"] == "POST" and b'"method_not_allowed"' in body


@pytest.mark.parametrize("path", ["/webhooks/shopify/extra", "/webhooks/", "/webhooksx/shopify"])
def test_other_paths_go_on_to_flask(app: Flask, path: str) -> None:
    status, headers, body = _call(app, path, ORDER_BODY, shopify_headers(ORDER_BODY))
    assert status.startswith("404") and headers["Content-Type"] == "application/json"
    assert b'"error"' in body  # Flask's JSON error shape, not the intake's
    assert _counts(app) == (0, 0)


def test_a_content_length_that_is_not_a_number_is_400(app: Flask) -> None:
    status, _, body = _call(app, "/webhooks/shopify", ORDER_BODY, shopify_headers(ORDER_BODY), content_length="12x")
    assert status.startswith("400") and b'"invalid_length"' in body
    assert _call(app, "/webhooks/shopify", ORDER_BODY, shopify_headers(ORDER_BODY),
                 content_length="-5")[0].startswith("400")


def test_a_body_cut_short_is_400_and_stores_nothing(app: Flask) -> None:
    class CutShort(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            raise OSError("client went away")

    environ_input = CutShort(ORDER_BODY)
    status, _, body = _call(app, "/webhooks/shopify", ORDER_BODY, shopify_headers(ORDER_BODY),
                            stream=environ_input)
    assert status.startswith("400") and b'"incomplete_body"' in body
    assert _counts(app) == (0, 0)


def test_chunked_bodies_are_read_and_limited_without_a_length(app: Flask) -> None:
    status, _, body = _call(app, "/webhooks/shopify", ORDER_BODY, shopify_headers(ORDER_BODY), chunked=True)
    assert status.startswith("200") and b'"accepted"' in body
    big = b'{"pad": "' + b"x" * 5000 + b'"}'
    status, _, body = _call(app, "/webhooks/shopify", big, shopify_headers(big, event_id="big"), chunked=True)
    assert status.startswith("413") and b'"too_large"' in body
    assert _counts(app) == (1, 1)


def test_an_unexpected_error_is_a_500_without_a_trace_and_is_logged(app: Flask, monkeypatch: pytest.MonkeyPatch,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    def broken(*_: object) -> None:
        raise KeyError("internal detail")

    monkeypatch.setattr(Intake, "_receive", broken)
    with caplog.at_level(logging.ERROR, logger="connector.webhooks"):
        status, headers, body = _call(app, "/webhooks/shopify", ORDER_BODY, shopify_headers(ORDER_BODY))
    assert status.startswith("500") and headers["Content-Type"] == "application/json"
    assert b"internal_error" in body and b"internal detail" not in body and b"Traceback" not in body
    assert any(r.message == "webhooks.unhandled-error" and r.exc_info for r in caplog.records)


def test_woocommerce_shop_lookup_with_the_database_down_is_503(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise OperationalError("SELECT", {}, Exception("connection refused"))

    monkeypatch.setattr("webhooks.intake.Intake._credentials", refuse)
    status, _, body = _call(app, "/webhooks/woocommerce", WOO_BODY, woo_headers(WOO_BODY))
    assert status.startswith("503") and b'"store_unavailable"' in body


def test_environ_headers_are_case_insensitive_and_list_like_werkzeug() -> None:
    headers = EnvironHeaders({"HTTP_X_SHOPIFY_EVENT_ID": "e1", "CONTENT_TYPE": "application/json",
                              "CONTENT_LENGTH": "3", "PATH_INFO": "/x"})
    assert headers["x-shopify-event-id"] == headers.get("X-Shopify-Event-Id") == "e1"
    assert headers.get("Content-Type") == "application/json" and headers.get("X-Missing") is None
    assert sorted(headers) == ["Content-Length", "Content-Type", "X-Shopify-Event-Id"] and len(headers) == 3
