"""The tab's API over real HTTP, in local mode with the development sign-in."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from okr.models import Objective, ObjectiveState
from settings import CLIENT_ID, CLIENT_SECRET, TENANT_ID
from tab.headers import CONTENT_SECURITY_POLICY
from tab.routes import pages_app
from tests import factories as f
from tests.conftest import Clock, StartBot
from tests.tab.conftest import TabClient
from tests.tab.seed import ALICE_ID, BINH_ID, Q4, SEEDED, seed

SALES = f.SALES.id


def _titles(body: dict[str, object]) -> list[str]:
    return [o["title"] for o in body["objectives"]]  # type: ignore[attr-defined]


async def test_the_session_names_the_person_their_teams_and_the_periods(tab: TabClient) -> None:
    body = await tab.json("api/tab/session")

    assert body["member"] == {"id": ALICE_ID, "name": "Alice Nguyen"}
    assert body["tenant_id"] == f.TENANT_ID
    assert body["app_id"] is None  # local mode: no bot to link to
    assert body["chat_link"] is None
    assert body["lang"] == "en"
    assert body["teams"] == [{"id": SALES, "name": "Sales"}]
    assert [(p["key"], p["current"]) for p in body["periods"]] == [
        ("2026-Q3", False),
        ("2026-Q4", True),
        ("2027-Q1", False),
        ("FY2026", False),
        ("FY2027", False),
    ]
    assert body["strings"]["tab.error.expired"].startswith("Your sign-in has expired")


async def test_the_session_speaks_the_language_asked_for(tab: TabClient) -> None:
    body = await tab.json("api/tab/session?lang=vi-VN")

    assert body["lang"] == "vi"
    assert body["periods"][1]["label"] == "Quý 4/2026"
    assert body["strings"]["tab.period.running"] == "Đang diễn ra"


async def test_my_okrs_are_those_i_own_or_own_a_key_result_of_running_now(tab: TabClient) -> None:
    alice = await tab.json("api/tab/okrs?view=my")
    await tab.sign_in(BINH_ID, f.TENANT_ID)
    binh = await tab.json("api/tab/okrs?view=my")

    # The draft is shown (as `my okrs` shows it); last quarter's closed one is not.
    assert sorted(_titles(alice)) == ["Draft idea", "Grow revenue <b>& margin</b>"]
    assert sorted(_titles(binh)) == ["Grow revenue <b>& margin</b>", "Learn the product"]
    assert alice["period"] == {"key": None, "label": "Running now"}
    assert alice["participation"] is None and alice["at_risk"] == []


async def test_an_objective_shows_progress_pace_and_its_key_results_formatted(
    tab: TabClient,
) -> None:
    body = await tab.json("api/tab/okrs?view=my&q=revenue")

    [revenue] = body["objectives"]
    assert revenue["id"] == SEEDED.revenue
    assert revenue["title"] == "Grow revenue <b>& margin</b>"  # as typed: the page escapes
    assert revenue["team"] == {"id": SALES, "name": "Sales"}
    assert revenue["owner"] == {"id": ALICE_ID, "name": "Alice Nguyen"}
    assert revenue["period_text"] == "Q4 2026 (10/01/2026 – 12/31/2026)"
    # (14/40 deals + 0 of the churn cut) / 2
    assert revenue["progress"] == 0.175 and revenue["progress_text"] == "18%"
    assert revenue["pace"] == "at_risk" and revenue["pace_text"] == "Far behind"
    assert revenue["link"] == "/tab/index.html?view=objective&objective=obj-revenue"
    deals = next(kr for kr in revenue["key_results"] if kr["id"] == SEEDED.deals_kr)
    assert deals["owner"] == {"id": BINH_ID, "name": "Trần Bình"}
    assert deals["values_text"] == "0 deals → 40 deals · now 14 deals"
    assert deals["last_status"] == "at_risk" and deals["last_status_text"] == "At risk"
    assert deals["last_note"] == "pipeline thin"
    assert deals["last_checkin_text"] == "11/23/2026"  # 9:00 UTC: 1:00 in Alice's Los Angeles
    assert deals["chart_svg"].count('class="chart-point"') == 3


async def test_a_period_asked_for_shows_its_closed_objectives_too(tab: TabClient) -> None:
    body = await tab.json("api/tab/okrs?view=my&period=2026-Q3")

    assert _titles(body) == ["Summer launch"]
    assert body["period"] == {"key": "2026-Q3", "label": "Q3 2026"}


async def test_filters_narrow_the_list(tab: TabClient) -> None:
    team = f"api/tab/okrs?view=team&team={SALES}"

    assert sorted(_titles(await tab.json(team + f"&owner={BINH_ID}"))) == [
        "Grow revenue <b>& margin</b>",  # Bình owns one of its key results
        "Learn the product",
    ]
    assert _titles(await tab.json(team + "&status=at_risk")) == ["Grow revenue <b>& margin</b>"]
    assert sorted(_titles(await tab.json(team + "&status=none"))) == [
        "Draft idea",
        "Learn the product",
    ]
    # Folded like the bot's commands: case and accents do not matter; key results count.
    assert _titles(await tab.json(team + "&q=CHURN")) == ["Grow revenue <b>& margin</b>"]
    assert _titles(await tab.json(team + "&q=LEARN%20THE%20PRODUCT")) == ["Learn the product"]


async def test_a_filter_the_tab_cannot_read_is_a_400_in_plain_words(tab: TabClient) -> None:
    for query in ("period=last-tuesday", "status=great", "view=everything", "view=team"):
        response = await tab.get(f"api/tab/okrs?{query}")
        assert response.status == 400, query
        body = await response.json()
        assert body == {
            "error": "bad_request",
            "message": "This link has a filter the tab does not understand.",
        }


async def test_pages_and_answers_carry_the_security_headers(tab: TabClient) -> None:
    for path, status in (
        ("tab/", 200),
        ("tab/index.html", 200),
        ("tab/missing.js", 404),
        ("api/tab/session", 200),
        ("api/tab/objectives/nope", 404),
    ):
        response = await tab.get(path)
        assert response.status == status, path
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["Referrer-Policy"] == "no-referrer", path
    unsigned = await tab.bot.session.get(tab.bot.url + "api/tab/session")
    assert unsigned.status == 401
    assert unsigned.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'self' teams.microsoft.com" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY


async def test_the_api_is_never_cached(tab: TabClient) -> None:
    response = await tab.get("api/tab/okrs?view=my")

    assert response.headers["Cache-Control"] == "no-store"


async def test_tab_serves_index_html_and_nothing_outside_its_folder(tmp_path: Path) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (static / "index.html").write_text("<p>tab</p>")
    (static / "app.js").write_text("export {};")
    (tmp_path / "secret.txt").write_text("secret")
    (static / "link.txt").symlink_to(tmp_path / "secret.txt")
    async with TestClient(TestServer(pages_app(static))) as client:
        assert await (await client.get("/")).text() == "<p>tab</p>"
        assert (await client.get("/app.js")).status == 200
        for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/link.txt", "/..%2fsecret.txt"):
            response = await client.get(path)
            assert response.status == 404, path
            assert "secret" not in await response.text()


async def test_tab_without_a_slash_goes_to_the_tab(tab: TabClient) -> None:
    response = await tab.bot.session.get(tab.bot.url + "tab", allow_redirects=False)

    assert response.status == 301 and response.headers["Location"] == "/tab/"


async def test_no_token_is_a_401_that_says_why_in_the_language_asked(tab: TabClient) -> None:
    tab.token = ""
    english = await tab.get("api/tab/okrs?view=my")
    vietnamese = await tab.get("api/tab/okrs?view=my&lang=vi")

    assert english.status == 401 and vietnamese.status == 401
    assert (await english.json())["error"] == "no_token"
    assert (await vietnamese.json())["message"] == (
        "Teams chưa cho biết bạn là ai. Hãy đóng tab rồi mở lại."
    )


async def test_a_token_in_the_query_string_is_ignored(tab: TabClient) -> None:
    token, tab.token = tab.token, ""

    for name in ("token", "access_token", "authorization"):
        response = await tab.get(f"api/tab/session?{name}={token}")
        assert response.status == 401, name
        assert (await response.json())["error"] == "no_token"


async def test_a_development_token_expires(tab: TabClient, clock: Clock) -> None:
    clock.now += timedelta(minutes=31)

    response = await tab.get("api/tab/session")

    assert response.status == 401
    assert (await response.json())["error"] == "expired"


async def test_a_development_token_of_another_process_is_refused(
    tab: TabClient, start_bot: StartBot
) -> None:
    other = await start_bot()  # the same database, another process's key

    response = await other.session.get(
        other.url + "api/tab/session", headers={"Authorization": f"Bearer {tab.token}"}
    )

    assert response.status == 401
    assert (await response.json())["error"] == "invalid_token"


async def test_the_development_sign_in_lists_members_and_signs_in_only_stored_ones(
    tab: TabClient,
) -> None:
    listed = await tab.json("api/tab/dev/members")
    unknown = await tab.bot.session.post(
        tab.bot.url + "api/tab/dev/sign-in",
        json={"tenant_id": f.TENANT_ID, "member_id": "29:nobody"},
    )
    malformed = await tab.bot.session.post(tab.bot.url + "api/tab/dev/sign-in", data=b"{")

    assert {(m["tenant_id"], m["id"]) for m in listed["members"]} == {
        (f.TENANT_ID, ALICE_ID),
        (f.TENANT_ID, BINH_ID),
        (f.OTHER_TENANT_ID, "29:1-other"),
    }
    assert listed["strings"]["tab.error.no_token"].startswith("Teams did not say")
    assert unknown.status == 404
    assert malformed.status == 400
    # Without a tenant, the member's own is found.
    found = await tab.bot.session.post(
        tab.bot.url + "api/tab/dev/sign-in", json={"member_id": "29:1-other"}
    )
    tab.token = (await found.json())["token"]
    assert (await tab.json("api/tab/session"))["tenant_id"] == f.OTHER_TENANT_ID


async def test_the_development_sign_in_refuses_what_a_proxy_relays(tab: TabClient) -> None:
    for header in ("X-Forwarded-For", "Forwarded"):
        response = await tab.bot.session.post(
            tab.bot.url + "api/tab/dev/sign-in",
            json={"tenant_id": f.TENANT_ID, "member_id": ALICE_ID},
            headers={header: "203.0.113.9"},
        )
        assert response.status == 403, header
        assert (await response.json())["error"] == "dev_only"


async def test_there_is_no_development_sign_in_with_credentials(start_bot: StartBot) -> None:
    bot = await start_bot(
        {
            CLIENT_ID: "00000000-0000-0000-0000-00000000b07a",
            CLIENT_SECRET: "not-a-secret",
            TENANT_ID: f.TENANT_ID,
            "STORAGE": "sqlite",
        }
    )
    await seed(bot.store)

    members = await bot.session.get(bot.url + "api/tab/dev/members")
    sign_in = await bot.session.post(
        bot.url + "api/tab/dev/sign-in", json={"tenant_id": f.TENANT_ID, "member_id": ALICE_ID}
    )

    assert members.status == 404 and sign_in.status == 404


async def test_a_long_list_comes_a_page_at_a_time(tab: TabClient) -> None:
    for n in range(250):
        await tab.bot.store.save_objective(
            Objective(
                tenant_id=f.TENANT_ID,
                id=f"many-{n:03}",
                title=f"Many {n}",
                owner_id=BINH_ID,
                period=Q4,
                state=ObjectiveState.ACTIVE,
                team_id=SALES,
            )
        )
    team = f"api/tab/okrs?view=team&team={SALES}&q=many"

    first = await tab.json(team)
    last = await tab.json(team + "&offset=200&limit=100")
    small = await tab.json(team + "&limit=7")

    assert (len(first["objectives"]), first["total"], first["next_offset"]) == (100, 250, 100)
    assert (len(last["objectives"]), last["total"], last["next_offset"]) == (50, 250, None)
    assert len(small["objectives"]) == 7 and small["next_offset"] == 7
    ids = [o["id"] for o in first["objectives"]] + [o["id"] for o in last["objectives"]]
    assert len(set(ids)) == 150  # pages do not overlap
    for query in ("&limit=0", "&limit=201", "&offset=-1", "&limit=ten"):
        assert (await tab.get(team + query)).status == 400, query


async def test_answers_are_gzipped_when_the_client_accepts_it_and_they_are_worth_it(
    tab: TabClient,
) -> None:
    team = f"api/tab/okrs?view=team&team={SALES}"
    plain = await tab.get(team, headers={"Accept-Encoding": "identity"})
    gzipped = await tab.get(team, headers={"Accept-Encoding": "br;q=1.0, GZIP;q=0.5"})
    refused = await tab.get(team, headers={"Accept-Encoding": "gzip;q=0, deflate"})
    small = await tab.get("api/tab/teams", headers={"Accept-Encoding": "gzip"})

    assert plain.status == gzipped.status == refused.status == small.status == 200
    assert "Content-Encoding" not in plain.headers
    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in refused.headers
    assert "Content-Encoding" not in small.headers  # under a kilobyte: sent as it is
    for response in (plain, gzipped, small):
        assert response.headers["Vary"] == "Accept-Encoding"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    # The same answer, in fewer bytes on the wire (the client decompresses it).
    assert await gzipped.json() == await plain.json() == await refused.json()
    assert int(gzipped.headers["Content-Length"]) < int(plain.headers["Content-Length"]) / 2
    assert await small.json() == {"teams": [{"id": SALES, "name": "Sales"}]}
