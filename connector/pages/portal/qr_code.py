"""The in-store QR code: the store page's signed address for the return, drawn as SVG inside the page itself.

Why inline SVG made here: no CDN and no image the customer's phone must fetch again at the counter (a shop's
basement has poor reception, and the page may be open from hours before). segno (already the labels' QR encoder,
through its public ``segno.make``) writes the SVG; it scales to the screen without blurring, and its light
modules are painted white so a phone in dark mode still shows the quiet zone a scanner needs. Error level M, as
on the self-issued label: a cracked phone screen still scans.

The SVG is an image with a text alternative (``role="img"``, ``aria-label``): the return's number, which the
page also prints in large type for staff who type it instead of scanning.
"""

from __future__ import annotations

from typing import Final

import segno
from markupsafe import Markup, escape

SCALE: Final = 4
"""Units per module in the SVG's own coordinates; the stylesheet sizes the drawing to the screen."""
BORDER: Final = 4
"""The quiet zone the QR specification asks for, in modules."""


def qr_svg(data: str, label: str) -> Markup:
    """``data`` as an inline ``<svg>`` (no size: CSS gives it one), described to screen readers by ``label``."""
    code = segno.make(data, error="m", micro=False)
    svg = code.svg_inline(scale=SCALE, border=BORDER, dark="#000", light="#fff", omitsize=True, svgclass="qr-code")
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" focusable="false" ', 1))  # noqa: S704 - segno's own markup, our label escaped
