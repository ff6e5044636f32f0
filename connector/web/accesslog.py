"""gunicorn's access log without secrets.

Tracking links are 120-day bearer tokens in the path (``/api/v1/track/<token>``); OAuth callbacks,
wc-auth returns and sandbox calls carry codes, states, signatures and keys in the query; clients send
credentials in headers and Basic auth. gunicorn formats all of these from its "atoms", before any logging
filter could see them apart, so the atoms themselves are masked here, whatever ``access_log_format`` an
operator chooses.
"""

from __future__ import annotations

from typing import Any, Final

from gunicorn.glogging import Logger

from connector.logsafe import redact

_WHOLLY_SECRET: Final = frozenset({
    "u",  # the Basic-auth user: a WooCommerce consumer key
    "{authorization}i", "{cookie}i", "{x-api-key}i", "{x-shopify-access-token}i", "{x-shopify-hmac-sha256}i",
    "{x-wc-webhook-signature}i", "{set-cookie}o", "{http_authorization}e", "{http_cookie}e",
    "{http_x_api_key}e", "{http_x_shopify_access_token}e",
})


def redact_atoms(atoms: dict[str, Any]) -> dict[str, Any]:
    return {
        key: ("***" if key in _WHOLLY_SECRET and value not in (None, "-") else redact(value))
        if isinstance(value, str) else value
        for key, value in atoms.items()
    }


class RedactingLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger whose access-log atoms (path, query, request line, referer, headers) are masked."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        return redact_atoms(super().atoms(resp, req, environ, request_time))
