"""The executor's table: every action kind is one entry, with both its perform and its find."""

from __future__ import annotations

from connector.domain.actions import ActionKind
from connector.services.action_table import ACTIONS, ORDERED_BEFORE, nothing_to_find
from connector.services.carrier_actions import CARRIER_KINDS

FOUND_BY_KEY = {ActionKind.REFUND, ActionKind.STORE_CREDIT, ActionKind.EXCHANGE, ActionKind.RESTOCK}
"""Kinds that move money or stock: repeated blindly they would pay or restock twice."""
FOUND_BY_TEXT = {ActionKind.RETURN_LINK_NOTE}
"""A note the shop e-mails to the customer: repeated blindly, a second e-mail. Found by its text (no platform
takes a key for a note)."""


def test_every_action_kind_has_an_entry() -> None:
    """In the shop's table, or the carrier's (``services.carrier_actions``), never both."""
    assert set(ACTIONS) | CARRIER_KINDS == set(ActionKind) and not set(ACTIONS) & CARRIER_KINDS


def test_kinds_whose_repetition_would_harm_look_for_an_earlier_effect() -> None:
    looks = {kind for kind, entry in ACTIONS.items() if entry.find is not nothing_to_find}
    assert looks == FOUND_BY_KEY | FOUND_BY_TEXT


def test_the_order_between_kinds_names_only_known_kinds_and_never_a_kind_before_itself() -> None:
    for kind, before in ORDERED_BEFORE.items():
        known = set(ACTIONS) | CARRIER_KINDS
        assert kind in known and before <= known and kind not in before
