"""Product pictures for the sandbox shops: a small SVG swatch per product, served by the sandbox itself.

A real shop's pictures live on its CDN or media library; the sandboxes answer with an address on their own
host instead, so a page that shows them (the portal's exchange step, a browser test) needs no internet. Both
shops draw the same swatch for a key, so screenshots stay stable.
"""

from __future__ import annotations

from typing import Final

_COLOURS: Final = ("#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#6d597a", "#355070", "#b56576")
MIMETYPE: Final = "image/svg+xml"


def swatch_svg(key: int) -> str:
    colour = _COLOURS[key % len(_COLOURS)]
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120" viewBox="0 0 120 120">'
        f'<rect width="120" height="120" rx="12" fill="{colour}"/></svg>'
    )
