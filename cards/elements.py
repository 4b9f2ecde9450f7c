"""Small builders for Adaptive Card elements, so card modules read like the card.

Cards target schema 1.5 (the highest Teams renders everywhere). Every builder
returns plain dicts; nothing here knows the OKR domain. Text that reaches a
TextBlock or a fact is shown as typed unless it is our own Markdown
(:mod:`cards.markdown`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from cards.i18n import Language
from cards.locale_format import format_progress
from cards.markdown import safe

CARD_VERSION = "1.5"
# Carried in every action's data: lets the bot recognise cards sent by an older
# version and answer them with "this card is out of date" instead of guessing.
CARD_SCHEMA = 1

Element = dict[str, Any]


def card(body: Iterable[Element], actions: Iterable[Element] = ()) -> Element:
    """A whole card, full width in Teams."""
    result: Element = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": [e for e in body if e],
        "msteams": {"width": "Full"},
    }
    listed = list(actions)
    if listed:
        result["actions"] = listed
    return result


def heading(text: str, size: str = "Large") -> Element:
    """A bold title."""
    return {"type": "TextBlock", "text": safe(text), "size": size, "weight": "Bolder", "wrap": True}


def paragraph(text: str, **style: Any) -> Element:
    """Wrapped text; ``style`` adds TextBlock properties (``isSubtle``, ``color``...)."""
    return {"type": "TextBlock", "text": safe(text), "wrap": True, **style}


def error_text(text: str) -> Element:
    """A problem shown under the field it concerns."""
    return {
        "type": "TextBlock",
        "text": safe(text),
        "wrap": True,
        "color": "Attention",
        "size": "Small",
        "spacing": "None",
    }


def facts(pairs: Iterable[tuple[str, str]]) -> Element:
    """A FactSet of label/value pairs."""
    return {
        "type": "FactSet",
        "facts": [{"title": safe(t), "value": safe(v)} for t, v in pairs],
    }


def text_input(
    id: str,
    label: str,
    value: str = "",
    *,
    placeholder: str = "",
    multiline: bool = False,
    max_length: int | None = None,
    required: bool = False,
    error_message: str = "",
) -> Element:
    """An Input.Text with a label; a required one says in ``error_message`` what to enter."""
    element: Element = {"type": "Input.Text", "id": id, "label": label, "value": value}
    if placeholder:
        element["placeholder"] = placeholder
    if multiline:
        element["isMultiline"] = True
    if max_length is not None:
        element["maxLength"] = max_length
    if required:
        element["isRequired"] = True
        element["errorMessage"] = error_message or label
    return element


def date_input(id: str, label: str, value: str = "") -> Element:
    """An Input.Date (value as YYYY-MM-DD)."""
    return {"type": "Input.Date", "id": id, "label": label, "value": value}


def choice_input(
    id: str,
    label: str,
    choices: Sequence[tuple[str, str]],
    value: str = "",
    *,
    compact: bool = True,
    filtered: bool = False,
) -> Element:
    """An Input.ChoiceSet of ``(title, value)`` choices."""
    style = "filtered" if filtered else ("compact" if compact else "expanded")
    element: Element = {
        "type": "Input.ChoiceSet",
        "id": id,
        "label": label,
        "style": style,
        "choices": [{"title": t, "value": v} for t, v in choices],
    }
    if style == "expanded":
        element["wrap"] = True  # a long choice on a phone: on two lines, not cut
    if value:
        element["value"] = value
    return element


def execute(title: str, verb: str, data: Mapping[str, Any] | None = None, **extra: Any) -> Element:
    """An Action.Execute carrying ``verb`` and ``data`` (plus the card schema number)."""
    return {
        "type": "Action.Execute",
        "title": title,
        "verb": verb,
        "data": {"schema": CARD_SCHEMA, **(data or {})},
        **extra,
    }


def progress_bar(fraction: float, width: int = 10) -> str:
    """A text progress bar such as ``▰▰▰▰▱▱▱▱▱▱``: renders everywhere, costs few bytes."""
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "▰" * filled + "▱" * (width - filled)


def progress_text(fraction: float, lang: Language) -> str:
    """A bar and the percentage for the reader's locale: ``▰▰▰▰▱▱▱▱▱▱ 42%``."""
    return f"{progress_bar(fraction)} {format_progress(fraction, lang)}"


def checked(input_: Element, problems: Mapping[str, str], *after: Element) -> list[Element]:
    """An input (and what follows it) with its problem shown under it, when it has one."""
    return with_problem([input_, *after], input_["id"], problems)


def with_problem(elements: list[Element], field: str, problems: Mapping[str, str]) -> list[Element]:
    """``elements`` followed by the problem text for ``field``, when there is one."""
    message = problems.get(field)
    return [*elements, error_text(message)] if message else elements


def beside(
    main: list[Element], side: list[Element], *, spacing: str | None = None, centred: bool = True
) -> Element:
    """``main`` with ``side`` (badges, a button) in a narrow column to its right.

    ``centred``: the side column is centred on the main one's height.
    """
    side_column: Element = {"type": "Column", "width": "auto", "items": side}
    if centred:
        side_column["verticalContentAlignment"] = "Center"
    element: Element = {
        "type": "ColumnSet",
        "columns": [{"type": "Column", "width": "stretch", "items": main}, side_column],
    }
    if spacing is not None:
        element["spacing"] = spacing
    return element


def with_action(element: Element, action: Element) -> Element:
    """``element`` with a small button to its right (e.g. an Edit next to a line)."""
    return beside([element], [{"type": "ActionSet", "actions": [action]}], centred=False)
