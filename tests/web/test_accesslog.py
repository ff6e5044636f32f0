"""gunicorn's access log, as ``serve`` configures it, writes no token, code or credential."""

from __future__ import annotations

import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from connector.web.accesslog import RedactingLogger
from wiring.servecmd import ACCESS_LOG_FORMAT

TRACKING = "eyJzIjoic2hvcC0xIiwiciI6IlIxIiwiZXhwIjoxfQ.5ignature-of-the-link"


def _access_line(fmt: str, path: str, query: str, headers: list[tuple[str, str]]) -> str:
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", fmt)
    logger = RedactingLogger(config)
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    logger.access_log.addHandler(Keep())
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"{path}?{query}" if query else path, "PATH_INFO": path,
               "QUERY_STRING": query, "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "203.0.113.9",
               "HTTP_REFERER": f"https://c.example.com{path}"}
    response = SimpleNamespace(status="200 OK", sent=12, headers=[("Set-Cookie", "shopify_oauth_nonce=n0nce")])
    logger.access(response, SimpleNamespace(headers=headers), environ, timedelta(milliseconds=3))
    return "\n".join(lines)


def test_serves_format_masks_the_tracking_link() -> None:
    line = _access_line(ACCESS_LOG_FORMAT, f"/api/v1/track/{TRACKING}", "", [])
    assert "/api/v1/track/***" in line and TRACKING not in line and "eyJ" not in line


@pytest.mark.parametrize(
    "secret",
    [TRACKING, "one-time-code", "the-state", "deadbeefhmac", "ck_0123456789abcdef0123", "n0nce", "rck_0123456789ab_k"],
)
def test_any_format_masks_paths_queries_referers_and_credentials(secret: str) -> None:
    everything = '%(h)s %(u)s "%(r)s" %(U)s %(q)s %(f)s %({authorization}i)s %({x-api-key}i)s %({set-cookie}o)s'
    headers = [("Authorization", "Basic Y2tfMDEyMzQ1Njc4OWFiY2RlZjAxMjM6Y3M="),
               ("X-API-Key", "rck_0123456789ab_k")]
    line = _access_line(everything, f"/api/v1/track/{TRACKING}",
                        "code=one-time-code&state=the-state&hmac=deadbeefhmac&consumer_key=ck_0123456789abcdef0123",
                        headers)
    assert secret not in line
