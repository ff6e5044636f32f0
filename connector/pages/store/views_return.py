"""A return at the counter: its order, customer, method, lines (quantities, reasons, photos), state and parcel,
and the two things staff do there, each through ``ReturnService`` under the signed-in key's name:

- receive: every unit still expected with one button, or a count per line (a parcel may hold part of it);
- inspect, line by line: the item's condition and what becomes of it (back to stock, disposed of, missing).

A form with a mistake comes back with the field marked and a sentence in the staff's language (422); a step the
return's state forbids (a return not approved yet, or closed) says so (409). A success goes back to the return
(303), with a line saying what was recorded.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from connector.domain.errors import IllegalTransition, InvalidReturn
from connector.domain.events import Actor
from connector.pages.store import bp
from connector.pages.store.current import container
from connector.pages.store.forms import form_token, form_token_valid, session_subject
from connector.pages.store.return_forms import ReturnForms, read_inspection, read_receipt
from connector.pages.store.session import StaffSession, current_staff, staff_required
from connector.services.returns import Outcome, ReturnNotFound, ReturnService
from connector.services.store_counter import CounterReturn, counter_return

DONE = ("received", "inspected")
Step = Callable[[ReturnService, Actor], Outcome]
"""A use case of ``ReturnService`` on this return, waiting for the service and the staff's name."""


def _counter(shop_id: str, return_id: str) -> CounterReturn:
    found = counter_return(container(), shop_id, return_id)
    if found is None:
        raise ReturnNotFound(return_id)
    return found


def _staff() -> StaffSession:
    staff = current_staff()
    assert staff is not None  # staff_required ran
    return staff


@bp.get("/returns/<return_id>")
@staff_required
def return_page(shop_id: str, return_id: str) -> str:
    done = request.args.get("done")
    return _page(shop_id, _counter(shop_id, return_id), ReturnForms(), done if done in DONE else None)


@bp.post("/returns/<return_id>/receive")
@staff_required
def receive(shop_id: str, return_id: str) -> BaseResponse | tuple[str, int]:
    def read(counter: CounterReturn) -> tuple[Step | None, ReturnForms]:
        quantities, form = read_receipt(counter)
        if form.errors or form.problem:
            return None, form
        return lambda service, actor: service.receive(shop_id, return_id, actor, quantities), form

    return _step(shop_id, return_id, read, "received")


@bp.post("/returns/<return_id>/inspect")
@staff_required
def inspect(shop_id: str, return_id: str) -> BaseResponse | tuple[str, int]:
    def read(counter: CounterReturn) -> tuple[Step | None, ReturnForms]:
        found, form = read_inspection(counter)
        if found is None:
            return None, form
        return lambda service, actor: service.inspect(
            shop_id, return_id, actor, found.line.line.id, found.condition, found.disposition, found.note
        ), form

    return _step(shop_id, return_id, read, "inspected")


def _step(
    shop_id: str, return_id: str, read: Callable[[CounterReturn], tuple[Step | None, ReturnForms]], done: str
) -> BaseResponse | tuple[str, int]:
    """One form of the page: its token checked, its fields read (``read`` answers the use case to run, or None
    with the fields marked), the use case run under the staff's name, then back to the return (303)."""
    counter = _counter(shop_id, return_id)
    if not form_token_valid(shop_id, session_subject(_staff())):
        return _expired(shop_id, counter)
    step, form = read(counter)
    if step is None:
        return _page(shop_id, counter, form), 422
    try:
        step(ReturnService(container()), _staff().actor)
    except (IllegalTransition, InvalidReturn) as exc:
        return _refused(shop_id, return_id, form, exc)
    return redirect(url_for("store.return_page", shop_id=shop_id, return_id=return_id, done=done), 303)


def _expired(shop_id: str, counter: CounterReturn) -> tuple[str, int]:
    form = ReturnForms(problem=_("This form was open for too long. Please send it again."))
    return _page(shop_id, counter, form), 400


def _refused(shop_id: str, return_id: str, form: ReturnForms, exc: Exception) -> tuple[str, int]:
    """The return as it is now (another counter may have moved it), and why this step cannot be taken."""
    counter = _counter(shop_id, return_id)
    if isinstance(exc, IllegalTransition):
        form.problem = _("This cannot be done while the return is in this state. Its state is shown below.")
    else:
        form.problem = _("The return has changed since this page was opened. Check it below and try again.")
    form.errors.clear()
    return _page(shop_id, counter, form), 409


def _page(shop_id: str, counter: CounterReturn, form: ReturnForms, done: str | None = None) -> str:
    return render_template(
        "store/return.html",
        counter=counter,
        ret=counter.request,
        form=form,
        done=done,
        csrf=form_token(shop_id, session_subject(_staff())),
        page_title=_("Return %(number)s", number=counter.request.id),
    )
