"""The catalogues: every text of connector/pages has its French translation, and the app compiles the .po files
it serves without any manual step."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from connector.pages.catalogs import SOURCE_DIR, compiled_catalogs, source_catalogs
from tests.portal.i18n_app import pages_app

ROOT = Path(__file__).resolve().parents[2]


def extracted() -> Catalog:
    """What ``scripts/i18n`` extracts: the texts of connector/pages's Python and templates, and of the pages a
    platform serves itself (babel.cfg)."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    catalog = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(str(ROOT), method_map, options_map):
        catalog.add(message, locations=[(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def catalogue(language: str) -> Catalog:
    with (SOURCE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def test_the_extraction_sees_the_pages_texts() -> None:
    found = extracted()
    assert found.get("Skip to content") is not None  # base.html
    assert found.get(("%(num)d day left", "%(num)d days left")) is not None  # formatting.py
    pages = ("connector/pages/", "platforms/shopify/embedded/templates/")  # and the embedded admin's own pages
    assert all(location[0].startswith(pages) for message in found for location in message.locations)


def test_every_text_of_the_pages_has_a_french_translation() -> None:
    french = catalogue("fr")
    missing = []
    for message in extracted():
        if not message.id:
            continue
        translated = french.get(message.id, message.context)
        strings = translated.string if translated is not None else ""
        forms = strings if isinstance(strings, tuple | list) else (strings,)
        if translated is None or translated.fuzzy or not all(forms):
            missing.append(message.id)
    assert missing == [], "translate these in fr/LC_MESSAGES/messages.po (scripts/i18n updates it)"


def test_the_english_catalogue_lists_every_text_too() -> None:
    english = catalogue("en")
    absent = [message.id for message in extracted() if message.id and english.get(message.id) is None]
    assert absent == [], "run scripts/i18n to update en/LC_MESSAGES/messages.po"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_catalogues_have_no_format_errors(language: str) -> None:
    errors = [(message.id, [str(error) for error in found]) for message, found in catalogue(language).check()]
    assert errors == []


def test_the_french_plural_forms_are_the_cldr_ones() -> None:
    assert catalogue("fr").num_plurals == 3


def test_the_served_languages_each_have_a_catalogue() -> None:
    assert set(source_catalogs()) == {"fr", "en"}


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    copy = tmp_path / "sources"
    shutil.copytree(SOURCE_DIR, copy)
    return copy


def compiled_french(target: Path) -> Catalog:
    with (target / "fr" / "LC_MESSAGES" / "messages.mo").open("rb") as mo:
        return read_mo(mo)


def test_missing_catalogues_are_compiled(sources: Path, tmp_path: Path) -> None:
    target = compiled_catalogs(tmp_path / "cache", sources)
    assert compiled_french(target).get("Skip to content").string == "Aller au contenu"
    assert (target / "en" / "LC_MESSAGES" / "messages.mo").exists()


def test_a_fresh_catalogue_is_not_compiled_again(sources: Path, tmp_path: Path) -> None:
    target = compiled_catalogs(tmp_path / "cache", sources)
    mo = target / "fr" / "LC_MESSAGES" / "messages.mo"
    mo.write_bytes(b"left alone")
    os.utime(mo, ns=((sources / "fr/LC_MESSAGES/messages.po").stat().st_mtime_ns,) * 2)
    compiled_catalogs(target, sources)
    assert mo.read_bytes() == b"left alone"


@pytest.mark.parametrize("shift_ns", [10**9, -(10**9)])
def test_an_edited_catalogue_is_compiled_again_even_when_its_time_goes_back(
    sources: Path, tmp_path: Path, shift_ns: int
) -> None:
    target = compiled_catalogs(tmp_path / "cache", sources)
    po = sources / "fr" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text().replace('msgstr "Aller au contenu"', 'msgstr "Passer au contenu"'))
    edited = (target / "fr" / "LC_MESSAGES" / "messages.mo").stat().st_mtime_ns + shift_ns
    os.utime(po, ns=(edited, edited))
    compiled_catalogs(target, sources)
    assert compiled_french(target).get("Skip to content").string == "Passer au contenu"
    assert not [name for name in os.listdir(target / "fr" / "LC_MESSAGES") if name.endswith(".tmp")]


def test_fuzzy_translations_are_not_served(sources: Path, tmp_path: Path) -> None:
    po = sources / "fr" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text().replace('msgid "Skip to content"', '#, fuzzy\nmsgid "Skip to content"'))
    target = compiled_catalogs(tmp_path / "cache", sources)
    assert compiled_french(target).get("Skip to content") is None


def test_installing_the_languages_compiles_into_the_data_directory(tmp_path: Path) -> None:
    app = pages_app(tmp_path)
    cache = tmp_path / "cache" / "translations"
    assert app.config["BABEL_TRANSLATION_DIRECTORIES"] == str(cache.resolve())
    assert compiled_french(cache).get("Returns").string == "Retours"
