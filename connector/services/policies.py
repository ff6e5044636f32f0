"""A shop's policy in force: the newest stored version, or the built-in default."""

from __future__ import annotations

from connector.policy import Policy
from connector.policy.schema import fingerprint, policy_from_dict, policy_to_dict
from connector.store.uow import UnitOfWork

DEFAULT_POLICY = Policy(name="default")


def current_policy(uow: UnitOfWork, shop_id: str) -> Policy:
    stored = uow.policies(shop_id).current()
    if stored is None:
        return DEFAULT_POLICY
    return policy_from_dict(stored.document, source=f"shop {shop_id} policy v{stored.version}")


def set_policy(uow: UnitOfWork, shop_id: str, policy: Policy) -> int:
    """Store ``policy`` as the shop's new version (no-op when unchanged); returns the version in force."""
    return uow.policies(shop_id).add(policy_to_dict(policy), fingerprint(policy)).version
