"""The plugin speaks English and French through WordPress's own translations: every text goes through a
translation function with the "returns-connector" text domain, the .pot lists exactly those texts, the French
.po translates each one, and the .l10n.php file WordPress loads says the same as the .po
(``scripts/wp-plugin-i18n`` makes the .pot and the .l10n.php)."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

from babel.messages.pofile import read_po

from tests.wordpress_plugin.php import PLUGIN, run_php

LANGUAGES = PLUGIN / "languages"
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "wp-plugin-i18n"


def _tool() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("wp_plugin_i18n", str(SCRIPT))
    spec = importlib.util.spec_from_loader("wp_plugin_i18n", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def _ids(path: Path) -> dict[str, str]:
    with path.open("rb") as f:
        return {str(m.id): str(m.string) for m in read_po(f) if m.id}


def test_every_translation_call_names_the_text_domain() -> None:
    """Each call is a literal text with the plugin's domain (what the extraction finds), none other."""
    calls = re.compile(r"\b(?:__|_e|_x|_n|_nx|esc_html__|esc_html_e|esc_attr__|esc_attr_e|esc_html_x)\(")
    well_formed = _tool()._CALL
    for path in PLUGIN.rglob("*.php"):
        text = path.read_text(encoding="utf-8")
        assert len(calls.findall(text)) == len(well_formed.findall(text)), path.name


def test_the_pot_lists_the_plugins_texts() -> None:
    texts = _tool().extract()
    assert "Request a return" in texts and "Open this order's returns" in texts
    assert sorted(_ids(LANGUAGES / "returns-connector.pot")) == texts


def test_every_text_is_in_french() -> None:
    french = _ids(LANGUAGES / "returns-connector-fr_FR.po")
    assert sorted(french) == _tool().extract()
    assert [text for text, translated in french.items() if not translated] == []
    assert french["Request a return"] == "Demander un retour"


def test_wordpress_reads_the_same_french() -> None:
    done = run_php("-r", "echo json_encode(include $argv[1]);", str(LANGUAGES / "returns-connector-fr_FR.l10n.php"))
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    assert (loaded["domain"], loaded["language"]) == ("returns-connector", "fr_FR")
    assert loaded["messages"] == _ids(LANGUAGES / "returns-connector-fr_FR.po")
