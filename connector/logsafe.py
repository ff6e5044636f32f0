"""Keep secrets out of logs: a filter that masks tokens and keys in every record, whoever logs them.

Shopify tokens and secrets (shpat_/shpss_/shpca_/shprt_), WooCommerce keys (ck_/cs_), bearer tokens,
OAuth codes, signatures and refresh tokens in URLs are replaced by a short masked form.
"""

from __future__ import annotations

import logging
import re
from typing import Final

_PATTERNS: Final = (
    re.compile(r"\b(shp(?:at|ss|ca|pa|rt)_)[A-Za-z0-9]{6,}"),
    re.compile(r"\b((?:ck|cs)_)[a-f0-9]{16,}"),
    re.compile(r"(Bearer\s+)[A-Za-z0-9\-._~+/]+=*", re.IGNORECASE),
    re.compile(
        r"((?:code|oauth_signature|hmac|refresh_token|access_token|consumer_secret|subject_token|client_secret)=)"
        r"[^&\s\"']+"
    ),
)


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: f"{m.group(1)}***", text)
    return text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


def install(logger: logging.Logger | None = None) -> None:
    """Attach the filter to every handler of ``logger`` (the root logger by default)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
