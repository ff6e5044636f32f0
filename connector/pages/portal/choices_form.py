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
from dataclasses import dataclass, field, replace

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage, MultiDict

from connector.domain.money import Money
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import ResolutionKind
from connector.pages.formatting import format_money
from connector.pages.portal.draft import KEEP, MAX_NOTE, Draft, DraftLine
from connector.photos.ports import MAX_PER_RETURN
from connector.services.return_choices import MAX_SEARCH, LineChoices, ReturnChoices

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
    """The replacement chosen among the same item's sizes and colours (the select)."""
    picked: str = ""
    """The replacement chosen among another product search's results (the radios); wins over ``variant``."""
    search: str = ""
    """What the customer looked for among the shop's other products."""
    kept_photos: tuple[str, ...] = ()
    """Photos already stored for this line by an earlier pass (from the draft), kept unless new ones come."""
    files: list[FileStorage] = field(default_factory=list)

    def id(self, name: str) -> str:
        return field_id(self.index, name)

    def offered_outcomes(self) -> list[str]:
        """Every outcome the line can have for some reason (the reason's own are checked on send)."""
        allowed = self.choices.eligibility.allowed_outcomes
        offered = [kind.value for kind in ResolutionKind if kind in allowed]
        if ResolutionKind.EXCHANGE.value in offered and not self.choices.offers_exchange:
            offered.remove(ResolutionKind.EXCHANGE.value)  # nothing to exchange for now (the page says why)
        if self.choices.keep_offered:
            offered.append(KEEP)
        return offered

    @property
    def replacement_id(self) -> str:
        """The replacement asked: a search's result when one is picked, else the size or colour chosen."""
        return self.picked or self.variant

    @property
    def replacement_field(self) -> str:
        return self.id("pick") if self.picked else self.id("variant")


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
            if entry.variant and entry.choices.replacement(entry.variant) in entry.choices.found:
                entry.variant, entry.picked, entry.search = "", chosen.exchange_variant_id or "", entry.choices.search
    return form


def searches_in_draft(draft: Draft, choices: ReturnChoices) -> dict[str, str]:
    """The searches to run again to show a draft's replacements of another product: their product's title."""
    return {
        line.line_id: line.exchange_title[0]
        for line in draft.lines
        if line.exchange_product_id and _other_product(choices, line.line_id, line.exchange_product_id)
    }


def searches_sent(choices: ReturnChoices, data: MultiDict[str, str]) -> dict[str, str]:
    """The product searches the form sends, by order line id (the page names fields by line position)."""
    sent = {}
    for index, line in enumerate(choices.lines):
        text = data.get(field_id(index, "search"), "").strip()[:MAX_SEARCH]
        if text and line.other_products:
            sent[line.line.id] = text
    return sent


def _other_product(choices: ReturnChoices, line_id: str, product_id: str) -> bool:
    line = choices.line(line_id)
    return line is not None and line.other_products and line.line.product_id != product_id


def read_form(
    choices: ReturnChoices,
    data: MultiDict[str, str],
    files: MultiDict[str, FileStorage],
    earlier: Draft | None,
    *,
    checked: bool = True,
) -> ChoicesForm:
    """What was sent, every field shortened to what a genuine form can hold, and checked (not when ``checked``
    is False: a search sends the form to show the same choices again with its results, not to go on)."""
    form = blank_form(choices)
    kept = {line.line_id: line.photo_refs for line in earlier.lines} if earlier is not None else {}
    for entry in form.entries:
        entry.selected = data.get(entry.id("return")) == "1"
        entry.quantity = data.get(entry.id("qty"), "1")[:10]
        entry.reason = data.get(entry.id("reason"), "")[:40]
        entry.note = data.get(entry.id("note"), "")[: MAX_NOTE * 2]
        entry.outcome = data.get(entry.id("outcome"), "")[:40]
        entry.variant = data.get(entry.id("variant"), "")[:200]
        entry.picked = data.get(entry.id("pick"), "")[:200]
        entry.search = entry.choices.search or data.get(entry.id("search"), "")[:MAX_SEARCH]
        entry.files = [upload for upload in files.getlist(entry.id("photos")) if upload.filename]
        entry.kept_photos = kept.get(entry.choices.line.id, ())
    if checked:
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
    return tuple(_draft_line(entry, photos.get(entry.index, ())) for entry in form.selected)


def _draft_line(entry: LineEntry, photos: tuple[str, ...]) -> DraftLine:
    line = DraftLine(entry.choices.line.id, int(entry.quantity), entry.reason, entry.note.strip(), entry.outcome,
                     photo_refs=photos)
    chosen = entry.choices.replacement(entry.replacement_id)
    if entry.outcome != ResolutionKind.EXCHANGE.value or chosen is None:
        return line
    option = chosen.option
    return replace(line, exchange_variant_id=option.variant_id, exchange_product_id=option.product_id,
                   exchange_title=(option.product_title, option.variant_title))


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
    chosen = entry.choices.replacement(entry.replacement_id)
    field_name = entry.replacement_field
    if chosen is None:
        return {field_name: _("Choose the item you would like in exchange.")}
    option = chosen.option
    if not option.in_stock:
        return {field_name: _("This one is out of stock. Choose another one.")}
    if option.stock is not None and entry.quantity.isdigit() and int(entry.quantity) > option.stock:
        left = _("Only %(count)d left in stock. Choose fewer or another one.", count=option.stock)
        return {field_name: left}
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
