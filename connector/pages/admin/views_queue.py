"""The queue (``GET /admin/<shop_id>/``): the shop's returns, newest first, with the count of each status,
the filters and the search of ``queue_form``, a page at a time (``services.return_queue``: keyset pages, fast
at any depth); and the bulk steps on the returns ticked in it (``POST /admin/<shop_id>/bulk``): approve the
ones waiting for review, or receive every unit still expected. Each return of a bulk step goes through
``ReturnService`` on its own, under the agent's name; one that cannot take the step (someone moved it) is
skipped and named, the others done.
"""

from __future__ import annotations

import re
from typing import Final

from flask import redirect, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from connector.domain.errors import IllegalTransition, InvalidReturn
from connector.domain.events import Actor
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import ReturnMethod
from connector.pages.admin import bp
from connector.pages.admin.auth import current_admin
from connector.pages.admin.current import container, current_shop
from connector.pages.admin.links import admin_url
from connector.pages.admin.queue_form import FIELDS, QueueForm, read_queue_form
from connector.services.admin_return import admin_return
from connector.services.return_queue import QueuePage, queue_page
from connector.services.returns import ReturnNotFound, ReturnService
from connector.store.errors import ConcurrentUpdate

BULK_MAX: Final = 100
"""As many as the largest page: a bulk step acts on returns the agent saw ticked."""
BULK_STEPS: Final = ("approve", "receive")
_NUMBER: Final = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@bp.get("/")
def queue(shop_id: str) -> tuple[str, int]:
    shop = current_shop()
    assert shop is not None  # the layout found it
    form = read_queue_form(shop.currency)
    box = container()
    with box.uow() as uow:
        page = queue_page(uow, shop_id, form.query, box.clock())
    return _page(shop_id, form, page), 422 if form.errors else 200


def _page(shop_id: str, form: QueueForm, page: QueuePage) -> str:
    skipped = [n for n in request.args.get("skipped", "").split(",") if _NUMBER.match(n)][:BULK_MAX]
    done = request.args.get("bulk") if request.args.get("bulk") in BULK_STEPS else None
    return render_template(
        "admin/queue.html",
        form=form,
        page=page,
        bulk_done=done,
        bulk_count=int(request.args["ok"]) if request.args.get("ok", "").isdigit() else 0,
        bulk_skipped=skipped,
        bulk_failed=request.args.get("failed") == "1",
        queue_link=lambda **changes: admin_url("admin.queue", shop_id=shop_id, **form.link_args(**changes)),
        reasons=[reason.value for reason in ReasonCode],
        methods=[method.value for method in ReturnMethod],
        page_title=_("Returns"),
    )


@bp.post("/bulk")
def bulk(shop_id: str) -> BaseResponse:
    """The step on each ticked return, then back to the queue as it was filtered, saying what was done."""
    step = request.form.get("step", "")
    ids = [i for i in dict.fromkeys(request.form.getlist("ids")) if _NUMBER.match(i)][:BULK_MAX]
    back = {name: request.form.get(name, "")[:400] for name in FIELDS if request.form.get(name)}
    if step not in BULK_STEPS or not ids:
        return redirect(admin_url("admin.queue", shop_id=shop_id, **back, failed="1"), 303)
    actor = current_admin(shop_id).actor
    done, skipped = 0, []
    for return_id in ids:
        if _one(shop_id, return_id, step, actor):
            done += 1
        else:
            skipped.append(return_id)
    answer = {"bulk": step, "ok": str(done), "skipped": ",".join(skipped)}
    return redirect(admin_url("admin.queue", shop_id=shop_id, **back, **answer), 303)


def _one(shop_id: str, return_id: str, step: str, actor: Actor) -> bool:
    """One return of a bulk step; False when it could not take it (its state, nothing expected, gone)."""
    service = ReturnService(container())
    try:
        if step == "approve":
            service.approve(shop_id, return_id, actor)
            return True
        found = admin_return(container(), shop_id, return_id)
        expected = {x.line.id: x.awaited for x in found.lines if x.awaited} if found and found.receivable else {}
        if not expected:
            return False
        service.receive(shop_id, return_id, actor, expected)
        return True
    except (IllegalTransition, InvalidReturn, ReturnNotFound, ConcurrentUpdate):
        return False
