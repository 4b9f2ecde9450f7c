"""The card checks, as functions: Microsoft's library, and Teams' own limits.

Used by ``test_card_checks.py`` on every registered card, and by
``test_card_checks_harness.py`` on deliberately broken cards, which proves each
check can fail.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from microsoft_teams.cards import (
    Badge,
    DonutChart,
    GaugeChart,
    HorizontalBarChart,
    LineChart,
    Mention,
    PieChart,
    ProgressBar,
    VerticalBarChart,
)
from pydantic import BaseModel, ValidationError

from cards.verbs import ALL_VERBS
from tests.node_tools import node_json

CHECK_CARDS_JS = Path(__file__).resolve().parent / "js" / "check_cards.js"
# Teams renders Adaptive Cards up to schema version 1.5.
TEAMS_MAX_VERSION = (1, 5)
# Teams refuses a message larger than about 28 KB, card included.
TEAMS_MAX_PAYLOAD_BYTES = 28 * 1024


# Elements only Teams renders, with Microsoft's typed model for each. The open
# renderer reports them as unknown and shows their fallback: that is expected,
# as long as every one has a fallback and is valid for its model.
TEAMS_ONLY: dict[str, type[BaseModel]] = {
    "Badge": Badge,
    "ProgressBar": ProgressBar,
    "Chart.Gauge": GaugeChart,
    "Chart.Donut": DonutChart,
    "Chart.Pie": PieChart,
    "Chart.Line": LineChart,
    "Chart.HorizontalBar": HorizontalBarChart,
    "Chart.VerticalBar": VerticalBarChart,
}
# Every chart is checked against its typed model: a "Chart.*" type without one is a problem.
CHART_PREFIX = "Chart."


# A line that Markdown reads as an item of an ordered list ("2. Choose ...").
_ORDERED_ITEM = re.compile(r"^\s{0,3}(\d{1,9})[.)]\s")


def library_reports(cards: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Parse and validate every card with the ``adaptivecards`` library (one node process).

    Returns:
        key -> ``{"problems": [...], "inputIds": [...]}``; the library's notice
        that a Teams-only element falls back is not a problem (see
        :func:`teams_only_problems`).
    """
    payload = json.dumps([{"key": key, "card": card} for key, card in cards.items()])
    report = node_json(CHECK_CARDS_JS, stdin=payload)
    expected = {
        f'parse: UnknownElementType: Unknown element type "{name}". Fallback will be used if '
        "present."
        for name in TEAMS_ONLY
    }
    for entry in report:
        entry["problems"] = [p for p in entry.get("problems", []) if p not in expected]
    return {entry["key"]: entry for entry in report}


def teams_only_problems(card: Mapping[str, Any]) -> list[str]:
    """Teams-only elements without a fallback, or not valid for Microsoft's typed model."""
    problems = []
    for obj in _objects(card):
        model = TEAMS_ONLY.get(str(obj.get("type")))
        if model is None:
            if str(obj.get("type")).startswith(CHART_PREFIX):
                problems.append(f"{obj['type']} has no typed model to check it against")
            continue
        if "fallback" not in obj:
            problems.append(f"{obj['type']} has no fallback: other hosts would show nothing")
        try:
            parsed = model.model_validate(obj)
        except ValidationError as error:
            problems.append(f"{obj['type']} is not valid: {error.errors()[0]['msg']}")
            continue
        if parsed.model_extra:
            unknown = ", ".join(sorted(parsed.model_extra))
            problems.append(f"{obj['type']} has properties its model does not know: {unknown}")
    return problems


def mention_problems(card: Mapping[str, Any]) -> list[str]:
    """Mention entities Teams would refuse: not valid, or whose ``<at>`` text the card lacks.

    Teams turns ``<at>Name</at>`` in a TextBlock into a mention only when an entity
    of ``msteams.entities`` has exactly that text, and refuses an entity whose
    text is nowhere in the card.
    """
    entities = (card.get("msteams") or {}).get("entities") or []
    texts = [
        str(obj["text"])
        for obj in _objects(card)
        if obj.get("type") == "TextBlock" and "text" in obj
    ]
    problems = []
    for entity in entities:
        try:
            mention = Mention.model_validate(entity)
        except ValidationError as error:
            problems.append(f"mention entity is not valid: {error.errors()[0]['msg']}")
            continue
        tagged = mention.text or ""
        if not (tagged.startswith("<at>") and tagged.endswith("</at>")):
            problems.append(f"mention text {tagged!r} is not <at>…</at>")
        if mention.mentioned is None or not mention.mentioned.id:
            problems.append(f"mention {tagged!r} names nobody (mentioned.id)")
        if not any(tagged in block for block in texts):
            problems.append(f"mention {tagged!r} is in no TextBlock of the card")
    tags = {tag for block in texts for tag in re.findall(r"<at>.*?</at>", block)}
    known = {str(entity.get("text")) for entity in entities}
    problems += [f"{tag!r} in the text has no mention entity" for tag in sorted(tags - known)]
    return problems


def payload_bytes(card: Mapping[str, Any]) -> int:
    """The card's size as the bot sends it (compact JSON, UTF-8)."""
    return len(json.dumps(card, ensure_ascii=False, separators=(",", ":")).encode())


def teams_limit_problems(
    card: Mapping[str, Any], routed_verbs: frozenset[str] = ALL_VERBS
) -> list[str]:
    """What in ``card`` Teams would not accept or the bot would not answer."""
    problems = []
    if card.get("type") != "AdaptiveCard":
        problems.append(f"type is {card.get('type')!r}, not 'AdaptiveCard'")
    version = str(card.get("version", ""))
    try:
        parsed = tuple(int(part) for part in version.split("."))
    except ValueError:
        parsed = ()
    if len(parsed) != 2 or parsed > TEAMS_MAX_VERSION:
        problems.append(f"version {version!r}: Teams renders cards up to version 1.5")
    size = payload_bytes(card)
    if size >= TEAMS_MAX_PAYLOAD_BYTES:
        problems.append(f"payload is {size} bytes; Teams refuses {TEAMS_MAX_PAYLOAD_BYTES} or more")
    for action in _objects(card):
        if action.get("type") == "Action.Execute":
            verb = action.get("verb")
            if verb not in routed_verbs:
                problems.append(
                    f"Action.Execute {action.get('title')!r} has verb {verb!r}, "
                    "which the bot does not route (cards/verbs.py ALL_VERBS)"
                )
        elif action.get("type") == "Action.Submit":
            problems.append(
                f"Action.Submit {action.get('title')!r}: use Action.Execute with a verb"
            )
    for block in _objects(card):
        text = block.get("text")
        if block.get("type") == "TextBlock" and isinstance(text, str):
            first = _ORDERED_ITEM.match(text)
            if first and first.group(1) != "1":
                # Teams' Markdown reads "2. Title" as an ordered list and shows "1. Title".
                problems.append(f"text {text[:30]!r} starts a numbered list: Teams shows it as 1.")
    ids = Counter(obj["id"] for obj in _objects(card) if _is_input(obj) and "id" in obj)
    problems += [
        f"input id {name!r} is used {count} times" for name, count in ids.items() if count > 1
    ]
    return problems


def _is_input(obj: Mapping[str, Any]) -> bool:
    return str(obj.get("type", "")).startswith("Input.")


def _objects(node: Any) -> Iterator[Mapping[str, Any]]:
    """Every JSON object in the card, nested cards of Action.ShowCard included.

    Action ``data`` is skipped: it is the bot's own payload, not card structure.
    """
    if isinstance(node, Mapping):
        yield node
        for key, value in node.items():
            if key != "data":
                yield from _objects(value)
    elif isinstance(node, list):
        for item in node:
            yield from _objects(item)
