"""The two machine-readable marks of the self-issued label: a Code 128 barcode and a QR code.

Both are rows of modules (``"1"`` dark, ``"0"`` light), written into the page as a PDF stencil mask, one bit a
module, scaled to size. Why not reportlab's barcode widgets: they make one drawing call per bar or module, more
than the whole label's time budget (the benchmark's yardstick is reportlab drawing an empty page). Why a mask
rather than rectangles: PDF paints a mask's samples as sharp-edged cells (no interpolation unless asked), so it
prints as crisply as vector bars, and building it is one integer conversion per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from reportlab.graphics.barcode.code128 import Code128
from reportlab.pdfgen.canvas import Canvas

from carriers.selfissued.qr import qr_rows

QR_QUIET_MODULES: Final = 4
"""The light margin a reader needs around the symbol, in modules (the standard's minimum)."""

CODE128_QUIET_MODULES: Final = 10
"""The light margin on each side of the barcode, in bar modules (the standard's minimum)."""

_CODE128_ELEMENTS: Final = {
    letter: ("1" if letter.isupper() else "0") * width
    for width, pair in enumerate(("Aa", "Bb", "Cc", "Dd"), start=1)
    for letter in pair
}
"""reportlab's spelling of a Code 128 symbol: a bar (``A``-``D``) or a space (``a``-``d``), one to four modules."""


def draw_qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    """Draw ``url``'s QR code in the ``size``-point square whose lower-left corner is ``(x, y)``, quiet zone
    included (the square is light around the symbol: keep nothing printed inside it)."""
    rows = qr_rows(url.encode("utf-8"))
    module = size / (len(rows) + 2 * QR_QUIET_MODULES)
    margin = QR_QUIET_MODULES * module
    side = len(rows) * module
    _stencil(canvas, rows, x + margin, y + margin, side, side)


def draw_code128(canvas: Canvas, value: str, x: float, y: float, width: float, height: float) -> None:
    """Draw ``value`` as a Code 128 barcode in the ``width`` x ``height`` box at ``(x, y)``, its bars as wide as
    the box allows (wider bars read from further and survive a poor printer), quiet zones included.

    reportlab encodes it (the shortest mix of code sets, the check symbol) and spells out its bars."""
    symbol = Code128(value)
    symbol.validate()  # type: ignore[no-untyped-call]
    symbol.encode()  # type: ignore[no-untyped-call]
    spelled: str = symbol.decompose()  # type: ignore[no-untyped-call]
    modules = "".join(_CODE128_ELEMENTS[element] for element in spelled)
    bar = width / (len(modules) + 2 * CODE128_QUIET_MODULES)
    _stencil(canvas, (modules,), x + CODE128_QUIET_MODULES * bar, y, len(modules) * bar, height)


def _stencil(canvas: Canvas, rows: Sequence[str], x: float, y: float, width: float, height: float) -> None:
    """Paint the ``"1"`` cells of ``rows`` (top row first, all the same length) in black, stretched over the
    ``width`` x ``height`` box whose lower-left corner is ``(x, y)``."""
    columns = len(rows[0])
    row_bytes = (columns + 7) // 8
    padding = 8 * row_bytes - columns  # each image row starts on a byte
    samples = "".join((int(row, 2) << padding).to_bytes(row_bytes, "big").hex() for row in rows)
    canvas.saveState()
    canvas.setFillGray(0)
    # An image fills the unit square, first row at the top; cm stretches it over the box. /IM: a stencil mask;
    # /D [1 0]: a 1 sample paints in the fill colour; /AHx: the samples in hex, ended by ">".
    canvas.addLiteral(
        f"{width:.3f} 0 0 {height:.3f} {x:.3f} {y:.3f} cm\n"
        f"BI /W {columns} /H {len(rows)} /IM true /BPC 1 /D [1 0] /F /AHx ID\n{samples}>\nEI"
    )
    canvas.restoreState()
