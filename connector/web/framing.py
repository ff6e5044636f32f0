"""No page of the app may be framed by another site, unless a way in says otherwise for its own pages.

``Content-Security-Policy: frame-ancestors 'none'`` on every HTML response that has no policy yet: the portal, the
store page, the admin reached from WordPress... A page in a frame of another site can be covered with a decoy and
clicked through (clickjacking); these pages are opened on their own, never framed. The embedded Shopify admin is
the exception, and its platform sets the header first on its own pages (``platforms/shopify/embedded/framing``):
this hook then leaves it as it is.
"""

from __future__ import annotations

from typing import Final

from flask import Flask
from werkzeug.wrappers import Response

HEADER: Final = "Content-Security-Policy"
NOT_FRAMED: Final = "frame-ancestors 'none';"


def install_framing_default(app: Flask) -> None:
    """Register the hook. Flask runs ``after_request`` hooks last-registered first, so a platform's hook (its
    blueprints are registered after the core's app is built) has already set its own policy."""

    @app.after_request
    def _not_framed(response: Response) -> Response:
        if response.mimetype == "text/html" and HEADER not in response.headers:
            response.headers[HEADER] = NOT_FRAMED
        return response
