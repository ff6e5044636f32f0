"""Serving a sandbox's app over real HTTP with werkzeug's threaded server: from a CLI until Ctrl-C, or on
127.0.0.1 at a free port in a daemon thread for the tests and the demo.

One copy for the three sandboxes (and the browser tests), so they bind, serve and shut down alike.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from werkzeug.serving import BaseWSGIServer, make_server

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

LOCALHOST = "127.0.0.1"
POLL_INTERVAL_S = 0.05  # how soon serve_forever notices a shutdown


def bind(app: WSGIApplication, host: str = LOCALHOST, port: int = 0) -> tuple[BaseWSGIServer, str]:
    """A threaded werkzeug server for ``app`` bound to host:port (port 0: a free one), and its base URL."""
    server = make_server(host, port, app, threaded=True)
    return server, f"http://{host}:{server.server_port}"


def serve_until_interrupted(server: BaseWSGIServer, on_close: Callable[[], None] | None = None) -> int:
    """Serve in this thread until Ctrl-C, then close the socket and run ``on_close``; the CLIs' exit code (0)."""
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if on_close is not None:
            on_close()
    return 0


def start_in_thread(app: WSGIApplication, *, name: str, on_bound: Callable[[str], None] | None = None,
                    on_stop: Callable[[], None] | None = None) -> tuple[str, Callable[[], None]]:  # fmt: skip
    """Serve ``app`` on 127.0.0.1 at a free port in a daemon thread; returns (base URL, stop).

    ``on_bound`` gets the base URL before the first request can arrive; ``stop`` shuts the server down, waits
    for its thread (5 s at most), closes the socket, then runs ``on_stop`` (a sandbox's webhook dispatcher)."""
    server, base_url = bind(app)
    if on_bound is not None:
        on_bound(base_url)
    thread = threading.Thread(target=server.serve_forever, args=(POLL_INTERVAL_S,), name=name, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join(5)
        server.server_close()
        if on_stop is not None:
            on_stop()

    return base_url, stop
