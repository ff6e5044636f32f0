"""Keep secrets out of logs: a filter that masks tokens and keys in every record, whoever logs them.

Shopify tokens and secrets (shpat_/shpss_/shpca_/shprt_), WooCommerce keys (ck_/cs_), our API keys (rck_),
bearer and Basic credentials, signed tokens (JWT session tokens, portal tokens and tracking links, all
``eyJ…`` base64 JSON), tracking-link paths, Fernet keys, and the secret query parameters of OAuth,
wc-auth and webhooks (``code``, ``state``, ``hmac``, ``id_token``, ``token``, ``user_id``, keys…) are
replaced by a short masked form. Masking a little too much is cheap; a 120-day link in a log is not.
"""

from __future__ import annotations

import logging
import re
from typing import Final

SECRET_QUERY_KEYS: Final = (
    "code", "state", "hmac", "signature", "oauth_signature", "oauth_token", "oauth_consumer_key", "id_token",
    "session", "token", "access_token", "refresh_token", "subject_token", "client_secret", "consumer_key",
    "consumer_secret", "api_key", "key", "secret", "password", "user_id",
)
_PATTERNS: Final = (
    re.compile(r"\b(shp(?:at|ss|ca|pa|rt)_)[A-Za-z0-9]{6,}"),
    re.compile(r"\b((?:ck|cs)_)[A-Za-z0-9]{16,}"),
    re.compile(r"\b(rck_[0-9a-f]{12}_)[A-Za-z0-9_-]{8,}"),
    re.compile(r"((?:Bearer|Basic)\s+)[A-Za-z0-9\-._~+/]+=*", re.IGNORECASE),
    re.compile(r"\b(eyJ)[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]+)+"),
    re.compile(r"(/track/)[^/?#\s\"']+"),
    re.compile(r"((?<![A-Za-z0-9_-])(?:" + "|".join(SECRET_QUERY_KEYS) + r")=)[^&\s\"']+", re.IGNORECASE),
    re.compile(r"(?<![A-Za-z0-9_-])()[A-Za-z0-9_-]{43}=(?![A-Za-z0-9_=-])"),  # a Fernet key
)


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: f"{m.group(1)}***", text)
    return text


class RedactingFilter(logging.Filter):
    """Masks the message and, when there is one, the traceback (an exception's text may carry a URL)."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install(logger: logging.Logger | None = None) -> None:
    """Attach the filter to every handler of ``logger`` (the root logger by default)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
