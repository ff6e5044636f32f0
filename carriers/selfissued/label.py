"""Draws the self-issued return label: one A6 page, or that page on A4 for home printers.

What is on it, top to bottom: the merchant's return address (the recipient), the return number large with its
Code 128 barcode (what the merchant scans on receipt), the QR code of the signed verification URL beside the
customer's address (the sender), the lines to put in the parcel, then the instructions.

Why the words come from the caller (``LabelWording``): the connector keeps its French and English in the pages'
Babel catalogue; a second table here would drift from it. This module prints the words it is given and adds
none of its own, only numbers (quantities, step numbers) and the "+N" of lines that did not fit.

Why the output is the same bytes for the same request: reportlab's invariant mode fixes the creation date and
the document id, so a label made again after a lost answer is the label already stored, and tests compare bytes.
The fonts are the PDF standard ones (nothing embedded, which keeps the file small and the drawing fast); they
print Windows-1252, which covers French and English; other letters are reduced to their base letter.
"""

from __future__ import annotations

import functools
import io
import unicodedata
from collections.abc import Iterator, Sequence
from typing import Final

from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from carriers.selfissued.codes import draw_code128, draw_qr
from connector.domain.shipping import LabelRequest, LabelWording, PackingLine, PaperSize, PostalAddress

PAGE_WIDTH, PAGE_HEIGHT = A6  # 105 x 148 mm in points
MARGIN: Final = 14.0  # 5 mm: inside what label printers and home printers leave unprinted
INNER: Final = PAGE_WIDTH - 2 * MARGIN
REGULAR: Final = "Helvetica"
BOLD: Final = "Helvetica-Bold"
CAPTION_SIZE: Final = 6.5
QR_SIZE: Final = 104.0  # 37 mm with its quiet zone: 0.75 mm a module for a signed URL (version 6, 41 modules)
BARCODE_HEIGHT: Final = 40.0
A4_TOP_OFFSET: Final = 36.0  # where the A6 label sits on an A4 sheet: top centre, with its cut line

MAX_ADDRESS_LINES: Final = 6
CONTENTS_SIZE: Final = 8.0
CONTENTS_LEADING: Final = 9.0
STEP_SIZE: Final = 7.0
STEP_LEADING: Final = 8.2
MAX_STEP_LINES: Final = 12  # below the QR code, with room left for a heading and two lines to pack
ELLIPSIS: Final = "\u2026"
_WIDEST_GLYPH: Final = max(max(getFont(REGULAR).widths), max(getFont(BOLD).widths)) / 1000  # in ems


def draw_label(request: LabelRequest, wording: LabelWording, paper: PaperSize) -> bytes:
    """The label of ``request`` as a one-page PDF on ``paper``: the A6 label itself, or the A6 label at the top
    of an A4 sheet inside a dashed cut line."""
    buffer = io.BytesIO()
    pagesize = A6 if paper is PaperSize.A6 else A4
    canvas = Canvas(buffer, pagesize=pagesize, invariant=1, pageCompression=0, lang=wording.language or None)
    canvas.setTitle(f"{wording.return_number} {request.return_id}")
    if paper is PaperSize.A4:
        left = (A4[0] - PAGE_WIDTH) / 2
        bottom = A4[1] - A4_TOP_OFFSET - PAGE_HEIGHT
        canvas.setDash(4, 3)
        canvas.setLineWidth(0.5)
        canvas.rect(left, bottom, PAGE_WIDTH, PAGE_HEIGHT)
        canvas.setDash()
        canvas.translate(left, bottom)
    _draw_a6(canvas, request, wording)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_a6(canvas: Canvas, request: LabelRequest, wording: LabelWording) -> None:
    """The label's A6 face, in a coordinate system whose origin is its lower-left corner. All the words go into
    one text object (one ``BT``/``ET`` block), drawn last: one reportlab object per string would cost more
    than the rest of the label. Each string is placed by its origin and written with ``textLine``, which, unlike
    ``textOut``, does not measure it again."""
    text = canvas.beginText()
    y = PAGE_HEIGHT - MARGIN
    y = _caption(text, wording.return_to, y)
    y = _lines(text, _address_lines(request.recipient), MARGIN, y, INNER, (BOLD, 11.0), (REGULAR, 10.0))

    y -= 4
    canvas.setLineWidth(1.2)
    canvas.line(MARGIN, y, PAGE_WIDTH - MARGIN, y)
    y -= 4

    y = _caption(text, wording.return_number, y)
    number = _printable(request.return_id)
    size = _fitting_size(number, BOLD, 22.0, INNER)
    text.setFont(BOLD, size)
    text.setTextOrigin((PAGE_WIDTH - stringWidth(number, BOLD, size)) / 2, y - size * 0.8)
    text.textLine(number)
    y -= size + 2
    draw_code128(canvas, request.return_id, MARGIN, y - BARCODE_HEIGHT, INNER, BARCODE_HEIGHT)
    y -= BARCODE_HEIGHT + 6

    # QR_SIZE includes the quiet zone, which is blank: it may reach into the page's margin.
    draw_qr(canvas, request.verification_url, MARGIN - 6, y - QR_SIZE, QR_SIZE)
    column = MARGIN + QR_SIZE - 2
    sender_y = _caption(text, wording.sender, y - 6, column)
    _lines(text, _address_lines(request.sender), column, sender_y, PAGE_WIDTH - MARGIN - column,
           (BOLD, 8.0), (REGULAR, 8.0))
    y -= QR_SIZE + 2

    steps = _instruction_lines(wording.instructions)
    steps_top = MARGIN + len(steps) * STEP_LEADING
    _contents(text, wording.contents, request.lines, y, steps_top + 4)
    text.setFont(REGULAR, STEP_SIZE)
    for index, step in enumerate(steps, start=1):
        text.setTextOrigin(MARGIN, steps_top - index * STEP_LEADING + 1.2)
        text.textLine(step)
    canvas.drawText(text)


def _contents(text: PDFTextObject, heading: str, lines: Sequence[PackingLine], top: float, bottom: float) -> None:
    """The lines to pack, as many as fit between ``top`` and ``bottom``; the last row says how many more."""
    y = _caption(text, heading, top)
    room = max(0, int((y - bottom) // CONTENTS_LEADING))
    shown = list(lines) if len(lines) <= room else list(lines[: max(0, room - 1)])
    for line in shown:
        y -= CONTENTS_LEADING
        quantity = f"{line.quantity} \u00d7 "
        offset = stringWidth(quantity, BOLD, CONTENTS_SIZE)
        text.setFont(BOLD, CONTENTS_SIZE)
        text.setTextOrigin(MARGIN, y)
        text.textLine(quantity)
        text.setFont(REGULAR, CONTENTS_SIZE)
        text.setTextOrigin(MARGIN + offset, y)
        text.textLine(_fit(_printable(line.title), REGULAR, CONTENTS_SIZE, INNER - offset))
    if len(shown) < len(lines) and room > 0:
        text.setFont(BOLD, CONTENTS_SIZE)
        text.setTextOrigin(MARGIN, y - CONTENTS_LEADING)
        text.textLine(f"+{len(lines) - len(shown)}")


@functools.lru_cache(maxsize=64)
def _instruction_lines(instructions: tuple[str, ...]) -> tuple[str, ...]:
    """The steps, numbered and wrapped to the label's width. Cached: a shop prints the same steps in the same
    language on every label, and wrapping measures every word."""
    wrapped: list[str] = []
    for number, step in enumerate(instructions, start=1):
        prefix = f"{number}. " if len(instructions) > 1 else ""
        for index, part in enumerate(simpleSplit(prefix + _printable(step), REGULAR, STEP_SIZE, INNER)):
            wrapped.append(part if index == 0 else "   " + part)
    if len(wrapped) > MAX_STEP_LINES:  # the steps must leave room for the lines to pack above them
        wrapped[MAX_STEP_LINES - 1] = _fit(wrapped[MAX_STEP_LINES - 1] + ELLIPSIS, REGULAR, STEP_SIZE, INNER)
    return tuple(wrapped[:MAX_STEP_LINES])


def _caption(text: PDFTextObject, words: str, top: float, x: float = MARGIN) -> float:
    """A small capitalised heading whose top is at ``top``; gives the y below it."""
    text.setFont(BOLD, CAPTION_SIZE)
    text.setTextOrigin(x, top - CAPTION_SIZE)
    text.textLine(_printable(words).upper())
    return top - CAPTION_SIZE - 2


def _lines(
    text: PDFTextObject,
    lines: Sequence[str],
    x: float,
    top: float,
    width: float,
    first: tuple[str, float],
    rest: tuple[str, float],
) -> float:
    """Write ``lines`` one below the other from ``top``, the first in ``first``'s font, each cut to ``width``;
    gives the y below the last."""
    y = top
    for index, line in enumerate(lines):
        font, size = first if index == 0 else rest
        y -= size * 1.15
        text.setFont(font, size)
        text.setTextOrigin(x, y)
        text.textLine(_fit(line, font, size, width))
    return y


def _address_lines(address: PostalAddress) -> list[str]:
    """An address as it is written on an envelope, its empty parts left out."""
    street = " ".join(part for part in (address.street, address.house_number) if part)
    lines = [address.name, address.company, street, f"{address.postal_code} {address.city}".strip(),
             address.country.upper()]
    return [_printable(line) for line in lines if line][:MAX_ADDRESS_LINES]


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` points. A text too short to overflow even in the widest
    glyph is not measured (measuring is a good part of the label's time)."""
    if len(text) * size * _WIDEST_GLYPH <= width or stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + ELLIPSIS, font, size) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def _fitting_size(text: str, font: str, size: float, width: float) -> float:
    """The largest font size up to ``size`` at which ``text`` fits ``width``."""
    natural = stringWidth(text, font, size)
    return size if natural <= width else size * width / natural


def _printable(text: str) -> str:
    """``text`` in the standard fonts' Windows-1252: a letter they lack becomes its base letter (``ő`` -> ``o``,
    ``ł`` -> ``l``), anything else ``?``. Why: reportlab would print a black box for it, and a customer's name
    must stay legible to whoever handles the parcel."""
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return "".join(_printable_chars(text))
    return text


_BASE_LETTERS: Final = str.maketrans("ŁłĐđĦħıŦŧ", "LlDdHhiTt")
"""Letters Unicode does not decompose into a base letter and a mark."""


def _printable_chars(text: str) -> Iterator[str]:
    for char in text.translate(_BASE_LETTERS):
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char).encode("cp1252", "ignore").decode("cp1252")
            yield base or "?"
        else:
            yield char
