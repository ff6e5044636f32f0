"""The reasons' labels kept per catalogue (``connector.pages.portal.wording``): always what ``gettext`` answers
in the page's language, whichever language was served first."""

from __future__ import annotations

from pathlib import Path

from flask_babel import get_translations
from flask_babel import gettext as _

from connector.domain.reasons import ReasonCode
from connector.pages.i18n import use_order_locale
from connector.pages.portal.wording import reason_label, reason_labels
from tests.portal.i18n_app import pages_app


def test_each_language_gets_its_own_labels(tmp_path: Path) -> None:
    app = pages_app(tmp_path)
    seen: dict[str, dict[ReasonCode, str]] = {}
    for language in ("fr", "en", "fr"):
        with app.test_request_context("/", headers={"Accept-Language": language}):
            labels = reason_labels()
            assert labels == {reason: _(_label_source(reason)) for reason in ReasonCode}
            assert reason_label(ReasonCode.SIZE_TOO_SMALL) == labels[ReasonCode.SIZE_TOO_SMALL]
            if language in seen:
                assert labels is seen[language]  # built once for the catalogue
            seen[language] = labels
    assert seen["fr"][ReasonCode.SIZE_TOO_SMALL] == "Trop petit"
    assert seen["en"][ReasonCode.SIZE_TOO_SMALL] == "Too small"


def test_the_order_language_chosen_mid_request_is_followed(tmp_path: Path) -> None:
    app = pages_app(tmp_path)
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert reason_label(ReasonCode.UNWANTED) == "No longer wanted"
        use_order_locale("fr")
        assert reason_label(ReasonCode.UNWANTED) == str(get_translations().ugettext("No longer wanted"))
        assert reason_label(ReasonCode.UNWANTED) != "No longer wanted"


def _label_source(reason: ReasonCode) -> str:
    with_english = {ReasonCode.SIZE_TOO_SMALL: "Too small", ReasonCode.SIZE_TOO_LARGE: "Too large",
                    ReasonCode.COLOUR: "The colour is not right", ReasonCode.STYLE: "The style does not suit me",
                    ReasonCode.NOT_AS_DESCRIBED: "Not as described", ReasonCode.DEFECTIVE: "Defective or does not work",
                    ReasonCode.DAMAGED_IN_TRANSIT: "Arrived damaged", ReasonCode.WRONG_ITEM: "Wrong item sent",
                    ReasonCode.UNWANTED: "No longer wanted", ReasonCode.ARRIVED_LATE: "Arrived too late",
                    ReasonCode.OTHER: "Another reason"}
    return with_english[reason]
