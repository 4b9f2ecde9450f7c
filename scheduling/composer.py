"""What the delivery engine needs to turn due work into cards, without building any.

Scheduling decides who gets what and when; the cards themselves are composed
by the app's composer (``cards.deliveries.DeliveryCards``), given to the engine
as the sender is. So scheduling imports neither cards nor the SDK.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from okr.digest import TeamDigest
from okr.digest_due import PeriodReport
from okr.due import OwnerRound
from okr.models import KeyResult, Member, Objective, Team, TeamSettings


class Composed(Protocol):
    """A card ready to send and the text notifications show for it."""

    @property
    def content(self) -> Mapping[str, Any]:
        """The Adaptive Card."""

    @property
    def fallback_text(self) -> str:
        """The notification and fallback text."""


class Composer(Protocol):
    """Composes the cards rounds deliver, each in its recipient's language and zone."""

    def checkin(
        self,
        member: Member,
        key_results: Sequence[KeyResult],
        objectives: Mapping[str, Objective],
        *,
        now: datetime,
        card_id: str,
        round_id: str | None,
        settings: TeamSettings | None = None,
        reminder: bool = False,
    ) -> Composed:
        """The check-in (or reminder) card for one owner."""

    def summary(
        self,
        team: Team,
        recipient: Member | None,
        round_date: date,
        missing: Sequence[OwnerRound],
        *,
        round_id: str,
        asked: int | None = None,
    ) -> Composed:
        """The missing-check-in summary for one team owner (with a nudge for that round).

        ``asked``: how many people the round asked ("9 of 12 checked in").
        """

    def digest(self, team: Team, digest: TeamDigest, members: Mapping[str, Member]) -> Composed:
        """The team's digest card, in the team's language (``team.settings.language``).

        ``members``: the people the digest names (owners, those missing), by id.
        """

    def period_report(
        self, team: Team, report: PeriodReport, members: Mapping[str, Member]
    ) -> Composed:
        """The report of a closed period for the team's channel, in ``team.settings.language``.

        ``members``: the objectives' owners, by id.
        """

    def closing(
        self,
        member: Member,
        team: Team,
        objectives: Sequence[Objective],
        key_results: Sequence[KeyResult],
        *,
        card_id: str,
    ) -> Composed:
        """The closing card for one owner: their active objectives of one ended period."""
