"""The KPI form: declared once, built, read and pre-filled from that declaration."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from cards import verbs
from cards.elements import Element, card, execute, heading, paragraph
from cards.forms import Field, Form, FormResult, Kind, enum_choice, translate
from cards.i18n import Language, text
from cards.locale_format import ValueParseError, format_decimal, parse_number
from cards.origin import FRESH, Origin, cancel_action
from okr.authoring import TITLE_MAX, Context, KpiInput, check_kpi
from okr.models import Comparison

KPI_FORM = Form(
    items=(
        Field(
            "title",
            Kind.TEXT,
            "field.kpi.title",
            max_length=TITLE_MAX,
            required=True,
            error="form.required.kpi_title",
            stored=lambda k, _: k.title,
        ),
        Field(
            "comparison",
            Kind.CHOICE,
            "field.kpi.comparison",
            options=Comparison,
            default=Comparison.AT_LEAST.value,
            stored=lambda k, _: k.comparison.value,
        ),
        Field(
            "threshold",
            Kind.TEXT,
            "field.kpi.threshold",
            stored=lambda k, lang: format_decimal(k.threshold, lang, max_fraction_digits=6),
        ),
        Field(
            "current",
            Kind.TEXT,
            "field.kpi.current",
            stored=lambda k, lang: (
                "" if k.current is None else format_decimal(k.current, lang, max_fraction_digits=6)
            ),
        ),
        Field("unit", Kind.TEXT, "field.kpi.unit", max_length=30, stored=lambda k, _: k.unit),
        Field(
            "owner",
            Kind.CHOICE,
            "field.kpi.owner",
            none_option="field.owner.none",
            stored=lambda k, _: k.owner_id or "",
        ),
    )
)


def kpi_form(
    lang: Language,
    values: Mapping[str, str],
    problems: Mapping[str, str],
    members: Sequence[tuple[str, str]],
    *,
    kpi_id: str | None = None,
    origin: Origin = FRESH,
) -> Element:
    """The form to add a KPI (a health metric watched beside the OKRs) or update one."""
    body: list[Element] = [
        heading(text(lang, "form.kpi.edit" if kpi_id else "form.kpi.new")),
        paragraph(text(lang, "form.kpi.hint"), isSubtle=True),
    ]
    body += KPI_FORM.summary(lang, problems)
    body += KPI_FORM.inputs(lang, values, problems, {"owner": members})
    data: dict[str, Any] = {"kpi_id": kpi_id, **origin.data()} if kpi_id else origin.data()
    save = execute(text(lang, "action.save"), verbs.KPI_SAVE, data, style="positive")
    return card(body, [save, cancel_action(lang, origin)])


def read_kpi_form(
    data: Mapping[str, Any], lang: Language, context: Context
) -> FormResult[KpiInput]:
    """Read and check the KPI form."""
    values = KPI_FORM.raw(data)
    problems: dict[str, str] = {}
    comparison = enum_choice(Comparison, values["comparison"], Comparison.AT_LEAST)
    if comparison is None:
        problems["comparison"] = text(lang, "validation.invalid_choice")
    numbers: dict[str, Decimal | None] = {}
    for name in ("threshold", "current"):
        numbers[name] = None
        if values[name].strip():
            try:
                numbers[name] = parse_number(values[name], lang)
            except ValueParseError as exc:
                problems[name] = exc.message(lang)
    parsed = KpiInput(
        title=values["title"].strip(),
        threshold=numbers["threshold"],
        comparison=comparison or Comparison.AT_LEAST,
        current=numbers["current"],
        unit=values["unit"].strip(),
        owner_id=values["owner"] or None,
    )
    for name, found in check_kpi(parsed, context).items():
        problems.setdefault(name, translate(lang, found))
    return FormResult(values, parsed, problems)
