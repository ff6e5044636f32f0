"""Which screen a draft goes to after the method: the pick the shop's carrier offers for it, else the review.

Why one place: the method screen sends the customer on, and the review (and its Confirm) sends back a draft
whose pick is still missing, as for a draft without a method: a hand-made or stale link must not open a relay
return without its point when the carrier lists points. A return whose items are kept sends nothing, so it
picks nothing.
"""

from __future__ import annotations

from typing import Final

from connector.pages.portal.asked import KEEP, chosen_method
from connector.pages.portal.current import container
from connector.pages.portal.draft import Draft
from connector.services.portal_logistics import Pick, carrier_picks, pick_for

SCREENS: Final = {Pick.RELAY_POINT: "relay_point", Pick.PICKUP_WINDOW: "pickup"}
"""The portal's endpoint for each pick."""


def pick_of(shop_id: str, draft: Draft) -> Pick | None:
    """What the customer picks for the draft's method with the shop's carrier; None when nothing is to be picked."""
    method = chosen_method(draft)
    if method is None or any(line.outcome == KEEP for line in draft.lines):
        return None
    return pick_for(method, carrier_picks(container(), shop_id, draft.order_id))


def next_screen(shop_id: str, draft: Draft) -> str:
    """The endpoint after the method: the pick's screen, else the review."""
    pick = pick_of(shop_id, draft)
    return SCREENS[pick] if pick is not None else "review"


def missing_pick(shop_id: str, draft: Draft) -> str | None:
    """The pick's screen when the draft lacks what it picks (a point, a window); None when nothing is missing."""
    pick = pick_of(shop_id, draft)
    if pick is Pick.RELAY_POINT and draft.point is None:
        return SCREENS[pick]
    if pick is Pick.PICKUP_WINDOW and draft.pickup is None:
        return SCREENS[pick]
    return None
