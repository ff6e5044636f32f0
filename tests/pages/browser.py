"""The browser-test harness of the pages: Debian's Chromium driven by Playwright, axe-core's WCAG 2.2 AA check,
a real HTTP server for a Flask app, and a count of the screens a customer goes through.

Why these choices: the issue asks for tests in a real browser, run in CI rather than skipped, on a machine that
reaches package registries only. So Chromium is Debian's (``playwright install`` downloads a browser build of its
own and fails here) and axe-core is the npm registry's, fetched by ``scripts/install-browser-test-deps`` into
``var/cache/`` and injected into the page under test: no test fetches anything at run time. The fixtures that use
these live in ``tests/pages/conftest.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from playwright.sync_api import Page

from sandboxes.kit.serving import start_in_thread

REPO = Path(__file__).resolve().parents[2]
INSTALL_COMMAND = "scripts/install-browser-test-deps (as root, for apt-get)"

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling home (updates, sync, field trials), and the
# closed network here refuses those connections; no sandbox because CI runs the tests as root.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

AXE_CORE_VERSION = (Path(__file__).with_name("axe-core.version")).read_text().strip()
AXE_CORE_JS = REPO / "var" / "cache" / f"axe-core-{AXE_CORE_VERSION}" / "axe.min.js"
# WCAG 2.2 level AA is the sum of these tags: axe tags each rule with the version and level that introduced it.
AXE_WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
BLOCKING_IMPACTS = frozenset({"serious", "critical"})

SCREENSHOTS = REPO / "test-artifacts" / "screenshots"


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int


# The yardstick: "on a 390x844 screen, a return of one line takes at most 5 screens".
MOBILE = Viewport("mobile", 390, 844)
DESKTOP = Viewport("desktop", 1280, 800)


def missing_requirements() -> list[str]:
    """What the browser tests need and this machine lacks, each with what to do about it."""
    missing = []
    if not CHROMIUM.is_file():
        missing.append(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    if not AXE_CORE_JS.is_file():
        where = AXE_CORE_JS.relative_to(REPO)
        missing.append(f"axe-core {AXE_CORE_VERSION} at {where} (fetched from the npm registry)")
    return missing


def run_axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 A/AA violations on the page as it is now, every impact included."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=AXE_CORE_JS)
    version = page.evaluate("() => axe.version")
    # A page of the app could define its own `axe`; the check must be the pinned one or it proves nothing.
    assert version == AXE_CORE_VERSION, f"window.axe is version {version!r}, not the pinned {AXE_CORE_VERSION}"
    options = {"runOnly": {"type": "tag", "values": list(AXE_WCAG_TAGS)}, "resultTypes": ["violations"]}
    results: dict[str, Any] = page.evaluate("options => axe.run(document, options)", options)
    violations: list[dict[str, Any]] = results["violations"]
    return violations


def assert_accessible(page: Page, allow: Iterable[str] = ()) -> None:
    """Fail listing every serious or critical WCAG 2.2 AA violation that axe-core finds on the page, except the
    rule ids in ``allow`` (each allowance should say why where it is written). Minor and moderate ones do not fail:
    the issue's bar is "no serious or critical violation"."""
    allowed = frozenset(allow)
    blocking = [v for v in run_axe(page) if v["impact"] in BLOCKING_IMPACTS and v["id"] not in allowed]
    if blocking:
        raise AssertionError(f"axe-core {AXE_CORE_VERSION} on {page.url}:\n" + describe_violations(blocking))


def describe_violations(violations: Iterable[dict[str, Any]]) -> str:
    """One paragraph per violation: its rule id, impact and help, then each offending node's CSS target."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    at {' >> '.join(map(str, node['target']))}" for node in violation["nodes"])
    return "\n".join(lines)


@dataclass
class ScreenCounter:
    """Counts the screens a customer sees: every full page load of the page's main frame (a link followed, a form
    posted and its redirect answered), not the in-page changes that scripts or anchors make. The portal is plain
    server-rendered HTML, so a screen is a document."""

    urls: list[str] = field(default_factory=list)

    @classmethod
    def attach(cls, page: Page) -> ScreenCounter:
        counter = cls()
        page.on("load", lambda loaded: counter.urls.append(loaded.url))
        return counter

    @property
    def count(self) -> int:
        return len(self.urls)


@contextmanager
def serve_app(app: Flask) -> Iterator[str]:
    """Serve ``app`` over real HTTP on 127.0.0.1 at a free port, in a daemon thread, and yield its base URL: the
    browser needs a real server, and werkzeug's threaded one is what the sandboxes and the demo run on."""
    base_url, stop = start_in_thread(app, name=f"browser-{app.name}")
    try:
        yield base_url
    finally:
        stop()


def artefact_name(nodeid: str) -> str:
    """A file name for a test's artefacts: its node id without the directories, safe on any file system."""
    return re.sub(r"[^A-Za-z0-9_.\[\]=-]+", "_", nodeid.removeprefix("tests/pages/"))
