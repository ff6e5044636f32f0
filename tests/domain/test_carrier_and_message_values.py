"""The carrier and notifier values refuse naive times: every time in the model is UTC-aware."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connector.domain.errors import DomainError
from connector.domain.messages import Delivery, OutgoingWebhook
from connector.domain.shipping import PickupWindow, ReturnLabel, TrackingEvent, TrackingStatus

AWARE = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
NAIVE = datetime(2026, 3, 2, 9, 30)


def test_a_tracking_event_needs_an_aware_time() -> None:
    event = TrackingEvent("p1", "3SYZ1", TrackingStatus.IN_TRANSIT, "22", AWARE)
    assert event.occurred_at is AWARE
    with pytest.raises(DomainError):
        TrackingEvent("p1", "3SYZ1", TrackingStatus.IN_TRANSIT, "22", NAIVE)


def test_a_pickup_window_needs_aware_bounds() -> None:
    with pytest.raises(DomainError):
        PickupWindow(AWARE, NAIVE)


def test_a_label_may_leave_its_creation_time_out_but_not_give_it_naive() -> None:
    assert ReturnLabel("sendcloud", "r1", "3SYZ1", "https://t.example/3SYZ1").created_at is None
    with pytest.raises(DomainError):
        ReturnLabel("sendcloud", "r1", "3SYZ1", "https://t.example/3SYZ1", created_at=NAIVE)


def test_outgoing_messages_need_aware_times() -> None:
    with pytest.raises(DomainError):
        OutgoingWebhook("ret:R1:approved:hook", "https://merchant.example/hook", "return.approved", {}, NAIVE)
    with pytest.raises(DomainError):
        Delivery("ret:R1:approved:email", NAIVE)
