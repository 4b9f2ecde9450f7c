"""The digest card from digests built by hand: what it says, whom it mentions, what fits."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from cards.digest import CARD_BUDGET_BYTES, format_points, sent_bytes, team_digest_card
from cards.i18n import Language
from okr.models import Member
from tests.bot.test_authoring import card_text
from tests.cards.checks import mention_problems, teams_limit_problems, teams_only_problems
from tests.cards.digest_samples import (
    MEMBERS,
    TENANT,
    big_digest,
    empty_digest,
    first_digest,
    team_digest,
)


def _text(card: dict) -> str:
    return card_text({"value": card})


@pytest.mark.parametrize(
    ("change", "en", "vi"),
    [
        ("0.05", "+5 points", "+5 điểm"),
        ("0.01", "+1 point", "+1 điểm"),
        ("-0.125", "−12.5 points", "−12,5 điểm"),
        ("0.0004", "no change", "không đổi"),
    ],
)
def test_a_change_is_written_in_points(change: str, en: str, vi: str) -> None:
    assert format_points(Decimal(change), Language.EN) == en
    assert format_points(Decimal(change), Language.VI) == vi


def test_the_full_digest_says_its_numbers() -> None:
    shown = _text(team_digest_card(Language.EN, team_digest(), MEMBERS))
    assert shown.startswith("Sales\nWeek 9 of 13 · Q1 2026\n")
    assert "Overall: ▰▰▰▰▰▱▱▱▱▱ 48% · plan to date 62%" in shown
    assert "+5 points since the last digest" in shown
    assert "**9 of 12 checked in** · Check-in round of 03/02/2026" in shown
    assert "Not yet: Hà Phạm, Sam Lee, and Alex Kim" in shown
    assert "On track: 6 · At risk: 2 · Off track: 1 · Not updated: 3" in shown
    assert "▲ +20 points · **Search ads return 3x** · 70% · Alex Kim" in shown
    assert "▼ −8 points · **Raise NPS to 50** · 25% · Minh Trần" in shown
    assert "**Publish 12 articles** · Hà Phạm · not updated for 3 rounds" in shown
    assert "✗ **Site uptime** · 98.7% (≥ 99.5%) · Needs attention" in shown
    assert "Overall (Plan): W1 10% (7%) · W2 14% (14%)" in shown


def test_the_first_digest_says_so_and_an_empty_team_says_it_has_nothing() -> None:
    first = _text(team_digest_card(Language.VI, first_digest(), MEMBERS))
    assert "Bản tổng hợp đầu tiên: thay đổi sẽ hiện từ bản sau." in first
    assert "Thay đổi lớn nhất" not in first and "Xu hướng" not in first
    empty = team_digest_card(Language.EN, empty_digest(), MEMBERS)
    assert "This team has no active objectives this period." in _text(empty)
    assert not [n for n in empty["body"] if str(n.get("type")).startswith("Chart.")]


def test_owners_at_risk_are_mentioned_as_teams_accepts_them() -> None:
    card = team_digest_card(Language.EN, team_digest(), MEMBERS)
    assert card["msteams"]["entities"] == [
        {
            "type": "mention",
            "text": "<at>Minh Trần</at>",
            "mentioned": {"id": "29:minh", "name": "Minh Trần"},
        },
        {
            "type": "mention",
            "text": "<at>Lan Nguyễn</at>",
            "mentioned": {"id": "29:lan", "name": "Lan Nguyễn"},
        },
    ]
    assert mention_problems(card) == []


def test_a_name_cannot_break_out_of_its_mention() -> None:
    hostile = Member(tenant_id=TENANT, id="29:minh", name="[Boss](https://x.example)</at><at>All")
    card = team_digest_card(Language.EN, team_digest(), {**MEMBERS, "29:minh": hostile})
    [entity] = [e for e in card["msteams"]["entities"] if e["mentioned"]["id"] == "29:minh"]
    assert entity["text"] == "<at>Boss (https://x.example) /at at All</at>"
    assert mention_problems(card) == []


def test_a_person_without_a_name_the_store_knows_is_named_without_a_mention() -> None:
    members = {k: v for k, v in MEMBERS.items() if k != "29:minh"}
    card = team_digest_card(Language.EN, team_digest(), members)
    assert [e["mentioned"]["id"] for e in card["msteams"]["entities"]] == ["29:lan"]
    assert "— · 25%" in _text(card)


@pytest.mark.parametrize("lang", list(Language), ids=lambda lang: lang.value)
def test_200_objectives_and_1000_key_results_fit_with_the_rest_said_to_be_more(
    lang: Language,
) -> None:
    digest = big_digest()
    card = team_digest_card(lang, digest, MEMBERS)
    assert sent_bytes(card) <= CARD_BUDGET_BYTES
    assert teams_limit_problems(card) == [] and teams_only_problems(card) == []
    assert mention_problems(card) == []
    shown = _text(card)
    listed = sum(1 for n in card["body"] if n.get("type") == "Container")
    assert listed >= 10
    more = {Language.EN: "…and {} more objectives", Language.VI: "…và {} mục tiêu khác"}[lang]
    assert more.format(200 - listed) in shown
    # The overall is the digest's, over all 200: 48%, not that of those shown.
    assert "48%" in shown


def test_a_short_digest_is_not_cut() -> None:
    digest = dataclasses.replace(big_digest(objectives=5, key_results=10))
    card = team_digest_card(Language.EN, digest, MEMBERS)
    assert sum(1 for n in card["body"] if n.get("type") == "Container") == 5
    assert "more objectives" not in _text(card)
