"""A shop's look in the customer portal: its name, logo, accent colour and links to its policy and contact page.

The defaults are sober and neutral (the shop's name, no logo, a dark slate accent, the app's own policy page),
and whatever a shop sets, in the config file or in the database, is checked here, in one place, so the pages can
use it as it is:

- the accent colour must be readable as text on white (WCAG 2.2 AA, 4.5:1): the pages use it for links and
  as the background of buttons with white text, so one check keeps both readable. A refused colour comes with
  the nearest darker shade that passes, so the merchant keeps their hue;
- links are https (a customer's browser must not be sent to plain http, ``javascript:`` or ``data:``); the
  logo may also be a path the app serves itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from typing import Final
from urllib.parse import urlsplit

NEUTRAL_ACCENT: Final = "#334155"
"""Slate grey: 10.4:1 against white, no brand of its own."""
TEXT_ON_ACCENT: Final = "#ffffff"
MIN_CONTRAST: Final = 4.5
"""WCAG 2.2 AA for normal text (success criterion 1.4.3)."""
MAX_URL: Final = 2048
MAX_NAME: Final = 100

_COLOUR: Final = re.compile(r"^#[0-9a-fA-F]{6}$")
_APP_PATH: Final = re.compile(r"^/(?!/)[A-Za-z0-9._~/-]*$")
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")


class InvalidBranding(ValueError):
    """A branding value is refused; ``field`` names it, so the config file or the API can point at it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message


@dataclass(frozen=True, slots=True)
class Branding:
    """What the portal shows: every value the pages need, already checked."""

    shop_name: str
    accent_colour: str = NEUTRAL_ACCENT
    logo_url: str | None = None
    policy_url: str | None = None
    """None: the app's own policy page, generated from the shop's policy."""
    contact_url: str | None = None

    @property
    def text_on_accent(self) -> str:
        """White: every accepted accent is dark enough for it (the same 4.5:1 the other way round)."""
        return TEXT_ON_ACCENT


@dataclass(frozen=True, slots=True)
class BrandingChoices:
    """What one source (the config file, the database) sets; None leaves the value to the source below."""

    shop_name: str | None = None
    logo_url: str | None = None
    accent_colour: str | None = None
    policy_url: str | None = None
    contact_url: str | None = None

    def __post_init__(self) -> None:
        if self.shop_name is not None:
            check_shop_name(self.shop_name)
        if self.accent_colour is not None:
            object.__setattr__(self, "accent_colour", check_accent_colour(self.accent_colour))
        if self.logo_url is not None:
            check_url("logo_url", self.logo_url, app_path=True)
        for name in ("policy_url", "contact_url"):
            value = getattr(self, name)
            if value is not None:
                check_url(name, value)

    def over(self, below: Branding) -> Branding:
        """``below`` with this source's values laid on top."""
        chosen = {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}
        return replace(below, **chosen)


def default_branding(shop_name: str) -> Branding:
    return Branding(shop_name=shop_name.strip()[:MAX_NAME] or "Returns")


def check_shop_name(value: str) -> str:
    if not value.strip():
        raise InvalidBranding("shop_name", "must not be blank")
    if len(value) > MAX_NAME or _CONTROL.search(value):
        raise InvalidBranding("shop_name", f"must be at most {MAX_NAME} printable characters")
    return value


def check_accent_colour(value: str) -> str:
    """``#rrggbb`` (stored in lower case) readable as text on white; else the message offers one that is."""
    if not _COLOUR.match(value):
        raise InvalidBranding("accent_colour", "must be a colour written #rrggbb, such as #1a4d8f")
    ratio = contrast_ratio(value, "#ffffff")
    if ratio < MIN_CONTRAST:
        raise InvalidBranding(
            "accent_colour",
            f"{value} on white has a contrast of {ratio:.2f}:1, below the {MIN_CONTRAST}:1 that WCAG AA asks for "
            f"text; {readable_shade(value)} is the same hue, dark enough",
        )
    return value.lower()


def check_url(field: str, value: str, *, app_path: bool = False) -> str:
    """An https URL with a host and no credentials (or, when ``app_path``, a path on this app such as
    ``/static/logo.png``)."""
    if len(value) > MAX_URL or _CONTROL.search(value) or " " in value or "\\" in value:
        raise InvalidBranding(field, f"must be a URL of at most {MAX_URL} characters without spaces")
    if app_path and value.startswith("/"):
        if _APP_PATH.match(value) and "/../" not in f"{value}/" and "/./" not in f"{value}/":
            return value
        raise InvalidBranding(field, "must be https://… or a plain path on this app, such as /static/logo.png")
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname:
        where = " or a path on this app" if app_path else ""
        raise InvalidBranding(field, f"must be an https:// address{where}")
    if parts.username is not None or parts.password is not None:
        raise InvalidBranding(field, "must not carry a user name or password")
    return value


def relative_luminance(colour: str) -> float:
    """WCAG 2.2's relative luminance of ``#rrggbb`` (sRGB)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_shade(colour: str) -> str:
    """The lightest shade of ``colour`` (its channels scaled down together) that is readable as text on white."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    for percent in range(100, -1, -1):
        shade = "#{:02x}{:02x}{:02x}".format(*(channel * percent // 100 for channel in (red, green, blue)))
        if contrast_ratio(shade, "#ffffff") >= MIN_CONTRAST:
            return shade
    return "#000000"
