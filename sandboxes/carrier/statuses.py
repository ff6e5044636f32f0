"""The parcel statuses the sandbox plays, and the scripted timelines a return's parcel walks through.

Sendcloud's numeric status ids (carriers.md, from community code, marked unconfirmed) travel in the
``parcel_status_changed`` webhook; the returns' ``parent_status`` and the list filter use the slugs the
v3 Returns description enumerates for ``parent_parcel_status``. Each status carries both so one event feeds
the webhook, the return's ``status_history`` and the v3 tracking poll alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Status:
    id: int
    message: str
    slug: str  # one of the v3 Returns ``parent_parcel_status`` values
    status_type: str  # v3 tracking event ``status_type``: info | success | warning | failure


STATUSES: Final[dict[int, Status]] = {s.id: s for s in (
    Status(1001, "Being announced", "announcing", "info"),
    Status(1002, "Announcement failed", "announcement-failed", "failure"),
    Status(1, "Announced", "announced", "info"),
    Status(999, "No label", "no-label", "info"),
    Status(13, "Announced: not collected", "announced-uncollected", "warning"),
    Status(92, "Driver en route", "driver-on-route", "info"),
    Status(22, "Picked up by driver", "picked-up-by-driver", "success"),
    Status(3, "En route to sorting center", "to-sorting", "success"),
    Status(4, "Delivery delayed", "delayed", "warning"),
    Status(7, "Being sorted", "sorting", "info"),
    Status(5, "Sorted", "sorted", "success"),
    Status(6, "Not sorted", "unsorted", "warning"),
    Status(91, "Parcel en route", "shipment-on-route", "info"),
    Status(8, "Delivery attempt failed", "delivery-failed", "failure"),
    Status(15, "Error collecting", "collect-error", "failure"),
    Status(80, "Unable to deliver", "undeliverable", "failure"),
    Status(1337, "Unknown status - check carrier track & trace page for more insights", "unknown", "warning"),
    Status(11, "Delivered", "delivered", "success"),
    Status(12, "Awaiting customer pickup", "awaiting-customer-pickup", "info"),
    Status(93, "Collected by customer", "collected-by-customer", "success"),
    Status(1999, "Cancellation requested", "cancelling", "info"),
    Status(2001, "Submitting cancellation request", "cancelling-upstream", "info"),
    Status(1998, "Cancelled upstream", "cancelled-upstream", "info"),
    Status(2000, "Cancelled", "cancelled", "info"),
)}  # fmt: skip

ANNOUNCED: Final = 1
BEING_ANNOUNCED: Final = 1001
ANNOUNCEMENT_FAILED: Final = 1002
NO_LABEL: Final = 999
CANCEL_REQUESTED: Final = 1999
CANCELLED: Final = 2000
DELIVERED: Final = 11
FINAL: Final = frozenset({DELIVERED, 93, CANCELLED, 1998, ANNOUNCEMENT_FAILED})
FIRST_SCANS: Final = frozenset({22, 3, 4, 5, 6, 7, 91})

# What ``advance`` plays next for each ``delivery_option`` (after the announcement).
TIMELINES: Final[dict[str, tuple[int, ...]]] = {
    "drop_off_point": (3, 7, 5, 91, DELIVERED),
    "drop_off_labelless": (3, 7, 5, 91, DELIVERED),
    "pickup": (92, 22, 5, 91, DELIVERED),
    "in_store": (),
}


def status(status_id: int) -> Status:
    """KeyError for an id the sandbox does not know, so a typo in a control call is refused, not invented."""
    return STATUSES[status_id]
