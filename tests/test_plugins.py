"""The entry-point plugins both registries share (connector.plugins): loaded once per process even when threads
ask first at once, each checked to be the registry's kind, and the ones registered in code coming first."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import EntryPoint

import pytest

from connector import plugins
from connector.errors import ConfigError
from connector.plugins import EntryPointPlugins

GROUP = "returns_connector.tests"


@dataclass(frozen=True)
class Thing:
    key: str
    name: str


ALPHA = Thing("alpha", "the alpha plugin")
ALPHA_AGAIN = Thing("alpha", "a second alpha plugin")
BETA = Thing("beta", "the beta plugin")
NOT_A_THING = "a string where a Thing belongs"


def _entry(name: str, attribute: str) -> EntryPoint:
    return EntryPoint(name=name, value=f"{__name__}:{attribute}", group=GROUP)


class _FakeEntryPoints:
    """``importlib.metadata.entry_points`` for one group, counting the calls (each is a scan of the installed
    distributions) and slow enough that two threads asking first overlap."""

    def __init__(self, *entries: EntryPoint) -> None:
        self.entries = entries
        self.calls = 0

    def __call__(self, *, group: str) -> Iterator[EntryPoint]:
        assert group == GROUP
        self.calls += 1
        time.sleep(0.05)
        return iter(self.entries)


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> _FakeEntryPoints:
    fake = _FakeEntryPoints(_entry("alpha", "ALPHA"), _entry("beta", "BETA"), _entry("alpha2", "ALPHA_AGAIN"))
    monkeypatch.setattr(plugins, "entry_points", fake)
    return fake


def test_the_group_is_read_once_even_when_threads_ask_first_at_once(installed: _FakeEntryPoints) -> None:
    group = EntryPointPlugins(GROUP, Thing)
    seen: list[dict[str, Thing]] = []
    threads = [threading.Thread(target=lambda: seen.append(dict(group.load()))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert installed.calls == 1
    assert seen == [{"alpha": ALPHA, "beta": BETA}] * 4  # the first of two entries of one key is kept
    group.everything({})
    assert installed.calls == 1


def test_code_registered_providers_come_before_the_plugins_of_their_key(installed: _FakeEntryPoints) -> None:
    group = EntryPointPlugins(GROUP, Thing)
    fake = Thing("alpha", "a test's stand-in")
    assert group.lookup({"alpha": fake}, "alpha") is fake
    assert group.lookup({"alpha": fake}, "beta") is BETA
    assert group.lookup({}, "gamma") is None
    assert group.everything({"alpha": fake, "gamma": Thing("gamma", "code only")}) == (
        fake, BETA, Thing("gamma", "code only"))


def test_an_entry_of_another_type_is_a_configuration_error_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plugins, "entry_points", _FakeEntryPoints(_entry("alpha", "ALPHA"),
                                                                  _entry("broken", "NOT_A_THING")))
    group = EntryPointPlugins(GROUP, Thing)
    for _ in range(2):  # nothing half-loaded is kept: asking again fails again
        with pytest.raises(ConfigError, match=rf"plugin broken \({__name__}:NOT_A_THING\) of {GROUP} is not a Thing"):
            group.lookup({}, "alpha")
