"""Write the tab's screenshots into ``docs/tab/``: My OKRs, a team, the alignment tree; light, dark.

    .venv/bin/python -m tests.tab.page.screenshots

The real app (production settings, the test's Entra key on 127.0.0.1) with the
page tests' organisation (:mod:`tests.tab.seed`) and a company objective above
it, shown in Chromium inside the stub Teams host, as the page tests see it.
Run it after changing the page; the README and docs/tab.md show these pictures.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sys
import tempfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest

from app import STORE_KEY, build_app
from okr.models import CheckIn, CheckInStatus, Level, Objective, ObjectiveState
from settings import Settings
from storage.store import OkrStore
from tests import factories as f
from tests.tab.page.harness import chromium, tab_browser
from tests.tab.seed import ALICE_ID, Q4, SEEDED, at, seed
from tests.tab.test_sign_in import PRODUCTION, entra_keys_served, sso_claims, sso_token

DOCS = Path(__file__).resolve().parents[3] / "docs" / "tab"
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
VIEWS = {
    "my": "/tab/index.html?view=my",
    "team": f"/tab/index.html?view=team&team={quote(f.SALES.id, safe='')}",
    "alignment": "/tab/index.html?view=alignment",
}


async def _company(store: OkrStore) -> None:
    """A company objective the Sales one aligns to, and a check-in on churn."""
    await store.save_objective(
        Objective(
            tenant_id=f.TENANT_ID,
            id="obj-company",
            title="Be the region's first choice",
            owner_id=ALICE_ID,
            period=Q4,
            state=ObjectiveState.ACTIVE,
            level=Level.ORGANIZATION,
        )
    )
    revenue = await store.get_objective(f.TENANT_ID, SEEDED.revenue)
    assert revenue is not None
    # The page tests' title carries markup to prove it shows as text; the
    # pictures in the README show an ordinary one.
    await store.save_objective(
        dataclasses.replace(revenue, parent_id="obj-company", title="Grow revenue & margin")
    )
    await store.record_checkin(
        CheckIn(
            tenant_id=f.TENANT_ID,
            id="ci-churn",
            key_result_id=SEEDED.churn_kr,
            objective_id=SEEDED.revenue,
            author_id=ALICE_ID,
            value=Decimal(8),
            status=CheckInStatus.ON_TRACK,
            recorded_at=at(20),
            note="Onboarding calls help",
        )
    )


async def _write(settings: Settings) -> list[Path]:
    written = []
    app = build_app(settings, clock=lambda: NOW)
    async with chromium() as browser, tab_browser(app, browser) as page:
        store = app[STORE_KEY]
        await seed(store)
        await _company(store)
        token = sso_token(sso_claims(lifetime=600))
        for theme in ("light", "dark"):
            for name, src in VIEWS.items():
                shown = "default" if theme == "light" else "dark"
                await page.open_in_teams(src, token=token, theme=shown, team_id=None, shown=name)
                path = DOCS / f"{name}-{theme}.png"
                path.write_bytes(await page.screenshot())
                written.append(path)
        if page.errors:
            raise RuntimeError(f"the page reported errors: {page.errors}")
    return written


async def _main() -> list[Path]:
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        values = {
            **PRODUCTION,
            "SQLITE_PATH": str(Path(folder) / "okr.sqlite3"),
            "SCHEDULER": "off",
            "LOG_FORMAT": "plain",
        }
        settings = Settings.from_env(values, env_file=None)
        async with entra_keys_served(patch):
            return await _write(settings)


def main() -> int:
    """Write every screenshot; print where."""
    DOCS.mkdir(parents=True, exist_ok=True)
    for path in asyncio.run(_main()):
        print(path.relative_to(DOCS.parents[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
