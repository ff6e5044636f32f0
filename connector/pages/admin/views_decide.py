"""The decisions on a return: approve (with an optional message to the customer), decline (with the message
the customer reads, required), cancel an approved return before anything has moved (an override of the
policy's decision: a reason is required), and internal notes (kept in the history, never shown to the
customer). Each through ``ReturnService`` under the agent's name.

Where the message goes: the decision's reason in the history (a decline's is the one the customer's tracking
page and the shop show). No e-mail is sent yet: notifications do not exist (``notifications/``).
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from connector.domain.events import Actor
from connector.pages.admin import bp
from connector.pages.admin.forms import read_text
from connector.pages.admin.return_page import Step, run_step
from connector.services.returns import Outcome, ReturnService

Use = Callable[[ReturnService, str, str, Actor, str], Outcome]
"""A use case of ``ReturnService`` taking the shop, the return, the agent and the text typed."""


def _with_text(shop_id: str, return_id: str, name: str, required: str | None, use: Use, done: str) -> (
    BaseResponse | tuple[str, int]
):
    """The text field ``name`` read (``required``: the sentence when it is empty), then ``use`` with it."""
    text, form = read_text(name, required)
    step: Step | None = None
    if text is not None:
        step = lambda service, actor: use(service, shop_id, return_id, actor, text)  # noqa: E731
    return run_step(shop_id, return_id, step, form, done)


@bp.post("/returns/<return_id>/approve")
def approve(shop_id: str, return_id: str) -> BaseResponse | tuple[str, int]:
    return _with_text(shop_id, return_id, "approve_message", None, ReturnService.approve, "approved")


@bp.post("/returns/<return_id>/decline")
def decline(shop_id: str, return_id: str) -> BaseResponse | tuple[str, int]:
    required = _("Write the message the customer will read: why it is declined.")
    return _with_text(shop_id, return_id, "decline_message", required, ReturnService.decline, "declined")


@bp.post("/returns/<return_id>/cancel")
def cancel(shop_id: str, return_id: str) -> BaseResponse | tuple[str, int]:
    required = _("Say why the approval is overridden: it is kept in the history.")
    return _with_text(shop_id, return_id, "cancel_reason", required, ReturnService.cancel, "canceled")


@bp.post("/returns/<return_id>/notes")
def add_note(shop_id: str, return_id: str) -> BaseResponse | tuple[str, int]:
    return _with_text(shop_id, return_id, "note", _("Write the note."), ReturnService.add_note, "noted")
