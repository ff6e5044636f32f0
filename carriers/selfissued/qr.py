"""The label's QR code, made by segno through its public ``segno.make``: byte mode, error level M, one fixed mask.

Why segno and no encoder of our own: the project adds well-kept libraries rather than hand-writing what they do,
and segno is the QR encoder the issue names. Why its public API only: a label that depends on segno's internals
would pin segno to one minor version; ``make`` and ``QRCode.matrix`` are documented, so any 1.x will do.

What it costs (``benchmarks/label_bench.py``): ``segno.make`` is pure Python and encodes a signed URL in about
1.5 ms with the mask fixed (8 ms when it scores all eight masks), more than the rest of the label together, which
puts the label at about 13 % of reportlab's empty A6 page against a target of 30 %. The cheap savings are taken
(the mask fixed, byte mode and a full-size QR code named so segno guesses neither, one symbol per URL while the
A6 and the A4 of one request are drawn); naming the version saves nothing. The rest of segno's time is spent on
each URL and cannot be kept from one label to the next, since every label has its own signed URL.
"""

from __future__ import annotations

import functools
from typing import Final

import segno

ERROR_LEVEL: Final = "m"
"""15 % of the symbol can be lost (a scuffed or folded label) and still be read."""

MASK: Final = 2
"""The mask pattern (dark where the column is a multiple of 3), fixed. The standard picks the mask with the lowest
penalty score, which means building the symbol eight times (six times the cost of one); a reader takes whichever
mask was used from the format bits, and the mask only breaks up large uniform areas, which a signed URL's random
bytes do not make."""

MAX_VERSION: Final = 10
"""The largest symbol the label prints (57 modules). The printed square has a fixed size; past version 10 a module
would be under 0.55 mm, too small for a phone camera on a thermal print."""

CAPACITY: Final = 213
"""How many bytes a version 10 symbol holds in byte mode at level M (ISO/IEC 18004, table 7). Why a number here:
segno has no public capacity table, and the adapter refuses a longer URL before drawing anything
(``tests/carriers/test_selfissued_qr.py`` checks it against segno)."""

_MODULE_DIGITS: Final = bytes.maketrans(b"\x00\x01", b"01")
"""segno's matrix holds 0 (light) and 1 (dark) bytes; the stencil reads rows of ``"0"`` and ``"1"``."""


@functools.lru_cache(maxsize=8)
def qr_rows(data: bytes) -> tuple[str, ...]:
    """The QR symbol of ``data``, as rows of ``"1"`` (dark) and ``"0"`` (light), top row first, without the quiet
    zone. Raises ``ValueError`` when ``data`` is longer than ``CAPACITY``.

    Cached for the few latest URLs: a request for the A6 and the A4 label draws the same symbol twice."""
    if len(data) > CAPACITY:
        raise ValueError(f"{len(data)} bytes do not fit a version {MAX_VERSION} QR code ({CAPACITY} at most)")
    symbol = segno.make(data, error=ERROR_LEVEL, mode="byte", mask=MASK, micro=False, boost_error=False)
    return tuple(row.translate(_MODULE_DIGITS).decode("ascii") for row in symbol.matrix)
