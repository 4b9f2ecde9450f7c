"""Teams deep links into the app: the personal tab opened on an objective, the bot's chat.

Pure functions of the Teams app id (the manifest's ``id``: the bot's app id,
``cli/package.py``). The forms are Microsoft's "deep link to browse within your
app" and "deep link to a chat with the application"
(learn.microsoft.com/microsoftteams/platform/concepts/build-and-test/deep-link-application):

- ``https://teams.microsoft.com/l/entity/{app id}/{entity id}?tenantId=…&context=…``,
  ``context`` being the URL-encoded JSON ``{"subEntityId": "objective:{id}"}``; the
  tab reads it back as ``page.subPageId`` (docs/tab.md);
- ``https://teams.microsoft.com/l/entity/{app id}/conversations?tenantId=…``.

Cards get a link only when the tab is deployed (``TAB_DOMAIN`` set): ``bot/``
builds a :class:`TabLinks` then, and passes the link (or None) to the card.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from cards.elements import Element
from cards.i18n import Language, text

# The personal tab's entityId in manifest/manifest.json (staticTabs).
PERSONAL_TAB_ENTITY_ID = "my-okrs"
# Teams' reserved entityId for the bot's personal chat.
CHAT_ENTITY_ID = "conversations"
# What the tab's subPageId starts with when a link opens one objective (docs/tab.md).
OBJECTIVE_SUB_ENTITY_PREFIX = "objective:"

_TEAMS = "https://teams.microsoft.com/l/entity"


@dataclass(frozen=True, slots=True)
class TabLinks:
    """Deep links to this app in Teams.

    Attributes:
        app_id: The Teams app id: the manifest's ``id``, which is the bot's app id.
    """

    app_id: str

    @classmethod
    def deployed(cls, app_id: str | None, tab_domain: str | None) -> TabLinks | None:
        """Links for the bot ``app_id`` when its tab is served (``tab_domain``), else None.

        Without a domain the Teams package has no tab (``cli/package.py``), and in
        local mode (no app id) there is no app in Teams to link to.
        """
        return cls(app_id) if app_id and tab_domain else None

    def objective(self, objective_id: str, tenant_id: str | None = None) -> str:
        """The personal tab "My OKRs" opened on the objective ``objective_id``."""
        context = json.dumps(
            {"subEntityId": OBJECTIVE_SUB_ENTITY_PREFIX + objective_id},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return self._entity(PERSONAL_TAB_ENTITY_ID, tenant_id, context=context)

    def chat(self, tenant_id: str | None = None) -> str:
        """The person's one-to-one chat with the bot (where "Check in" goes)."""
        return self._entity(CHAT_ENTITY_ID, tenant_id)

    def _entity(self, entity_id: str, tenant_id: str | None, **query: str) -> str:
        path = f"{_TEAMS}/{quote(self.app_id, safe='')}/{quote(entity_id, safe='')}"
        params = {"tenantId": tenant_id} if tenant_id else {}
        params.update(query)
        # quote_via=quote: spaces as %20, never "+" (Teams reads context with
        # decodeURIComponent, which leaves "+" alone); safe="" encodes ":", "@", "#", "/".
        encoded = urlencode(params, quote_via=quote, safe="")
        return f"{path}?{encoded}" if encoded else path


def open_in_tab(lang: Language, url: str) -> Element:
    """The card button that opens ``url`` (a :meth:`TabLinks.objective` link) in Teams."""
    return {"type": "Action.OpenUrl", "title": text(lang, "action.open_in_tab"), "url": url}
