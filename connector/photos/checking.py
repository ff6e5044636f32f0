"""Decide from a file's bytes whether it is a photo we accept, and re-encode it without its metadata.

Why by content: a customer's filename and Content-Type say nothing reliable (a text file named ``x.jpg``), so
Pillow must recognise the bytes as JPEG, PNG or WebP, and only those decoders are allowed to try. Why
re-encode: a phone's JPEG carries EXIF with the GPS position of the customer's home and the camera's serial
number; writing the pixels anew (after turning them upright as the EXIF orientation says) drops all of it.
Why a pixel limit as well as a byte limit: a few kilobytes of PNG can inflate to gigabytes (a decompression
bomb), so the dimensions are checked from the header before anything is decoded.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Final

from PIL import Image, ImageOps, UnidentifiedImageError

from connector.domain.errors import DomainError

MAX_PIXELS: Final = 50_000_000
"""A 48-megapixel phone camera fits; anything larger is refused before it is decoded."""

_FORMATS: Final[dict[str, tuple[str, str]]] = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "MPO": ("image/jpeg", "jpg"),  # a phone's JPEG with a second picture (depth map): its first frame is kept
}
EXTENSIONS: Final[dict[str, str]] = {media_type: ext for media_type, ext in _FORMATS.values()}
"""The file extension of each media type we keep."""

_HEIF_BRANDS: Final = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif")


class PhotoRefused(DomainError):
    """The photo cannot be kept. ``code`` is stable (the portal translates it); the message is for logs."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class CleanPhoto:
    content: bytes
    media_type: str
    width: int
    height: int


def clean_photo(content: bytes, *, max_bytes: int) -> CleanPhoto:
    """The photo re-encoded in its own format, upright and without metadata, or ``PhotoRefused``."""
    if not content:
        raise PhotoRefused("empty", "the file is empty")
    if len(content) > max_bytes:
        raise PhotoRefused("too_large", f"the photo is {len(content)} bytes, more than the {max_bytes} allowed")
    if _is_heif(content):
        raise PhotoRefused("heic_unsupported", "HEIC/HEIF photos are not accepted: send it as JPEG, PNG or WebP")
    image = _decoded(content)
    upright = ImageOps.exif_transpose(image)
    media_type, _ = _FORMATS[str(image.format)]
    return CleanPhoto(_encoded(upright, media_type), media_type, upright.width, upright.height)


def _is_heif(content: bytes) -> bool:
    """An ISO-BMFF ``ftyp`` box with a HEIF brand: Pillow cannot read it without a plugin we do not ship."""
    return content[4:8] == b"ftyp" and content[8:12] in _HEIF_BRANDS


def _decoded(content: bytes) -> Image.Image:
    accepted = ("JPEG", "PNG", "WEBP")  # MPO has no opener of its own: the JPEG one returns it
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(content), formats=accepted)
            if image.width * image.height > MAX_PIXELS:
                raise PhotoRefused(
                    "too_many_pixels", f"{image.width}x{image.height} pixels is more than the {MAX_PIXELS} allowed"
                )
            image.load()
        except PhotoRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise PhotoRefused("too_many_pixels", f"the image is too large to decode safely: {exc}") from exc
        except UnidentifiedImageError as exc:
            raise PhotoRefused("not_an_image", "the file is not a JPEG, PNG or WebP image") from exc
        except (OSError, SyntaxError, ValueError, EOFError) as exc:  # what Pillow raises on truncated data
            raise PhotoRefused("corrupt", f"the image is damaged and cannot be read: {exc}") from exc
    return image


def _encoded(image: Image.Image, media_type: str) -> bytes:
    """Only the pixels and the colour profile are written: no EXIF, XMP, comments or text chunks (Pillow's
    encoders copy some of ``info``, a JPEG comment for one, so it is emptied first)."""
    out = io.BytesIO()
    icc = image.info.get("icc_profile")
    options: dict[str, object] = {"icc_profile": icc} if icc else {}
    image.info = {}
    if media_type == "image/jpeg":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=90, optimize=True, **options)
    elif media_type == "image/webp":
        image.save(out, "WEBP", quality=90, **options)
    else:
        image.save(out, "PNG", optimize=True, **options)
    return out.getvalue()
