"""Fixtures of the page tests: one headless Chromium per session, a fresh page per test (mobile and en-GB unless the
test says otherwise), a screenshot of every test kept under ``test-artifacts/screenshots/``, a real HTTP server for
a Flask app, and a screen counter.

A test picks its viewport and language by parametrizing the fixtures of those names, which pytest lets a test
override directly::

    @pytest.mark.parametrize("locale", ["fr-FR", "en-GB"])
    @pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=lambda v: v.name)
    def test_lookup(page: Page, live_server: LiveServer, locale: str) -> None: ...

Every test here is marked ``browser``. When Chromium or axe-core is missing the tests fail under ``CI=true`` (CI
must run them, not skip them) and skip elsewhere, saying how to install them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import IN_CI
from tests.pages.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    INSTALL_COMMAND,
    MOBILE,
    SCREENSHOTS,
    ScreenCounter,
    Viewport,
    artefact_name,
    missing_requirements,
    serve_app,
)

LiveServer = Callable[[Flask], str]
Screenshot = Callable[[str], Path]

PAGES_DIR = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/pages ``browser``, so ``-m "not browser"`` leaves them all out at once."""
    for item in items:
        if PAGES_DIR in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    missing = missing_requirements()
    if missing:
        message = f"the browser tests need {' and '.join(missing)}: run {INSTALL_COMMAND}"
        if IN_CI:
            pytest.fail(f"{message}; with CI=true the browser tests are mandatory")
        pytest.skip(message)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        yield chromium
        chromium.close()


@pytest.fixture
def viewport() -> Viewport:
    """Mobile first: the portal's yardstick is a 390x844 phone. Parametrize with ``DESKTOP`` for a wide screen."""
    return MOBILE


@pytest.fixture
def locale() -> str:
    """The browser's language (``navigator.language`` and the ``Accept-Language`` header)."""
    return "en-GB"


@pytest.fixture
def javascript() -> bool:
    """Whether the page runs scripts. The portal works without (progressive enhancement): parametrize with False
    to prove it. axe-core is a script, so a page without JavaScript cannot be checked by it."""
    return True


@pytest.fixture
def page(
    browser: Browser, viewport: Viewport, locale: str, javascript: bool, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A new page in its own browser context (no cookie crosses tests); a full-page screenshot is kept whatever
    the outcome, named after the test, since a failing test's screen is the one most worth seeing."""
    context = browser.new_context(
        viewport={"width": viewport.width, "height": viewport.height},
        locale=locale,
        java_script_enabled=javascript,
        extra_http_headers={"Accept-Language": f"{locale},{locale.split('-')[0]};q=0.9"},
        # axe-core is injected as a script: a page's Content-Security-Policy must not block the check.
        bypass_csp=True,
    )
    context.set_default_timeout(10_000)
    new_page = context.new_page()
    yield new_page
    try:
        if new_page.url != "about:blank":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            new_page.screenshot(path=SCREENSHOTS / f"{artefact_name(request.node.nodeid)}.png", full_page=True)
    finally:
        context.close()


@pytest.fixture
def screenshot(page: Page, request: pytest.FixtureRequest) -> Screenshot:
    """Keep a named screenshot of the page now (one per step of a flow): ``<test>--<name>.png``."""

    def take(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{artefact_name(request.node.nodeid)}--{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


@pytest.fixture
def screens(page: Page) -> ScreenCounter:
    """The screens the page goes through from now on; for "at most 5 screens from the order's link"."""
    return ScreenCounter.attach(page)


@pytest.fixture
def live_server() -> Iterator[LiveServer]:
    """Serve a Flask app over real HTTP at a free port for this test; returns its base URL."""
    with ExitStack() as servers:
        yield lambda app: servers.enter_context(serve_app(app))
