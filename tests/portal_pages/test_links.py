"""Every link of a portal page goes through one builder, so a mount (Shopify's app proxy) serves the same views
under its own path prefix, stylesheet and form targets included."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from connector.pages.portal.links import mount_portal
from connector.pages.portal.views_lookup import start
from tests.portal_pages.conftest import SHOP


def _mounted(app: Flask) -> FlaskClient:
    @app.get("/proxy-test/")
    def proxied() -> str:
        mount_portal(SHOP, "/apps/returns/")
        return start(SHOP)

    return app.test_client()


def test_a_mounted_page_links_under_the_mount(app: Flask) -> None:
    html = _mounted(app).get("/proxy-test/").get_data(as_text=True)
    assert '<form method="post" action="/apps/returns/lookup"' in html
    assert '<link rel="stylesheet" href="/apps/returns/static/base.css">' in html
    switcher = re.findall(r'<a (?:aria-current="true" )?lang="(?:en|fr)"[^>]* href="([^"]+)"', html)
    assert switcher and all(link.startswith("/apps/returns/?lang=") for link in switcher)
    assert "/portal/" not in html


def test_direct_pages_link_under_the_portal(client: FlaskClient) -> None:
    html = client.get(f"/portal/{SHOP}/").get_data(as_text=True)
    assert f'action="/portal/{SHOP}/lookup"' in html
