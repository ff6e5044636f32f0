"""The demo's customer on the portal, over HTTP like a browser: find the order, list its returns, and open
each return's tracking link, as the confirmation e-mail invites them to.

This is what puts portal tokens (a header) and tracking links (a token in the path) on the wire, so the
demo exercises — and its logs show — what a real customer's visit leaves behind.
"""

from __future__ import annotations

import requests

from connector.domain.orders import Order


def follow_tracking_links(app_url: str, shop_id: str, order: Order) -> int:
    """How many tracking links of this order's returns the customer opened (each must answer 200)."""
    browser = requests.Session()
    portal = f"{app_url}/api/v1/portal/{shop_id}"
    found = browser.post(f"{portal}/lookup", json={"order_number": order.name, "email": order.email}, timeout=30)
    if found.status_code != 200:
        raise RuntimeError(f"the portal did not find order {order.name}: {found.status_code}")
    listed = browser.get(f"{portal}/returns", headers={"Authorization": f"Bearer {found.json()['token']}"},
                         timeout=30)
    if listed.status_code != 200:
        raise RuntimeError(f"the portal did not list the returns of {order.name}: {listed.status_code}")
    opened = 0
    for item in listed.json()["items"]:
        page = browser.get(item["tracking"]["url"], timeout=30)
        if page.status_code != 200:
            raise RuntimeError(f"a tracking link of {order.name} answered {page.status_code}")
        opened += 1
    return opened
