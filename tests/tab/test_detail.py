"""An objective's detail, and what the team view adds: participation and what is at risk."""

from __future__ import annotations

from decimal import Decimal

from okr.models import CheckIn, CheckInStatus
from tests import factories as f
from tests.conftest import Clock
from tests.tab.conftest import TabClient
from tests.tab.seed import ALICE_ID, BINH_ID, SEEDED


async def test_the_detail_has_the_okr_block_initiatives_and_notes_newest_first(
    tab: TabClient,
) -> None:
    body = await tab.json(f"api/tab/objectives/{SEEDED.revenue}?lang=vi")

    assert body["title"] == "Grow revenue <b>& margin</b>"
    assert body["description"] == "Why it matters"
    sentence = body["sentence"]
    assert sentence["objective"] == "Grow revenue <b>& margin</b>"
    assert sentence["measured_by"] == [kr["title"] for kr in body["key_results"]]
    assert sorted(sentence["measured_by"]) == ["Close deals", "Cut churn"]
    assert sentence["through"] == ["Partner program"]
    assert body["initiatives"] == [
        {
            "id": "ini-1",
            "title": "Partner program",
            "state_text": "Chưa bắt đầu",
            "owner": {"id": ALICE_ID, "name": "Alice Nguyen"},
        }
    ]
    assert [(n["value_text"], n["status_text"], n["note"]) for n in body["notes"]] == [
        ("14 deals", "Có rủi ro", "pipeline thin"),
        ("12 deals", "Đúng tiến độ", ""),
        ("5 deals", "Đúng tiến độ", "first deals"),
    ]
    assert body["notes"][0]["author"] == {"id": BINH_ID, "name": "Trần Bình"}
    assert body["notes"][0]["key_result_title"] == "Close deals"
    assert body["notes"][0]["when_text"] == "Thứ Hai, 23/11/2026 lúc 01:00"  # Alice's zone
    assert body["closed"] is False and body["score_text"] == "" and body["closing_note"] == ""
    assert len(body["key_results"]) == 2


async def test_a_closed_objective_shows_its_score_and_closing_note(tab: TabClient) -> None:
    body = await tab.json(f"api/tab/objectives/{SEEDED.closed}")

    assert body["closed"] is True
    assert body["state"] == "closed" and body["state_text"] == "Closed"
    assert body["score_text"] == "0.7"
    assert body["closing_note"] == "Shipped late"
    assert body["pace"] == "none"


async def test_the_team_view_shows_what_is_at_risk_and_the_rounds_participation(
    tab: TabClient,
) -> None:
    body = await tab.json(f"api/tab/okrs?view=team&team={f.SALES.id}")

    assert body["at_risk"] == [
        {
            "key_result": {"id": SEEDED.deals_kr, "title": "Close deals"},
            "objective": {"id": SEEDED.revenue, "title": "Grow revenue <b>& margin</b>"},
            "owner": {"id": BINH_ID, "name": "Trần Bình"},
            "status_text": "At risk",
        }
    ]
    participation = body["participation"]
    assert participation is not None
    assert (participation["expected"], participation["answered"]) == (0, 0)
    assert participation["text"] == "Nobody has been asked to check in this round yet."


async def test_an_unknown_team_is_not_found(tab: TabClient) -> None:
    response = await tab.get("api/tab/okrs?view=team&team=19:nope@thread.tacv2")

    assert response.status == 404


async def test_a_check_in_shows_in_the_team_view_at_the_next_load(
    tab: TabClient, clock: Clock
) -> None:
    team = f"api/tab/okrs?view=team&team={f.SALES.id}"
    assert [r["key_result"]["id"] for r in (await tab.json(team))["at_risk"]] == [SEEDED.deals_kr]

    await tab.bot.store.record_checkin(
        CheckIn(
            tenant_id=f.TENANT_ID,
            id="ci-back-on-track",
            key_result_id=SEEDED.deals_kr,
            objective_id=SEEDED.revenue,
            author_id=BINH_ID,
            value=Decimal(20),
            status=CheckInStatus.ON_TRACK,
            recorded_at=clock.now,
        )
    )

    # Read for each request, never kept: the tab shows what is stored now.
    assert (await tab.json(team))["at_risk"] == []
