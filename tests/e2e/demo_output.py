"""The demo's printed summary read back as data, for the tests that check it against the stores: each return's
line with the parcel line under it, by shop, and what the "try it" section offers each shop (a label link, the
store page and where its key is, the shop's account at the sandbox carrier).

The patterns are the output's contract: a change of wording that a person reads differently fails here first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

METHODS: Final = ("prepaid label", "relay point", "in store", "home pickup")
BY_TRACKING: Final = "approved -> in_transit -> received by the carrier's tracking"
AT_COUNTER: Final = "approved -> received at the store counter (store page)"
# "  #1039   RB8B554D4C701  refunded   refunded 85.45 EUR  -> closed"
# "          prepaid label: tracking 8R0067880002FR (delivered), approved -> in_transit -> received by ..."
RETURN_AND_PARCEL: Final = re.compile(
    r"^  (#\d+) +(R[0-9A-F]+) +(\w+) .* -> (\w+)(?:  \[.*\])?\n"
    r" {10}(prepaid label|relay point|in store|home pickup)(.*?): (?:tracking (\S+) \((\w+)\)|no parcel), (.+)$",
    re.MULTILINE,
)
SUMMARY_SHOP: Final = re.compile(r"^(Shopify|WooCommerce) shop .+$", re.MULTILINE)
TRY_SHOP: Final = re.compile(r"^  (Shopify|WooCommerce) shop .*\(shop id (\w+)\):$", re.MULTILINE)
LABEL: Final = re.compile(r"^    label PDF \(A6\) of return (R[0-9A-F]+), ([a-z ]+), (#\d+): (\S+)$", re.MULTILINE)
STORE: Final = re.compile(r"^    store page \(staff\): (\S+)   \(sign in with the API key the demo issued, in (\S+)\)$",
                          re.MULTILINE)  # fmt: skip
CARRIER: Final = re.compile(r"^    carrier: the Sendcloud sandbox of this shop's account, (\S+)/__sandbox/returns \(",
                            re.MULTILINE)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ShownReturn:
    order: str
    return_id: str
    outcome: str
    status: str
    method: str
    picked: str
    """What the customer picked, as printed after the method (`` Tabac ..., 75011 Paris``), else empty."""
    tracking: str | None
    parcel: str | None
    """The parcel's state at the carrier (``delivered``); None for an in-store return (no parcel)."""
    moved: str


@dataclass(frozen=True, slots=True)
class ShopToTry:
    platform: str
    shop_id: str
    label: tuple[str, str, str] | None
    """(return id, method, label URL)."""
    store_url: str | None
    keys_file: str | None
    carrier_url: str | None


def returns_shown(stdout: str) -> dict[str, list[ShownReturn]]:
    """The summary's returns by platform (``Shopify``, ``WooCommerce``), in the order printed."""
    shops = list(SUMMARY_SHOP.finditer(stdout))
    found: dict[str, list[ShownReturn]] = {}
    for index, heading in enumerate(shops):
        end = shops[index + 1].start() if index + 1 < len(shops) else len(stdout)
        found[heading.group(1)] = [
            ShownReturn(m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8], m[9])
            for m in RETURN_AND_PARCEL.finditer(stdout, heading.end(), end)
        ]
    return found


def shops_to_try(stdout: str) -> list[ShopToTry]:
    """Each shop's part of "try it while the demo runs", in the order printed."""
    headings = list(TRY_SHOP.finditer(stdout))
    shops = []
    for index, heading in enumerate(headings):
        part = stdout[heading.end():headings[index + 1].start() if index + 1 < len(headings) else len(stdout)]
        label, store, carrier = LABEL.search(part), STORE.search(part), CARRIER.search(part)
        shops.append(ShopToTry(
            heading.group(1), heading.group(2),
            (label[1], label[2], label[4]) if label else None,
            store[1] if store else None, store[2] if store else None,
            carrier[1] if carrier else None,
        ))  # fmt: skip
    return shops
