"""One return (``GET /admin/<shop_id>/returns/<return_id>``) and the steps taken on its goods: receive (every
unit expected, or a count per line) and inspect one line (condition, and restock, dispose or missing). The
forms are read as the store counter reads them (``connector.pages.store.return_forms``); the steps are
``ReturnService``'s, under the agent's name."""

from __future__ import annotations

from flask import request
from werkzeug.wrappers import Response as BaseResponse

from connector.pages.admin import bp
from connector.pages.admin.return_page import Step, load, render_return, run_step
from connector.pages.store.return_forms import read_inspection, read_receipt


@bp.get("/returns/<return_id>")
def return_page(shop_id: str, return_id: str) -> str:
    return render_return(load(shop_id, return_id), done=request.args.get("done"))


@bp.post("/returns/<return_id>/receive")
def receive(shop_id: str, return_id: str) -> BaseResponse | tuple[str, int]:
    quantities, form = read_receipt(load(shop_id, return_id).as_counter())
    step: Step | None = None
    if not form.errors and not form.problem:
        step = lambda service, actor: service.receive(shop_id, return_id, actor, quantities)  # noqa: E731
    return run_step(shop_id, return_id, step, form, "received")


@bp.post("/returns/<return_id>/inspect")
def inspect(shop_id: str, return_id: str) -> BaseResponse | tuple[str, int]:
    found, form = read_inspection(load(shop_id, return_id).as_counter())
    step: Step | None = None
    if found is not None:
        step = lambda service, actor: service.inspect(  # noqa: E731
            shop_id, return_id, actor, found.line.line.id, found.condition, found.disposition, found.note
        )
    return run_step(shop_id, return_id, step, form, "inspected")
