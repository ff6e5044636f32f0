"""carriers/ and notifications/ may use connector's ports and domain, never its services nor the platforms.

Why: a carrier or a notifier is called by the use cases through a port; one that reached back into the
services or into a shop platform would tie the layers in a knot (issue 17). Read from the source with ast,
so the rule holds for every file, imported at run time or not.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("carriers", "notifications")
FORBIDDEN = ("connector.services", "platforms")


def imported_modules(source: str) -> Iterator[str]:
    """Every module a source imports, by absolute name (``from connector import services`` included)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def forbidden_imports(source: str) -> list[str]:
    return sorted(
        {
            name
            for name in imported_modules(source)
            if any(name == bad or name.startswith(f"{bad}.") for bad in FORBIDDEN)
        }
    )


def test_the_check_sees_each_way_of_importing_what_is_forbidden() -> None:
    source = (
        "import platforms.shopify\n"
        "from connector.services.returns import ReturnService\n"
        "from connector import services\n"
        "from connector.ports import CarrierAdapter\n"
        "from connector.domain.shipping import ReturnLabel\n"
    )
    assert forbidden_imports(source) == [
        "connector.services",
        "connector.services.returns",
        "connector.services.returns.ReturnService",
        "platforms.shopify",
    ]


@pytest.mark.parametrize("package", PACKAGES)
def test_the_package_imports_neither_the_services_nor_the_platforms(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no Python file"
    found = {
        str(path.relative_to(ROOT)): bad
        for path in files
        if (bad := forbidden_imports(path.read_text(encoding="utf-8")))
    }
    assert found == {}
