"""``php -l`` on every PHP file of the WordPress plugin, and what its header must say to WordPress and
WooCommerce."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.wordpress_plugin.php import PLUGIN, run_php

PHP_FILES = sorted(PLUGIN.rglob("*.php"))
CODE_FILES = [path for path in PHP_FILES if not path.name.endswith(".l10n.php")]
"""The translation files are data (``return array(...)``): requested on their own, they say nothing."""


def test_the_plugin_has_its_files() -> None:
    names = {path.relative_to(PLUGIN).as_posix() for path in PHP_FILES}
    assert {"returns-connector.php", "uninstall.php", "includes/token.php", "includes/admin.php",
            "includes/account.php", "includes/settings.php"} <= names


@pytest.mark.parametrize("path", PHP_FILES, ids=lambda p: p.relative_to(PLUGIN).as_posix())
def test_php_lint(path: Path) -> None:
    done = run_php("-l", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No syntax errors detected" in done.stdout


@pytest.mark.parametrize("path", CODE_FILES, ids=lambda p: p.relative_to(PLUGIN).as_posix())
def test_every_file_refuses_a_direct_request(path: Path) -> None:
    """Served by the web server on its own, a file of the plugin does nothing (WordPress's guard)."""
    text = path.read_text(encoding="utf-8")
    assert re.search(r"defined\( '(ABSPATH|WP_UNINSTALL_PLUGIN)' \) \|\| exit;", text)


def test_the_header_names_the_requirements() -> None:
    header = (PLUGIN / "returns-connector.php").read_text(encoding="utf-8")[:2000]
    fields = dict(re.findall(r"^ \* ([A-Za-z ]+):\s+(.+)$", header, flags=re.MULTILINE))
    assert fields["Plugin Name"] == "Returns Connector"
    assert fields["Requires Plugins"] == "woocommerce"
    assert fields["Text Domain"] == "returns-connector"
    assert fields["Domain Path"] == "/languages"
    assert "WC tested up to" in fields and "WC requires at least" in fields
    main = (PLUGIN / "returns-connector.php").read_text(encoding="utf-8")
    assert "declare_compatibility( 'custom_order_tables', __FILE__, true )" in main
