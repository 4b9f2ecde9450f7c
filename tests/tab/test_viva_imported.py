"""After a Viva Goals import, the tab shows the imported OKRs: the tree rolled up with
the alignment weights, and each objective's check-in notes newest first."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cli.viva_import import import_viva_goals
from cli.viva_mapping import viva_id
from tests import factories as f
from tests.cli import viva_sample as v
from tests.tab.conftest import TabClient

PEOPLE = v.People(an="alice@contoso.com", binh="Binh@Contoso.com")


@pytest.fixture
async def imported(tab: TabClient) -> TabClient:
    store = tab.bot.store
    for user, email in ((f.ALICE, PEOPLE.an), (f.BINH, PEOPLE.binh)):
        member = await store.get_member(f.TENANT_ID, user.id)
        assert member is not None
        await store.save_member(replace(member, email=email))
    export = v.read_sample(PEOPLE)
    await import_viva_goals(store, f.TENANT_ID, export, teams={"70": f.SALES.id})
    return tab


def _id(viva: int) -> str:
    return viva_id(f.TENANT_ID, "objective", str(viva))


async def test_the_tree_rolls_the_imported_objectives_up_with_their_weights(
    imported: TabClient,
) -> None:
    body = await imported.json("api/tab/alignment")

    [revenue] = [n for n in body["roots"] if n["id"] == _id(v.REVENUE)]
    assert [c["title"] for c in revenue["children"]] == ["Mở rộng thị trường"]
    # 60% × 0.5 + 40% × 1/3, and the aligned objective weighs the rest of 100%: nothing.
    assert round(revenue["progress"], 4) == 0.4333
    assert _id(v.CYCLE_A) not in str(body)


async def test_the_detail_shows_the_imported_check_in_notes_newest_first(
    imported: TabClient,
) -> None:
    body = await imported.json(f"api/tab/objectives/{_id(v.REVENUE)}?lang=vi")

    assert body["title"] == "Tăng gấp đôi doanh thu"
    assert body["description"] == (
        "Mục tiêu quan trọng nhất & khó nhất\n- thị trường mới\n- khách hàng cũ"
    )
    assert [(n["key_result_title"], n["note"]) for n in body["notes"]] == [
        ("Doanh thu quý", "Chậm hơn kế hoạch,\ncần thêm khách hàng lớn"),
        ("Giảm phiếu hỗ trợ", "Đang giảm"),
        ("Doanh thu quý", "Tốt lắm & đúng hướng"),
    ]
    assert body["notes"][0]["author"]["id"] == f.BINH.id
    assert [i["title"] for i in body["initiatives"]] == ["Ra mắt ứng dụng"]


async def test_the_closed_quarter_reads_closed_with_its_score(imported: TabClient) -> None:
    body = await imported.json(f"api/tab/objectives/{_id(v.CLOSED)}")

    assert (body["closed"], body["state"], body["score_text"]) == (True, "closed", "0.7")
