"""Test images made on the spot: a phone-like JPEG with EXIF, plain PNG/WebP/GIF, and crafted bombs."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image

RED = (220, 0, 0)
BLUE = (0, 0, 220)


def jpeg_from_a_phone() -> bytes:
    """40x20 stored sideways (EXIF orientation 6: turn 90° clockwise), red left half, blue right half, with GPS
    coordinates, a camera serial number and a comment, as a phone writes them."""
    image = Image.new("RGB", (40, 20), BLUE)
    image.paste(RED, (0, 0, 20, 20))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.BodySerialNumber] = "SN-0042"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 24.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 21.0, 7.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"ana's kitchen", quality=95)
    return out.getvalue()


def encoded(image_format: str, size: tuple[int, int] = (30, 20), **options: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, RED).save(out, image_format, **options)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` with a few bytes of data: what a decompression bomb looks like
    before it is decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(
        b"IEND", b""
    )
