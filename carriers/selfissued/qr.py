"""QR codes for the label (byte mode, error level M, one fixed mask), fast enough for the label's budget.

Why not ``segno.make`` alone: it places the bits one module at a time in Python and scores all eight masks,
about 4 ms for a signed URL even with the mask fixed, four times what reportlab takes for a whole empty page,
which is the benchmark's yardstick. The symbol's structure depends only on its version, so it is worked out once
per version (``_layout``) with segno's own building blocks: where the function patterns are, which module each
bit of the message goes to, the fixed mask over those modules. Encoding a URL is then a handful of whole-number
operations (Reed-Solomon as a shift register over one integer) and one gather of the bits into rows.

segno stays the reference: ``tests/carriers`` check these symbols against ``segno.make`` module for module, and
its encoder's building blocks are pinned with it in ``pyproject.toml``.
"""

from __future__ import annotations

import bisect
import functools
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, zip_longest
from typing import Any, Final, cast

from segno import consts, encoder

ERROR_LEVEL: Final = consts.ERROR_LEVEL_M
"""15 % of the symbol can be lost (a scuffed or folded label) and still be read."""

MASK: Final = 2
"""The mask pattern (dark where the column is a multiple of 3), fixed. The standard picks the mask with the lowest
penalty score, which means building the symbol eight times; a reader takes whichever mask was used from the
format bits, and the mask only breaks up large uniform areas, which a signed URL's random bytes do not make."""

MAX_VERSION: Final = 10
"""The largest symbol the label prints (57 modules). The printed square has a fixed size; past version 10 a module
would be under 0.55 mm, too small for a phone camera on a thermal print."""

_BYTE_MODE: Final = 0b0100
_PAD_CODEWORDS: Final = (0xEC, 0x11)


@dataclass(frozen=True, slots=True)
class _Layout:
    """What every symbol of one version shares."""

    size: int
    data_codewords: int
    blocks: tuple[tuple[int, int], ...]  # (data codewords, error correction codewords) per block
    placed_bits: int  # modules holding the message, remainder bits included
    mask: int  # the mask's value at each of those modules, in placement order, as one integer (first bit high)
    gather: Callable[[str], tuple[str, ...]]  # message bits + "01" -> every module, row after row


def capacity(version: int = MAX_VERSION) -> int:
    """How many bytes a symbol of ``version`` holds in byte mode."""
    return (_data_bits(version) - 4 - _count_bits(version)) // 8


def qr_rows(data: bytes) -> list[str]:
    """The QR symbol of ``data``, as rows of ``"1"`` (dark) and ``"0"`` (light), top row first, without the quiet
    zone. Raises ``ValueError`` when ``data`` is longer than ``capacity()``."""
    version = bisect.bisect_left(_capacities(), len(data)) + 1  # the smallest symbol that holds it
    if version > MAX_VERSION:
        raise ValueError(f"{len(data)} bytes do not fit a version {MAX_VERSION} QR code ({capacity()} at most)")
    layout = _layout(version)
    message = _message(_data_codewords(data, version, layout.data_codewords), layout.blocks)
    bits = int.from_bytes(message, "big") << (layout.placed_bits - 8 * len(message))
    modules = "".join(layout.gather(format(bits ^ layout.mask, f"0{layout.placed_bits}b") + "01"))
    return [modules[start : start + layout.size] for start in range(0, len(modules), layout.size)]


@functools.cache
def _capacities() -> tuple[int, ...]:
    return tuple(capacity(version) for version in range(1, MAX_VERSION + 1))


def _data_bits(version: int) -> int:
    capacities = cast(Mapping[int, Mapping[int, int]], consts.SYMBOL_CAPACITY)
    return capacities[version][ERROR_LEVEL]


def _count_bits(version: int) -> int:
    """The length of the character count in byte mode."""
    return 8 if version < 10 else 16


def _data_codewords(data: bytes, version: int, count: int) -> bytes:
    """Mode, count, the bytes, the terminator and the padding, as the ``count`` data codewords (ISO/IEC 18004
    7.4). The padding is segno's, bit for bit: 1 to 8 zero bits, so a stream that ends on a codeword boundary
    gets a zero codeword before the pad codewords (readers stop at the terminator, so it reads the same); being
    segno's symbol module for module is what lets the tests check this encoder against it."""
    count_bits = _count_bits(version)
    value = (_BYTE_MODE << count_bits | len(data)) << 8 * len(data) | int.from_bytes(data, "big")
    length = 4 + count_bits + 8 * len(data)
    terminator = min(4, 8 * count - length)
    length += terminator
    padding = 8 - length % 8
    value <<= terminator + padding
    head = value.to_bytes((length + padding) // 8, "big")[:count]
    pads = bytes(_PAD_CODEWORDS[i % 2] for i in range(count - len(head)))
    return head + pads


def _message(codewords: bytes, blocks: tuple[tuple[int, int], ...]) -> bytes:
    """The data codewords split into blocks, each block's error correction computed, both interleaved (7.6)."""
    data_blocks: list[bytes] = []
    ec_blocks: list[bytes] = []
    start = 0
    for data_count, ec_count in blocks:
        block = codewords[start : start + data_count]
        start += data_count
        data_blocks.append(block)
        ec_blocks.append(_reed_solomon(block, ec_count))
    data = (b for b in chain.from_iterable(zip_longest(*data_blocks)) if b is not None)
    return bytes(data) + bytes(chain.from_iterable(zip(*ec_blocks, strict=True)))


def _reed_solomon(block: bytes, ec_count: int) -> bytes:
    """The block's error correction codewords: the remainder of its division by the generator polynomial, run as
    a shift register held in one integer."""
    table = _generator_multiples(ec_count)
    shift = 8 * (ec_count - 1)
    keep = (1 << 8 * ec_count) - 1
    remainder = 0
    for byte in block:
        remainder = ((remainder << 8) & keep) ^ table[byte ^ (remainder >> shift)]
    return remainder.to_bytes(ec_count, "big")


@functools.cache
def _generator_multiples(ec_count: int) -> tuple[int, ...]:
    """The generator polynomial of ``ec_count`` codewords (its leading 1 left out) times each value of GF(256),
    each as one integer, first coefficient high."""
    exponents = consts.GEN_POLY[ec_count]
    log, exp = consts.GALIOS_LOG, consts.GALIOS_EXP
    multiples = [0]
    for factor in range(1, 256):
        value = 0
        for exponent in exponents:
            value = value << 8 | exp[log[factor] + exponent]
        multiples.append(value)
    return tuple(multiples)


@functools.cache
def _layout(version: int) -> _Layout:
    # segno's encoder carries no annotations; these calls run once per version.
    size = int(encoder.calc_matrix_size(version))  # type: ignore[no-untyped-call]
    matrix: tuple[bytearray, ...] = encoder.make_matrix(size, size)  # type: ignore[no-untyped-call]
    encoder.add_finder_patterns(matrix, size, size)  # type: ignore[no-untyped-call]
    encoder.add_alignment_patterns(matrix, size, size)  # type: ignore[no-untyped-call]
    placed = list(_placement_order(matrix, size))  # the modules still free (0x2) hold the message
    for row, column in placed:
        matrix[row][column] = 0
    encoder.add_format_info(matrix, version, ERROR_LEVEL, MASK)  # type: ignore[no-untyped-call]
    encoder.add_version_info(matrix, version)  # type: ignore[no-untyped-call]
    masked: Callable[[int, int], bool] = encoder.get_data_mask_functions(False)[MASK]  # type: ignore[no-untyped-call]
    mask = 0
    for row, column in placed:
        mask = mask << 1 | int(masked(row, column))
    where = {position: index for index, position in enumerate(placed)}
    light, dark = len(placed), len(placed) + 1
    sources = [
        where.get((row, column), dark if matrix[row][column] else light)
        for row in range(size)
        for column in range(size)
    ]
    blocks = tuple(
        (info.num_data, info.num_total - info.num_data)
        for info in cast(Mapping[int, Mapping[int, Sequence[Any]]], consts.ECC)[version][ERROR_LEVEL]
        for _ in range(info.num_blocks)
    )
    data_codewords = sum(data for data, _ in blocks)
    if data_codewords * 8 != _data_bits(version) or len(placed) < 8 * sum(d + e for d, e in blocks):
        raise AssertionError(f"QR version {version}: the layout does not match segno's tables")
    return _Layout(size, data_codewords, blocks, len(placed), mask, operator.itemgetter(*sources))


def _placement_order(matrix: tuple[bytearray, ...], size: int) -> Iterator[tuple[int, int]]:
    """The free modules in the order the message fills them: two-module columns from the right, up then down,
    skipping the vertical timing pattern (ISO/IEC 18004 7.7.3)."""
    for right in range(size - 1, 0, -2):
        if right <= 6:
            right -= 1
        upwards = ((right & 2) == 0) != (right < 6)  # the direction flips left of the timing pattern
        for step in range(size):
            row = size - 1 - step if upwards else step
            for column in (right, right - 1):
                if matrix[row][column] == 0x2:
                    yield row, column
