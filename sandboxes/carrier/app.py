"""Flask factory for the sandbox carrier, and a helper that serves it on 127.0.0.1 in a thread.

Hooks run in this order: the kit's random faults, the counted faults, then Basic auth, so an injected
503 or 429 reaches the client whatever its credentials, as a load balancer's would.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from sandboxes.carrier import routes_points, routes_returns, routes_sandbox
from sandboxes.carrier.carrier import EXTENSION, Carrier, CarrierOptions, carrier_of
from sandboxes.carrier.errors import ApiError, error_object, json_api
from sandboxes.kit import serving
from sandboxes.kit.faults import FaultConfig, Faults


def create_app(options: CarrierOptions | None = None, faults: FaultConfig | None = None) -> Flask:
    app = Flask("carrier_sandbox")
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    kit = Faults(faults, error_body=lambda status: error_object(status, "server_error", "Injected fault."))
    the_carrier = Carrier(options or CarrierOptions(), kit)
    app.extensions[EXTENSION] = the_carrier
    kit.install(app, exempt_prefixes=("/__sandbox",))
    the_carrier.scripted.install(app)
    the_carrier.keys.install(app)

    @app.before_request
    def remember_base() -> None:
        if not the_carrier.base_url:
            the_carrier.base_url = request.host_url.rstrip("/")

    for module in (routes_returns, routes_points, routes_sandbox):
        app.register_blueprint(module.blueprint)

    @app.errorhandler(ApiError)
    def api_error(error: ApiError) -> Response:
        return error.response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        return json_api(error.code or 500, "not_found" if error.code == 404 else "invalid", error.description or "")

    return app


def start_in_thread(options: CarrierOptions | None = None,
                    faults: FaultConfig | None = None) -> tuple[str, Flask, Callable[[], None]]:  # fmt: skip
    """Serve on 127.0.0.1:<free port>; returns (base_url, app, stop)."""
    app = create_app(options, faults)
    the_carrier = carrier_of(app)

    def bound(base_url: str) -> None:
        the_carrier.base_url = base_url

    base_url, stop = serving.start_in_thread(app, name="carrier-sandbox", on_bound=bound,
                                             on_stop=the_carrier.dispatcher.stop)  # fmt: skip
    return base_url, app, stop
