"""Deterministic seed data (apparel catalogue and order history) shared by the sandbox shops.

Both sandboxes load the same seed so tests and benchmarks see the same business on either platform.
Everything derives from one ``random.Random`` per call (never the global one), so a seed always gives
the same data. ``orders`` streams: 100,000 orders never sit in memory here.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from connector.domain.money import minor_units

__all__ = [
    "COUNTRY_CURRENCIES",
    "CURRENCY_RATES",
    "SeedLine",
    "SeedOrder",
    "SeedProduct",
    "SeedVariant",
    "catalogue",
    "orders",
    "quantize",
]


@dataclass(frozen=True, slots=True)
class SeedVariant:
    sku: str
    title: str
    options: tuple[tuple[str, str], ...]  # (("Size", "M"), ("Colour", "Navy"))
    price: Decimal  # EUR
    stock: int


@dataclass(frozen=True, slots=True)
class SeedProduct:
    key: int
    title: str
    product_type: str
    vendor: str
    tags: tuple[str, ...]
    final_sale: bool
    variants: tuple[SeedVariant, ...]


@dataclass(frozen=True, slots=True)
class SeedLine:
    product_key: int
    variant_index: int
    quantity: int
    unit_price: Decimal  # order currency
    fulfilled_quantity: int
    discount: Decimal  # whole line, order currency
    tax_rate: Decimal  # fraction, e.g. 0.2
    tax: Decimal  # whole line, order currency


@dataclass(frozen=True, slots=True)
class SeedOrder:
    number: int  # 1001, 1002, ...
    currency: str
    email: str
    first_name: str
    last_name: str
    country: str
    created_at: datetime
    fulfilled_at: datetime | None
    delivered_at: datetime | None
    lines: tuple[SeedLine, ...]
    shipping: Decimal
    shipping_tax: Decimal
    taxes_included: bool
    discount_code: str | None
    gateway: str


# EUR -> currency. Fixed so that amounts are reproducible.
CURRENCY_RATES: Final[dict[str, Decimal]] = {
    "EUR": Decimal("1"),
    "USD": Decimal("1.08"),
    "GBP": Decimal("0.85"),
    "JPY": Decimal("162"),
}

# (country, currency, tax rate, taxes included, weight)
_MARKETS: Final[tuple[tuple[str, str, Decimal, bool, int], ...]] = (
    ("FR", "EUR", Decimal("0.2"), True, 30),
    ("DE", "EUR", Decimal("0.19"), True, 15),
    ("IT", "EUR", Decimal("0.22"), True, 6),
    ("ES", "EUR", Decimal("0.21"), True, 6),
    ("NL", "EUR", Decimal("0.21"), True, 5),
    ("US", "USD", Decimal("0.08875"), False, 15),
    ("US", "USD", Decimal("0.0725"), False, 8),
    ("GB", "GBP", Decimal("0.2"), True, 10),
    ("JP", "JPY", Decimal("0.1"), True, 5),
)
_MARKET_WEIGHTS: Final[list[int]] = [m[4] for m in _MARKETS]
COUNTRY_CURRENCIES: Final[dict[str, str]] = {m[0]: m[1] for m in _MARKETS}
"""The currency each seeded market buys in: the sandbox's international pricing (Shopify Markets)."""

_SHIPPING: Final[dict[str, tuple[Decimal, Decimal]]] = {  # (fee, free above)
    "EUR": (Decimal("4.95"), Decimal("150")),
    "USD": (Decimal("5.99"), Decimal("175")),
    "GBP": (Decimal("3.95"), Decimal("120")),
    "JPY": (Decimal("800"), Decimal("25000")),
}

_DISCOUNT_CODES: Final[tuple[tuple[str, int], ...]] = (("WELCOME10", 10), ("SPRING15", 15), ("VIP20", 20))

# (product type, base EUR price range, size scale)
_TYPES: Final[tuple[tuple[str, int, int, tuple[str, ...]], ...]] = (
    ("T-Shirt", 19, 35, ("XS", "S", "M", "L", "XL")),
    ("Hoodie", 49, 89, ("S", "M", "L", "XL")),
    ("Jeans", 59, 120, ("28", "30", "32", "34", "36")),
    ("Dress", 45, 140, ("XS", "S", "M", "L")),
    ("Jacket", 89, 220, ("S", "M", "L", "XL")),
    ("Sweater", 39, 99, ("S", "M", "L", "XL")),
    ("Shirt", 35, 79, ("S", "M", "L", "XL", "XXL")),
    ("Skirt", 29, 69, ("XS", "S", "M", "L")),
    ("Shorts", 25, 55, ("S", "M", "L", "XL")),
    ("Sneakers", 69, 160, ("38", "39", "40", "41", "42", "43", "44")),
)
_ADJECTIVES: Final[tuple[str, ...]] = (
    "Classic", "Organic", "Relaxed", "Slim", "Heavyweight", "Vintage", "Everyday", "Merino", "Linen",
    "Recycled", "Cropped", "Oversized", "Tailored", "Washed", "Essential",
)  # fmt: skip
_COLOURS: Final[tuple[tuple[str, str], ...]] = (
    ("Black", "BLK"), ("White", "WHT"), ("Navy", "NVY"), ("Olive", "OLV"), ("Sand", "SND"),
    ("Burgundy", "BRG"), ("Grey", "GRY"), ("Sky", "SKY"), ("Rust", "RST"), ("Forest", "FOR"),
)  # fmt: skip
_VENDORS: Final[tuple[str, ...]] = ("Northwind Apparel", "Maison Lumen", "Atelier Kestrel", "Blue Fjord")
_FIRST: Final[tuple[str, ...]] = (
    "Alice", "Bruno", "Chloé", "David", "Emma", "Farid", "Giulia", "Hugo", "Inès", "Jack", "Keiko", "Léa",
    "Marco", "Nina", "Oscar", "Paula", "Quentin", "Rosa", "Sam", "Tom", "Uma", "Victor", "Wen", "Yuki",
)  # fmt: skip
_LAST: Final[tuple[str, ...]] = (
    "Martin", "Bernard", "Smith", "Johnson", "Müller", "Rossi", "García", "de Vries", "Tanaka", "Brown",
    "Dubois", "Moreau", "Schmidt", "Jones", "Sato", "Lopez", "Taylor", "Petit", "Fischer", "Ricci",
)  # fmt: skip
_ASCII: Final[dict[int, str]] = str.maketrans({"é": "e", "è": "e", "ü": "u", "í": "i", "ç": "c", " ": ""})
_GATEWAYS: Final[tuple[str, ...]] = ("shopify_payments", "shopify_payments", "shopify_payments", "paypal")
_QUANTA: Final[dict[int, Decimal]] = {0: Decimal(1), 2: Decimal("0.01"), 3: Decimal("0.001")}
_HISTORY: Final[timedelta] = timedelta(days=182)


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round half-up to the currency's minor unit (JPY whole yen, EUR cents)."""
    digits = minor_units(currency)
    quantum = _QUANTA.get(digits) or Decimal(1).scaleb(-digits)
    return amount.quantize(quantum, rounding=ROUND_HALF_UP)


def catalogue(seed: int, products: int = 40) -> list[SeedProduct]:
    """A realistic apparel catalogue: sizes x colours per product, some final-sale products."""
    rng = random.Random(seed)
    result: list[SeedProduct] = []
    for key in range(1, products + 1):
        spec = _TYPES[key - 1] if key <= len(_TYPES) else rng.choice(_TYPES)
        ptype, low, high, sizes = spec
        adjective = rng.choice(_ADJECTIVES)
        title = f"{adjective} {ptype}"
        colours = rng.sample(_COLOURS, rng.randint(1, 3))
        size_count = rng.randint(max(2, len(sizes) - 2), len(sizes))
        base = Decimal(rng.randint(low, high)) - Decimal("0.05")
        final_sale = rng.random() < 0.15
        prefix = "".join(ch for ch in ptype.upper() if ch.isalpha())[:3]
        variants: list[SeedVariant] = []
        for colour, code in colours:
            for size in sizes[:size_count]:
                stock = 0 if rng.random() < 0.08 else rng.randint(1, 60)
                variants.append(
                    SeedVariant(
                        sku=f"{prefix}-{key:03d}-{code}-{size}",
                        title=f"{size} / {colour}",
                        options=(("Size", size), ("Colour", colour)),
                        price=base,
                        stock=stock,
                    )
                )
        tags = [ptype.lower(), "spring-2026" if rng.random() < 0.5 else "core"]
        if final_sale:
            tags.append("final-sale")
        result.append(
            SeedProduct(
                key=key,
                title=title,
                product_type=ptype,
                vendor=rng.choice(_VENDORS),
                tags=tuple(tags),
                final_sale=final_sale,
                variants=tuple(variants),
            )
        )
    return result


def _tax(net: Decimal, rate: Decimal, included: bool, currency: str) -> Decimal:
    """Tax on ``net``: extracted from it when prices include tax, added on top otherwise."""
    if included:
        return quantize(net * rate / (1 + rate), currency)
    return quantize(net * rate, currency)


def orders(seed: int, count: int, products: Sequence[SeedProduct], now: datetime) -> Iterator[SeedOrder]:
    """Stream ``count`` orders numbered from 1001, created over the last ~6 months, oldest first."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (UTC)")
    if not products:
        raise ValueError("orders need a catalogue")
    rng = random.Random(f"orders:{seed}")
    start = now - _HISTORY
    step = _HISTORY.total_seconds() / max(count, 1)
    prices: dict[tuple[str, int, int], Decimal] = {}
    for i in range(count):
        country, currency, rate, included, _w = rng.choices(_MARKETS, _MARKET_WEIGHTS)[0]
        created = (start + timedelta(seconds=step * i + rng.random() * step * 0.9)).replace(microsecond=0)
        first = rng.choice(_FIRST)
        last = rng.choice(_LAST)
        email = f"{first.lower().translate(_ASCII)}.{last.lower().translate(_ASCII)}{i % 997}@example.com"
        code: str | None = None
        pct = 0
        roll = rng.random()
        if roll < 0.2:
            code, pct = rng.choice(_DISCOUNT_CODES)
        elif roll < 0.3:
            pct = 5  # automatic discount, no code
        age = now - created
        state = rng.random()
        if age < timedelta(hours=12) or state < 0.08:
            fulfilment = "none"
        elif state < 0.2:
            fulfilment = "partial"
        else:
            fulfilment = "full"
        n_lines = rng.choice((1, 1, 2, 2, 2, 3, 3, 4))
        picks = rng.sample(range(len(products)), n_lines) if n_lines <= len(products) else [0]
        lines: list[SeedLine] = []
        subtotal = Decimal(0)
        partial_done = False
        for j, pidx in enumerate(picks):
            product = products[pidx]
            vidx = rng.randrange(len(product.variants))
            qty = rng.choice((1, 1, 1, 2, 2, 3))
            pkey = (currency, pidx, vidx)
            unit = prices.get(pkey)
            if unit is None:
                unit = quantize(product.variants[vidx].price * CURRENCY_RATES[currency], currency)
                prices[pkey] = unit
            gross = unit * qty
            discount = quantize(gross * pct / 100, currency) if pct else Decimal(0) * unit
            tax = _tax(gross - discount, rate, included, currency)
            if fulfilment == "full":
                done = qty
            elif fulfilment == "none":
                done = 0
            else:
                last_line = j == len(picks) - 1
                if not partial_done and (last_line or rng.random() < 0.5):
                    done = rng.randrange(qty)  # strictly less than ordered
                    partial_done = True
                else:
                    done = rng.randint(0, qty)
            subtotal += gross - discount
            lines.append(SeedLine(product.key, vidx, qty, unit, done, discount, rate, tax))
        fee, free_above = _SHIPPING[currency]
        shipping = Decimal(0) * fee if subtotal >= free_above else fee
        shipping_tax = _tax(shipping, rate, included, currency) if shipping else shipping
        fulfilled_at: datetime | None = None
        delivered_at: datetime | None = None
        if any(line.fulfilled_quantity for line in lines):
            fulfilled_at = min(created + timedelta(hours=2 + rng.random() * 70), now).replace(microsecond=0)
            if rng.random() >= 0.1:  # some fulfilled orders never report delivery
                candidate = (fulfilled_at + timedelta(days=1 + rng.random() * 6)).replace(microsecond=0)
                delivered_at = candidate if candidate <= now else None
        yield SeedOrder(
            number=1001 + i,
            currency=currency,
            email=email,
            first_name=first,
            last_name=last,
            country=country,
            created_at=created,
            fulfilled_at=fulfilled_at,
            delivered_at=delivered_at,
            lines=tuple(lines),
            shipping=shipping,
            shipping_tax=shipping_tax,
            taxes_included=included,
            discount_code=code,
            gateway=rng.choice(_GATEWAYS),
        )
