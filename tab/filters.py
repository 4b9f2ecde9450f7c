"""The tab's filters, read from a URL query: period, team, owner, status and a text search.

Every filter is optional. A value the tab cannot read is a :class:`BadFilter`
(the API answers 400 ``bad_request``), never a silently wider list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from okr.models import CheckInStatus, KeyResult, Objective
from okr.periods import Period, PeriodError, parse_period
from okr.text import fold

_MAX_QUERY_CHARS = 200
_MAX_ID_CHARS = 256


class BadFilter(ValueError):
    """A filter's value cannot be read."""


class StatusFilter(StrEnum):
    """An objective's status as a filter: the most worrying of its key results' last statuses."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NONE = "none"


# How worrying an owner's status is: an objective has the most worrying of its key results'.
_WORRY = {CheckInStatus.ON_TRACK: 0, CheckInStatus.AT_RISK: 1, CheckInStatus.OFF_TRACK: 2}


def objective_status(key_results: Sequence[KeyResult]) -> CheckInStatus | None:
    """The most worrying last status among ``key_results`` (None when none has one)."""
    statuses = [kr.last_status for kr in key_results if kr.last_status is not None]
    return max(statuses, key=_WORRY.__getitem__, default=None)


@dataclass(frozen=True, slots=True)
class Filters:
    """What a view is narrowed to; None means not filtered on."""

    period: Period | None = None  # None: the objectives running today
    team_id: str | None = None
    owner_id: str | None = None
    status: StatusFilter | None = None
    query: str = ""  # folded (okr.text.fold), as the bot's commands compare titles

    @classmethod
    def from_query(cls, query: Mapping[str, str], fiscal_year_start_month: int) -> Filters:
        """The filters of a URL query; raises :class:`BadFilter`."""
        period = None
        if raw := query.get("period", "").strip():
            try:
                period = parse_period(raw, fiscal_year_start_month)
            except PeriodError:
                raise BadFilter(f"period {raw[:40]!r}") from None
        status = None
        if raw := query.get("status", "").strip():
            try:
                status = StatusFilter(raw)
            except ValueError:
                raise BadFilter(f"status {raw[:40]!r}") from None
        text = query.get("q", "")
        if len(text) > _MAX_QUERY_CHARS:
            raise BadFilter("q too long")
        return cls(
            period=period,
            team_id=_id(query, "team"),
            owner_id=_id(query, "owner"),
            status=status,
            query=fold(text),
        )

    @property
    def reads_key_results(self) -> bool:
        """Whether matching looks at key results (owner, status, text), not only objectives."""
        return self.owner_id is not None or self.status is not None or bool(self.query)

    def in_period(self, objective: Objective, today: date) -> bool:
        """Whether ``objective`` is of the period asked for (or runs ``today`` when none was)."""
        if self.period is None:
            return objective.period.contains_day(today)
        return objective.period.label == self.period.label

    def matches(self, objective: Objective, key_results: Sequence[KeyResult]) -> bool:
        """Whether ``objective`` (with ``key_results``) passes team, owner, status and text."""
        if self.team_id is not None and objective.team_id != self.team_id:
            return False
        if self.owner_id is not None and not (
            objective.owner_id == self.owner_id
            or any(kr.owner_id == self.owner_id for kr in key_results)
        ):
            return False
        if self.status is not None:
            status = objective_status(key_results)
            wanted = None if self.status is StatusFilter.NONE else CheckInStatus(self.status.value)
            if status != wanted:
                return False
        return not self.query or (
            self.query in fold(objective.title)
            or any(self.query in fold(kr.title) for kr in key_results)
        )


# A list answers this many objectives unless asked for fewer (or more, up to MAX_PAGE):
# a team of a thousand is a page of a hundred at a time, each with its charts.
PAGE = 100
MAX_PAGE = 200


@dataclass(frozen=True, slots=True)
class Page:
    """Which of a list's objectives an answer carries: ``limit`` of them from ``offset``."""

    offset: int = 0
    limit: int = PAGE

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Page:
        """``offset`` and ``limit`` of a URL query; raises :class:`BadFilter`."""
        return cls(
            offset=_whole(query, "offset", 0, 1_000_000, 0),
            limit=_whole(query, "limit", 1, MAX_PAGE, PAGE),
        )


def _whole(query: Mapping[str, str], name: str, low: int, high: int, default: int) -> int:
    raw = query.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise BadFilter(f"{name} {raw[:20]!r}")
    return int(raw)


def _id(query: Mapping[str, str], name: str) -> str | None:
    raw = query.get(name, "").strip()
    if not raw:
        return None
    if len(raw) > _MAX_ID_CHARS:
        raise BadFilter(f"{name} too long")
    return raw
