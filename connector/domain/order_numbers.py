"""An order number as a customer types it, reduced to the one form every lookup and rate limit uses.

The portal's per-order limit and the shops' lookups once stripped differently (``#`` alone for the limit,
``#`` and the spaces after it for WooCommerce), so ``# 418``, ``#\\t418`` and ``#\\xa0418`` each had their
own allowance while all finding order 418. Every spelling that finds an order must share its counter:
the limit key and the lookup both come from ``normalize_order_number``, and the adapters compare the
shop's number in the same form.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

_WHITESPACE: Final = re.compile(r"\s+")
_LEADING: Final = "# "


def normalize_order_number(raw: str) -> str:
    """The canonical form of an order number; two spellings name the same order iff their forms are equal.

    * **Unicode**: NFKC first, so a full-width number sign and digits (U+FF03, U+FF14...) and a no-break
      space read as ``#``, ``4`` and a space; invisible format characters (zero-width space, BOM,
      direction marks) are dropped, since a pasted number often carries them and no shop puts them in one.
    * **Whitespace**: any run of Unicode whitespace becomes one space, and the ends are trimmed.
    * **``#``**: leading ``#`` signs and the spaces around them are dropped (``# 418``, ``## 418``): shops
      show the sign, customers may or may not type it.
    * **Case**: folded. ``wc-727`` and ``WC-727`` name the same order to a customer, and folding can only
      merge allowances, never split one.
    * **Leading zeros**: a number made only of digits (in any script) is read as a number: ``0418`` is
      ``418``. Zero-padded shop numbers (WooCommerce sequential-number plugins) fold the same way on both
      sides. A number with other characters (``WC-0418``) keeps its zeros: they are part of a label.

    Pure and idempotent: ``normalize_order_number(normalize_order_number(x)) == normalize_order_number(x)``.
    The result may be empty (``"#"``), which names no order.
    """
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", raw).casefold())  # NFKC_Casefold
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    text = _WHITESPACE.sub(" ", text).strip().lstrip(_LEADING)
    if text.isdecimal():
        return "".join(str(unicodedata.decimal(char)) for char in text).lstrip("0") or "0"
    return text


def stored_spellings(raw: str) -> list[str]:
    """How a shop may have stored the number ``raw`` names, for an indexed lookup by equality: as typed (trimmed,
    without ``#``), in its normal form and that form upper-cased, each with and without ``#``.

    Every query on a stored order number (the order snapshots, the agents' return filter) asks for these, so
    they agree on what a number matches. The normal form decides among the rows found where it can.
    """
    bare = raw.strip().lstrip(_LEADING)
    wanted = normalize_order_number(raw)
    forms = {form for form in (bare, wanted, wanted.upper()) if form}
    return sorted({*forms, *(f"#{form}" for form in forms)})


__all__ = ["normalize_order_number", "stored_spellings"]
