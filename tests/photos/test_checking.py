"""A photo is accepted by its bytes, refused with a stable reason, and kept without its metadata."""

from __future__ import annotations

import io

import pytest
from PIL import ExifTags, Image

from connector.photos.checking import MAX_PIXELS, PhotoRefused, clean_photo
from tests.photos.images import BLUE, RED, encoded, jpeg_from_a_phone, png_header_only

LIMIT = 8 * 1024 * 1024


def reopened(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def near(pixel: object, colour: tuple[int, int, int]) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(a - b) < 40 for a, b in zip(pixel, colour, strict=True))


def test_a_phone_jpeg_loses_its_exif_and_gps_but_is_turned_upright() -> None:
    original = jpeg_from_a_phone()
    before = Image.open(io.BytesIO(original))
    assert before.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo does carry a position

    photo = clean_photo(original, max_bytes=LIMIT)

    after = reopened(photo.content)
    assert photo.media_type == "image/jpeg" and after.format == "JPEG"
    assert len(after.getexif()) == 0
    assert "exif" not in after.info and "comment" not in after.info
    assert b"SN-0042" not in photo.content and b"PhoneMaker" not in photo.content
    # Orientation 6 applied: 40x20 becomes 20x40, the left (red) half now on top.
    assert after.size == (20, 40) == (photo.width, photo.height)
    assert near(after.getpixel((10, 5)), RED) and near(after.getpixel((10, 35)), BLUE)


def test_a_png_is_kept_as_png_without_its_text_chunks() -> None:
    from PIL.PngImagePlugin import PngInfo

    text = PngInfo()
    text.add_text("Author", "Ana Lopez, 12 rue des Lilas")
    photo = clean_photo(encoded("PNG", pnginfo=text), max_bytes=LIMIT)

    after = reopened(photo.content)
    assert photo.media_type == "image/png" and after.format == "PNG" and after.size == (30, 20)
    assert "Author" not in after.info and b"Lilas" not in photo.content


def test_a_webp_is_accepted() -> None:
    photo = clean_photo(encoded("WEBP"), max_bytes=LIMIT)
    assert photo.media_type == "image/webp" and reopened(photo.content).format == "WEBP"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"Dear shop, the mug arrived broken.\n" * 20, "not_an_image"),  # a text file, whatever it is named
        (encoded("GIF"), "not_an_image"),  # a real image, but not a type we keep
        (encoded("BMP"), "not_an_image"),
        (b"", "empty"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64, "heic_unsupported"),
        (encoded("JPEG", size=(200, 200))[:300], "corrupt"),  # truncated upload
        (png_header_only(8000, 8000), "too_many_pixels"),  # 64 Mpx: over our limit, under Pillow's warning
        (png_header_only(100_000, 100_000), "too_many_pixels"),  # Pillow's own DecompressionBombError
    ],
    ids=["text", "gif", "bmp", "empty", "heic", "truncated", "64-megapixels", "10-gigapixels"],
)
def test_refused_with_a_reason(content: bytes, code: str) -> None:
    with pytest.raises(PhotoRefused) as caught:
        clean_photo(content, max_bytes=LIMIT)
    assert caught.value.code == code


def test_the_bombs_are_over_the_limit_they_test() -> None:
    assert 8000 * 8000 > MAX_PIXELS > 5000 * 5000
    assert Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS > 8000 * 8000


def test_a_photo_over_the_size_limit_is_refused_before_it_is_decoded() -> None:
    content = encoded("PNG", size=(300, 300))
    with pytest.raises(PhotoRefused) as caught:
        clean_photo(content, max_bytes=len(content) - 1)
    assert caught.value.code == "too_large"
    assert clean_photo(content, max_bytes=len(content)).media_type == "image/png"


def test_a_phone_jpeg_with_a_second_picture_keeps_its_first_as_a_plain_jpeg() -> None:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), RED).save(out, "MPO", save_all=True, append_images=[Image.new("RGB", (30, 20), BLUE)])
    assert Image.open(io.BytesIO(out.getvalue())).format == "MPO"

    photo = clean_photo(out.getvalue(), max_bytes=LIMIT)

    after = reopened(photo.content)
    assert photo.media_type == "image/jpeg" and after.format == "JPEG" and near(after.getpixel((5, 5)), RED)
