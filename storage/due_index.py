"""The "next due" index: when each team's passes may next find work, and whether that still holds.

A pass that found nothing new to do for a team stores, per (team, pass kind), the
instant before which nothing new can become due (:mod:`okr.next_due`), with the
**change tokens** it read before reading the team. A write that can make work
due earlier replaces a token with a fresh random one (a blind upsert: no read,
no clock): the team's for what belongs to one team, the tenant's for people and
whatever names no team. An entry holds only while both tokens are the ones it
copied, so a change racing a pass is never lost: the pass read the tokens
before the data, and a change writes its token after its data. See
docs/scheduling.md.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.codec import encode_datetime

DUE_INDEX_KIND = "due_index"
"""The one document kind of the index: change tokens and next-due entries of a tenant."""

TENANT_CHANGED_ID = "changed|tenant"
_TEAM_CHANGED = "changed|team|"
_NEXT = "next|"


def new_token() -> str:
    """A fresh change token: random, so two writers never write the same one."""
    return secrets.token_hex(12)


def team_changed_id(team_id: str) -> str:
    """The id of a team's change-token document."""
    return f"{_TEAM_CHANGED}{team_id}"


def next_due_id(pass_kind: str, team_id: str) -> str:
    """The id of a team's next-due entry for one pass kind."""
    return f"{_NEXT}{pass_kind}|{team_id}"


@dataclass(frozen=True, slots=True)
class Tokens:
    """The change tokens an entry is based on (None: never changed since the index began)."""

    tenant: str | None
    team: str | None


@dataclass(frozen=True, slots=True)
class NextDue:
    """Nothing new of ``pass_kind`` is due for the team before ``at`` (while ``based_on`` holds).

    Attributes:
        team_id: The team.
        pass_kind: The pass kind's value (``checkins``, ``reminders``, ``digests``).
        at: The earliest instant something new could be due (aware, UTC).
        computed_at: The pass's ``now`` it was worked out at; earlier passes ignore it.
        based_on: The change tokens read before the team was read.
    """

    team_id: str
    pass_kind: str
    at: datetime
    computed_at: datetime
    based_on: Tokens

    def to_document(self) -> dict[str, Any]:
        """The stored body."""
        return {
            "id": next_due_id(self.pass_kind, self.team_id),
            "team_id": self.team_id,
            "pass_kind": self.pass_kind,
            "at": encode_datetime(self.at),
            "computed_at": encode_datetime(self.computed_at),
            "tenant_token": self.based_on.tenant,
            "team_token": self.based_on.team,
        }

    @staticmethod
    def from_document(body: Mapping[str, Any]) -> NextDue:
        """An entry from its stored body."""
        return NextDue(
            team_id=body["team_id"],
            pass_kind=body["pass_kind"],
            at=datetime.fromisoformat(body["at"]),
            computed_at=datetime.fromisoformat(body["computed_at"]),
            based_on=Tokens(tenant=body.get("tenant_token"), team=body.get("team_token")),
        )


@dataclass(frozen=True, slots=True)
class DueIndex:
    """A tenant's whole index as one query read it."""

    tenant_token: str | None
    team_tokens: Mapping[str, str]
    entries: Mapping[tuple[str, str], NextDue]

    @staticmethod
    def from_documents(bodies: Iterable[Mapping[str, Any]]) -> DueIndex:
        """The index from the stored bodies of its documents (any order)."""
        tenant_token = None
        teams: dict[str, str] = {}
        entries: dict[tuple[str, str], NextDue] = {}
        for body in bodies:
            id_ = body["id"]
            if id_ == TENANT_CHANGED_ID:
                tenant_token = body["token"]
            elif id_.startswith(_TEAM_CHANGED):
                teams[id_.removeprefix(_TEAM_CHANGED)] = body["token"]
            elif id_.startswith(_NEXT):
                entry = NextDue.from_document(body)
                entries[(entry.pass_kind, entry.team_id)] = entry
        return DueIndex(tenant_token, teams, entries)

    def tokens(self, team_id: str) -> Tokens:
        """The team's current tokens (to copy into the entry a pass writes)."""
        return Tokens(tenant=self.tenant_token, team=self.team_tokens.get(team_id))

    def idle(self, pass_kind: str, team_id: str, now: datetime) -> bool:
        """Whether a pass of ``pass_kind`` at ``now`` can skip the team: its entry holds."""
        entry = self.entries.get((pass_kind, team_id))
        return (
            entry is not None
            and entry.based_on == self.tokens(team_id)
            and entry.computed_at <= now < entry.at
        )
