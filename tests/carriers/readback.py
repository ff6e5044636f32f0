"""Reading a PDF back with the tools a person's printer and phone stand for: poppler (pdftotext, pdftoppm,
pdfinfo) and zbar's decoder (zbarimg).

scripts/install-label-test-deps installs them (Debian's poppler-utils and zbar-tools); scripts/test runs it.
A test never installs anything: without the tools it fails under CI=true (the checks are mandatory there) and
skips elsewhere, saying what to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

TOOLS = {"pdftotext": "poppler-utils", "pdftoppm": "poppler-utils", "pdfinfo": "poppler-utils",
         "zbarimg": "zbar-tools"}


def require_tools() -> None:
    missing = sorted({package for tool, package in TOOLS.items() if shutil.which(tool) is None})
    if not missing:
        return
    message = f"missing {', '.join(missing)} (run scripts/install-label-test-deps, or apt-get install them)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}; with CI=true the label read-back tests are mandatory")
    pytest.skip(message)


def _run(*command: str) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0 and not (command[0] == "zbarimg" and done.returncode == 4):
        raise AssertionError(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def text_of(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as work:
        path = Path(work, "label.pdf")
        path.write_bytes(pdf)
        return _run("pdftotext", "-layout", str(path), "-")


def page_size_points(pdf: bytes) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as work:
        path = Path(work, "label.pdf")
        path.write_bytes(pdf)
        pages = [line for line in _run("pdfinfo", str(path)).splitlines() if line.startswith("Page size:")]
    width, _, height = pages[0].split(":", 1)[1].split()[:3]
    return float(width), float(height)


def decoded_symbols(pdf: bytes, dpi: int = 200) -> list[str]:
    """Every barcode zbar finds on the page rendered at ``dpi``, as ``TYPE:data``."""
    with tempfile.TemporaryDirectory() as work:
        path = Path(work, "label.pdf")
        path.write_bytes(pdf)
        _run("pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(path), str(Path(work, "page")))
        out = _run("zbarimg", "--quiet", str(Path(work, "page.png")))
    return sorted(line for line in out.splitlines() if line)
