"""Saving the policy form: the draft becomes the shop's next policy version, the one every new return is judged
by from the next request on (``current_policy`` reads the version in force each time).

Why the version the form was opened on is checked: two people editing the policy at once would otherwise each
save over the other without knowing; the second one is told, and sees the policy now in force. A draft equal to
the policy in force stores nothing (``PolicyRepository.add``) and says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from connector.domain.events import Actor
from connector.errors import ConnectorError
from connector.policy.model import Policy
from connector.services.deps import Deps
from connector.services.policies import current_policy, set_policy

log = logging.getLogger("connector.policy_settings")


class PolicyChanged(ConnectorError):
    """The policy was saved by someone else since the form was opened (at ``base_version``)."""

    def __init__(self, base_version: int, in_force: int) -> None:
        super().__init__(f"the policy is at version {in_force}, the form was opened on version {base_version}")
        self.base_version = base_version
        self.in_force = in_force


@dataclass(frozen=True, slots=True)
class SavedPolicy:
    version: int
    changed: bool
    """False when the draft was the policy in force already: no version was added."""


def policy_version(deps: Deps, shop_id: str) -> int:
    """The version in force, 0 while the shop has the built-in default."""
    return policy_in_force(deps, shop_id)[1]


def policy_in_force(deps: Deps, shop_id: str) -> tuple[Policy, int]:
    """The policy in force and its version (0: the built-in default), read together."""
    with deps.uow() as uow:
        uow.shops.get(shop_id)  # an unknown shop fails here, loudly
        stamp = uow.policies(shop_id).current_stamp()
        policy = current_policy(uow, shop_id)
    return policy, 0 if stamp is None else stamp.version


def save_policy(deps: Deps, shop_id: str, draft: Policy, base_version: int, actor: Actor) -> SavedPolicy:
    """Store ``draft`` as the next version, when the version in force is still ``base_version``; else
    ``PolicyChanged`` (nothing is stored)."""
    try:
        with deps.uow() as uow:
            uow.shops.get(shop_id)  # an unknown shop fails here, loudly
            stamp = uow.policies(shop_id).current_stamp()
            in_force = 0 if stamp is None else stamp.version
            if in_force != base_version:
                raise PolicyChanged(base_version, in_force)
            version = set_policy(uow, shop_id, draft)
            uow.commit()
    except IntegrityError as exc:  # another save took the same version number between our read and write
        raise PolicyChanged(base_version, base_version + 1) from exc
    saved = SavedPolicy(version, version != in_force)
    log.info(
        "policy.saved" if saved.changed else "policy.unchanged",
        extra={"shop_id": shop_id, "version": version, "actor": str(actor)},
    )
    return saved
