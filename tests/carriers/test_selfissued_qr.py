"""The label's QR code around segno: the capacity the adapter refuses longer URLs by, and the mask the label fixes
(segno draws the symbol itself; the read-back tests decode it from the printed page)."""

from __future__ import annotations

import pytest

from carriers.selfissued.qr import CAPACITY, MASK, MAX_VERSION, qr_rows

FORMAT_BITS_M = {mask: format(bits, "015b") for mask, bits in enumerate(
    (0x5412, 0x5125, 0x5E7C, 0x5B4B, 0x45F9, 0x40CE, 0x4F97, 0x4AA0))}
"""Level M's format information for each mask, after its XOR pattern (ISO/IEC 18004, annex C)."""


def test_the_capacity_is_the_largest_message_of_the_largest_symbol() -> None:
    assert len(qr_rows(b"x" * CAPACITY)) == 17 + 4 * MAX_VERSION  # version 10: 57 modules a side
    with pytest.raises(ValueError, match="do not fit"):
        qr_rows(b"x" * (CAPACITY + 1))


def test_a_signed_url_is_a_square_symbol_of_the_smallest_version_with_the_fixed_mask_at_level_m() -> None:
    rows = qr_rows(b"https://retours.example-shop.fr/r/R7F3A9C21B04D?exp=1767225600&sig=" + b"q" * 43)  # 110 bytes
    assert len(rows) == 17 + 4 * 7 and all(len(row) == len(rows) and set(row) <= {"0", "1"} for row in rows)
    # Down column 8 then leftwards along row 8, beside the top-left finder: the format bits, lowest bit first.
    format_bits = "".join(rows[row][8] for row in (0, 1, 2, 3, 4, 5, 7, 8)) + "".join(
        rows[8][column] for column in (7, 5, 4, 3, 2, 1, 0))
    assert format_bits[::-1] == FORMAT_BITS_M[MASK]
