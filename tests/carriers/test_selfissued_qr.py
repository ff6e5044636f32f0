"""The label's QR encoder against segno, the reference it is built from: the same symbol, module for module, for
every length the label accepts (all ten versions it uses)."""

from __future__ import annotations

import random
import string

import pytest
import segno

from carriers.selfissued.qr import MASK, MAX_VERSION, capacity, qr_rows


def reference(data: bytes) -> tuple[int, list[str]]:
    symbol = segno.make(data, error="m", micro=False, mask=MASK, boost_error=False, mode="byte")
    return int(symbol.version), ["".join(str(module) for module in row) for row in symbol.matrix]


def test_every_length_up_to_the_capacity_gives_segnos_symbol() -> None:
    rnd = random.Random(19)
    versions = set()
    for length in range(capacity() + 1):
        data = "".join(rnd.choice(string.printable) for _ in range(length)).encode()
        version, rows = reference(data)
        versions.add(version)
        assert qr_rows(data) == rows, f"{length} bytes (version {version})"
    assert versions == set(range(1, MAX_VERSION + 1))


def test_utf8_bytes_and_a_full_byte_range_give_segnos_symbol() -> None:
    for data in ("https://boutique.example/r/R1?é=ü".encode(), bytes(range(256))[: capacity()]):
        assert qr_rows(data) == reference(data)[1]


def test_data_beyond_the_largest_symbol_is_refused() -> None:
    with pytest.raises(ValueError, match="do not fit"):
        qr_rows(b"x" * (capacity() + 1))
