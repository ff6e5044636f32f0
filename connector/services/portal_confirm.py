"""The portal's Confirm button: open the return once, however many times the form is sent.

Why: a customer on a slow phone taps Confirm twice, or reloads the page the POST answered, or goes back and
confirms again. Each of those must land on the same return, not open a second one. The form carries the draft's
id (made once, on the "choose items" screen), so it is the idempotency key, claimed the way the JSON API claims an
``Idempotency-Key`` (``connector.store.idempotency_repo``, committed before the return is opened): the first
submit opens the return and records its id; a later one finds that id and opens nothing; one arriving while the
first still runs is told to wait.

A hand-made POST reaches this use case as easily as the review page's button, so the button being hidden is not
what refuses a return: before opening anything, the return is quoted again exactly as the review page quoted it
(``connector.services.portal_quote``), and one the policy would decline, or a keep-the-item it would refuse,
opens nothing and frees the draft.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from connector.domain.events import Actor
from connector.domain.resolutions import ReturnMethod
from connector.policy.model import Decision
from connector.services.deps import Deps
from connector.services.draft_photos import record_draft_photos
from connector.services.portal_quote import Quote, quote_return
from connector.services.portal_return import AskedLine, ask_for_return
from connector.services.returns import KeepItemRefused
from connector.services.shipments import LogisticsChoice
from connector.store.idempotency_repo import ClaimState

SCOPE: Final = "portal-confirm"
KEPT_FOR: Final = timedelta(hours=24)
"""Longer than a draft lives (2 hours): while the form can still be sent, its first answer is remembered."""
STALE_AFTER: Final = timedelta(minutes=5)
"""A confirm that never finished (the process was killed) frees its key after this long."""
OPENED: Final = 201


class Confirmation(enum.StrEnum):
    OPENED = "opened"
    """Opened by this submit."""
    ALREADY_OPENED = "already_opened"
    """Opened by an earlier submit of the same draft: nothing new was opened."""
    IN_PROGRESS = "in_progress"
    """An earlier submit of the same draft is opening it right now."""
    KEEP_ITEM_REFUSED = "keep_item_refused"
    """The customer asked to keep the goods and the policy does not grant it: nothing was opened."""
    DECLINED = "declined"
    """The policy declines the return as asked: nothing was opened."""


@dataclass(frozen=True, slots=True)
class Confirmed:
    status: Confirmation
    return_id: str | None = None
    refused: KeepItemRefused | None = None
    quote: Quote | None = None
    """The quote that refused the return (``DECLINED``, and ``KEEP_ITEM_REFUSED`` when the quote saw it), for the
    review page to show again with its reason."""


def confirm_return(
    deps: Deps,
    shop_id: str,
    order_id: str,
    draft_id: str,
    asked: Sequence[AskedLine],
    method: ReturnMethod,
    actor: Actor,
    *,
    keep_item: bool,
    photos: Mapping[str, Sequence[str]] | None = None,
    logistics: LogisticsChoice | None = None,
) -> Confirmed:
    """Open the return of draft ``draft_id`` unless a submit of that draft already did.

    The key covers the draft, not its content: going back to change the method and confirming again after the
    return was opened finds that return, it does not open another. Errors (``InvalidLines``, a shop that cannot
    be asked) free the key, so the corrected form can be sent again. ``photos`` are the draft's stored photos
    (``connector.services.draft_photos``) by order line, recorded on the return once it is opened. ``logistics``
    is the relay point or pickup window picked, kept on the return's shipment as it opens.
    """
    fingerprint = draft_fingerprint(shop_id, order_id, draft_id)
    with deps.uow() as uow:
        claim = uow.idempotency(shop_id).claim(SCOPE, draft_id, fingerprint, deps.clock(), KEPT_FOR, STALE_AFTER)
        uow.commit()
    if claim.state is ClaimState.REPLAY and claim.body:
        return Confirmed(Confirmation.ALREADY_OPENED, claim.body)
    if claim.state is not ClaimState.STARTED:
        return Confirmed(Confirmation.IN_PROGRESS)
    try:
        quote = quote_return(deps, shop_id, order_id, asked, method, keep_item=keep_item)
        if not quote.opens:
            _release(deps, shop_id, draft_id)
            refused = quote.keep_item_refused is not None and quote.decision is not Decision.DECLINE
            status = Confirmation.KEEP_ITEM_REFUSED if refused else Confirmation.DECLINED
            return Confirmed(status, quote=quote)
        done = ask_for_return(deps, shop_id, order_id, asked, method, actor, keep_item=keep_item, logistics=logistics)
    except BaseException:
        _release(deps, shop_id, draft_id)
        raise
    if done.outcome is None:
        _release(deps, shop_id, draft_id)
        return Confirmed(Confirmation.KEEP_ITEM_REFUSED, refused=done.refused)
    return_id = done.outcome.request.id
    with deps.uow() as uow:
        uow.idempotency(shop_id).finish(SCOPE, draft_id, OPENED, return_id)
        uow.commit()
    if photos:
        record_draft_photos(deps, shop_id, return_id, photos)
    return Confirmed(Confirmation.OPENED, return_id)


def draft_fingerprint(shop_id: str, order_id: str, draft_id: str) -> str:
    """What makes two submits "the same": the draft, whatever it now says (see ``confirm_return``)."""
    return hashlib.sha256(f"{shop_id}\n{order_id}\n{draft_id}".encode()).hexdigest()


def _release(deps: Deps, shop_id: str, draft_id: str) -> None:
    with deps.uow() as uow:
        uow.idempotency(shop_id).release(SCOPE, draft_id)
        uow.commit()
