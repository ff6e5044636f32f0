"""``POST /webhooks/<platform>`` and ``POST /carriers/<carrier>/tracking/<shop_id>`` as plain WSGI, in front of
the Flask app.

Webhooks are the one endpoint whose cost is all hot path: a shop can send thousands in a burst. Flask's
request machinery (context, routing, hooks, response object) costs more CPU than our whole intake minus the
database (measured in-process: ~110 us for a bare Flask 200, ~32 us for our intake without the database), so
deliveries are answered here and every other path goes on to Flask unchanged. The decisions themselves live
in ``webhooks.intake``, free of any HTTP framework.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from webhooks.intake import Answer, Intake
from webhooks.tracking import TrackingIntake

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger("connector.webhooks")

PREFIX = "/webhooks/"
CARRIER_PREFIX = "/carriers/"
_STATUS = {200: "200 OK", 400: "400 Bad Request", 401: "401 Unauthorized", 404: "404 Not Found",
           405: "405 Method Not Allowed", 413: "413 Request Entity Too Large", 500: "500 Internal Server Error",
           503: "503 Service Unavailable"}


class EnvironHeaders(Mapping[str, str]):
    """The request's headers, read from the WSGI environ on demand; names are case-insensitive.

    A ``Mapping``, unlike Werkzeug's class of the same name (which iterates ``(name, value)`` pairs), so the
    platform sources read it like any other header mapping."""

    __slots__ = ("_environ",)

    def __init__(self, environ: WSGIEnvironment) -> None:
        self._environ = environ

    def __getitem__(self, name: str) -> str:
        key = name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        value = self._environ[key]
        return value if isinstance(value, str) else str(value)

    def __iter__(self) -> Iterator[str]:
        for key in self._environ:
            if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                yield _header_name(key)

    def __len__(self) -> int:
        return sum(1 for _ in self)


@functools.lru_cache(maxsize=1024)
def _header_name(environ_key: str) -> str:
    """``HTTP_X_SHOPIFY_TOPIC`` -> ``X-Shopify-Topic``, as Werkzeug spells it (cached: names repeat)."""
    return environ_key.removeprefix("HTTP_").replace("_", "-").title()


class WebhookIntake:
    """WSGI middleware: answers ``/webhooks/<platform>`` and, with ``tracking``, the carriers' tracking webhooks
    itself, and hands every other path to ``app``."""

    def __init__(self, app: WSGIApplication, intake: Intake, tracking: TrackingIntake | None = None) -> None:
        self.app = app
        self.intake = intake
        self.tracking = tracking

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path: str = environ.get("PATH_INFO", "")
        if path.startswith(CARRIER_PREFIX) and self.tracking is not None:
            parts = path[len(CARRIER_PREFIX):].split("/")  # <carrier>/tracking/<shop_id>
            if len(parts) == 3 and parts[1] == "tracking" and parts[0] and parts[2]:
                carrier, _, shop_id = parts
                tracker = self.tracking
                return self._deliver(environ, start_response, carrier,
                                     lambda body: tracker.receive(carrier, shop_id, EnvironHeaders(environ), body))
        if not path.startswith(PREFIX) or "/" in path[len(PREFIX):] or len(path) == len(PREFIX):
            return self.app(environ, start_response)
        platform = path[len(PREFIX):]
        return self._deliver(environ, start_response, platform,
                             lambda body: self.intake.receive(platform, EnvironHeaders(environ), body))

    def _deliver(self, environ: WSGIEnvironment, start_response: StartResponse, sender: str,
                 receive: Callable[[bytes | None], Answer]) -> Iterable[bytes]:
        """Read the body (or refuse it) and answer what ``receive`` decides, never with a stack trace."""
        if environ.get("REQUEST_METHOD") != "POST":
            answer = Answer(405, "method_not_allowed", "webhooks are delivered with POST")
            return _respond(start_response, answer, [("Allow", "POST")])
        try:
            body = self._body(environ)
        except ValueError:
            return _respond(start_response, Answer(400, "invalid_length", "the Content-Length header is not a number"))
        except OSError:  # the client went away mid-body (gunicorn's NoMoreData is an IOError): nothing to store
            return _respond(start_response, Answer(400, "incomplete_body", "the body ended before its length"))
        try:
            answer = receive(body)
        except Exception:  # never a stack trace to the caller; the sender retries a 5xx
            log.exception("webhooks.unhandled-error", extra={"platform": sender})
            answer = Answer(500, "internal_error", "something went wrong on our side; it has been logged")
        return _respond(start_response, answer)

    def _body(self, environ: WSGIEnvironment) -> bytes | None:
        """The raw body, or None when it is over the limit (then it is not read at all)."""
        limit = self.intake.max_body_bytes
        stream: Any = environ["wsgi.input"]
        length = environ.get("CONTENT_LENGTH")
        if length:
            size = int(length)
            if size < 0:
                raise ValueError(length)
            return None if size > limit else bytes(stream.read(size))
        if environ.get("wsgi.input_terminated"):  # chunked: the server ends the stream for us
            data = bytes(stream.read(limit + 1))
            return None if len(data) > limit else data
        return b""


def _respond(start_response: StartResponse, answer: Answer,
             extra: list[tuple[str, str]] | None = None) -> list[bytes]:
    body = answer.json()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))), *(extra or [])]
    start_response(_STATUS.get(answer.status, f"{answer.status} Error"), headers)
    return [body]
