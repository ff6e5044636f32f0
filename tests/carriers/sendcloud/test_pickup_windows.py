"""The pickup windows a Sendcloud shop offers (``carriers.sendcloud.pickup``): Sendcloud describes no pickup-slot
look-up for returns (OAS v3 returns: a pickup is a return made with ``delivery_option: "pickup"``; no Pickups API
in the descriptions kept in carriers/sendcloud/openapi), so the windows are the shop's configured promise: the
next working days, in its hours and zone, handed back in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from carriers.selfissued.adapter import SelfIssuedCarrier
from carriers.sendcloud.pickup import PickupSlots
from carriers.sendcloud.settings import SendcloudSettings
from connector.domain.shipping import PostalAddress
from connector.errors import ConfigError
from tests.carriers.sendcloud.fixtures import carrier

HOME = PostalAddress("Jeanne C.", "Rue X", "75011", "Paris", "FR", house_number="5")
THURSDAY_EVENING = datetime(2026, 3, 5, 17, 30, tzinfo=UTC)  # 18:30 in Paris


def test_the_next_working_days_from_the_day_after_in_the_shops_zone() -> None:
    windows = PickupSlots(days=3).windows(THURSDAY_EVENING)
    # Friday 6, then Monday 9 and Tuesday 10 March (the weekend skipped), 09:00-18:00 Paris = 08:00-17:00 UTC.
    assert [(w.starts_at, w.ends_at) for w in windows] == [
        (datetime(2026, 3, day, 8, tzinfo=UTC), datetime(2026, 3, day, 17, tzinfo=UTC)) for day in (6, 9, 10)
    ]


def test_two_windows_a_day_closed_dates_and_summer_time() -> None:
    slots = PickupSlots.from_section({"pickup_days": 2, "pickup_hours": "14:00-18:00, 09:00-12:00",
                                      "pickup_closed_dates": ["2026-04-06"]})  # Easter Monday
    windows = slots.windows(datetime(2026, 4, 2, 9, tzinfo=UTC))  # Thursday 2 April, summer time (UTC+2)
    assert [(w.starts_at.isoformat(), w.ends_at.hour) for w in windows] == [
        ("2026-04-03T07:00:00+00:00", 10), ("2026-04-03T12:00:00+00:00", 16),  # Friday 3
        ("2026-04-07T07:00:00+00:00", 10), ("2026-04-07T12:00:00+00:00", 16),  # Tuesday 7 (Monday is closed)
    ]
    assert slots.closed_dates == frozenset({date(2026, 4, 6)}) and slots.hours[0] == (time(9), time(12))


def test_no_lead_offers_today_s_windows_not_yet_begun() -> None:
    slots = PickupSlots(days=1, lead_days=0, hours=((time(9), time(12)), (time(14), time(18))))
    windows = slots.windows(datetime(2026, 3, 5, 10, tzinfo=UTC))  # 11:00 in Paris: the morning has begun
    assert [w.starts_at.hour for w in windows] == [13]


@pytest.mark.parametrize("section", [
    {"pickup_hours": "18:00-09:00"}, {"pickup_hours": "nine to five"}, {"pickup_days": 0},
    {"pickup_days": "many"}, {"pickup_timezone": "Mars/Olympus"}, {"pickup_closed_dates": ["Easter"]},
])
def test_a_setting_that_does_not_read_is_a_config_error(section: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        SendcloudSettings.from_section(section)


def test_the_adapter_offers_windows_only_with_pickup_configured() -> None:
    assert carrier().pickup_windows(HOME, THURSDAY_EVENING) == []
    slots = PickupSlots(days=2, hours=((time(8), time(12)),))
    configured = carrier(pickup_option_code="dpd:return/pickup", pickup=slots)
    windows = configured.pickup_windows(HOME, THURSDAY_EVENING)
    assert [(w.starts_at.day, w.starts_at.hour, w.ends_at.hour) for w in windows] == [(6, 7, 11), (9, 7, 11)]


def test_the_settings_read_the_pickup_options() -> None:
    settings = SendcloudSettings.from_section({"pickup_option_code": "dpd:return/pickup", "pickup_days": "4",
                                               "pickup_hours": "10:00-16:00", "pickup_timezone": "Europe/Brussels"})
    assert settings.pickup == PickupSlots(days=4, hours=((time(10), time(16)),), timezone="Europe/Brussels")


def test_the_self_issued_carrier_collects_nothing() -> None:
    assert SelfIssuedCarrier().pickup_windows(HOME, THURSDAY_EVENING) == []
