"""Words the "choose items" screen needs for the domain's codes: the return reasons of the taxonomy and why a
photo was refused, in the page's language.

Why in Python rather than in a template: the form's checks put these texts next to the fields they concern,
and one table keeps the select's options and the checks' messages alike.

Why the reasons' labels are kept: screen 2 shows every reason under every returnable line, and looking each
label up again cost more than the rest of the lines' form. The table is kept per catalogue object, that is the
very ``Translations`` Flask-Babel serves the page's language from (it keeps one per language for the app's
life, and never reloads it), so a label can only be what ``gettext`` would answer; a catalogue dropped with its
app drops its table (weak keys).
"""

from __future__ import annotations

import threading
from typing import Final
from weakref import WeakKeyDictionary

from babel.support import NullTranslations
from flask_babel import get_translations
from flask_babel import gettext as _

from connector.domain.reasons import ReasonCode
from connector.photos.ports import MAX_PER_RETURN

_LABELS: Final[WeakKeyDictionary[NullTranslations, dict[ReasonCode, str]]] = WeakKeyDictionary()
_LABELS_GUARD: Final = threading.Lock()


def reason_label(reason: ReasonCode) -> str:
    """The reason in the page's language."""
    return reason_labels()[reason]


def reason_labels() -> dict[ReasonCode, str]:
    """Every reason's label in the page's language, built once per catalogue (see the module's docstring)."""
    catalogue = get_translations()
    with _LABELS_GUARD:
        labels = _LABELS.get(catalogue)
    if labels is None:
        labels = _reason_labels()
        with _LABELS_GUARD:
            _LABELS[catalogue] = labels
    return labels


def _reason_labels() -> dict[ReasonCode, str]:
    labels = {
        ReasonCode.SIZE_TOO_SMALL: _("Too small"),
        ReasonCode.SIZE_TOO_LARGE: _("Too large"),
        ReasonCode.COLOUR: _("The colour is not right"),
        ReasonCode.STYLE: _("The style does not suit me"),
        ReasonCode.NOT_AS_DESCRIBED: _("Not as described"),
        ReasonCode.DEFECTIVE: _("Defective or does not work"),
        ReasonCode.DAMAGED_IN_TRANSIT: _("Arrived damaged"),
        ReasonCode.WRONG_ITEM: _("Wrong item sent"),
        ReasonCode.UNWANTED: _("No longer wanted"),
        ReasonCode.ARRIVED_LATE: _("Arrived too late"),
        ReasonCode.OTHER: _("Another reason"),
    }
    return {reason: str(label) for reason, label in labels.items()}


def photo_refusal(code: str, max_bytes: int) -> str:
    """Why the photos were not kept (``PhotoRefused.code``), said so the customer knows what to send instead."""
    megabytes = max(1, max_bytes // (1024 * 1024))
    messages = {
        "empty": _("One of the files is empty. Choose the photos again."),
        "too_large": _("A photo is too large. Send photos of at most %(size)d MB each.", size=megabytes),
        "heic_unsupported": _("HEIC photos are not accepted. Send them as JPEG, PNG or WebP."),
        "too_many_pixels": _("A photo has too many pixels. Send a smaller one."),
        "not_an_image": _("One of the files is not a photo. Send JPEG, PNG or WebP images."),
        "corrupt": _("One of the photos is damaged and cannot be read. Send it again."),
        "too_many": _("A return takes at most %(max)d photos.", max=MAX_PER_RETURN),
        "reason_without_photos": _("Photos are only for an item that is damaged, defective or not as described."),
    }
    return str(messages.get(code) or _("These photos could not be kept. Send them again as JPEG, PNG or WebP."))
