"""The pages' translation catalogues: ``.po`` files in the repository, compiled to ``.mo`` when the app starts.

Why at start-up, into the data directory: only the ``.po`` files are versioned (a ``.mo`` is a build artefact
that would drift from its source in review), and a fresh clone or an installed wheel must serve French
without anyone running ``pybabel compile``. The package directory may be read-only once installed, so the
``.mo`` go to ``<data_dir>/cache/translations``, which Flask-Babel is pointed at
(``BABEL_TRANSLATION_DIRECTORIES``). Compiling in memory was the other way; it would mean replacing
Flask-Babel's loader, which reads ``.mo`` files from directories, and every worker compiling every time.

A ``.mo`` is fresh when its modification time equals its ``.po``'s to the nanosecond: compiling stamps it with
the source's time. Equality rather than "newer than" also catches a ``.po`` going back in time (a checkout of
an older commit). Several processes starting at once each write their own temporary file and rename it over
the target, so a reader never sees half a catalogue. Fuzzy entries are left out, as ``pybabel compile`` does.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Final

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SOURCE_DIR: Final = Path(__file__).parent / "translations"
DOMAIN: Final = "messages"


def source_catalogs(source_dir: Path = SOURCE_DIR) -> dict[str, Path]:
    """Each language's ``.po`` file, by language code."""
    return {po.parent.parent.name: po for po in sorted(source_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))}


def compiled_catalogs(target_dir: Path, source_dir: Path = SOURCE_DIR) -> Path:
    """``target_dir`` holding an up-to-date ``<lang>/LC_MESSAGES/messages.mo`` for every ``.po``."""
    for language, po in source_catalogs(source_dir).items():
        mo = target_dir / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if not _is_fresh(mo, po):
            _compile(po, mo)
    return target_dir


def _is_fresh(mo: Path, po: Path) -> bool:
    try:
        return mo.stat().st_mtime_ns == po.stat().st_mtime_ns
    except FileNotFoundError:
        return False


def _compile(po: Path, mo: Path) -> None:
    with po.open("rb") as source:
        catalog = read_po(source, locale=po.parent.parent.name, domain=DOMAIN)
    mo.parent.mkdir(parents=True, exist_ok=True)
    fd, draft = tempfile.mkstemp(dir=mo.parent, prefix=f".{mo.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write_mo(handle, catalog)
        source_time = po.stat().st_mtime_ns
        os.utime(draft, ns=(source_time, source_time))
        os.replace(draft, mo)
    except BaseException:
        Path(draft).unlink(missing_ok=True)
        raise
