"""Whether an order's payment gateway can refund through its API, as the store itself says.

WooCommerce answers the same 500 ``woocommerce_rest_cannot_create_order_refund`` when a gateway cannot refund
and when the amount is above what is left, so asking a gateway that cannot refund costs a doomed call and an
error to read. The store knows better than any list of ours: ``GET payment_gateways/<id>`` answers
``method_supports``, which holds ``"refunds"`` exactly when ``WC_Payment_Gateway::supports('refunds')`` (what
``wc_refund_payment`` checks) is true. A plugin gateway without refunds (not bacs, cheque or cod) is thus
recorded as manual at once, and a core gateway that a plugin taught to refund is asked.

Choices worth knowing:

* **Cached per adapter** for ``ttl_seconds`` (default 10 minutes): gateways change rarely, refunds come in
  bursts. A stale answer is safe either way: a gateway wrongly thought able is asked and its refusal read
  (the old path); one wrongly thought unable is recorded as manual with a note telling the merchant to pay.
* **No answer is not "no".** The read needs a key whose user has ``manage_woocommerce``; a refused read
  (401/403), an unknown gateway (404 ``woocommerce_rest_payment_gateway_invalid``) or an order without
  ``payment_method`` gives ``None``, and the caller falls back to the core list (``cannot_refund_by_api``)
  and the refund's own answer. Refused reads and unknown gateways are cached too (a key's rights do not
  change between two refunds); a network failure is not, so the next refund asks again.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from connector.errors import ConfigError, ConnectorError, NotFound
from platforms.ttl_cache import TtlCache
from platforms.woocommerce.client import WooClient
from platforms.woocommerce.refunds import cannot_refund_by_api

log = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS: Final = 600
MAX_ENTRIES: Final = 64
FIELDS: Final = "id,method_supports"
GATEWAY_ID: Final = re.compile(r"[\w-]+")
"""The route's own pattern (``payment_gateways/(?P<id>[\\w-]+)``): any other id cannot be read."""


def supports_refunds(gateway: Any) -> bool:
    """``"refunds"`` in a REST payment gateway's ``method_supports``."""
    supports = gateway.get("method_supports") if isinstance(gateway, Mapping) else None
    return isinstance(supports, list) and "refunds" in supports


@dataclass(slots=True)
class GatewayRefunds:
    """Per gateway id: can it refund through the API? (see module docstring)."""

    client: WooClient
    ttl_seconds: float = DEFAULT_TTL_SECONDS
    clock: Callable[[], float] = time.monotonic
    _cache: TtlCache[str, bool | None] = field(init=False)

    def __post_init__(self) -> None:
        self._cache = TtlCache(self.ttl_seconds, MAX_ENTRIES)

    def can_refund(self, order: Mapping[str, Any]) -> bool:
        """The store's answer for the order's gateway; without one, any gateway but bacs/cheque/cod is asked."""
        known = self.supports_refunds(str(order.get("payment_method") or ""))
        return known if known is not None else not cannot_refund_by_api(order)

    def supports_refunds(self, gateway_id: str) -> bool | None:
        """True or False as the store says, ``None`` when it cannot tell (read once per ``ttl_seconds``)."""
        if not GATEWAY_ID.fullmatch(gateway_id):
            return None
        found, _ = self._cache.get_many([gateway_id], self.clock())
        if gateway_id in found:
            return found[gateway_id]
        try:
            raw = self.client.get(f"payment_gateways/{gateway_id}", {"_fields": FIELDS})
            answer: bool | None = supports_refunds(raw)
        except (ConfigError, NotFound) as exc:  # no right to read gateways, or the gateway is gone
            log.info("woocommerce.gateway.unknown", extra={"gateway": gateway_id, "error": str(exc)})
            answer = None
        except ConnectorError as exc:  # network or server trouble: not cached, asked again next time
            log.warning("woocommerce.gateway.read_failed", extra={"gateway": gateway_id, "error": str(exc)})
            return None
        self._cache.put_many({gateway_id: answer}, self.clock())
        return answer
