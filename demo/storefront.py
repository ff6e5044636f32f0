"""A stand-in for the Shopify shop's storefront in front of the app proxy, so the portal can be tried in a
browser as a customer meets it: on the shop's side, under ``/apps/returns``.

SIMULATION: Shopify's real proxy runs on the shop's domain; this one runs on 127.0.0.1 for the demo only. It
does what the proxy does (``connector`` docs: app-surfaces.md, section 4): it forwards the method, the body
and the query to ``{app}/proxy/<path>``, appends the browser's address to ``X-Forwarded-For``, adds ``shop``,
``logged_in_customer_id``, ``path_prefix`` and ``timestamp``, signs them with the app secret as Shopify
signs, drops cookies both ways, and hands the answer back. A fresh signature per request, as Shopify's: a
signed URL printed once would be stale after 90 s.

Two doors: ``/apps/returns/`` for a visitor (the lookup form), and ``/customer/<id>/apps/returns/`` for a
customer logged in to the shop (their orders). Shopify would say ``path_prefix=/apps/returns`` for both; the
second door's prefix carries the customer so that the pages' links stay in it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Final

import requests
from flask import Flask, Response, request
from werkzeug.serving import make_server

from platforms.shopify.app_proxy import sign

PREFIX: Final = "/apps/returns"
_PASSED_REQUEST_HEADERS: Final = ("Accept", "Accept-Language", "Content-Type", "User-Agent")
_PASSED_ANSWER_HEADERS: Final = ("Content-Type", "Location", "Retry-After", "Cache-Control")


def storefront_app(app_url: str, shop_domain: str, secret: str) -> Flask:
    storefront = Flask("demo-storefront")

    def forward(path: str, customer: str, path_prefix: str) -> Response:
        params: dict[str, list[str]] = {}
        for key, value in request.args.items(multi=True):
            params.setdefault(key, []).append(value)
        params.update(shop=[shop_domain], logged_in_customer_id=[customer], path_prefix=[path_prefix],
                      timestamp=[str(int(time.time()))])
        params["signature"] = [sign(params, secret)]
        headers = {name: request.headers[name] for name in _PASSED_REQUEST_HEADERS if name in request.headers}
        seen = [request.headers.get("X-Forwarded-For", ""), request.remote_addr or ""]
        headers["X-Forwarded-For"] = ", ".join(part for part in seen if part)  # the browser's address appended
        answer = requests.request(
            request.method, f"{app_url}/proxy/{path}", params=params, data=request.get_data(), headers=headers,
            allow_redirects=False, timeout=30,
        )
        passed = {name: answer.headers[name] for name in _PASSED_ANSWER_HEADERS if name in answer.headers}
        return Response(answer.content, status=answer.status_code, headers=passed)

    @storefront.route(f"{PREFIX}/", defaults={"path": ""}, methods=["GET", "POST"])
    @storefront.route(f"{PREFIX}/<path:path>", methods=["GET", "POST"])
    def visitor(path: str) -> Response:
        return forward(path, "", PREFIX)

    @storefront.route(f"/customer/<int:customer>{PREFIX}/", defaults={"path": ""}, methods=["GET", "POST"])
    @storefront.route(f"/customer/<int:customer>{PREFIX}/<path:path>", methods=["GET", "POST"])
    def logged_in(customer: int, path: str) -> Response:
        return forward(path, str(customer), f"/customer/{customer}{PREFIX}")

    return storefront


def start_storefront(app_url: str, shop_domain: str, secret: str) -> tuple[str, Callable[[], None]]:
    """The storefront on a free port of 127.0.0.1: its URL and how to stop it."""
    server = make_server("127.0.0.1", 0, storefront_app(app_url, shop_domain, secret), threaded=True)
    threading.Thread(target=server.serve_forever, name="demo-storefront", daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server.shutdown
