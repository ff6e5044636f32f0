"""The "choose items" form (screen 2): what the customer entered per line, read back and checked against what
the screen offered (``connector.services.return_choices``), and turned into the draft's lines.

Why check here what the policy checks again on create: every wrong value must come back to its field, in the
customer's language, before they move on (a quantity over what is left, a reason missing, an outcome the
policy does not give for that reason, a replacement out of stock). The policy still decides on create; this
only keeps the customer from walking into a refusal two screens later.

Field names carry the line's position on the page (``l0-qty``), not its id: the id is the shop's, and goes
into no HTML attribute.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage, MultiDict

from connector.domain.money import Money
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import ResolutionKind
from connector.pages.formatting import format_money
from connector.pages.portal.draft import KEEP, MAX_NOTE, Draft, DraftLine
from connector.photos.ports import MAX_PER_RETURN
from connector.services.return_choices import LineChoices, ReturnChoices

Errors = dict[str, str]
"""Message by field id: the summary links to each field, the field points at its message."""


def field_id(index: int, name: str) -> str:
    return f"l{index}-{name}"


@dataclass
class LineEntry:
    """One returnable line as the customer filled it in (text as sent, shown back as is)."""

    index: int
    choices: LineChoices
    selected: bool = False
    quantity: str = "1"
    reason: str = ""
    note: str = ""
    outcome: str = ""
    variant: str = ""
    kept_photos: tuple[str, ...] = ()
    """Photos already stored for this line by an earlier pass (from the draft), kept unless new ones come."""
    files: list[FileStorage] = field(default_factory=list)

    def id(self, name: str) -> str:
        return field_id(self.index, name)

    def offered_outcomes(self) -> list[str]:
        """Every outcome the line can have for some reason (the reason's own are checked on send)."""
        allowed = self.choices.eligibility.allowed_outcomes
        offered = [kind.value for kind in ResolutionKind if kind in allowed]
        if ResolutionKind.EXCHANGE.value in offered and not self.choices.exchanges:
            offered.remove(ResolutionKind.EXCHANGE.value)  # nothing to exchange for now (the page says why)
        if self.choices.keep_offered:
            offered.append(KEEP)
        return offered


@dataclass
class ChoicesForm:
    entries: list[LineEntry]
    errors: Errors = field(default_factory=dict)
    problem: str | None = None

    @property
    def selected(self) -> list[LineEntry]:
        return [entry for entry in self.entries if entry.selected]


def blank_form(choices: ReturnChoices) -> ChoicesForm:
    """Nothing ticked; each line's outcome preset to the first offered (a refund when there is one), so a
    customer who wants the usual answer has one field less to fill."""
    form = ChoicesForm(_entries(choices))
    for entry in form.entries:
        offered = entry.offered_outcomes()
        entry.outcome = offered[0] if offered else ""
    return form


def form_from_draft(choices: ReturnChoices, draft: Draft) -> ChoicesForm:
    """The form as the customer left it, when they come back from a later screen to change their choices."""
    form = blank_form(choices)
    by_line = {line.line_id: line for line in draft.lines}
    for entry in form.entries:
        chosen = by_line.get(entry.choices.line.id)
        if chosen is not None:
            entry.selected = True
            entry.quantity = str(chosen.quantity)
            entry.reason, entry.note, entry.outcome = chosen.reason, chosen.note, chosen.outcome
            entry.variant = chosen.exchange_variant_id or ""
            entry.kept_photos = chosen.photo_refs
    return form


def read_form(
    choices: ReturnChoices, data: MultiDict[str, str], files: MultiDict[str, FileStorage], earlier: Draft | None
) -> ChoicesForm:
    """What was sent, every field shortened to what a genuine form can hold, and checked."""
    form = blank_form(choices)
    kept = {line.line_id: line.photo_refs for line in earlier.lines} if earlier is not None else {}
    for entry in form.entries:
        entry.selected = data.get(entry.id("return")) == "1"
        entry.quantity = data.get(entry.id("qty"), "1")[:10]
        entry.reason = data.get(entry.id("reason"), "")[:40]
        entry.note = data.get(entry.id("note"), "")[: MAX_NOTE * 2]
        entry.outcome = data.get(entry.id("outcome"), "")[:40]
        entry.variant = data.get(entry.id("variant"), "")[:200]
        entry.files = [upload for upload in files.getlist(entry.id("photos")) if upload.filename]
        entry.kept_photos = kept.get(entry.choices.line.id, ())
    form.errors = check(form, choices)
    return form


def check(form: ChoicesForm, choices: ReturnChoices) -> Errors:
    errors: Errors = {}
    if not form.selected:
        first = form.entries[0].id("return") if form.entries else "lines"
        errors[first] = _("Choose at least one item to return.")
        return errors
    for entry in form.selected:
        errors.update(_line_errors(entry))
    errors.update(_keep_errors(form.selected, choices.keep_below))
    errors.update(_photo_count_errors(form.selected))
    return errors


def draft_lines(form: ChoicesForm, photos: Mapping[int, tuple[str, ...]]) -> tuple[DraftLine, ...]:
    """The checked form as the draft's lines; ``photos`` are the stored references by entry index."""
    return tuple(
        DraftLine(
            line_id=entry.choices.line.id,
            quantity=int(entry.quantity),
            reason=entry.reason,
            note=entry.note.strip(),
            outcome=entry.outcome,
            exchange_variant_id=entry.variant if entry.outcome == ResolutionKind.EXCHANGE.value else None,
            photo_refs=photos.get(entry.index, ()),
        )
        for entry in form.selected
    )


def _entries(choices: ReturnChoices) -> list[LineEntry]:
    return [LineEntry(index, line) for index, line in enumerate(choices.lines) if line.returnable]


def _line_errors(entry: LineEntry) -> Errors:
    errors: Errors = {}
    most = entry.choices.eligibility.returnable_quantity
    if not entry.quantity.isdigit() or not 1 <= int(entry.quantity) <= most:
        errors[entry.id("qty")] = _("Choose a quantity from 1 to %(most)d.", most=most)
    reason = _reason(entry.reason)
    if reason is None:
        errors[entry.id("reason")] = _("Choose why you are returning this item.")
    if len(entry.note.strip()) > MAX_NOTE:
        errors[entry.id("note")] = _("Keep the note under %(max)d characters.", max=MAX_NOTE)
    errors.update(_outcome_errors(entry, reason))
    if entry.files and reason is not None and not reason.takes_photos:
        errors[entry.id("photos")] = _("Photos are only for an item that is damaged, defective or not as described.")
    return errors


def _outcome_errors(entry: LineEntry, reason: ReasonCode | None) -> Errors:
    outcome_id = entry.id("outcome")
    if entry.outcome not in entry.offered_outcomes():
        return {outcome_id: _("Choose what you would like instead.")}
    paid_as = ResolutionKind.REFUND if entry.outcome == KEEP else ResolutionKind(entry.outcome)
    if reason is not None and paid_as not in entry.choices.outcomes_for(reason):
        return {outcome_id: _("This choice is not offered for the reason you gave. Choose another one.")}
    if entry.outcome == ResolutionKind.EXCHANGE.value:
        return _variant_errors(entry)
    return {}


def _variant_errors(entry: LineEntry) -> Errors:
    option = next((o.option for o in entry.choices.exchanges if o.option.variant_id == entry.variant), None)
    if option is None:
        return {entry.id("variant"): _("Choose the item you would like in exchange.")}
    if not option.in_stock:
        return {entry.id("variant"): _("This one is out of stock. Choose another one.")}
    if option.stock is not None and entry.quantity.isdigit() and int(entry.quantity) > option.stock:
        left = _("Only %(count)d left in stock. Choose fewer or another one.", count=option.stock)
        return {entry.id("variant"): left}
    return {}


def _keep_errors(selected: Sequence[LineEntry], keep_below: Money | None) -> Errors:
    """Keeping the goods is granted for a whole return: all lines or none, and worth less than the threshold."""
    kept = [entry for entry in selected if entry.outcome == KEEP]
    if not kept:
        return {}
    if len(kept) != len(selected):
        return {entry.id("outcome"): _("To keep an item, every item of this return must be kept.") for entry in kept}
    if keep_below is None:
        return {}
    quantities = [int(entry.quantity) if entry.quantity.isdigit() else 1 for entry in kept]
    value = Money.sum(
        (entry.choices.line.paid_for(q) for entry, q in zip(kept, quantities, strict=True)), keep_below.currency
    )
    if value < keep_below:
        return {}
    message = _("Items can be kept only when the return is worth less than %(amount)s.", amount=_money(keep_below))
    return {entry.id("outcome"): message for entry in kept}


def _photo_count_errors(selected: Sequence[LineEntry]) -> Errors:
    total = sum(len(entry.files) or len(entry.kept_photos) for entry in selected)
    if total <= MAX_PER_RETURN:
        return {}
    last = next(entry for entry in reversed(selected) if entry.files or entry.kept_photos)
    return {last.id("photos"): _("A return takes at most %(max)d photos.", max=MAX_PER_RETURN)}


def _reason(value: str) -> ReasonCode | None:
    try:
        return ReasonCode(value)
    except ValueError:
        return None


def _money(amount: Money) -> str:
    return format_money(amount)
