"""The tab's page in headless Chromium against the real app, framed by a stub Teams host.

Each test opens the page as a person would (in Teams, or a browser outside it in
local mode) and reads what it shows; every view is checked with axe-core (no
serious or critical violation).
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from okr.models import Objective, ObjectiveState
from tests import factories as f
from tests.bot.bot_service import APP_ID
from tests.tab.page.conftest import Tab
from tests.tab.page.harness import viewport
from tests.tab.seed import Q4, SEEDED
from tests.tab.test_sign_in import sso_claims, sso_token

pytestmark = pytest.mark.asyncio(loop_scope="module")

MY = "/tab/index.html?view=my"
SALES_TAB = f"/tab/index.html?view=team&team={quote(f.SALES.id, safe='')}"
REVENUE = "Grow revenue <b>& margin</b>"


async def assert_accessible(tab: Tab) -> None:
    violations = await tab.browser.axe()
    assert violations == [], json.dumps(violations, indent=2, ensure_ascii=False)


async def api_calls(tab: Tab) -> int:
    # Every API answer the page asked for: each needs its own token from Teams.
    return int(
        await tab.browser.tab(
            "win.performance.getEntriesByType('resource')"
            ".filter((e) => e.name.includes('/api/tab/')).length"
        )
    )


async def test_the_personal_tab_shows_my_okrs_signed_in_with_teams_sso(
    teams_tab: Tab, alice_token: str
) -> None:
    browser = teams_tab.browser
    await browser.open_in_teams(MY, token=alice_token, shown="my")

    assert await browser.texts("main h1") == ["My OKRs"]
    assert await browser.texts(".objective-title") == ["Draft idea", REVENUE]
    revenue = f'.objective[data-objective="{SEEDED.revenue}"]'
    assert await browser.texts(f"{revenue} .kr-title") == ["Cut churn", "Close deals"]
    # Bình's last check-in said "pipeline thin", at risk; the chart has its three points.
    deals = f'{revenue} [data-key-result="{SEEDED.deals_kr}"]'
    assert await browser.texts(f"{deals} .note-text") == ["pipeline thin"]
    assert await browser.texts(f"{deals} .chip.status-at_risk") == ["At risk"]
    assert (
        await browser.tab(f"doc.querySelectorAll('{deals} svg.chart circle.chart-point').length")
        == 3
    )
    # One token from Teams for each API call, and never a token in an address.
    tokens = await browser.host("window.host.calls('authentication.getAuthToken').length")
    assert tokens == await api_calls(teams_tab) == 2
    urls = await browser.tab("win.performance.getEntriesByType('resource').map((e) => e.name)")
    assert not [url for url in urls if alice_token[:20] in url]
    assert await browser.tab("win.location.search") == "?view=my"
    await assert_accessible(teams_tab)


async def test_check_in_opens_the_personal_chat_with_the_bot_through_teams(
    teams_tab: Tab, alice_token: str
) -> None:
    browser = teams_tab.browser
    await browser.open_in_teams(MY, token=alice_token, shown="my")

    assert await browser.text("#check-in") == "Check in"
    await browser.click("#check-in")
    await browser.wait("window.host.calls('executeDeepLink').length === 1")
    (call,) = await browser.host("window.host.calls('executeDeepLink')")
    assert call["args"] == [
        f"https://teams.microsoft.com/l/entity/{APP_ID}/conversations?tenantId={f.TENANT_ID}"
    ]


async def test_the_team_tab_shows_its_objectives_what_is_at_risk_and_participation(
    teams_tab: Tab, alice_token: str
) -> None:
    browser = teams_tab.browser
    await browser.open_in_teams(SALES_TAB, token=alice_token, team_id=f.SALES.id, shown="team")

    assert await browser.texts("main h1") == ["Sales"]
    assert await browser.texts(".objectives .objective-title") == [
        "Learn the product",
        "Draft idea",
        REVENUE,
    ]
    assert await browser.texts(".at-risk .kr-title") == ["Close deals"]
    assert await browser.texts(".at-risk .meta") == [f"{REVENUE}·Trần Bình"]
    # No round has run yet this period: the digest's own numbers say so.
    assert await browser.texts("#participation-title") == ["This round's check-ins"]
    assert await browser.texts(".participation .progress-text") == [
        "Nobody has been asked to check in this round yet."
    ]
    assert await browser.tab("doc.querySelector('#filter-team').value") == f.SALES.id
    await assert_accessible(teams_tab)


async def test_filters_live_in_the_url_and_a_deep_link_opens_an_objective(
    teams_tab: Tab, alice_token: str
) -> None:
    browser = teams_tab.browser
    await browser.open_in_teams(MY, token=alice_token, shown="my")

    # A status filter: the URL keeps it, and only the objective at risk is left.
    await browser.tab(
        "(() => { const s = doc.querySelector('#filter-status'); s.value = 'at_risk';"
        " s.dispatchEvent(new Event('change')); })()"
    )
    await browser.wait_tab("doc.querySelectorAll('.objective').length === 1")
    assert await browser.texts(".objective-title") == [REVENUE]
    query = parse_qs(urlsplit(await browser.tab("win.location.href")).query)
    assert query == {"view": ["my"], "status": ["at_risk"]}

    # The same link opened again shows the same view.
    await browser.open_in_teams(
        "/tab/index.html?view=my&q=draft&period=" + quote(Q4.label), token=alice_token, shown="my"
    )
    assert await browser.texts(".objective-title") == ["Draft idea"]
    assert await browser.tab("doc.querySelector('#filter-q').value") == "draft"
    assert await browser.tab("doc.querySelector('#filter-period').value") == Q4.label

    # Teams' deep link (subPageId objective:{id}) opens the objective's detail.
    await browser.open_in_teams(
        MY, token=alice_token, sub_page_id=f"objective:{SEEDED.revenue}", shown="objective"
    )
    assert await browser.texts(".detail h1") == [REVENUE]
    assert await browser.texts(".sentence dd") == [
        REVENUE,
        "Cut churn",
        "Close deals",
        "Partner program",
    ]
    assert await browser.texts(".initiative-title") == ["Partner program"]
    notes = await browser.texts(".notes .note-text")
    assert notes == ["pipeline thin", "first deals"]  # newest first; the empty note has no text
    assert parse_qs(urlsplit(await browser.tab("win.location.href")).query) == {
        "view": ["objective"],
        "objective": [SEEDED.revenue],
    }
    await assert_accessible(teams_tab)
    await browser.click(".detail .back")
    await browser.wait_shown("my")
    assert await browser.tab("win.location.search") == "?view=my"


async def test_the_dark_theme_and_a_live_change_to_high_contrast(
    teams_tab: Tab, alice_token: str
) -> None:
    browser = teams_tab.browser
    await browser.open_in_teams(MY, token=alice_token, theme="dark", shown="my")

    background = "getComputedStyle(doc.documentElement).backgroundColor"
    assert await browser.tab("doc.documentElement.dataset.theme") == "dark"
    assert await browser.tab(background) == "rgb(31, 31, 31)"
    await assert_accessible(teams_tab)

    await browser.host("window.host.themeChange('contrast')")
    await browser.wait_tab("doc.documentElement.dataset.theme === 'contrast'")
    assert await browser.tab(background) == "rgb(0, 0, 0)"
    await assert_accessible(teams_tab)
    await browser.host("window.host.themeChange('default')")
    await browser.wait_tab("doc.documentElement.dataset.theme === 'default'")
    assert await browser.tab(background) == "rgb(245, 245, 245)"


async def test_vietnamese_from_the_teams_locale(teams_tab: Tab, alice_token: str) -> None:
    browser = teams_tab.browser
    await browser.open_in_teams(SALES_TAB, token=alice_token, locale="vi-VN", shown="team")

    assert await browser.tab("doc.documentElement.lang") == "vi"
    assert await browser.texts(".view-link") == ["OKR của tôi", "Nhóm", "Liên kết"]
    assert await browser.texts("#at-risk-title") == ["Có rủi ro"]
    assert await browser.text("label[for=filter-owner] span") == "Người phụ trách"
    assert "Kế hoạch đến nay" in await browser.text(".objective .progress-row")
    await assert_accessible(teams_tab)


async def test_a_token_for_another_tenant_gets_a_plain_refusal(teams_tab: Tab) -> None:
    browser = teams_tab.browser
    foreign = sso_token(sso_claims(tid=f.OTHER_TENANT_ID, oid="aad-other"))
    await browser.open_in_teams(MY, token=foreign, shown="error")

    assert await browser.texts("[role=alert] .error-message") == [
        "This OKR app does not serve your organization."
    ]
    assert await browser.tab("doc.querySelector('[role=alert]').dataset.code") == "wrong_tenant"
    assert await browser.tab("doc.querySelectorAll('.objective').length") == 0
    await assert_accessible(teams_tab)


async def test_a_failed_teams_sign_in_is_said_in_plain_words(teams_tab: Tab) -> None:
    browser = teams_tab.browser
    await browser.open_in_teams(MY, token_error="resourceRequiresConsent", shown="error")

    # The page asks without a token, and shows the server's answer, not the SDK's code.
    assert await browser.texts("[role=alert] .error-message") == [
        "Teams did not say who you are. Close the tab and open it again."
    ]
    assert await browser.host("window.host.calls('authentication.getAuthToken').length") == 1


async def test_a_title_with_markup_is_shown_as_text(teams_tab: Tab, alice_token: str) -> None:
    hostile = '<img src=x onerror="window.parent.pwned=1;window.pwned=1">Win <script>1</script>'
    await teams_tab.store.save_objective(
        Objective(
            tenant_id=f.TENANT_ID,
            id="obj-hostile",
            title=hostile,
            owner_id=f.ALICE.id,
            team_id=f.SALES.id,
            period=Q4,
            state=ObjectiveState.ACTIVE,
        )
    )
    browser = teams_tab.browser
    await browser.open_in_teams(MY, token=alice_token, shown="my")

    assert hostile in await browser.texts(".objective-title")
    assert await browser.tab("doc.querySelectorAll('main img, main script').length") == 0
    assert await browser.tab("win.pwned === undefined && window.pwned === undefined")
    # The server's chart is the only markup taken in, and only as clean SVG.
    refused = await browser.tab(
        "import('/tab/js/dom.js').then(({importSvg}) => ["
        "'<svg xmlns=\"http://www.w3.org/2000/svg\"><script>1</script></svg>',"
        '\'<svg xmlns="http://www.w3.org/2000/svg" onload="1"></svg>\','
        "'<svg xmlns=\"http://www.w3.org/2000/svg\"><foreignObject/></svg>',"
        '\'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:1"/></svg>\','
        "'<img src=x onerror=1>', '<svg><unclosed></svg>'"
        "].map((m) => importSvg(m) === null))"
    )
    assert refused == [True] * 6


async def test_on_a_phone_nothing_needs_scrolling_sideways(
    teams_tab: Tab, alice_token: str
) -> None:
    browser = teams_tab.browser
    await viewport(browser.page, height=700, width=360)  # Teams mobile fills the screen
    for view in ("my", "team", "alignment"):
        src = SALES_TAB if view == "team" else f"/tab/index.html?view={view}"
        await browser.open_in_teams(src, token=alice_token, shown=view)
        widths = await browser.tab(
            "[doc.documentElement.scrollWidth, doc.documentElement.clientWidth]"
        )
        assert widths == [360, 360], view


async def test_the_alignment_tree_works_with_the_keyboard(teams_tab: Tab, alice_token: str) -> None:
    browser = teams_tab.browser
    await browser.open_in_teams(
        "/tab/index.html?view=alignment", token=alice_token, shown="alignment"
    )

    tree = "[role=tree]"
    assert (
        await browser.tab(f"doc.querySelectorAll('{tree} [role=treeitem][tabindex=\"0\"]').length")
        == 1
    )
    focused = "doc.activeElement.dataset.objective"
    expanded = "doc.activeElement.getAttribute('aria-expanded')"
    roots = await browser.tab(
        f"[...doc.querySelectorAll('{tree} > [role=treeitem]')].map((e) => e.dataset.objective)"
    )
    assert roots == [SEEDED.draft, SEEDED.revenue]  # Bình's own objective is aligned under revenue
    await browser.tab(f"doc.querySelector('{tree} [tabindex=\"0\"]').focus()")
    assert await browser.tab(focused) == SEEDED.draft
    await browser.press("ArrowDown")
    assert await browser.tab(focused) == SEEDED.revenue
    assert await browser.tab(expanded) == "true"
    await browser.press("ArrowDown")
    assert await browser.tab(focused) == SEEDED.binh_own  # aligned under revenue
    assert await browser.tab("doc.activeElement.getAttribute('aria-level')") == "2"
    await browser.press("ArrowLeft")  # a leaf: to its parent
    assert await browser.tab(focused) == SEEDED.revenue
    await browser.press("ArrowLeft")  # open: closes
    assert await browser.tab(expanded) == "false"
    assert (
        await browser.tab(
            f"doc.querySelector('[data-objective=\"{SEEDED.binh_own}\"]').offsetParent"
        )
        is None
    )
    await browser.press(" ")  # Space opens it again
    assert await browser.tab(expanded) == "true"
    await browser.press("ArrowRight")  # open: to the first child
    assert await browser.tab(focused) == SEEDED.binh_own
    await browser.press("End")
    assert await browser.tab(focused) == SEEDED.binh_own
    await browser.press("Home")
    assert await browser.tab(focused) == SEEDED.draft
    await browser.press("ArrowDown")
    await assert_accessible(teams_tab)
    await browser.press("Enter")
    await browser.wait_shown("objective")
    assert await browser.texts(".detail h1") == [REVENUE]
    # Focus follows to the objective's heading, so a screen reader reads where it is.
    assert await browser.tab("doc.activeElement.textContent") == REVENUE


async def test_the_configuration_page_saves_the_team_tab(teams_tab: Tab, alice_token: str) -> None:
    browser = teams_tab.browser
    await browser.open_in_teams(
        "/tab/config.html", token=alice_token, frame_context="settings", shown="config"
    )

    assert await browser.texts(".choice label") == ["Sales"]
    await assert_accessible(teams_tab)
    await browser.tab(f"doc.getElementById({json.dumps('team-' + f.SALES.id)}).click()")
    await browser.host("window.host.save()")
    await browser.wait("window.host.calls('settings.save.success').length === 1")
    validity = await browser.host(
        "window.host.calls('settings.setValidityState').map((c) => c.args[0])"
    )
    assert validity == [False, True]
    (saved,) = await browser.host("window.host.calls('settings.setSettings').map((c) => c.args[0])")
    url = urlsplit(saved["contentUrl"])
    assert (url.path, parse_qs(url.query)) == (
        "/tab/index.html",
        {"view": ["team"], "team": [f.SALES.id]},
    )
    assert saved["suggestedDisplayName"] == "Sales"


async def test_outside_teams_local_mode_signs_in_with_the_picker(local_tab: Tab) -> None:
    browser = local_tab.browser
    await browser.open_alone(MY)
    await browser.wait_tab("!!doc.querySelector('.members button')")

    names = await browser.texts(".members button")
    assert names == ["Olga (Fabrikam)", "Alice Nguyen (Contoso)", "Trần Bình (Contoso)"]
    await assert_accessible(local_tab)
    await browser.click(f'.members button[data-member="{f.ALICE.id}"]')
    await browser.wait_shown("my")
    assert await browser.texts(".objective-title") == ["Draft idea", REVENUE]
    assert await browser.tab("win.location.search") == "?view=my"
    # No Check in button: in local mode there is no bot app id to link to.
    assert await browser.tab("doc.querySelector('#check-in').hidden") is True


async def test_a_long_list_shows_its_first_objectives_and_the_rest_on_asking(
    teams_tab: Tab, alice_token: str
) -> None:
    for n in range(25):
        await teams_tab.store.save_objective(
            Objective(
                tenant_id=f.TENANT_ID,
                id=f"obj-more-{n:02}",
                title=f"More {n:02}",
                owner_id=f.BINH.id,
                team_id=f.SALES.id,
                period=Q4,
                state=ObjectiveState.ACTIVE,
            )
        )
    browser = teams_tab.browser
    await browser.open_in_teams(SALES_TAB, token=alice_token, team_id=f.SALES.id, shown="team")

    # The team's 3 seeded objectives and 25 more: the first 20 come first.
    assert len(await browser.texts(".objectives .objective")) == 20
    assert await browser.texts("button.more") == ["Show more (20 of 28)"]
    await assert_accessible(teams_tab)
    calls = await api_calls(teams_tab)
    await browser.click("button.more")
    await browser.wait_tab("doc.querySelectorAll('.objectives .objective').length === 28")

    titles = await browser.texts(".objectives .objective-title")
    assert len(set(titles)) == 28 and REVENUE in titles
    # The last page: no button; the focus is on the first objective just shown.
    assert await browser.tab("doc.querySelector('button.more') === null")
    assert await browser.tab(
        "doc.activeElement === doc.querySelectorAll('.objectives .objective-link')[20]"
    )
    assert await api_calls(teams_tab) == calls + 1
    await assert_accessible(teams_tab)
