"""A shop's policy in force: the newest stored version, or the built-in default.

Why the parsed policies are kept in the process (``ParsedPolicies``): building a ``Policy`` from its stored
document (schema validation) costs about as much as the rest of a portal page's reads together, and every
portal page, quote and decision needs it, often twice a request. It is safe to keep because a stored version
never changes: a change adds the next version (``PolicyRepository.add``). Each call still reads which version
is in force, with its fingerprint, from the database, in the caller's transaction, so a policy set by another
process is seen by the very next read, exactly as without the cache; only the parsing of a version already
seen is skipped. The fingerprint is in the key as well as the version, so a shop deleted and created again
(its versions start again at 1), or two databases used by one process (the tests), never share an entry.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Final

from connector.policy import Policy
from connector.policy.schema import fingerprint, policy_from_dict, policy_to_dict
from connector.store.uow import UnitOfWork

DEFAULT_POLICY = Policy(name="default")
PARSED_POLICIES_KEPT: Final = 512
"""Versions kept parsed per process: every shop's version in force, with room; the least recently used goes."""

_Key = tuple[str, int, str]


class ParsedPolicies:
    """Parsed policies by (shop, version, fingerprint), least recently used first out; thread-safe (a gthread
    worker serves many requests at once). A ``Policy`` is frozen, so one object is shared by every reader."""

    def __init__(self, capacity: int = PARSED_POLICIES_KEPT) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[_Key, Policy] = OrderedDict()
        self._guard = threading.Lock()

    def get(self, key: _Key) -> Policy | None:
        with self._guard:
            policy = self._entries.get(key)
            if policy is not None:
                self._entries.move_to_end(key)
            return policy

    def put(self, key: _Key, policy: Policy) -> None:
        with self._guard:
            self._entries[key] = policy
            self._entries.move_to_end(key)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._guard:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


PARSED: Final = ParsedPolicies()
"""The process's parsed policies (see the module's docstring for why sharing them is safe)."""


def current_policy(uow: UnitOfWork, shop_id: str) -> Policy:
    """The policy in force, read in ``uow``: its version from the database every time, parsed once a process."""
    repository = uow.policies(shop_id)
    stamp = repository.current_stamp()
    if stamp is None:
        return DEFAULT_POLICY
    key = (shop_id, stamp.version, stamp.fingerprint)
    policy = PARSED.get(key)
    if policy is None:
        stored = repository.at(stamp.version)
        if stored is None:  # its shop deleted (a version goes only with it) between the two reads
            return DEFAULT_POLICY
        policy = policy_from_dict(stored.document, source=f"shop {shop_id} policy v{stored.version}")
        PARSED.put(key, policy)
    return policy


def set_policy(uow: UnitOfWork, shop_id: str, policy: Policy) -> int:
    """Store ``policy`` as the shop's new version (no-op when unchanged); returns the version in force."""
    return uow.policies(shop_id).add(policy_to_dict(policy), fingerprint(policy)).version
