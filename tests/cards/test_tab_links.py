"""Teams deep links into the tab and the bot's chat (cards/tab_links.py, docs/tab.md)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from cards.i18n import Language
from cards.tab_links import TabLinks, open_in_tab

APP_ID = "7b0f3f6e-2a4b-4c59-9b8e-3f1d2c4a5b6c"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
LINKS = TabLinks(APP_ID)


def context_of(url: str) -> dict[str, str]:
    """The deep link's ``context`` as the tab gets it: decoded once, then JSON."""
    query = urlsplit(url).query
    (encoded,) = [part.split("=", 1)[1] for part in query.split("&") if part.startswith("context=")]
    decoded: dict[str, str] = json.loads(unquote(encoded))
    return decoded


def test_an_objective_opens_in_the_personal_tab() -> None:
    assert LINKS.objective("objective-revenue", TENANT) == (
        f"https://teams.microsoft.com/l/entity/{APP_ID}/my-okrs?tenantId={TENANT}"
        "&context=%7B%22subEntityId%22%3A%22objective%3Aobjective-revenue%22%7D"
    )


@pytest.mark.parametrize(
    "objective_id",
    [
        "19:3f1d2c4a5b6c@thread.tacv2#objective",  # ids built from Teams thread ids
        "a&context=evil?b=c/d",
        'say "hi" {x}',
        "Mục tiêu 1+1 = 2 %41",
    ],
)
def test_any_objective_id_comes_back_to_the_tab_exactly(objective_id: str) -> None:
    url = LINKS.objective(objective_id, TENANT)
    query = urlsplit(url).query
    # Every character that means something in a URL is encoded: one "?" and one "#"-free
    # query of exactly the two parameters, whatever the id holds.
    assert url.count("?") == 1 and "#" not in url and " " not in url and "+" not in url
    assert [part.split("=", 1)[0] for part in query.split("&")] == ["tenantId", "context"]
    assert context_of(url) == {"subEntityId": f"objective:{objective_id}"}
    # A standard parser agrees.
    assert json.loads(parse_qs(query)["context"][0]) == {"subEntityId": f"objective:{objective_id}"}


def test_the_tenant_is_left_out_when_unknown() -> None:
    url = LINKS.objective("o1")
    assert url.startswith(f"https://teams.microsoft.com/l/entity/{APP_ID}/my-okrs?context=")
    assert LINKS.chat() == f"https://teams.microsoft.com/l/entity/{APP_ID}/conversations"


def test_the_chat_link_opens_the_bots_personal_chat() -> None:
    assert LINKS.chat(TENANT) == (
        f"https://teams.microsoft.com/l/entity/{APP_ID}/conversations?tenantId={TENANT}"
    )


@pytest.mark.parametrize(
    ("lang", "title"), [(Language.EN, "Open in tab"), (Language.VI, "Mở trong tab")]
)
def test_the_button_opens_the_link(lang: Language, title: str) -> None:
    url = LINKS.objective("o1", TENANT)
    assert open_in_tab(lang, url) == {"type": "Action.OpenUrl", "title": title, "url": url}


def test_links_exist_only_for_a_deployed_tab_of_an_app_in_teams() -> None:
    assert TabLinks.deployed(APP_ID, "okr.contoso.com") == LINKS
    assert TabLinks.deployed(APP_ID, None) is None  # no TAB_DOMAIN: the package has no tab
    assert TabLinks.deployed(None, "okr.contoso.com") is None  # local mode: no app in Teams
