"""The secret link a customer follows their return with: ``/portal/<shop_id>/r/<tracking>``.

Why a value of its own, signed by the portal (``connector.pages.signed``) rather than the JSON API's tracking
token: the pages import nothing of the API, and this link must work through Shopify's app proxy, where no
session exists. It names the return only (the shop is bound by the signature), and lives long: the tracking
page keeps working after the return closes, for as long as a customer may want to check what was paid.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from connector.pages.signed import PortalSigner, Purpose, Rejected, SignedValueRejected

TRACKING: Final = Purpose("portal-return-tracking", timedelta(days=400))
"""Beyond the longest return's life (a holiday window, transit, inspection, the refund) with room to spare."""


def tracking_token(signer: PortalSigner, shop_id: str, return_id: str) -> str:
    return signer.dumps(TRACKING, shop_id, {"r": return_id})


def read_tracking(signer: PortalSigner, token: str, shop_id: str) -> str:
    """The return id the link was made for; ``SignedValueRejected`` for a link we did not make, or expired."""
    return_id = signer.loads(TRACKING, token, shop_id).get("r")
    if not return_id:
        raise SignedValueRejected(Rejected.INVALID)
    return return_id
